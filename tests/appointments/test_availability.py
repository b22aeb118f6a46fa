"""Free times for a town, from stored workplaces, rules, absences and appointments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.appointments.availability import free_options, workplaces_for_town
from storage.appointments import book
from storage.models import (
    Absence,
    AppointmentKind,
    CaseManagerWorkplace,
    Channel,
    OfficeBookingRules,
    StaffRole,
)
from storage.repositories import Clients, Staff

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


async def setup_two_managers(db) -> tuple[int, int, int]:
    async with db.transaction() as session:
        staff = Staff(session)
        first = await staff.add(1, "A", StaffRole.CASE_MANAGER, NOW)
        second = await staff.add(2, "B", StaffRole.CASE_MANAGER, NOW)
        client = await Clients(session).record_consent(50, "ar", "v1", NOW)
        session.add_all([
            CaseManagerWorkplace(staff_member_id=first.id, office_id="kim-odenthal",
                                 towns=["odenthal"], working_hours="Tu 13:00-15:00"),
            CaseManagerWorkplace(staff_member_id=second.id, office_id="kim-odenthal",
                                 towns=["odenthal", "kuerten"], working_hours="Tu 13:00-15:00"),
            CaseManagerWorkplace(staff_member_id=second.id, office_id="kim-overath",
                                 towns=["overath"], working_hours="We,Fr 09:00-10:00")])
        return first.id, second.id, client.id


async def options_for(db, town: str, kind=AppointmentKind.FIRST_INTERVIEW, now=NOW):
    async with db.transaction() as session:
        workplaces = await workplaces_for_town(session, town)
        return await free_options(session, workplaces, kind, now)


async def test_only_the_case_managers_of_the_town_are_offered(db):
    first, second, _ = await setup_two_managers(db)
    assert {o.staff_member_id for o in await options_for(db, "odenthal")} <= {first, second}
    kuerten = await options_for(db, "kuerten")
    assert kuerten and {o.staff_member_id for o in kuerten} == {second}
    assert await options_for(db, "burscheid") == []


async def test_a_booking_takes_its_time_and_buffer_away_and_load_is_spread(db):
    first, second, client = await setup_two_managers(db)
    before = await options_for(db, "odenthal")
    tuesday = [o.starts_at for o in before if o.starts_at < local(25, 0)]
    assert tuesday == [local(24, 13), local(24, 13, 30), local(24, 14)]
    async with db.transaction() as session:
        await book(session, client_id=client, staff_member_id=first, office_id="kim-odenthal",
                   kind=AppointmentKind.FIRST_INTERVIEW, channel=Channel.IN_PERSON,
                   starts_at=local(24, 13), duration=timedelta(hours=1), now=NOW)
    after = await options_for(db, "odenthal")
    # The 13:00 start is still free with the other case manager, who is now the less booked.
    at_one = [o for o in after if o.starts_at == local(24, 13)]
    assert [o.staff_member_id for o in at_one] == [second]


async def test_an_absence_and_office_rules_shape_the_offer(db):
    first, second, _ = await setup_two_managers(db)
    async with db.transaction() as session:
        session.add(Absence(staff_member_id=second, starts_at=local(24, 0),
                            ends_at=local(25, 0), created_at=NOW))
        session.add(OfficeBookingRules(office_id="kim-odenthal", first_interview_minutes=90,
                                       follow_up_minutes=30, buffer_minutes=0,
                                       lead_time_minutes=120))
    options = await options_for(db, "odenthal")
    tuesday = [o for o in options if o.starts_at < local(25, 0)]
    assert [o.staff_member_id for o in tuesday] == [first, first]  # 13:00 and 13:30 only
    assert tuesday[0].duration == timedelta(minutes=90)


async def test_no_slot_on_a_public_holiday(db):
    await setup_two_managers(db)
    christmas_week = datetime(2026, 12, 21, 7, 0, tzinfo=UTC)
    options = await options_for(db, "overath", now=christmas_week)
    days = {o.starts_at.astimezone(BERLIN).date().isoformat() for o in options}
    assert {"2026-12-23", "2026-12-30"} <= days  # Wednesdays
    # Fridays 25 December and 1 January are public holidays in NRW: no times at all.
    assert not days & {"2026-12-25", "2027-01-01"}


async def test_a_deactivated_case_manager_gets_no_new_appointments(db):
    from sqlalchemy import update

    from storage.models import StaffMember

    first, second, _ = await setup_two_managers(db)
    async with db.transaction() as session:
        await session.execute(update(StaffMember).where(StaffMember.id == second)
                              .values(active=False))
    assert await options_for(db, "kuerten") == []
    assert {o.staff_member_id for o in await options_for(db, "odenthal")} == {first}
