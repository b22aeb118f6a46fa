"""Referrals by volunteers and partner services: their codes and German labels."""
