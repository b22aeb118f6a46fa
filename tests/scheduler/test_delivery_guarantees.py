"""Exactly once and within Telegram's limits, checked against the local Bot API server: a
sending process killed with SIGKILL in the middle of a batch, two dispatchers on one
PostgreSQL database, and a server that answers 429 when the limits are exceeded."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.catalogue.cache import CatalogueCache
from bot.flows.events import Reply
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import SimUser
from scheduler.bot_api_sender import BotApiSender
from scheduler.clock import FixedClock, SystemClock
from scheduler.outbox import OutboxDispatcher, SendLimits
from scheduler.rate_limit import RateLimiter
from scheduler.reminders import queue_due_reminders
from scheduler.send_errors import Blocked, NotSent, RetryLater, Undeliverable
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, Reminder
from tests.support.common import VirtualTime
from tests.support.reminders import seed_due_reminders

ROOT = Path(__file__).parents[2]
CLIENT_TOKEN, STAFF_TOKEN = "1000001:guarantee-client", "1000002:guarantee-staff"
FIRST_CHAT = 610000


@pytest.fixture
async def server():
    sandbox = SandboxServer()
    sandbox.add_bot(CLIENT_TOKEN, "kim_client_bot", "KIM", role="client")
    sandbox.add_bot(STAFF_TOKEN, "kim_staff_bot", "KIM Staff", role="staff")
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


def register(server: SandboxServer, count: int) -> list[int]:
    chats = [FIRST_CHAT + n for n in range(count)]
    for chat_id in chats:
        server.register_user(CLIENT_TOKEN, SimUser(chat_id, f"Person {chat_id}", "ar"))
    return chats


def delivered(server: SandboxServer, token: str = CLIENT_TOKEN) -> Counter[int]:
    """Messages the server accepted, per chat."""
    return Counter(chat_id for chat_id, chat in server.bot(token).chats.items()
                   for message in chat.messages.values() if message.from_bot)


async def outbox_size(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count(OutboxMessage.id))) or 0


# ------------------------------------------------------------------ the sender's answers

async def test_the_sender_tells_apart_what_may_be_retried(server):
    [chat] = register(server, 1)
    sender = BotApiSender(server.url, CLIENT_TOKEN)
    try:
        await sender(chat, Reply("Hallo"))
        server.fail_next("sendMessage", 429, retry_after=7)
        with pytest.raises(RetryLater) as too_many:
            await sender(chat, Reply("Hallo"))
        assert too_many.value.seconds == 7
        server.set_blocked(CLIENT_TOKEN, chat)
        with pytest.raises(Blocked):
            await sender(chat, Reply("Hallo"))
        with pytest.raises(Undeliverable):
            await sender(999999, Reply("Hallo"))  # a chat that never started the bot
    finally:
        await sender.close()
    closed = BotApiSender("http://127.0.0.1:9", CLIENT_TOKEN)  # nothing listens there
    try:
        with pytest.raises(NotSent):
            await closed(chat, Reply("Hallo"))
    finally:
        await closed.close()


# ------------------------------------------------------------------ the limiter

def test_the_limiter_spaces_messages_per_bot_and_per_chat():
    time = VirtualTime()
    limiter = RateLimiter(per_second=10, per_chat_per_second=1, monotonic=time.monotonic)
    limiter.sent(1)
    assert limiter.ready_at(2) - time.now == pytest.approx(0.1)
    assert limiter.ready_at(1) - time.now == pytest.approx(1.0)


def test_a_429_pauses_the_bot_and_slows_that_chat_down():
    time = VirtualTime()
    limiter = RateLimiter(per_second=100, per_chat_per_second=4, monotonic=time.monotonic)
    limiter.too_fast(1, 2.0)
    assert limiter.ready_at(2) == pytest.approx(time.now + 2.0)
    time.now += 2.0
    limiter.sent(1)
    assert limiter.chat_ready_at(1) == pytest.approx(time.now + 2.2)  # learned, with margin
    limiter.sent(2)
    assert limiter.chat_ready_at(2) == pytest.approx(time.now + 0.25)


async def test_a_429_is_waited_out_and_the_chat_keeps_its_order(db):
    now = datetime(2026, 11, 23, 8, tzinfo=UTC)
    async with db.transaction() as session:
        for n in range(3):
            outbox.add(session, bot="client", chat_id=7, text=f"m{n}", now=now)
    sent: list[str] = []
    refusals = iter([RetryLater(3)])

    async def sender(chat_id: int, reply: Reply) -> None:
        if reply.text == "m1":
            refusal = next(refusals, None)
            if refusal is not None:
                raise refusal
        sent.append(reply.text)

    clock = FixedClock(now)
    time = VirtualTime(clock)
    dispatcher = OutboxDispatcher(db, clock, {"client": sender}, monotonic=time.monotonic,
                                  sleep=time.sleep)
    assert await dispatcher.run_once() == 3
    assert sent == ["m0", "m1", "m2"] and await outbox_size(db) == 0
    assert max(time.slept) >= 3.0  # honoured retry_after


# ------------------------------------------------------------------ a crash mid-batch

def _send_process(db_url: str, api_url: str, wait: bool) -> tuple[list[str], dict[str, str]]:
    """`kimbot outbox send` against the local server, as its own process."""
    env = {**os.environ, "KIMBOT_DATABASE_URL": db_url, "KIMBOT_TELEGRAM_API_URL": api_url,
           "KIMBOT_CLIENT_TOKEN": CLIENT_TOKEN, "KIMBOT_STAFF_TOKEN": STAFF_TOKEN,
           "KIMBOT_SEND_RATE": "30", "KIMBOT_SEND_RATE_PER_CHAT": "1",
           # Claims of the killed process run out after 2 s instead of 2 minutes.
           "KIMBOT_OUTBOX_CLAIM_SECONDS": "2", "KIMBOT_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "bot.cli", "outbox", "send"]
    return ([*command, "--wait"] if wait else command), env


async def test_a_sender_killed_mid_batch_and_restarted_delivers_each_reminder_once(
        server, sqlite_url):
    chats = register(server, 40)
    db = Database(sqlite_url)
    try:
        # The real clock, because `kimbot outbox send` reads it in its own process; only the
        # distance to it matters, and quiet hours are off.
        await seed_due_reminders(db, chats, SystemClock().now())  # wall clock ok
    finally:
        await db.dispose()
    kill_at = 15  # inside the first claimed batch of 20
    first: asyncio.subprocess.Process | None = None

    def kill_on_arrival(token: str, method: str, params: dict) -> None:
        # SIGKILL while the 15th request is with the server, before it answers: the sender
        # dies between sending and recording, the worst moment for a duplicate.
        if method == "sendMessage" and sum(delivered(server).values()) == kill_at - 1:
            assert first is not None
            os.kill(first.pid, signal.SIGKILL)

    server.on_call = kill_on_arrival
    command, env = _send_process(sqlite_url, server.url, wait=False)
    first = await asyncio.create_subprocess_exec(*command, env=env, cwd=ROOT,
                                                 stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(first.communicate(), timeout=60)
    assert first.returncode == -signal.SIGKILL, stderr.decode()
    await asyncio.sleep(0)  # let the server finish storing the request it was handling
    server.on_call = None
    assert sum(delivered(server).values()) == kill_at

    command, env = _send_process(sqlite_url, server.url, wait=True)
    second = await asyncio.create_subprocess_exec(*command, env=env, cwd=ROOT,
                                                  stdout=asyncio.subprocess.DEVNULL,
                                                  stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 0, stderr.decode()

    assert delivered(server) == Counter({chat_id: 1 for chat_id in chats})
    db = Database(sqlite_url)
    try:
        assert await outbox_size(db) == 0
        async with db.transaction() as session:
            outcomes = set(await session.scalars(select(Reminder.outcome)))
        assert outcomes == {"queued"}
    finally:
        await db.dispose()


# ------------------------------------------------------------------ two instances

@pytest.mark.postgres
async def test_two_dispatchers_on_one_postgresql_database_send_each_reminder_once(
        server, postgres_url):
    chats = register(server, 120)
    db_a, db_b = Database(postgres_url), Database(postgres_url)
    try:
        clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        await seed_due_reminders(db_a, chats, clock.now())
        queued = await asyncio.gather(
            queue_due_reminders(db_a, clock, CatalogueCache(), "Europe/Berlin"),
            queue_due_reminders(db_b, clock, CatalogueCache(), "Europe/Berlin"))
        assert sum(queued) == len(chats)
        senders = [BotApiSender(server.url, CLIENT_TOKEN) for _ in range(2)]
        limits = SendLimits(per_second=5000, per_chat_per_second=1000)
        dispatchers = [OutboxDispatcher(db, clock, {"client": sender}, limits)
                       for db, sender in zip((db_a, db_b), senders, strict=True)]
        try:
            counts = await asyncio.gather(*(d.run_once() for d in dispatchers))
        finally:
            for sender in senders:
                await sender.close()
        assert sum(counts) == len(chats)
        assert delivered(server) == Counter({chat_id: 1 for chat_id in chats})
        assert await outbox_size(db_a) == 0
    finally:
        await db_a.dispose()
        await db_b.dispose()


# ------------------------------------------------------------------ Telegram's limits

async def test_a_server_enforcing_the_limits_gets_every_message_and_one_429_per_chat_at_most(
        server, sqlite_db):
    """The dispatcher is set to 4 messages a second per chat; the server allows 2. Each chat
    may earn one 429; after it, that chat is sent to at the pace the 429 asked for (1 s, whole
    seconds as Telegram says it). The server's own limit is looser than the learned pace so
    that a loaded machine's delay between sending and arriving cannot earn a second 429."""
    chats = register(server, 4)
    server.set_rate_limits(per_second=1000, per_chat_per_second=2)
    # The real clock: the dispatcher waits out the server's retry_after in real time. Nothing
    # here depends on the hour or the day.
    now = SystemClock().now()  # wall clock ok
    async with sqlite_db.transaction() as session:
        for round_ in range(3):
            for chat_id in chats:
                outbox.add(session, bot="client", chat_id=chat_id, text=f"Nachricht {round_}",
                           now=now)
    sender = BotApiSender(server.url, CLIENT_TOKEN)
    dispatcher = OutboxDispatcher(sqlite_db, SystemClock(), {"client": sender},  # wall clock ok
                                  SendLimits(per_second=1000, per_chat_per_second=4))
    try:
        assert await dispatcher.run_once() == 12
    finally:
        await sender.close()
    assert delivered(server) == Counter({chat_id: 3 for chat_id in chats})
    refusals = Counter(record.chat_id for record in server.too_many)
    assert refusals and max(refusals.values()) == 1
    for chat_id in chats:  # and in order
        texts = [m.message["text"] for m in server.bot(CLIENT_TOKEN).chat(chat_id)
                 .messages.values()]
        assert texts == ["Nachricht 0", "Nachricht 1", "Nachricht 2"]
