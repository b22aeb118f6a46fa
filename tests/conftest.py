"""Shared fixtures: migrated databases (SQLite always, PostgreSQL when configured), a fixed
clock, and a small driver that talks to the flow engine like a chat would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import make_url

# First, so that aiogram is imported as in a running instance (bot/telegram/aiogram_schemas.py).
import bot.telegram  # noqa: F401
from bot.catalogue.samples import RBK
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from scheduler.clock import FixedClock
from storage.catalogue_io import import_catalogue
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import CaseManagerWorkplace, StaffRole
from storage.repositories import Staff
from tests.support.booking import MANAGER_CHAT
from tests.support.chat import Chat
from tests.support.needs import POSTGRES_URL, skip_or_fail


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # a Monday morning


@pytest.fixture
async def sqlite_url(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kimbot.db'}"
    await upgrade_async(url)
    return url


async def _postgres_database() -> AsyncIterator[str]:
    import asyncpg

    if not POSTGRES_URL:
        skip_or_fail("no PostgreSQL server: set KIMBOT_TEST_POSTGRES_URL")
    assert POSTGRES_URL is not None
    admin = make_url(POSTGRES_URL)
    name = f"kimbot_test_{uuid.uuid4().hex[:12]}"
    plain = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(plain)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        await upgrade_async(url)
        yield url
    finally:
        conn = await asyncpg.connect(plain)
        try:
            await _drop_database(conn, name)
        finally:
            await conn.close()


async def _drop_database(conn, name: str) -> None:  # type: ignore[no-untyped-def]
    """Drop a test database. A plain DROP also stops an autovacuum worker that happens to be
    in it, which FORCE would refuse to terminate for a non-superuser; FORCE is the fallback
    for a connection the test left open."""
    import asyncpg

    for attempt in range(5):
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except asyncpg.ObjectInUseError:
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except asyncpg.InsufficientPrivilegeError:
                await asyncio.sleep(0.2 * (attempt + 1))  # an autovacuum worker: it yields soon
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async for url in _postgres_database():
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request, tmp_path) -> AsyncIterator[str]:
    """A freshly migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'kimbot.db'}"
        await upgrade_async(url)
        yield url
    else:
        async for url in _postgres_database():
            yield url


@pytest.fixture
async def db(db_url) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_db(sqlite_url) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    yield database
    await database.dispose()


@pytest.fixture
def engine(sqlite_db, clock) -> FlowEngine:
    return FlowEngine(sqlite_db, clock, FlowSettings())


@pytest.fixture
def flow(db, clock) -> FlowEngine:
    """An engine over SQLite and PostgreSQL (`db` runs the test on each); a module that needs
    set-up or settings of its own defines its own `flow`."""
    return FlowEngine(db, clock, FlowSettings())


@pytest.fixture
def chat_factory(engine):
    def make(user_id: int = 4242, language_code: str | None = "ar",
             bot: BotKind = BotKind.CLIENT) -> Chat:
        return Chat(engine, user_id, language_code, bot)
    return make


@pytest.fixture
async def booking_engine(sqlite_db, clock) -> FlowEngine:
    """The sample Kreis, with one case manager in Odenthal on Tuesday and Thursday mornings."""
    await import_catalogue(sqlite_db, [RBK], clock.now())
    async with sqlite_db.transaction() as session:
        manager = await Staff(session).add(MANAGER_CHAT, "Frau Case", StaffRole.CASE_MANAGER,
                                           clock.now())
        session.add(CaseManagerWorkplace(staff_member_id=manager.id, office_id="kim-odenthal",
                                         towns=["odenthal"], working_hours="Tu,Th 09:00-12:00"))
    return FlowEngine(sqlite_db, clock)
