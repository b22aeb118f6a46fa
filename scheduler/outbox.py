"""Sends the outbox: messages to other chats that flows and jobs wrote with their changes.

The engine wakes the dispatcher after a transaction that wrote to the outbox, so a case manager
hears of a booking within a moment; the scheduler also runs it every few seconds, which sends
whatever an earlier process left behind (a crash after the commit) or had to retry.

Exactly once (storage/outbox.py has the states):
1. claim a batch (another instance skips it);
2. commit `sending_at` for the messages about to go, then send exactly those, then forget them.
What goes out together is what the rate limiter allows at once: at Telegram's 30 messages a
second that is one message, so a process killed at any point leaves at most one message whose
fate is unknown (at 1,000/s against a local server, up to twenty sent together). Such
a message is logged and not repeated; every other one is sent exactly once.

Telegram's limits are kept by a RateLimiter per bot. A 429 pauses the chat and the bot for its
`retry_after`, a 403 marks the person unreachable, a refused connection is retried with back-off;
a chat whose message must wait keeps its later messages waiting too, so their order holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.flows.events import Button, Document, Reply
from scheduler.clock import Clock
from scheduler.rate_limit import RateLimiter
from scheduler.send_errors import Blocked, MaybeSent, NotSent, RetryLater, Undeliverable
from storage import kim_messages, outbox, undelivered
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

Sender = Callable[[int, Reply], Awaitable[int | None]]
CLAIM = timedelta(minutes=2)  # a sender that died lets its claims go after this
BATCH = 200  # claimed at once (a multiple of IN_FLIGHT, so no group runs half empty)
IN_FLIGHT = 20  # requests on the wire at once, at most (see the module docstring)
MAX_ATTEMPTS = 8
MAX_WAIT_HERE = timedelta(seconds=30)  # longer 429 pauses give the message back to the table
MAX_WAITS_HERE = 3  # 429s for one message in one run before it goes back to the table

__all__ = ["OutboxDispatcher", "SendLimits", "Undeliverable", "as_reply", "backoff"]


@dataclass(frozen=True)
class SendLimits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 3600))


def as_reply(message: OutboxMessage) -> Reply:
    buttons = tuple(tuple(Button(label, data) for label, data in row)
                    for row in message.buttons or ())
    document = None
    if message.document is not None:  # a calendar file: `text` is its caption
        file = outbox.File.unpacked(message.document)
        document = Document(file.file_name, file.content, file.mime_type)
    return Reply(message.text, buttons, document=document, rtl=message.rtl)


class OutboxDispatcher:
    def __init__(self, db: Database, clock: Clock, senders: Mapping[str, Sender],
                 limits: SendLimits = SendLimits(),
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 claim: timedelta = CLAIM) -> None:
        self.db = db
        self.clock = clock
        self.senders = dict(senders)
        self.claim = claim
        self.monotonic = monotonic
        self.sleep = sleep
        self.limiters = {bot: RateLimiter(limits.per_second, limits.per_chat_per_second,
                                          monotonic) for bot in self.senders}
        self.chat_interval = timedelta(seconds=1 / limits.per_chat_per_second)
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
        """Send every due message once; returns how many Telegram accepted."""
        await self._sweep()
        token = outbox.new_token()
        sent = 0
        while True:
            async with self.db.transaction() as session:
                claimed = await outbox.claim_due(session, self.clock.now(), self.claim, token,
                                                 limit=BATCH)
            sent += await self._send_batch(claimed, token)
            if len(claimed) < BATCH:
                return sent

    async def _sweep(self) -> None:
        async with self.db.transaction() as session:
            abandoned = await outbox.sweep_abandoned(session, self.clock.now())
        if abandoned:
            log.warning("outbox: %d message(s) were being sent when a process stopped; "
                        "they may have arrived and are not sent again", abandoned)

    async def _send_batch(self, batch: list[OutboxMessage], token: str) -> int:
        pending = list(batch)
        waits: Counter[int] = Counter()
        accepted: list[int] = []  # sent (or given up); deleted when the batch is done
        sent_ids: dict[int, int] = {}  # outbox id -> Telegram's id of a relayed KIM message
        sent = 0
        while pending:
            wait = self._fill_time(pending) - self.monotonic()
            if wait > 0:
                await self.sleep(wait)
            group = self._group(pending)
            if not group:
                await self.sleep(max(self._earliest(pending) - self.monotonic(), 0.0))
                continue
            async with self.db.transaction() as session:
                starts = await outbox.start_sending(session, group, token, self.clock.now(),
                                                    self.claim, self.chat_interval)
            pending = [m for m in pending if m not in group]
            # Chats another instance sent to a moment ago: their turn comes after the gap.
            held = [m for m in group if starts[m.id] is outbox.Start.WAIT]
            for message in held:
                self._limiter(message).hold(message.chat_id,
                                            self.chat_interval.total_seconds())
            if held:
                pending = sorted([*pending, *held], key=lambda m: m.id)
            going = [m for m in group if starts[m.id] is outbox.Start.GO]
            errors = await asyncio.gather(*(_attempt(self.senders, m, sent_ids)
                                            for m in going))
            for message, error in zip(going, errors, strict=True):
                _count(message, error)
                if error is None:
                    accepted.append(message.id)
                    sent += 1
                    continue
                result = await self._failed(message, error, token)
                if result.forget:
                    accepted.append(message.id)
                if result.wait_here:
                    waits[message.id] += 1
                    if waits[message.id] <= MAX_WAITS_HERE:
                        pending = sorted([*pending, message], key=lambda m: m.id)
                        continue
                    result = await self._again_at(
                        message, token, self.clock.now() + backoff(message.attempts))
                if result.again_at is not None:
                    pending = await self._defer_followers(pending, message, token,
                                                          result.again_at)
        if accepted:
            async with self.db.transaction() as session:
                await self._record_relayed(session, batch, sent_ids)
                await outbox.forget_sent(session, accepted, token)
        return sent

    @staticmethod
    async def _record_relayed(session: AsyncSession, batch: list[OutboxMessage],
                              sent_ids: dict[int, int]) -> None:
        for message in batch:  # the person's messages in staff chats, not answers to them
            if message.id in sent_ids and message.kim_message_id is not None \
                    and message.bot != outbox.CLIENT_BOT:
                await kim_messages.record_relayed(session, message.kim_message_id,
                                                  message.chat_id, sent_ids[message.id])

    def _group(self, pending: list[OutboxMessage]) -> list[OutboxMessage]:
        """The messages that may go now: each chat's first only (their order holds), as many
        as the limiters allow at once, up to IN_FLIGHT."""
        group: list[OutboxMessage] = []
        for message in _firsts(pending):
            limiter = self._limiter(message)
            if limiter.ready_at(message.chat_id) <= self.monotonic():
                limiter.sent(message.chat_id)
                group.append(message)
                if len(group) == IN_FLIGHT:
                    break
        return group

    def _fill_time(self, pending: list[OutboxMessage]) -> float:
        """When some bot can send as many of its ready chats' messages as may go at once."""
        now = self.monotonic()
        ready: Counter[str] = Counter(m.bot for m in _firsts(pending)
                                      if self._limiter(m).chat_ready_at(m.chat_id) <= now)
        if not ready:
            return now
        return min(self._limiter_for(bot).tokens_ready_at(min(count, IN_FLIGHT))
                   for bot, count in ready.items())

    def _earliest(self, pending: list[OutboxMessage]) -> float:
        return min(self._limiter(m).ready_at(m.chat_id) for m in _firsts(pending))

    def _limiter(self, message: OutboxMessage) -> RateLimiter:
        return self._limiter_for(message.bot)

    def _limiter_for(self, bot: str) -> RateLimiter:
        limiter = self.limiters.get(bot)
        if limiter is None:  # a bot without sender: its messages are dropped in _failed
            limiter = self.limiters[bot] = RateLimiter(1e9, 1e9, self.monotonic)
        return limiter

    async def _defer_followers(self, pending: list[OutboxMessage], message: OutboxMessage,
                               token: str, when: datetime) -> list[OutboxMessage]:
        followers = [m for m in pending if (m.bot, m.chat_id) == (message.bot, message.chat_id)]
        if followers:
            async with self.db.transaction() as session:
                await outbox.retry_at(session, [m.id for m in followers], token, when)
        return [m for m in pending if m not in followers]

    async def _failed(self, message: OutboxMessage, error: Exception, token: str) -> _Result:
        """Record what a refused or unanswered send means for the message."""
        if isinstance(error, RetryLater):
            self._limiter(message).too_fast(message.chat_id, error.seconds)
            log.warning("outbox message %d: too many requests, retry in %gs", message.id,
                        error.seconds)
            if error.seconds <= MAX_WAIT_HERE.total_seconds():
                # Short pauses are waited out holding the claim, so the chat's order holds
                # and the run ends with everything sent.
                async with self.db.transaction() as session:
                    await outbox.not_sending(session, message.id, token, self.clock.now(),
                                             self.claim)
                return _Result(wait_here=True)
            return await self._again_at(message, token,
                                        self.clock.now() + timedelta(seconds=error.seconds))
        if isinstance(error, NotSent) and message.attempts < MAX_ATTEMPTS:
            when = self.clock.now() + backoff(message.attempts)
            log.warning("outbox message %d not sent (%s), retry at %s", message.id, error,
                        when.isoformat())
            return await self._again_at(message, token, when)
        if isinstance(error, Blocked):
            log.info("outbox message %d: the recipient blocked the bot", message.id)
            async with self.db.transaction() as session:
                await outbox.blocked(session, message, token, self.clock.now())
                if message.kim_message_id is not None and message.bot == outbox.CLIENT_BOT:
                    await kim_messages.answer_not_delivered(session, message.kim_message_id,
                                                            self.clock.now())
                if message.bot != outbox.CLIENT_BOT:
                    # A person who blocked the client bot is marked unreachable instead (their
                    # case manager's digest says so); staff must hear of it otherwise.
                    await undelivered.record(session, message, str(error) or "bot blocked",
                                             self.clock.now())
            return _Result()
        if isinstance(error, MaybeSent):
            log.warning("outbox message %d: no answer (%s); it may have arrived and is not "
                        "sent again", message.id, error)
            return _Result(forget=True)
        if isinstance(error, NotSent):
            log.error("outbox message %d dropped after %d attempts", message.id,
                      message.attempts)
            reason = f"not sent after {message.attempts} attempts ({error})"
        else:
            log.warning("outbox message %d dropped: %s", message.id, error)
            reason = str(error)
        # Never only a log line: coordination's digest and `kimbot outbox status` show it.
        async with self.db.transaction() as session:
            await undelivered.record(session, message, reason, self.clock.now())
        return _Result(forget=True)

    async def _again_at(self, message: OutboxMessage, token: str, when: datetime) -> _Result:
        async with self.db.transaction() as session:
            await outbox.retry_at(session, [message.id], token, when)
        return _Result(again_at=when)


