"""Who takes a new intake or referral: coordination's /clearing queue and assignment
(`command`), a case manager's /anfragen and the summaries (`intakes`), and who may read which
intake (`access`, every opening logged)."""
