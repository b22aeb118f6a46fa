"""Setting up case managers, workplaces, clients and appointments for staff-bot tests, and
counting a Kurzberatung through /kurz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Outcome
from bot.flows.staff import texts
from storage.appointments import book, close
from storage.db import Database
from storage.models import (
    Absence,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CaseManagerWorkplace,
    Channel,
    OutboxMessage,
    StaffMember,
    StaffRole,
)
from storage.repositories import Clients, Staff
from tests.support.chat import Chat
from tests.support.common import rows_of

BERLIN = ZoneInfo("Europe/Berlin")
# The conftest clock: Monday 23.11.2026, 09:00 UTC = 10:00 in Berlin.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    """A Berlin wall-clock time as the UTC instant the database stores."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


async def add_member(db: Database, telegram_id: int | None, name: str = "Frau Beispiel",
                     role: StaffRole = StaffRole.CASE_MANAGER) -> int:
    async with db.transaction() as session:
        return (await Staff(session).add(telegram_id, name, role, NOW)).id


async def add_workplace(db: Database, staff_id: int, office: str = "kim-odenthal",
                        towns: tuple[str, ...] = ("odenthal",),
                        hours: str = "Mo-Fr 08:00-16:00") -> None:
    async with db.transaction() as session:
        session.add(CaseManagerWorkplace(staff_member_id=staff_id, office_id=office,
                                         towns=list(towns), working_hours=hours))


async def add_client(db: Database, telegram_id: int | None = None, alias: str | None = "Amal",
                     phone: str | None = None, language: str = "ar") -> int:
    async with db.transaction() as session:
        clients = Clients(session)
        if telegram_id is None:
            return (await clients.add_by_phone(alias or "", phone, language, "v1", NOW)).id
        client = await clients.record_consent(telegram_id, language, "v1", NOW)
        client.alias = alias
        return client.id


async def add_appointment(db: Database, client_id: int, staff_id: int, starts_at: datetime,
                          kind: AppointmentKind = AppointmentKind.FOLLOW_UP,
                          channel: Channel = Channel.PHONE, minutes: int = 30,
                          interpreter: str | None = None) -> int:
    async with db.transaction() as session:
        appointment = await book(session, client_id=client_id, staff_member_id=staff_id,
                                 office_id="kim-odenthal", kind=kind, channel=channel,
                                 starts_at=starts_at, duration=timedelta(minutes=minutes),
                                 now=NOW - timedelta(days=7), interpreter_language=interpreter,
                                 max_open=10)
        return appointment.id


async def attended_and_missed(db: Database, staff_id: int) -> None:
    """One client's two appointments with `staff_id` in November, at 10:00 on the 16th and
    the 17th, recorded at 11:00 as attended and as missed (as the staff bot records them)."""
    client = await add_client(db)
    for day, status in ((16, AppointmentStatus.ATTENDED), (17, AppointmentStatus.MISSED)):
        appointment_id = await add_appointment(db, client, staff_id, local(day, 10))
        async with db.transaction() as session:
            await close(session, await session.get(Appointment, appointment_id), status,
                        local(day, 11))


async def appointment(db: Database, appointment_id: int) -> Appointment:
    async with db.transaction() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found


async def absences(db: Database) -> list[Absence]:
    return await rows_of(db, Absence)


async def outbox(db: Database) -> list[OutboxMessage]:
    return await rows_of(db, OutboxMessage)


async def set_member(db, member_id: int, towns: list[str], fte: float | None,
                     region: str = "rbk") -> None:
    async with db.transaction() as session:
        found = await session.get(StaffMember, member_id)
        found.towns, found.fte, found.region_id = towns, fte, region


async def count(chat: Chat, topic: str, channel: str, second: str | None = None) -> Outcome:
    """One Kurzberatung through /kurz; the confirmation."""
    await chat.send("/kurz")
    await chat.press(f"kurz_topic:{topic}")
    if second:
        await chat.press_each("kurz_more", f"kurz_second:{second}")
    return await chat.press(f"kurz_chan:{channel}")


async def not_counting(db: Database, engine: FlowEngine, role: StaffRole,
                       telegram_id: int = 900) -> tuple[Chat, str]:
    """A volunteer or partner in the staff bot, and the refusal every counting command
    (/kurz, /fall, /stats, /export) and its buttons give them."""
    await add_member(db, telegram_id, "Helfer", role)
    return (Chat(engine, telegram_id, "de", BotKind.STAFF),
            texts.NOT_FOR_ROLE_COUNTING.format(role=texts.ROLE_LABELS[role.value]))
