"""How a send can fail, as far as the outbox needs to know: whether trying again can help,
when, and whether the message may have arrived anyway."""

from __future__ import annotations


class Undeliverable(Exception):
    """The messenger refused for good (blocked bot, unknown chat): retrying cannot help."""


class Blocked(Undeliverable):
    """The person blocked the bot (403): they are marked unreachable for their case manager."""


class RetryLater(Exception):
    """Too many requests (429): Telegram says when to try again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g}s")
        self.seconds = seconds


class NotSent(Exception):
    """The request certainly did not reach the messenger (connection refused, server error
    before acceptance): safe to send again after a pause."""


class MaybeSent(Exception):
    """The request left but no answer came (timeout, dropped connection): it may have arrived.
    Sending it again could make a duplicate, so the outbox does not."""
