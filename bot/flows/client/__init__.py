"""The client (newcomer) conversation."""

from bot.flows.client.router import handle

__all__ = ["handle"]
