"""Staff bot: /abwesend, the period parser, and absences in the free-slot engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.appointments.availability import free_options, workplaces_for_town
from bot.flows.events import BotKind
from bot.flows.staff import period, texts
from bot.flows.staff.appointments import absence
from bot.flows.staff.period import PeriodError, parse_period
from bot.i18n import FSI, PDI
from storage.models import AppointmentKind
from tests.support.common import actions, text
from tests.support.staff import (
    NOW,
    absences,
    add_appointment,
    add_client,
    add_member,
    add_workplace,
    local,
)

TZ = "Europe/Berlin"


@pytest.mark.parametrize(("typed", "start", "end"), [
    ("24.12.", local(24, 0, month=12), local(25, 0, month=12)),
    ("24.12", local(24, 0, month=12), local(25, 0, month=12)),
    ("24.12.2026", local(24, 0, month=12), local(25, 0, month=12)),
    (" 24.12.-31.12. ", local(24, 0, month=12), local(1, 0, month=1, year=2027)),
    ("24.12. bis 31.12.2026", local(24, 0, month=12), local(1, 0, month=1, year=2027)),
    ("28.12.–3.1.", local(28, 0, month=12), local(4, 0, month=1, year=2027)),
    ("24.12. 13:00-16:00", local(24, 13, month=12), local(24, 16, month=12)),
    ("24.12. 13.00 - 16.30 Uhr", local(24, 13, month=12), local(24, 16, 30, month=12)),
    ("5.1.", local(5, 0, month=1, year=2027), local(6, 0, month=1, year=2027)),  # next year's
    ("23.11.", local(23, 0), local(24, 0)),  # today: partly past is fine
])
def test_periods_in_german_notation(typed, start, end):
    found = parse_period(typed, NOW, TZ)
    assert (found.starts_at, found.ends_at) == (start, end)


@pytest.mark.parametrize(("typed", "problem"), [
    ("31.02.", period.NO_SUCH_DATE.format(value="31.02.")),
    ("24.13.2026", period.NO_SUCH_DATE.format(value="24.13.2026")),
    ("24.12. 25:00-26:00", period.NO_SUCH_TIME.format(value="25:00")),
    ("24.12. 16:00-13:00", period.END_BEFORE_START),
    ("31.12.2026-24.12.2026", period.END_BEFORE_START),
    ("24.12.2027", period.TOO_FAR),
    ("20.11.-22.11.", period.IN_THE_PAST),
    ("23.11. 08:00-09:30", period.IN_THE_PAST),  # ended half an hour ago
    ("morgen", period.UNREADABLE),
    ("24.12. 13:00", period.UNREADABLE),
    ("1" * 61, period.TOO_LONG),
])
def test_bad_periods_are_explained(typed, problem):
    with pytest.raises(PeriodError) as refused:
        parse_period(typed, NOW, TZ)
    assert str(refused.value) == problem


def test_whole_days_follow_local_midnight_across_the_clock_changes():
    october = datetime(2026, 10, 20, 12, tzinfo=UTC)
    autumn = parse_period("25.10.", october, TZ)  # the clocks go back: 25 hours
    assert autumn.starts_at == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert autumn.ends_at - autumn.starts_at == timedelta(hours=25)
    spring = parse_period("28.03.2027", NOW, TZ)  # the clocks go forward: 23 hours
    assert spring.ends_at - spring.starts_at == timedelta(hours=23)
    assert spring.first_day == spring.last_day == date(2027, 3, 28)
    assert parse_period("28.03.2027 01:00-04:00", NOW, TZ).times == (time(1), time(4))


@pytest.fixture
async def member(sqlite_db):
    me = await add_member(sqlite_db, 800, "Frau Kaya")
    await add_workplace(sqlite_db, me, hours="Mo-Fr 08:00-16:00")
    return me


def staff_chat(chat_factory, user_id: int = 800):
    return chat_factory(user_id=user_id, language_code="de", bot=BotKind.STAFF)


async def test_block_a_whole_day_by_text(chat_factory, sqlite_db, member):
    chat = staff_chat(chat_factory)
    asked = await chat.send("/abwesend")
    assert text(asked).startswith(absence.NONE_YET)
    assert absence.ASK in text(asked)
    assert actions(asked) == ["absence_day:0", "absence_day:1"]
    saved = await chat.send("24.12.")
    assert text(saved) == absence.SAVED.format(period="am Do 24.12.2026 (ganztags)")
    [row] = await absences(sqlite_db)
    assert (row.staff_member_id, row.starts_at, row.ends_at) == (
        member, local(24, 0, month=12), local(25, 0, month=12))
    # The input is over: more text is no second absence.
    assert text(await chat.send("25.12.")) == texts.UNKNOWN
    assert len(await absences(sqlite_db)) == 1


async def test_bad_periods_change_nothing_and_the_question_stays(chat_factory, sqlite_db,
                                                                member):
    chat = staff_chat(chat_factory)
    await chat.send("/abwesend")
    for typed in ("31.02.", "24.12. 16:00-13:00", "24.12.2027", "20.11.", "x" * 61):
        refused = await chat.send(typed)
        assert "Es wurde nichts eingetragen" in text(refused), typed
    assert text(await chat.send("y" * 4000)) == texts.TOO_LONG.format(limit=1000)
    assert text(await chat.send_unsupported("sticker")) == texts.UNSUPPORTED
    assert await absences(sqlite_db) == []
    saved = await chat.send("24.12. 13:00-16:00")
    assert text(saved) == absence.SAVED.format(period="am Do 24.12.2026, 13:00–16:00 Uhr")
    assert len(await absences(sqlite_db)) == 1


async def test_abbrechen_leaves_the_input(chat_factory, sqlite_db, member):
    chat = staff_chat(chat_factory)
    await chat.send("/abwesend")
    assert text(await chat.send("/abbrechen")) == texts.CANCELLED_FLOW
    assert text(await chat.send("24.12.")) == texts.UNKNOWN
    assert await absences(sqlite_db) == []


async def test_tomorrow_blocked_warns_of_open_appointments_and_frees_no_new_slots(
        chat_factory, sqlite_db, member, clock):
    client = await add_client(sqlite_db, telegram_id=9100, alias="Amal")
    kept = await add_appointment(sqlite_db, client, member, local(24, 9))
    other_day = await add_appointment(sqlite_db, client, member, local(25, 9))
    chat = staff_chat(chat_factory)
    saved = await chat.press("absence_day:1")
    assert absence.SAVED.format(period="am Di 24.11.2026 (ganztags)") in text(saved)
    assert absence.CONFLICTS.format(count=1) in text(saved)
    assert f"Di 24.11.2026, 09:00–09:30 Uhr: {FSI}Amal{PDI}, Folgetermin" in text(saved)
    assert actions(saved) == [f"cancel:{kept}"]
    assert f"cancel:{other_day}" not in actions(saved)
    async with sqlite_db.transaction() as session:
        options = await free_options(session, await workplaces_for_town(session, "odenthal"),
                                     AppointmentKind.FOLLOW_UP, clock.now())
    days = {option.starts_at.date() for option in options}
    assert date(2026, 11, 24) not in days and date(2026, 11, 25) in days
    # The warning's cancel button leads to the usual confirmation.
    assert "wirklich absagen" in text(await chat.press(f"cancel:{kept}"))


async def test_today_whole_day_skips_appointments_already_begun(chat_factory, sqlite_db,
                                                               member):
    client = await add_client(sqlite_db, telegram_id=9101, alias="Amal")
    await add_appointment(sqlite_db, client, member, local(23, 9))  # began before now
    saved = await staff_chat(chat_factory).press("absence_day:0")
    assert "Achtung" not in text(saved) and actions(saved) == []
    assert "nicht mehr gültig" in text(await staff_chat(chat_factory).press("absence_day:2"))


async def test_list_and_delete_only_own_absences(chat_factory, sqlite_db, member):
    colleague = await add_member(sqlite_db, 801, "Herr Lenz")
    chat, other = staff_chat(chat_factory), staff_chat(chat_factory, 801)
    await chat.send("/abwesend")
    await chat.send("24.12.-31.12.")
    await other.send("/abwesend")
    await other.send("1.12.")
    mine, theirs = await absences(sqlite_db)
    assert theirs.staff_member_id == colleague
    listed = await chat.send("/abwesend")
    assert "Do 24.12.2026 – Do 31.12.2026" in text(listed)
    assert "01.12.2026" not in text(listed)
    assert actions(listed)[0] == f"absence_del:{mine.id}"
    assert text(await chat.press(f"absence_del:{theirs.id}")) == absence.NOT_YOURS
    assert text(await chat.press("absence_del:x1")) == absence.NOT_YOURS
    assert len(await absences(sqlite_db)) == 2
    deleted = await chat.press(f"absence_del:{mine.id}")
    assert text(deleted).startswith(absence.DELETED)
    assert absence.NONE_YET in text(deleted)
    assert [row.id for row in await absences(sqlite_db)] == [theirs.id]
    assert text(await chat.press(f"absence_del:{mine.id}")) == absence.NOT_YOURS
