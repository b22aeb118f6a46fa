"""The database layer, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database, DatabaseNotMigrated
from storage.migrate import downgrade, head_revision, upgrade_async
from storage.models import Client, StaffMember, StaffRole
from storage.repositories import (
    Clients,
    ConversationStates,
    Staff,
    load_chat,
    load_state_key,
    state_key,
)
from storage.urls import normalize_url


async def test_schema_is_at_head(db):
    assert await db.current_revision() == head_revision()
    await db.check_migrated()


async def test_an_unmigrated_database_is_refused_with_the_fix(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseNotMigrated, match="kimbot db upgrade"):
        await database.check_migrated()
    await database.dispose()


async def test_migrations_go_down_and_up_again(db_url):
    import asyncio

    await asyncio.to_thread(downgrade, db_url, "base")
    database = Database(db_url)
    with pytest.raises(DatabaseNotMigrated):
        await database.check_migrated()
    await upgrade_async(db_url)
    await database.check_migrated()
    await database.dispose()


async def test_times_come_back_as_the_same_utc_instant(db):
    # A Berlin time just after the spring DST change.
    moment = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    async with db.transaction() as session:
        await Clients(session).record_consent(1, "de", "v1", moment)
    async with db.transaction() as session:
        client = await Clients(session).by_telegram_id(1)
        assert client is not None
        assert client.consent_at == moment
        assert client.consent_at.tzinfo is not None
        assert client.consent_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(db):
    with pytest.raises(Exception, match="naive"):
        async with db.transaction() as session:
            await Clients(session).record_consent(2, "de", "v1", datetime(2026, 1, 1))


async def test_one_client_row_per_telegram_account(db):
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        clients = Clients(session)
        await clients.record_consent(7, "ar", "v1", now)
        await clients.record_consent(7, "fa", "v2", now + timedelta(days=1))
    async with db.transaction() as session:
        client = await Clients(session).by_telegram_id(7)
        assert client is not None and (client.language, client.consent_version) == ("fa", "v2")
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(Client(telegram_id=7, language="de", consent_at=now,
                               consent_version="v1", created_at=now, last_seen_at=now))


async def test_erase_removes_the_client(db):
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        await Clients(session).record_consent(8, "uk", "v1", now)
    async with db.transaction() as session:
        assert await Clients(session).erase(8)
        assert not await Clients(session).erase(8)
    async with db.transaction() as session:
        assert await Clients(session).by_telegram_id(8) is None


async def test_state_keys_are_per_installation_and_hide_the_chat_id(db):
    async with db.transaction() as session:
        secret = await load_state_key(session)
    assert len(secret) == 32
    key = state_key(secret, "client", 123456789)
    assert "123456789" not in key
    assert key != state_key(secret, "staff", 123456789)
    assert key != state_key(b"another installation", "client", 123456789)


async def test_conversation_state_round_trip_and_purge(db):
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        await ConversationStates(session).save("k1", "client", "menu", "ar", {"a": 1}, now,
                                               timedelta(hours=24))
    async with db.transaction() as session:
        state, person = await load_chat(session, "k1", Client, 99)
        assert person is None
        assert state is not None
        assert (state.step, state.language, state.data) == ("menu", "ar", {"a": 1})
        assert state.expires_at == now + timedelta(hours=24)
        await ConversationStates(session).save("k1", "client", "privacy", None, {}, now,
                                               timedelta(hours=1))
    async with db.transaction() as session:
        state, _ = await load_chat(session, "k1", Client, 99)
        assert state is not None and (state.step, state.language) == ("privacy", None)
        states = ConversationStates(session)
        assert await states.purge_expired(now + timedelta(minutes=59)) == 0
        assert await states.purge_expired(now + timedelta(hours=1)) == 1
    async with db.transaction() as session:
        assert (await load_chat(session, "k1", Client, 99))[0] is None


async def test_load_chat_finds_the_person_of_either_bot(db):
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        await Clients(session).record_consent(10, "ti", "v1", now)
        await Staff(session).add(10, "Same person, also staff", StaffRole.VOLUNTEER, now)
    async with db.transaction() as session:
        _, client = await load_chat(session, "no-state", Client, 10)
        _, member = await load_chat(session, "no-state", StaffMember, 10)
        _, nobody = await load_chat(session, "no-state", Client, 11)
    assert isinstance(client, Client) and client.language == "ti"
    assert isinstance(member, StaffMember) and member.role == "volunteer"
    assert nobody is None


async def test_staff_roles_are_checked_by_the_database(db):
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        await Staff(session).add(50, "Admin", StaffRole.ADMIN, now)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(StaffMember(telegram_id=51, display_name="X", role="superuser",
                                    active=True, created_at=now))
            await session.flush()
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await Staff(session).add(50, "Twice", StaffRole.ADMIN, now)


@pytest.mark.parametrize(("given", "expected"), [
    ("sqlite:///kimbot.db", "sqlite+aiosqlite:///kimbot.db"),
    ("postgres://u:p%40ss@db/kim", "postgresql+asyncpg://u:p%40ss@db/kim"),
    ("postgresql://u@localhost/kim", "postgresql+asyncpg://u@localhost/kim"),
    ("postgresql+asyncpg://u@localhost/kim", "postgresql+asyncpg://u@localhost/kim"),
])
def test_database_urls_pick_the_async_driver(given, expected):
    assert normalize_url(given) == expected


async def test_writes_are_committed_and_reads_leave_no_transaction_open(db, db_url):
    # The app skips COMMIT for transactions that only read (SQLite); a second, independent
    # connection proves that writes are still committed and reads block no writer.
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with db.transaction() as session:
        await Clients(session).record_consent(77, "de", "v1", now)
    async with db.transaction() as session:  # a read-only transaction on the first engine
        assert await Clients(session).by_telegram_id(77) is not None
    other = Database(db_url)
    try:
        async with other.transaction() as session:
            assert await Clients(session).by_telegram_id(77) is not None
            await Clients(session).record_consent(78, "ar", "v1", now)
    finally:
        await other.dispose()
    async with db.transaction() as session:
        assert await Clients(session).by_telegram_id(78) is not None
