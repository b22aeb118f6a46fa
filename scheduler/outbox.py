"""Sends the outbox: messages to other chats that flows wrote with their changes.

The engine wakes the dispatcher after a transaction that wrote to the outbox, so a case manager
hears of a booking within a moment; the scheduler also runs it every few seconds, which sends
whatever an earlier process left behind (a crash after the commit) or had to retry.

Delivery is at least once: a message is deleted only after the messenger accepted it, so a crash
between the two sends it again after the claim expires. Issue 5 tightens this to exactly once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from bot.flows.events import Button, Reply
from scheduler.clock import Clock
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

Sender = Callable[[int, Reply], Awaitable[None]]
CLAIM = timedelta(minutes=2)  # longer than one send with its retries
BATCH = 10  # claimed at once; each claim is renewed right before its send
MAX_ATTEMPTS = 8


class Undeliverable(Exception):
    """The messenger refused for good (blocked bot, unknown chat): retrying cannot help."""


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 3600))


def as_reply(message: OutboxMessage) -> Reply:
    buttons = tuple(tuple(Button(label, data) for label, data in row)
                    for row in message.buttons or ())
    return Reply(message.text, buttons, rtl=message.rtl)


class OutboxDispatcher:
    def __init__(self, db: Database, clock: Clock, senders: Mapping[str, Sender]) -> None:
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self._running: asyncio.Task[int] | None = None
        self._again = False

    def wake(self) -> None:
        """Send soon, without waiting; called after a commit that wrote to the outbox."""
        if self._running is not None and not self._running.done():
            self._again = True  # a run is busy: it goes round once more
            return
        self._running = asyncio.get_running_loop().create_task(self._run_until_idle())

    async def tick(self) -> None:
        """The scheduler's periodic run, through the same single task as `wake`, so one
        process never has two runs sending to the same chat out of order."""
        self.wake()
        await self.idle()

    async def idle(self) -> None:
        """Wait until a run started by `wake` has finished (tests, shutdown)."""
        while self._running is not None and not self._running.done():
            try:
                await asyncio.shield(self._running)
            except Exception:
                log.exception("outbox run failed")  # the next tick tries again

    async def _run_until_idle(self) -> int:
        sent = 0
        while True:
            self._again = False
            sent += await self.run_once()
            if not self._again:
                return sent

    async def run_once(self) -> int:
        """Send every due message once; returns how many were accepted."""
        token = outbox.new_token()
        sent = 0
        while True:
            async with self.db.transaction() as session:
                claimed = await outbox.claim_due(session, self.clock.now(), CLAIM, token,
                                                 limit=BATCH)
            for message in claimed:
                sent += await self._send(message, token)
            if len(claimed) < BATCH:
                return sent

    async def _send(self, message: OutboxMessage, token: str) -> int:
        async with self.db.transaction() as session:
            if not await outbox.renew(session, message.id, token, self.clock.now(), CLAIM):
                return 0  # our claim ran out while earlier messages waited: not ours now
        sender = self.senders.get(message.bot)
        outcome = "sent"
        try:
            if sender is None:
                raise Undeliverable(f"no sender for bot {message.bot!r}")
            await sender(message.chat_id, as_reply(message))
        except Undeliverable as exc:
            outcome = "dropped"
            log.warning("outbox message %d dropped: %s", message.id, exc)
        except Exception as exc:
            if message.attempts >= MAX_ATTEMPTS:
                outcome = "dropped"
                log.error("outbox message %d dropped after %d attempts: %s", message.id,
                          message.attempts, type(exc).__name__)
            else:
                when = self.clock.now() + backoff(message.attempts)
                log.warning("outbox message %d failed (%s), retry at %s", message.id,
                            type(exc).__name__, when.isoformat())
                async with self.db.transaction() as session:
                    await outbox.retry_at(session, message.id, token, when)
                return 0
        async with self.db.transaction() as session:
            await outbox.done(session, message.id, token)
        return 1 if outcome == "sent" else 0
