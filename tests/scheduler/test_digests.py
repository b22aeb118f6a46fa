"""The scheduled digest: when it is due, for whom, and that it is written exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.i18n import FSI, PDI
from scheduler.clock import FixedClock
from scheduler.digests import send_due_digests
from storage.db import Database
from storage.digests import WaitingCase
from storage.models import StaffRole
from storage.staff_agenda import add_absence
from tests.support.digest import (
    BERLIN,
    access_log,
    clear_outbox,
    member,
    messages_to,
    set_member,
)
from tests.support.staff import (
    add_appointment,
    add_client,
    add_member,
    add_workplace,
    local,
)


async def run(db: Database, at: datetime) -> int:
    return await send_due_digests(db, FixedClock(at), BERLIN)


async def test_due_at_the_default_time_and_not_before(db):
    me = await add_member(db, 700, "Frau Kaya")
    assert await run(db, local(23, 7, 29)) == 0
    assert await messages_to(db, 700) == []
    assert await run(db, local(23, 7, 30)) == 1
    [message] = await messages_to(db, 700)
    assert message.text.startswith("☀️ Ihr Tag, Mo 23.11.2026\nHeute keine Termine.")
    # Held up in the outbox past midnight (local), it is stale and must not go out.
    assert message.not_after == local(24, 0)
    assert (await member(db, me)).last_digest_at == local(23, 7, 30)


async def test_a_chosen_time_and_switched_off(db):
    early = await add_member(db, 700, "Frau Früh")
    off = await add_member(db, 701, "Herr Aus")
    await set_member(db, early, digest_time="06:45")
    await set_member(db, off, digest_time="aus")
    assert await run(db, local(23, 6, 44)) == 0
    assert await run(db, local(23, 6, 45)) == 1
    assert await run(db, local(23, 18, 0)) == 0
    assert len(await messages_to(db, 700)) == 1 and await messages_to(db, 701) == []


async def test_a_time_set_by_hand_that_makes_no_sense_counts_as_the_default(db):
    me = await add_member(db, 700)
    await set_member(db, me, digest_time="99:99")
    assert await run(db, local(23, 7, 29)) == 0
    assert await run(db, local(23, 7, 30)) == 1


@pytest.mark.parametrize("day", [
    datetime(2026, 11, 28, 10, tzinfo=UTC),  # Saturday
    datetime(2026, 11, 29, 10, tzinfo=UTC),  # Sunday
    datetime(2026, 12, 25, 10, tzinfo=UTC),  # Christmas Day, a Friday
    datetime(2026, 6, 4, 10, tzinfo=UTC),  # Corpus Christi, a public holiday in NRW
])
async def test_not_on_weekends_or_public_holidays(sqlite_db, day):
    await add_member(sqlite_db, 700)
    assert await run(sqlite_db, day) == 0
    assert await messages_to(sqlite_db, 700) == []


async def test_christmas_eve_is_a_working_day(sqlite_db):
    await add_member(sqlite_db, 700)
    assert await run(sqlite_db, datetime(2026, 12, 24, 10, tzinfo=UTC)) == 1


async def test_two_runs_write_it_once(db):
    await add_member(db, 700)
    assert await run(db, local(23, 7, 30)) == 1
    assert await run(db, local(23, 7, 31)) == 0
    assert await run(db, local(23, 16, 0)) == 0
    assert len(await messages_to(db, 700)) == 1


async def test_two_instances_at_the_same_moment_write_it_once(db, db_url):
    for telegram_id in range(700, 710):
        await add_member(db, telegram_id, f"Case Manager {telegram_id}")
    other = Database(db_url)  # a second process: its own engine and connections
    try:
        results = await asyncio.gather(run(db, local(23, 7, 30)), run(other, local(23, 7, 30)))
    finally:
        await other.dispose()
    assert sum(results) == 10
    for telegram_id in range(700, 710):
        assert len(await messages_to(db, telegram_id)) == 1


async def test_a_process_that_was_down_sends_it_late_the_same_day_not_the_next(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001, alias="Amal")
    # Down all Monday morning: the digest goes out when the process is back, at 16:00.
    assert await run(db, local(23, 16, 0)) == 1
    assert (await member(db, me)).last_digest_at == local(23, 16, 0)
    await clear_outbox(db)
    # Down from Tuesday 06:00 to Wednesday 06:00: Tuesday's digest is gone for good ...
    await add_appointment(db, client, me, local(27, 9))
    assert await run(db, local(25, 6, 0)) == 0
    assert await messages_to(db, 700) == []
    # ... and Wednesday's comes at its time, listing everything since Monday's.
    assert await run(db, local(25, 7, 30)) == 1
    [message] = await messages_to(db, 700)
    assert message.text.startswith("☀️ Ihr Tag, Mi 25.11.2026")
    assert "Seit Mo 23.11., 16:00 Uhr" in message.text


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_get_none(sqlite_db, role):
    await add_member(sqlite_db, 700, "Frau Ehrenamt", role)
    assert await run(sqlite_db, local(23, 8)) == 0


async def test_no_digest_without_a_chat_or_when_deactivated(sqlite_db):
    await add_member(sqlite_db, None, "Ohne Telegram")
    gone = await add_member(sqlite_db, 701, "Deaktiviert")
    await set_member(sqlite_db, gone, active=False)
    assert await run(sqlite_db, local(23, 8)) == 0


async def test_admins_get_one_only_if_they_take_appointments(sqlite_db):
    await add_member(sqlite_db, 700, "Admin", StaffRole.ADMIN)
    counselling = await add_member(sqlite_db, 701, "Admin mit Beratung", StaffRole.ADMIN)
    await add_workplace(sqlite_db, counselling)
    assert await run(sqlite_db, local(23, 8)) == 1
    assert await messages_to(sqlite_db, 700) == []
    assert len(await messages_to(sqlite_db, 701)) == 1
    # The admin without appointments is marked too, so the job does not look every minute.
    assert await run(sqlite_db, local(23, 9)) == 0


async def test_not_on_a_day_of_leave_but_on_a_day_with_a_blocked_afternoon(sqlite_db):
    away = await add_member(sqlite_db, 700, "Im Urlaub")
    busy = await add_member(sqlite_db, 701, "Nachmittag geblockt")
    await set_member(sqlite_db, away, last_digest_at=local(20, 7, 30))
    async with sqlite_db.transaction() as session:
        await add_absence(session, away, local(23, 0), local(28, 0), local(20, 12))
        await add_absence(session, busy, local(23, 13), local(23, 17), local(20, 12))
    assert await run(sqlite_db, local(23, 8)) == 1
    assert await messages_to(sqlite_db, 700) == []
    # Back the Monday after: the digest covers the whole time away.
    assert await run(sqlite_db, local(30, 8)) == 2
    [message] = await messages_to(sqlite_db, 700)
    assert "Seit Fr 20.11., 07:30 Uhr" in message.text


async def test_coordination_gets_the_clearing_digest_even_when_empty(db):
    await add_member(db, 700, "Frau Koordination", StaffRole.COORDINATION)
    assert await run(db, local(23, 7, 30)) == 1
    [message] = await messages_to(db, 700)
    assert message.text == ("🧭 Klärung (Koordination), Mo 23.11.2026\n"
                            "Keine offenen Fälle in der Klärung.")


async def test_coordination_who_take_appointments_get_both_parts(sqlite_db):
    ki = await add_member(sqlite_db, 700, "Frau KI", StaffRole.COORDINATION)
    await add_workplace(sqlite_db, ki)
    assert await run(sqlite_db, local(23, 7, 30)) == 1
    [message] = await messages_to(sqlite_db, 700)
    assert message.text.startswith("☀️ Ihr Tag, Mo 23.11.2026")
    assert message.text.endswith("Keine offenen Fälle in der Klärung.")


async def test_the_clearing_digest_lists_what_waits_longest_first(sqlite_db, monkeypatch):
    ki = await add_member(sqlite_db, 700, "Frau KI", StaffRole.COORDINATION)
    await set_member(sqlite_db, ki, region_id="rbk", last_digest_at=local(20, 7, 30))
    amal = await add_client(sqlite_db, telegram_id=9001, alias="أمل")
    asked: list[str | None] = []

    async def waiting(session, region_id):  # the seam issue 6 fills
        asked.append(region_id)
        return [WaitingCase("intake", amal, "أمل", "odenthal", local(18, 9)),
                WaitingCase("referral", None, None, "kuerten", local(22, 20),
                            referred_by="Caritas")]

    monkeypatch.setattr("storage.digests.waiting_for_clearing", waiting)
    assert await run(sqlite_db, local(23, 7, 30)) == 1
    [message] = await messages_to(sqlite_db, 700)
    assert asked == ["rbk"]
    assert message.text.splitlines() == [
        "🧭 Klärung (Koordination), Mo 23.11.2026",
        "2 warten auf Klärung, 1 neu seit Fr 20.11., 07:30 Uhr, am längsten wartend zuerst:",
        f"• Anmeldung seit Mi 18.11.: {FSI}أمل{PDI} (odenthal)",
        f"• 🆕 Weiterleitung von {FSI}Caritas{PDI} seit So 22.11.: ohne Namen (kuerten)",
    ]
    assert await access_log(sqlite_db) == [(ki, amal, "digest")]


def test_the_time_follows_the_local_clock_across_the_change_to_summer_time():
    from datetime import date

    from bot.flows.staff.digest.schedule import due_moment
    from storage.models import StaffMember

    someone = StaffMember(digest_time=None)
    assert due_moment(someone, date(2027, 3, 25), BERLIN) == datetime(2027, 3, 25, 6, 30,
                                                                       tzinfo=UTC)
    assert due_moment(someone, date(2027, 3, 30), BERLIN) == datetime(2027, 3, 30, 5, 30,
                                                                       tzinfo=UTC)
    assert due_moment(someone, date(2027, 3, 26), BERLIN) is None  # Good Friday
    assert due_moment(someone, date(2027, 3, 29), BERLIN) is None  # Easter Monday
    assert due_moment(StaffMember(digest_time="aus"), date(2027, 3, 30), BERLIN) is None
