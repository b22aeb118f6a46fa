"""Offline Telegram: a local Bot API-compatible server and a chat page for demos and tests."""

from bot.sandbox.core import SandboxError
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import ApiError, SandboxTimeout, SimUser

__all__ = ["ApiError", "SandboxError", "SandboxServer", "SandboxTimeout", "SimUser"]
