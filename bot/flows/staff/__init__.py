"""The staff conversation (German)."""

from bot.flows.staff.router import handle

__all__ = ["handle"]