def _count(message: OutboxMessage, error: Exception | None) -> None:
    if error is None:
        metrics.count_send(message.bot, "ok")
        if message.appointment_id is not None:  # only reminders are tied to an appointment
            metrics.REMINDERS_SENT.inc()
    else:
        metrics.count_send(message.bot, "429" if isinstance(error, RetryLater)
                           else "403" if isinstance(error, Blocked) else "other")


def _firsts(pending: list[OutboxMessage]) -> list[OutboxMessage]:
    """Each chat's first pending message, in the order they were written."""
    firsts: dict[tuple[str, int], OutboxMessage] = {}
    for message in pending:
        firsts.setdefault((message.bot, message.chat_id), message)
    return list(firsts.values())


async def _attempt(senders: Mapping[str, Sender], message: OutboxMessage,
                   sent_ids: dict[int, int]) -> Exception | None:
    """Send (or relay a file, or delete a message); the failure, classified, or None. The
    Telegram id of a sent message that carries a KIM message goes into `sent_ids`."""
    sender = senders.get(message.bot)
    if sender is None:
        return Undeliverable(f"no sender for bot {message.bot!r}")
    try:
        if message.delete_message_id is not None:
            await sender.delete(message.chat_id, message.delete_message_id)  # type: ignore[attr-defined]
            return None
        if message.relay is not None:
            source = senders.get(str(message.relay.get("from", "client")))
            sent = await sender.relay(message.chat_id, as_reply(message),  # type: ignore[attr-defined]
                                      message.relay, source)
        else:
            sent = await sender(message.chat_id, as_reply(message))
    except (RetryLater, NotSent, Undeliverable, MaybeSent) as exc:
        return exc
    except Exception as exc:
        # A sender that fails in its own way (a bug, an unexpected library error) failed
        # before anything left: the message is tried again with back-off, never dropped.
        return NotSent(type(exc).__name__)
    if message.kim_message_id is not None and isinstance(sent, int):
        sent_ids[message.id] = sent
    return None


@dataclass(frozen=True)
class _Result:
    again_at: datetime | None = None  # set if it (and its chat's later messages) must wait
    wait_here: bool = False  # Telegram asked for a short pause: try this one again after it
    forget: bool = False  # finished without arriving (refused for good, or maybe arrived)
