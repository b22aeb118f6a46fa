"""`storage.appointments.close` writes the anonymous outcome of an attended or missed
appointment, once, in the same transaction, and it outlives the person's erasure."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select

from bot.flows.events import BotKind
from storage.appointments import cancel, close
from storage.db import Database
from storage.models import Appointment, AppointmentOutcome, AppointmentStatus, Client
from tests.support.common import text
from tests.support.staff import NOW, add_appointment, add_client, add_member, local


async def outcomes(db: Database) -> list[tuple[int, str, str, str, datetime]]:
    async with db.transaction() as session:
        return [(o.staff_member_id, o.office_id, o.kind, o.outcome, o.starts_at)
                for o in await session.scalars(
                    select(AppointmentOutcome).order_by(AppointmentOutcome.id))]


async def close_as(db: Database, appointment_id: int, status: AppointmentStatus) -> bool:
    async with db.transaction() as session:
        row = await session.get(Appointment, appointment_id)
        assert row is not None
        return await close(session, row, status, NOW)


@pytest.mark.parametrize("status", [AppointmentStatus.ATTENDED, AppointmentStatus.MISSED])
async def test_attended_and_missed_write_one_anonymous_row(db, status):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001)
    appointment_id = await add_appointment(db, client, me, local(23, 9))
    assert await close_as(db, appointment_id, status)
    assert await outcomes(db) == [(me, "kim-odenthal", "follow_up", status.value,
                                   local(23, 9))]
    # A second close finds it no longer open: no second row.
    assert not await close_as(db, appointment_id, AppointmentStatus.ATTENDED)
    assert len(await outcomes(db)) == 1


async def test_a_cancellation_writes_none(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001)
    appointment_id = await add_appointment(db, client, me, local(24, 9))
    async with db.transaction() as session:
        await cancel(session, await session.get(Appointment, appointment_id), by="client",
                     now=NOW)
    assert await outcomes(db) == []


async def test_a_rolled_back_close_leaves_no_row(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001)
    appointment_id = await add_appointment(db, client, me, local(23, 9))
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            row = await session.get(Appointment, appointment_id)
            await close(session, row, AppointmentStatus.ATTENDED, NOW)
            raise RuntimeError("the flow failed after closing")
    assert await outcomes(db) == []


async def test_the_outcome_outlives_the_persons_erasure(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001)
    appointment_id = await add_appointment(db, client, me, local(23, 9))
    await close_as(db, appointment_id, AppointmentStatus.MISSED)
    async with db.transaction() as session:
        await session.execute(delete(Client).where(Client.id == client))
    assert [row[3] for row in await outcomes(db)] == ["missed"]


async def test_heute_buttons_write_it_too(chat_factory, sqlite_db):
    me = await add_member(sqlite_db, 700)
    client = await add_client(sqlite_db, telegram_id=9001)
    appointment_id = await add_appointment(sqlite_db, client, me, local(23, 9, 30))
    chat = chat_factory(user_id=700, language_code="de", bot=BotKind.STAFF)
    assert (await chat.press(f"attended:{appointment_id}")).notice == "Vermerkt: erschienen."
    assert "schon" in text(await chat.press(f"missed:{appointment_id}"))
    assert [row[3] for row in await outcomes(sqlite_db)] == ["attended"]
