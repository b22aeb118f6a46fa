"""Driving the outbox dispatcher in tests: a sender that records (or fails), and waits for the
rate limits that pass in virtual time."""

from __future__ import annotations

from bot.flows.events import Reply
from scheduler.clock import FixedClock
from scheduler.outbox import OutboxDispatcher
from tests.support.common import VirtualTime


class Recorder:
    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[int, Reply]] = []
        self.fail = fail

    async def __call__(self, chat_id: int, reply: Reply) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append((chat_id, reply))


def dispatcher_for(db, clock: FixedClock, senders) -> OutboxDispatcher:
    """A dispatcher whose waits for Telegram's rate limits pass in virtual time."""
    time = VirtualTime(clock)
    return OutboxDispatcher(db, clock, senders, monotonic=time.monotonic, sleep=time.sleep)
