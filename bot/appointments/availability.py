"""Free appointment times for a town: working hours minus consultation hours, absences,
holidays and booked appointments, for every case manager who serves the town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments.slots import SlotRules, free_slots
from bot.catalogue.schedule import parse_cached
from storage.appointments import absence_ranges, busy_ranges
from storage.models import (
    AppointmentKind,
    CaseManagerWorkplace,
    Channel,
    OfficeBookingRules,
    StaffMember,
)

DEFAULT_RULES = OfficeBookingRules(office_id="", first_interview_minutes=60,
                                   follow_up_minutes=30, buffer_minutes=10,
                                   lead_time_minutes=120, reminder_minutes=[1440, 120],
                                   cancel_notice_minutes=1440, late_cancel=True,
                                   channels=["in_person"])


@dataclass(frozen=True)
class Option:
    starts_at: datetime  # aware UTC
    staff_member_id: int
    office_id: str
    duration: timedelta


def slot_rules(rules: OfficeBookingRules, kind: AppointmentKind, days: int) -> SlotRules:
    minutes = (rules.first_interview_minutes if kind is AppointmentKind.FIRST_INTERVIEW
               else rules.follow_up_minutes)
    return SlotRules(duration=timedelta(minutes=minutes),
                     buffer=timedelta(minutes=rules.buffer_minutes),
                     lead_time=timedelta(minutes=rules.lead_time_minutes), days=days)


async def office_channels(session: AsyncSession, office_id: str,
                          kind: AppointmentKind) -> list[str]:
    """How an appointment at the office may take place (Channel codes, in their order): the
    first interview in person (KIM's process), a follow-up as the office's rules allow."""
    if kind is AppointmentKind.FIRST_INTERVIEW:
        return [Channel.IN_PERSON.value]
    rules = await session.get(OfficeBookingRules, office_id) or DEFAULT_RULES
    allowed = set(rules.channels or ())
    return [channel.value for channel in Channel if channel.value in allowed] \
        or [Channel.IN_PERSON.value]


async def workplaces_for_town(session: AsyncSession, town_id: str) -> list[CaseManagerWorkplace]:
    # Towns are a short JSON list per workplace; a Kreis has at most a few hundred workplaces.
    rows = await session.scalars(
        select(CaseManagerWorkplace)
        .join(StaffMember, StaffMember.id == CaseManagerWorkplace.staff_member_id)
        .where(StaffMember.active.is_(True))  # someone who left gets no new appointments
        .order_by(CaseManagerWorkplace.staff_member_id, CaseManagerWorkplace.office_id))
    return [workplace for workplace in rows if town_id in workplace.towns]


async def still_free(session: AsyncSession, town_id: str, staff_member_id: int, office_id: str,
                     kind: AppointmentKind, starts_at: datetime, now: datetime, days: int,
                     timezone: str) -> Option | None:
    """The option the person was shown, if that very case manager is still free then at that
    office (for that town): a booking never lands with someone or somewhere else."""
    workplaces = [workplace for workplace in await workplaces_for_town(session, town_id)
                  if (workplace.staff_member_id, workplace.office_id)
                  == (staff_member_id, office_id)]
    options = await free_options(session, workplaces, kind, now, days, timezone)
    return next((option for option in options if option.starts_at == starts_at), None)


async def free_options(session: AsyncSession, workplaces: list[CaseManagerWorkplace],
                       kind: AppointmentKind, now: datetime, days: int = 14,
                       timezone: str = "Europe/Berlin",
                       prefer: int | None = None) -> list[Option]:
    """One option per free start time, sorted; where several case managers are free at the
    same time, the one with fewer bookings in the period gets it (spreading the load), except
    that `prefer` (the person's own case manager) always gets it when free."""
    if not workplaces:
        return []
    staff_ids = sorted({workplace.staff_member_id for workplace in workplaces})
    window_end = now + timedelta(days=days + 1)
    busy = await busy_ranges(session, staff_ids, now - timedelta(days=1), window_end)
    absent = await absence_ranges(session, staff_ids, now - timedelta(days=1), window_end)
    office_rules = {rules.office_id: rules for rules in await session.scalars(
        select(OfficeBookingRules).where(OfficeBookingRules.office_id.in_(
            {workplace.office_id for workplace in workplaces})))}
    best: dict[datetime, tuple[int, Option]] = {}
    for workplace in workplaces:
        rules = slot_rules(office_rules.get(workplace.office_id, DEFAULT_RULES), kind, days)
        consultation = (parse_cached(workplace.consultation_hours, timezone)
                        if workplace.consultation_hours else None)
        load = (-1 if workplace.staff_member_id == prefer
                else len(busy.get(workplace.staff_member_id, ())))
        for start in free_slots(parse_cached(workplace.working_hours, timezone), now, rules,
                                consultation=consultation,
                                absences=absent.get(workplace.staff_member_id, ()),
                                busy=busy.get(workplace.staff_member_id, ())):
            if start not in best or load < best[start][0]:
                best[start] = (load, Option(start, workplace.staff_member_id,
                                            workplace.office_id, rules.duration))
    return [best[start][1] for start in sorted(best)]
