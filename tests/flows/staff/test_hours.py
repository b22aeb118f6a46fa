"""Staff bot: /zeiten, weekly bookable hours per place in German, validated, with the booked
appointments outside new hours shown before saving; and the German week parser itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.appointments.hours_de import WeekError, parse_week, schedule_de, to_schedule, week_de
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.hours import flow as hours
from bot.i18n import FSI, PDI
from storage.models import Appointment, AppointmentKind, CaseManagerWorkplace, StaffRole
from tests.support.booking import consented
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.intake import KAYA, VOLUNTEER, add_staff, kreis
from tests.support.staff import add_appointment, add_client, local

NEW_CM = 850


@pytest.fixture
async def flow(db, clock) -> FlowEngine:
    await kreis(db)
    return FlowEngine(db, clock, FlowSettings())


def staff(flow: FlowEngine, telegram_id: int) -> Chat:
    return Chat(flow, telegram_id, "de", BotKind.STAFF)


async def workplaces(db, telegram_id: int) -> list[CaseManagerWorkplace]:
    from storage.models import StaffMember

    async with db.transaction() as session:
        member = await session.scalar(select(StaffMember)
                                      .where(StaffMember.telegram_id == telegram_id))
        return list(await session.scalars(select(CaseManagerWorkplace).where(
            CaseManagerWorkplace.staff_member_id == member.id)))


# --- the German week ----------------------------------------------------------------------

@pytest.mark.parametrize(("written", "german", "stored"), [
    ("Mo-Fr 09:00-12:00; Di 14:00-16:00",
     "Mo, Mi–Fr 09:00–12:00; Di 09:00–12:00, 14:00–16:00",
     "Mo,We-Fr 09:00-12:00; Tu 09:00-12:00,14:00-16:00"),
    ("Montag bis Freitag 9.00 bis 12 Uhr", "Mo–Fr 09:00–12:00", "Mo-Fr 09:00-12:00"),
    ("Mo, Mi, Fr 9-12 und 13-15\nSa 10-12", "Mo, Mi, Fr 09:00–12:00, 13:00–15:00; "
     "Sa 10:00–12:00", "Mo,We,Fr 09:00-12:00,13:00-15:00; Sa 10:00-12:00"),
    ("Di 9-12, 12-14", "Di 09:00–14:00", "Tu 09:00-14:00"),
    ("keine", "keine", "Mo-Su off"),
])
def test_the_week_is_read_as_written_and_stored_in_the_catalogue_syntax(written, german,
                                                                        stored):
    week = parse_week(written)
    assert (week_de(week), to_schedule(week)) == (german, stored)
    assert schedule_de(stored) == german  # read back the same


@pytest.mark.parametrize(("written", "problem"), [
    ("Xy 9-12", "Unbekannter Tag „Xy“"),
    ("Mo", "Es fehlt die Uhrzeit"),
    ("9-12", "Es fehlt der Wochentag"),
    ("Mo 12-9", "Das Ende liegt nicht nach dem Beginn"),
    ("Di 9-12, 11-14", "Di: 09:00–12:00 und 11:00–14:00 überschneiden sich"),
    ("Mo-Fr 9-12; Di 11-13", "Di: 09:00–12:00 und 11:00–13:00 überschneiden sich"),
    ("Mo 25:00-26:00", "Die Uhrzeit 25:00 gibt es nicht"),
    ("Mo 9 Uhr", "ist keine Zeitspanne"),
])
def test_bad_weeks_name_each_problem(written, problem):
    with pytest.raises(WeekError) as refused:
        parse_week(written)
    assert any(problem in line for line in refused.value.problems), refused.value.problems


def test_every_problem_is_named_at_once():
    with pytest.raises(WeekError) as refused:
        parse_week("Xy 9-12; Mo 12-9")
    assert len(refused.value.problems) == 2


def test_a_schedule_a_plain_week_cannot_say_is_shown_as_stored():
    assert schedule_de("Mo[1] 10:00-12:00") == "Mo[1] 10:00-12:00"
    assert schedule_de("Mo-Fr 08:00-12:00; Tu 16:00-18:00; PH off") == (
        "Mo, Mi–Fr 08:00–12:00; Di 16:00–18:00")  # the later rule replaces Tuesday


# --- /zeiten ------------------------------------------------------------------------------

async def test_a_new_case_manager_sets_hours_in_the_bot_and_clients_can_book_them(flow, db):
    await add_staff(db, NEW_CM, "N. Neu", StaffRole.CASE_MANAGER, ["kuerten"])
    chat = staff(flow, NEW_CM)
    first = await chat.send("/zeiten")
    assert hours.NO_WORKPLACE in text(first)
    assert "zt_office:kim-kuerten" in actions(first)
    assert "zt_office:kim-ki-mitte" in actions(first)  # the KI team serves Kürten too
    assert "zt_office:kim-odenthal" not in actions(first)  # not one of her towns
    asked = await chat.press("zt_office:kim-kuerten")
    assert "Mo-Fr 09:00-12:00; Di 14:00-16:00" in text(asked)
    check = await chat.send("Di, Do 9-12; Fr 13:00-15:00")
    assert "Neue Zeiten für KIM" in text(check) and "Di, Do 09:00–12:00; Fr 13:00–15:00" in (
        text(check))
    assert await workplaces(db, NEW_CM) == []  # nothing saved before "Speichern"
    saved = await chat.press("zt_save")
    assert text(saved).startswith("✅ Gespeichert")
    [workplace] = await workplaces(db, NEW_CM)
    assert (workplace.office_id, workplace.towns, workplace.working_hours) == (
        "kim-kuerten", ["kuerten"], "Tu,Th 09:00-12:00; Fr 13:00-15:00")
    overview = await chat.send("/zeiten")
    assert "Di, Do 09:00–12:00; Fr 13:00–15:00" in text(overview)
    assert f"zt_edit:{workplace.id}" in actions(overview)

    # A person in Kürten now finds her times.
    person = await consented(flow, 7001, "en")
    await person.press("book")
    days = await person.press("btown:kuerten")
    assert "bday:20261124" in actions(days) and "bday:20261127" in actions(days)
    assert "bday:20261123" not in actions(days)  # Monday: not one of her days


async def test_bad_hours_get_clear_errors_and_change_nothing(flow, db):
    chat = staff(flow, KAYA)
    overview = await chat.send("/zeiten")
    [workplace] = await workplaces(db, KAYA)
    assert "Di, Do 09:00–12:00" in text(overview)
    await chat.press(f"zt_edit:{workplace.id}")
    refused = await chat.send("Xy 9-12; Mo 12-9")
    assert "Unbekannter Tag „Xy“" in text(refused)
    assert "Das Ende liegt nicht nach dem Beginn" in text(refused)
    assert "zt_save" not in actions(refused)
    # Still at the question: the next try works.
    check = await chat.send("Mo-Fr 08:00-12:00")
    assert "zt_save" in actions(check)
    [unchanged] = await workplaces(db, KAYA)
    assert unchanged.working_hours == "Tu,Th 09:00-12:00"


async def test_booked_appointments_outside_the_new_hours_are_shown_before_saving(flow, db):
    [workplace] = await workplaces(db, KAYA)
    client = await add_client(db, telegram_id=7100, alias="Amal")
    thursday = await add_appointment(db, client, workplace.staff_member_id, local(26, 10),
                                     kind=AppointmentKind.FOLLOW_UP)
    tuesday = await add_appointment(db, client, workplace.staff_member_id, local(24, 9))
    chat = staff(flow, KAYA)
    await chat.send("/zeiten")
    await chat.press(f"zt_edit:{workplace.id}")
    check = await chat.send("Mo-Mi 09:00-12:00")
    body = text(check)
    assert "1 gebuchte(r) Termin(e) liegen außerhalb der neuen Zeiten" in body
    assert f"Do 26.11.2026, 10:00–10:30 Uhr: {FSI}Amal{PDI}" in body
    assert f"cancel:{thursday}" in actions(check) and f"cancel:{tuesday}" not in actions(check)
    await chat.press("zt_save")
    async with db.transaction() as session:
        kept = await session.get(Appointment, thursday)
        assert kept.status == "booked"  # it stays until the case manager cancels it
    [changed] = await workplaces(db, KAYA)
    assert changed.working_hours == "Mo-We 09:00-12:00"


async def test_forged_and_stale_buttons_change_nothing(flow, db):
    [kaya_place] = await workplaces(db, KAYA)
    await add_staff(db, NEW_CM, "N. Neu", StaffRole.CASE_MANAGER, ["kuerten"])
    chat = staff(flow, NEW_CM)
    assert text(await chat.press(f"zt_edit:{kaya_place.id}")) == hours.GONE
    assert text(await chat.press("zt_office:kim-odenthal")) == hours.GONE  # not her town
    assert text(await chat.press("zt_office:nowhere")) == hours.GONE
    assert text(await chat.press("zt_save")) == hours.GONE
    [unchanged] = await workplaces(db, KAYA)
    assert unchanged.working_hours == "Tu,Th 09:00-12:00"
    assert await workplaces(db, NEW_CM) == []


async def test_only_roles_that_take_appointments_use_it(flow):
    chat = staff(flow, VOLUNTEER)
    answer = await chat.send("/zeiten")
    assert text(answer) == texts.NOT_FOR_ROLE.format(role=texts.ROLE_LABELS["volunteer"])
