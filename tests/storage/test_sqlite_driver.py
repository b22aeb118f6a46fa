"""The SQLite driver that takes one thread hop per statement (storage/sqlite_driver.py):
the same results, errors and transactions as plain aiosqlite, with fewer hand-offs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import aiosqlite
import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Client
from storage.repositories import Clients, ConversationStates, load_chat
from storage.sqlite_driver import OneHopConnection

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def client_row(telegram_id: int) -> dict[str, object]:
    return {"telegram_id": telegram_id, "language": "de", "consent_at": NOW,
            "consent_version": "v1", "created_at": NOW, "last_seen_at": NOW}


@pytest.fixture
def hops(monkeypatch) -> Counter[str]:
    """Every hand-off to a connection's thread, by what ran there."""
    seen: Counter[str] = Counter()
    original = aiosqlite.Connection._execute

    async def counting(self, fn, *args, **kwargs):
        seen[getattr(fn, "__name__", repr(fn))] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return seen


async def test_sqlite_connections_use_the_one_hop_driver(sqlite_db):
    async with sqlite_db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, OneHopConnection)
        # The settings of storage.db._tune_sqlite still apply.
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 10000
        assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL


async def test_an_event_costs_one_hop_per_statement_and_commit(sqlite_db, hops):
    async with sqlite_db.transaction() as session:  # warm up: connect, tune, caches
        await load_chat(session, "k", Client, 1)
    hops.clear()
    async with sqlite_db.transaction() as session:  # a read-only event
        await load_chat(session, "k", Client, 1)
    assert sum(hops.values()) == 1
    hops.clear()
    async with sqlite_db.transaction() as session:  # an event that writes its state
        await load_chat(session, "k", Client, 1)
        await ConversationStates(session).save("k", "client", "menu", "de", {}, NOW,
                                               timedelta(hours=24))
    # read, update (no row yet), insert, commit
    assert sum(hops.values()) == 4 and hops["commit"] == 1


async def test_rows_counts_and_generated_ids_come_back(sqlite_db):
    async with sqlite_db.transaction() as session:
        first = await Clients(session).record_consent(1, "ar", "v1", NOW)
        second = await Clients(session).record_consent(2, "fa", "v1", NOW)
        assert first.id is not None and second.id == first.id + 1
        await session.execute(insert(Client), [client_row(3), client_row(4)])  # executemany
        rows = (await session.execute(select(Client.telegram_id).order_by(Client.id))).all()
        assert [r.telegram_id for r in rows] == [1, 2, 3, 4]
        updated = await session.execute(
            Client.__table__.update().where(Client.telegram_id > 2).values(language="uk"))
        assert updated.rowcount == 2
        empty = await session.execute(select(Client).where(Client.telegram_id == 99))
        assert empty.first() is None
    async with sqlite_db.transaction() as session:
        streamed = await session.stream(select(Client.telegram_id).order_by(Client.id))
        assert [row.telegram_id async for row in streamed] == [1, 2, 3, 4]
        assert await session.scalar(select(func.count()).select_from(Client)) == 4


async def test_a_failed_savepoint_keeps_the_outer_transaction(sqlite_db):
    async with sqlite_db.transaction() as session:
        await Clients(session).record_consent(5, "de", "v1", NOW)
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(Client(**client_row(5)))
                await session.flush()
        await Clients(session).record_consent(6, "de", "v1", NOW)
    async with sqlite_db.transaction() as session:
        ids = (await session.scalars(select(Client.telegram_id).order_by(Client.id))).all()
    assert ids == [5, 6]


async def test_sql_errors_arrive_as_sqlalchemy_errors_and_the_connection_stays_usable(
        sqlite_db):
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError, match="no such table"):
        async with sqlite_db.transaction() as session:
            await session.execute(text("SELECT * FROM no_such_table"))
    async with sqlite_db.transaction() as session:
        assert (await session.execute(text("SELECT 1"))).scalar() == 1


async def test_the_driver_serves_a_second_database_object_on_the_same_file(sqlite_url):
    # Two engines (as two processes would) see each other's commits.
    one, two = Database(sqlite_url), Database(sqlite_url)
    try:
        async with one.transaction() as session:
            await Clients(session).record_consent(7, "de", "v1", NOW)
        async with two.transaction() as session:
            assert await Clients(session).by_telegram_id(7) is not None
    finally:
        await one.dispose()
        await two.dispose()
