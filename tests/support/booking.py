"""Booking in the client bot, step by step, for tests: a consented chat and Tuesday in Odenthal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.engine import FlowEngine
from bot.flows.events import Outcome
from scheduler.clock import FixedClock
from storage import appointments as store
from storage.db import Database
from storage.models import Appointment, AppointmentKind, AppointmentStatus, Channel, Client
from tests.support.chat import Chat
from tests.support.chat import consented as consented  # where booking tests start
from tests.support.common import actions, rows_of, text
from tests.support.intake import messages_to

MANAGER_CHAT = 9001
TUESDAY = "20261124"
# Tuesday 24 November 2026, 09:00 in Berlin, as minutes since the epoch (the button data).
TUESDAY_NINE = int(datetime(2026, 11, 24, 8, 0, tzinfo=UTC).timestamp()) // 60


async def attended_first_interview(session: AsyncSession, clock: FixedClock,
                                   user_id: int) -> Client:
    """The person came to a first interview with case manager 1 in Odenthal ten days ago: what
    they book now is a follow-up. Returns the person, to be changed further."""
    client = await session.scalar(select(Client).where(Client.telegram_id == user_id))
    assert client is not None
    first = await store.book(
        session, client_id=client.id, staff_member_id=1, office_id="kim-odenthal",
        kind=AppointmentKind.FIRST_INTERVIEW, channel=Channel.IN_PERSON,
        starts_at=datetime(2026, 11, 17, 8, 0, tzinfo=UTC), duration=timedelta(hours=1),
        now=clock.now() - timedelta(days=10))
    await store.close(session, first, AppointmentStatus.ATTENDED, clock.now())
    return client


async def short_notice(db: Database, office: str = "kim-odenthal", minutes: int = 60) -> None:
    """Let the office take cancellations and moves up to `minutes` before the start: the
    conftest clock's Monday is only 23 hours before Tuesday's first time, inside the default
    notice of a day."""
    from bot.appointments.setup import set_booking_rules

    async with db.transaction() as session:
        await set_booking_rules(session, office, {"cancel_notice_minutes": minutes})


def book_button(outcome: Outcome) -> str:
    """The check screen's Book button (it names the time it confirms)."""
    found = [a for a in actions(outcome) if a.startswith("bok:")]
    assert len(found) == 1, text(outcome)
    return found[0]


async def to_days(chat: Chat, town: str = "odenthal", place: str = "any") -> Outcome:
    """From "Book" to the days of `town`; where the town has several places, `place`."""
    first = await chat.press("book")
    if f"btown:{town}" in actions(first):
        first = await chat.press(f"btown:{town}")
    if f"bplace:{place}" in actions(first):
        first = await chat.press(f"bplace:{place}")
    return first


async def to_time(chat: Chat, day: str = TUESDAY, minutes: int = TUESDAY_NINE) -> Outcome:
    """From "Book" through Odenthal and `day` to pressing the time `minutes`: what comes next
    (the name question, or the check screen when nothing is left to ask)."""
    await to_days(chat)
    await chat.press(f"bday:{day}")
    return await chat.press(f"btime:{minutes}")


async def book_tuesday(chat: Chat, minutes: int = TUESDAY_NINE, name: str | None = "Amal",
                       interpreter: str | None = "ar") -> Outcome:
    """From "Book" to the confirmation, choosing Odenthal, Tuesday and the given time."""
    outcome = await to_time(chat, minutes=minutes)
    if name is not None and any(a == "bnoname" for a in actions(outcome)):
        outcome = await chat.send(name)
    if interpreter is not None and any(a.startswith("binterp:") for a in actions(outcome)):
        outcome = await chat.press(f"binterp:{interpreter}")
    return await chat.press(book_button(outcome))


async def booked(engine: FlowEngine, db: Database, user_id: int,
                 language: str = "en") -> tuple[Chat, Appointment]:
    """A consented person who has booked Tuesday 09:00 in Odenthal, and that appointment."""
    chat = await consented(engine, user_id, language)
    await book_tuesday(chat)
    [appointment] = await appointments(db)
    return chat, appointment


async def move_to(chat: Chat, appointment: Appointment, minutes: int) -> Outcome:
    """From "Another time" on `appointment` to the check screen of Tuesday at `minutes` (the
    name and interpreter are kept from the booking)."""
    return await chat.press_each(f"amove:{appointment.id}", f"bday:{TUESDAY}", f"btime:{minutes}")


async def appointments(db: Database) -> list[Appointment]:
    return await rows_of(db, Appointment)


async def booked_appointments(db: Database) -> list[Appointment]:
    """The appointments still booked (not cancelled, moved or closed), oldest first."""
    return [a for a in await appointments(db) if a.status == "booked"]


async def staff_messages(db: Database) -> list[str]:
    """What the case manager's staff chat was sent, oldest first."""
    return await messages_to(db, "staff", MANAGER_CHAT)
