"""Several instances on one PostgreSQL database: a chat's updates one after another whichever
instance gets them, every periodic job once per due item whichever instance wakes first, and
the per-chat spacing of the outbox across instances. Each "instance" here is an engine or a
job with a database connection pool of its own, run at the same moment."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from bot.catalogue.cache import CatalogueCache
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Event, Outcome, Reply
from scheduler.clock import FixedClock
from scheduler.digests import send_due_digests
from scheduler.jobs import purge_expired_states
from scheduler.outbox import OutboxDispatcher, SendLimits
from scheduler.outcome_questions import ask_after_appointments
from scheduler.reminders import queue_due_reminders
from scheduler.retention import apply_retention
from storage import outbox
from storage.db import Database
from storage.models import Client, ConversationState, OutboxMessage, ProcessedUpdate
from storage.repositories import ConversationStates
from storage.retention import RetentionPolicy
from tests.support.common import VirtualTime
from tests.support.reminders import seed_due_reminders
from tests.support.staff import NOW, add_appointment, add_client, add_member

pytestmark = pytest.mark.postgres


@pytest.fixture
async def two(postgres_url):
    """Two instances' connection pools on one database."""
    first, second = Database(postgres_url), Database(postgres_url)
    yield first, second
    await first.dispose()
    await second.dispose()


async def waiting_for_a_lock(db: Database) -> bool:
    async with db.transaction() as session:
        return bool(await session.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")))


async def test_one_chats_updates_run_one_after_another_across_instances(two):
    first_db, second_db = two
    clock = FixedClock(NOW)
    steps: list[str] = []
    release, inside = asyncio.Event(), asyncio.Event()

    async def holding(ctx):
        steps.append(f"enter {ctx.event.text}")
        if ctx.event.text == "eins":
            inside.set()
            await release.wait()  # still inside the transaction, the chat locked
        steps.append(f"leave {ctx.event.text}")
        return Outcome([Reply("ok")])

    a = FlowEngine(first_db, clock, handlers={BotKind.CLIENT: holding})
    b = FlowEngine(second_db, clock, handlers={BotKind.CLIENT: holding})
    one = asyncio.create_task(a.handle(Event.from_text(BotKind.CLIENT, 77, 77, "eins"), None,
                                       update_id=1))
    await inside.wait()
    two_ = asyncio.create_task(b.handle(Event.from_text(BotKind.CLIENT, 77, 77, "zwei"), None,
                                        update_id=2))
    # Another chat is not held up by it.
    await b.handle(Event.from_text(BotKind.CLIENT, 78, 78, "andere"), None, update_id=3)
    for _ in range(500):
        if await waiting_for_a_lock(first_db):
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the second instance never waited for the chat's lock")
    assert "enter zwei" not in steps
    release.set()
    await asyncio.gather(one, two_)
    assert steps == ["enter eins", "enter andere", "leave andere", "leave eins",
                     "enter zwei", "leave zwei"]


async def test_reminders_are_queued_once_whichever_instance_runs_first(two):
    first_db, second_db = two
    chats = list(range(620000, 620040))
    await seed_due_reminders(first_db, chats, NOW)
    clock = FixedClock(NOW)
    queued = await asyncio.gather(
        *(queue_due_reminders(db, clock, CatalogueCache(), "Europe/Berlin")
          for db in (first_db, second_db, first_db, second_db)))
    assert sum(queued) == len(chats)
    assert Counter((await per_chat(first_db, "client")).values()) == {1: len(chats)}


async def per_chat(db: Database, bot: str) -> dict[int, int]:
    async with db.transaction() as session:
        rows = await session.execute(select(OutboxMessage.chat_id, func.count())
                                     .where(OutboxMessage.bot == bot)
                                     .group_by(OutboxMessage.chat_id))
        return dict(rows.all())


async def test_digests_and_questions_after_appointments_go_out_once(two):
    first_db, second_db = two
    clock = FixedClock(NOW)  # Monday 10:00 in Berlin: the 07:30 digests are due
    members = [await add_member(first_db, 630000 + n, f"Case {n}") for n in range(6)]
    for n, member in enumerate(members):
        client = await add_client(first_db, 631000 + n)
        await add_appointment(first_db, client, member, NOW - timedelta(hours=2))
    digests = await asyncio.gather(*(send_due_digests(db, clock, "Europe/Berlin")
                                     for db in (first_db, second_db, first_db)))
    assert sum(digests) == len(members)
    after_digests = await per_chat(first_db, "staff")
    assert set(after_digests) == {630000 + n for n in range(6)}
    asked = await asyncio.gather(*(ask_after_appointments(db, clock, "Europe/Berlin")
                                   for db in (first_db, second_db, first_db)))
    assert sum(asked) == len(members)
    after_questions = await per_chat(first_db, "staff")
    assert all(after_questions[chat] == after_digests[chat] + 1 for chat in after_digests)


async def test_retention_and_the_purge_run_in_one_instance_at_a_time(two):
    first_db, second_db = two
    clock = FixedClock(NOW)
    async with first_db.transaction() as session:
        for n in range(5):
            client = Client(telegram_id=640000 + n, language="ar", consent_at=NOW,
                            consent_version="v1", created_at=NOW - timedelta(days=400),
                            last_seen_at=NOW - timedelta(days=400))
            session.add(client)
        states = ConversationStates(session)
        for n in range(5):
            await states.save(f"key{n}", "client", "menu", "ar", {},
                              NOW - timedelta(days=3), timedelta(hours=24))
        session.add(ProcessedUpdate(bot="client", update_id=5, expires_at=NOW))
    removed = await asyncio.gather(apply_retention(first_db, clock, RetentionPolicy()),
                                   apply_retention(second_db, clock, RetentionPolicy()))
    assert sum(r.clients for r in removed) == 5  # deleted once, by one of them
    purged = await asyncio.gather(purge_expired_states(first_db, clock),
                                  purge_expired_states(second_db, clock))
    assert sum(purged) == 5
    async with first_db.transaction() as session:
        for model in (Client, ConversationState, ProcessedUpdate):
            assert await session.scalar(select(func.count()).select_from(model)) == 0


async def test_the_per_chat_spacing_holds_across_instances(two):
    first_db, second_db = two
    clock = FixedClock(NOW)
    sent: list[tuple[str, str, float]] = []
    time = VirtualTime(clock)

    def sender_for(name: str):
        async def sender(chat_id, reply):
            sent.append((name, reply.text, time.now))
        return sender

    a, b = (OutboxDispatcher(db, clock, {"client": sender_for(name)}, SendLimits(1000, 1),
                             monotonic=time.monotonic, sleep=time.sleep)
            for name, db in (("a", first_db), ("b", second_db)))
    # The instances take turns: each message is new to the one that sends it, so only the
    # database can know that the chat just got one from the other.
    for n, dispatcher in enumerate((a, b, a, b)):
        async with first_db.transaction() as session:
            outbox.add(session, bot="client", chat_id=650000, text=f"m{n}", now=clock.now())
        assert await dispatcher.run_once() == 1
    assert [(name, text) for name, text, _ in sent] == [
        ("a", "m0"), ("b", "m1"), ("a", "m2"), ("b", "m3")]
    gaps = [later - earlier for (_, _, earlier), (_, _, later) in itertools.pairwise(sent)]
    assert all(gap >= 1.0 for gap in gaps), gaps


