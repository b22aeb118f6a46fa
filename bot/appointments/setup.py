"""Setting up who can be booked: staff accounts, case managers' workplaces and offices'
booking rules. Used by the `kimbot staff` and `kimbot offices booking-rules` commands; every
check runs before anything is written, and a problem raises SetupError with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments.availability import DEFAULT_RULES
from bot.catalogue.schedule import HoursSyntaxError, parse
from storage import waitlist
from storage.appointments import LONGEST_APPOINTMENT
from storage.models import (
    CaseManagerWorkplace,
    CatalogueOffice,
    CatalogueRegion,
    CatalogueTown,
    OfficeBookingRules,
    StaffMember,
    StaffRole,
)
from storage.repositories import Staff

MAX_HOURS_TEXT = 500  # the width of the schedule columns
LONGEST_MINUTES = int(LONGEST_APPOINTMENT.total_seconds() // 60)
LIMITS = {  # minutes: (lowest, highest)
    "first_interview_minutes": (5, LONGEST_MINUTES),
    "follow_up_minutes": (5, LONGEST_MINUTES),
    "buffer_minutes": (0, 240),
    "lead_time_minutes": (0, 14 * 24 * 60),
    "cancel_notice_minutes": (0, 14 * 24 * 60),
}
CHANNEL_CODES = ("in_person", "phone", "video")


class SetupError(Exception):
    """The input cannot be used; nothing was written."""


@dataclass(frozen=True)
class WorkplaceInput:
    telegram_id: int
    office_id: str
    towns: tuple[str, ...]
    working_hours: str
    consultation_hours: str | None = None


async def add_staff_member(session: AsyncSession, telegram_id: int, name: str,
                           role: StaffRole, now: datetime) -> StaffMember:
    name = name.strip()
    if not 0 < len(name) <= 100:
        raise SetupError("the name must have 1 to 100 characters")
    if telegram_id <= 0:
        raise SetupError("the Telegram id is a positive number")
    staff = Staff(session)
    existing = await staff.by_telegram_id(telegram_id)
    if existing is not None:
        raise SetupError(f"Telegram id {telegram_id} is already registered ({existing.role}).")
    return await staff.add(telegram_id, name, role, now)


async def set_workplace(session: AsyncSession, given: WorkplaceInput, timezone: str,
                        now: datetime | None = None) -> tuple[CaseManagerWorkplace, bool]:
    """Create or replace the member's workplace at the office; True if it was new. With `now`,
    the people waiting in its towns look again: the new hours may have freed times."""
    member = await Staff(session).by_telegram_id(given.telegram_id)
    if member is None:
        raise SetupError(f"no staff member with Telegram id {given.telegram_id}; "
                         "add them first with `kimbot staff add`")
    region = await _office_region(session, given.office_id)
    await _check_towns(session, given.towns, region)
    _check_hours("--working-hours", given.working_hours, timezone)
    if given.consultation_hours is not None:
        _check_hours("--consultation-hours", given.consultation_hours, timezone)
    workplace = await session.scalar(select(CaseManagerWorkplace).where(
        CaseManagerWorkplace.staff_member_id == member.id,
        CaseManagerWorkplace.office_id == given.office_id))
    created = workplace is None
    if workplace is None:
        workplace = CaseManagerWorkplace(staff_member_id=member.id, office_id=given.office_id)
        session.add(workplace)
    workplace.towns = list(given.towns)
    workplace.working_hours = given.working_hours
    workplace.consultation_hours = given.consultation_hours
    await session.flush()
    if now is not None:
        await waitlist.mark_pending(session, given.towns, now)
    return workplace, created


MAX_REMINDERS = 3
REMINDER_RANGE = (15, 7 * 24 * 60)  # a quarter of an hour to a week before


def parse_reminder_minutes(text: str) -> list[int]:
    """"1440,120" -> [1440, 120]; "none" -> []. Raises ValueError with the reason."""
    if text.strip().lower() == "none":
        return []
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise ValueError(f"use minutes separated by commas, e.g. 1440,120, not {text!r}") \
            from None
    low, high = REMINDER_RANGE
    if not values or len(values) > MAX_REMINDERS \
            or not all(low <= value <= high for value in values):
        raise ValueError(f"give 1 to {MAX_REMINDERS} reminders, each {low} to {high} minutes "
                         "before the start, or 'none'")
    return values


def parse_channels(text: str) -> list[str]:
    """"in_person,phone" -> the channels follow-ups may take; in person is always offered,
    and the first interview is in person whatever this says. Raises ValueError."""
    given = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [code for code in given if code not in CHANNEL_CODES]
    if unknown or not given:
        raise ValueError("use channels separated by commas from " + ", ".join(CHANNEL_CODES)
                         + (f", not {', '.join(unknown)}" if unknown else ""))
    return [code for code in CHANNEL_CODES if code in given or code == "in_person"]


async def set_booking_rules(session: AsyncSession, office_id: str,
                            changes: dict[str, int | None],
                            reminder_minutes: list[int] | None = None,
                            late_cancel: bool | None = None,
                            channels: list[str] | None = None) -> OfficeBookingRules:
    """Create or update an office's rules; options left out (None) keep their value (or the
    default for a new row)."""
    await _office_region(session, office_id)
    given = {name: value for name, value in changes.items() if value is not None}
    for name, value in given.items():
        low, high = LIMITS[name]
        if not low <= value <= high:
            option = "--" + name.replace("_", "-")
            raise SetupError(f"{option} must be between {low} and {high}, not {value}")
    rules = await session.get(OfficeBookingRules, office_id)
    if rules is None:
        rules = OfficeBookingRules(office_id=office_id, reminder_minutes=list(
            DEFAULT_RULES.reminder_minutes), late_cancel=DEFAULT_RULES.late_cancel,
            channels=list(DEFAULT_RULES.channels),
            **{name: getattr(DEFAULT_RULES, name) for name in LIMITS})
        session.add(rules)
    for name, value in given.items():
        setattr(rules, name, value)
    if reminder_minutes is not None:
        rules.reminder_minutes = reminder_minutes
    if late_cancel is not None:
        rules.late_cancel = late_cancel
    if channels is not None:
        rules.channels = channels
    await session.flush()
    return rules


async def _office_region(session: AsyncSession, office_id: str) -> str:
    region = await session.scalar(
        select(CatalogueOffice.region_id).where(CatalogueOffice.id == office_id))
    if region is None:
        raise SetupError(f"unknown office {office_id!r}: not in the imported catalogue "
                         "(kimbot offices import)")
    return region


async def _check_towns(session: AsyncSession, towns: tuple[str, ...], region: str) -> None:
    if not towns:
        raise SetupError("--towns needs at least one town id, e.g. --towns odenthal,kuerten")
    known = set(await session.scalars(
        select(CatalogueTown.id).where(CatalogueTown.region_id == region)))
    unknown = [town for town in towns if town not in known]
    if unknown:
        raise SetupError(f"unknown town(s) in the office's region {region!r}: "
                         + ", ".join(unknown) + " (known: " + ", ".join(sorted(known)) + ")")


def _check_hours(option: str, text: str, timezone: str) -> None:
    if len(text) > MAX_HOURS_TEXT:
        raise SetupError(f"{option} is too long (at most {MAX_HOURS_TEXT} characters)")
    try:
        parse(text, timezone)
    except HoursSyntaxError as exc:
        raise SetupError(f"{option}: {exc}") from None


async def resolve_area(session: AsyncSession, region: str | None,
                       towns: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """Check a Kreis and towns given for a staff member or an invitation; without a Kreis,
    the towns' Kreis is taken."""
    if region is not None and await session.get(CatalogueRegion, region) is None:
        raise SetupError(f"unknown Kreis {region!r}: not in the imported catalogue")
    if not towns:
        return region, ()
    found = dict((await session.execute(select(CatalogueTown.id, CatalogueTown.region_id)
                                        .where(CatalogueTown.id.in_(towns)))).all())
    unknown = [town for town in towns if town not in found]
    if unknown:
        raise SetupError("unknown town(s): " + ", ".join(unknown))
    regions = {found[town] for town in towns}
    if region is None and len(regions) == 1:
        region = regions.pop()
    elif region is None or regions != {region}:
        raise SetupError("the towns must all lie in one Kreis (--region)")
    return region, tuple(dict.fromkeys(towns))


def check_fte(fte: float | None) -> None:
    if fte is not None and not 0 < fte <= 1:
        raise SetupError("--fte is a share of a full-time post: more than 0, at most 1.0")
