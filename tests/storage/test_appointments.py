"""Booking guarantees, on SQLite and PostgreSQL: no double booking, ownership, limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage.appointments import (
    SlotTaken,
    TooManyAppointments,
    book,
    busy_ranges,
    cancel,
    owned,
    upcoming_for_client,
)
from storage.db import Database
from storage.models import Appointment, AppointmentKind, AppointmentSlot, Channel, StaffRole
from storage.repositories import Clients, Staff

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Berlin
HOUR, HALF = timedelta(minutes=60), timedelta(minutes=30)


async def people(db: Database, clients: int) -> tuple[int, list[int]]:
    async with db.transaction() as session:
        manager = await Staff(session).add(9000, "Frau Case", StaffRole.CASE_MANAGER, NOW)
        ids = [(await Clients(session).record_consent(1000 + i, "ar", "v1", NOW)).id
               for i in range(clients)]
        return manager.id, ids


def booking(manager: int, client: int, start: datetime = TEN, duration: timedelta = HOUR,
            kind: AppointmentKind = AppointmentKind.FIRST_INTERVIEW) -> dict:
    return {"client_id": client, "staff_member_id": manager, "office_id": "kim-odenthal",
            "kind": kind, "channel": Channel.IN_PERSON, "starts_at": start,
            "duration": duration, "now": NOW}


async def open_appointments(db: Database) -> list[Appointment]:
    async with db.transaction() as session:
        return list(await session.scalars(
            select(Appointment).where(Appointment.status == "booked")))


async def test_twenty_people_at_the_same_moment_get_one_appointment(db, db_url):
    manager, clients = await people(db, 20)
    engines = [Database(db_url) for _ in clients]  # separate connections, as separate instances

    async def attempt(database: Database, client: int) -> bool:
        try:
            async with database.transaction() as session:
                await book(session, **booking(manager, client))
            return True
        except SlotTaken:
            return False

    try:
        results = await asyncio.gather(*(attempt(d, c) for d, c in zip(engines, clients,
                                                                          strict=True)))
    finally:
        for database in engines:
            await database.dispose()
    assert sum(results) == 1
    assert len(await open_appointments(db)) == 1


async def test_pressing_twice_books_once(db):
    manager, [client] = await people(db, 1)
    async with db.transaction() as session:
        await book(session, **booking(manager, client))
        with pytest.raises(SlotTaken):
            await book(session, **booking(manager, client))
    assert len(await open_appointments(db)) == 1  # the savepoint kept the first booking


async def test_an_overlapping_booking_is_refused_even_with_another_start(db):
    manager, [first, second] = await people(db, 2)
    async with db.transaction() as session:
        await book(session, **booking(manager, first))  # 10:00-11:00
    with pytest.raises(SlotTaken):
        async with db.transaction() as session:
            await book(session, **booking(manager, second, TEN + HALF, HALF,
                                          AppointmentKind.FOLLOW_UP))
    async with db.transaction() as session:  # right after the first one ends: fine
        await book(session, **booking(manager, second, TEN + HOUR, HALF,
                                      AppointmentKind.FOLLOW_UP))


async def test_cancelling_frees_the_time_at_once(db):
    manager, [first, second] = await people(db, 2)
    async with db.transaction() as session:
        appointment = await book(session, **booking(manager, first))
    async with db.transaction() as session:
        mine = await owned(session, appointment.id, first)
        assert mine is not None
        await cancel(session, mine, "client", NOW)
    async with db.transaction() as session:
        assert await session.scalar(select(AppointmentSlot.unit_start)) is None
        await book(session, **booking(manager, second))
        assert (await busy_ranges(session, [manager], NOW, NOW + timedelta(days=2)))[manager] \
            == [(TEN, TEN + HOUR)]


async def test_someone_elses_appointment_id_is_not_yours(db):
    manager, [owner, stranger] = await people(db, 2)
    async with db.transaction() as session:
        appointment = await book(session, **booking(manager, owner))
    async with db.transaction() as session:
        assert await owned(session, appointment.id, stranger) is None
        assert await owned(session, appointment.id + 999, owner) is None
        assert await owned(session, appointment.id, owner) is not None


async def test_at_most_two_open_appointments(db):
    manager, [client] = await people(db, 1)
    async with db.transaction() as session:
        for day in range(2):
            await book(session, **booking(manager, client, TEN + timedelta(days=day), HALF,
                                          AppointmentKind.FOLLOW_UP))
        with pytest.raises(TooManyAppointments):
            await book(session, **booking(manager, client, TEN + timedelta(days=3), HALF,
                                          AppointmentKind.FOLLOW_UP))
        assert len(await upcoming_for_client(session, client, NOW)) == 2


async def test_a_first_interview_is_always_in_person(db):
    manager, [client] = await people(db, 1)
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="in person"):
            await book(session, **{**booking(manager, client), "channel": Channel.PHONE})


async def test_erasing_the_person_erases_their_appointments(db):
    manager, [client] = await people(db, 1)
    async with db.transaction() as session:
        await book(session, **booking(manager, client))
    async with db.transaction() as session:
        assert await Clients(session).erase(1000)
    async with db.transaction() as session:
        assert await session.scalar(select(Appointment.id)) is None
        assert await session.scalar(select(AppointmentSlot.unit_start)) is None


async def test_the_buffer_is_guarded_by_the_database_too(db):
    manager, [first, second] = await people(db, 2)
    buffer = timedelta(minutes=10)
    async with db.transaction() as session:
        await book(session, **booking(manager, first), buffer=buffer)  # 10:00-11:00 (+10)
    with pytest.raises(SlotTaken):
        async with db.transaction() as session:
            await book(session, **booking(manager, second, TEN + HOUR, HALF,
                                          AppointmentKind.FOLLOW_UP), buffer=buffer)


async def test_an_old_cancel_button_cannot_rewrite_a_past_or_cancelled_appointment(db):
    from storage.appointments import NotCancellable

    manager, [client] = await people(db, 1)
    async with db.transaction() as session:
        appointment = await book(session, **booking(manager, client))
    async with db.transaction() as session:
        mine = await owned(session, appointment.id, client)
        with pytest.raises(NotCancellable):
            await cancel(session, mine, "client", TEN + timedelta(hours=2))  # already over
        await cancel(session, mine, "client", NOW)
        with pytest.raises(NotCancellable):
            await cancel(session, mine, "staff", NOW)  # twice
        assert mine.cancelled_by == "client"


async def test_a_flow_that_fails_after_booking_leaves_no_appointment(db):
    """The booking's savepoint must not commit on its own (SQLite starts a transaction at a
    SAVEPOINT and would commit it at RELEASE): the whole turn rolls back."""
    manager, [client] = await people(db, 1)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await book(session, **booking(manager, client))
            raise RuntimeError("the notice could not be written")
    assert await open_appointments(db) == []
    async with db.transaction() as session:
        assert list(await session.scalars(select(AppointmentSlot))) == []
