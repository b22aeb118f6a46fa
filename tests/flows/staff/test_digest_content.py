"""What the case manager digest says, and in which order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.flows.staff.digest.schedule import opens_the_week
from bot.flows.staff.digest.text import pack
from bot.i18n import FSI, PDI
from scheduler.clock import FixedClock
from scheduler.digests import send_due_digests
from storage.appointments import cancel
from storage.db import Database
from storage.digests import AssignedCase
from storage.models import Appointment, AppointmentKind, Channel
from tests.support.digest import (
    BERLIN,
    access_log,
    clear_outbox,
    messages_to,
    set_appointment,
    set_client,
    set_member,
)
from tests.support.staff import add_appointment, add_client, add_member, local

# Names and phone numbers are isolated, so they cannot reverse the German line around them.
ARABIC_AMAL = f"{FSI}أمل{PDI}"
OLENA = f"{FSI}Olena{PDI}"
HERR_D = f"{FSI}Herr D.{PDI}"


async def digest_text(db: Database, at: datetime, chat_id: int = 700) -> str:
    assert await send_due_digests(db, FixedClock(at), BERLIN) == 1
    return "\n\n".join(message.text for message in await messages_to(db, chat_id))


async def cancel_at(db: Database, appointment_id: int, by: str, when: datetime) -> None:
    async with db.transaction() as session:
        row = await session.get(Appointment, appointment_id)
        assert row is not None
        await cancel(session, row, by=by, now=when)


@pytest.fixture
async def week(db, monkeypatch):
    """Frau Kaya's week, seen on Monday 23.11.2026 at 07:30; her last digest was Friday
    07:30. A colleague's appointments and changes must never show."""
    me = await add_member(db, 700, "Frau Kaya")
    colleague = await add_member(db, 701, "Herr Lenz")
    await set_member(db, me, last_digest_at=local(20, 7, 30))
    await set_member(db, colleague, digest_time="aus")
    amal = await add_client(db, telegram_id=9001, alias="أمل")
    nameless = await add_client(db, telegram_id=9002, alias=None, language="uk")
    caller = await add_client(db, alias="Herr D.", phone="0171 2345678", language="fa")
    olena = await add_client(db, telegram_id=9003, alias="Olena", language="uk")
    stranger = await add_client(db, telegram_id=9004, alias="Bei Herrn Lenz")
    ids = {
        # today, added out of order
        "first": await add_appointment(db, nameless, me, local(23, 14),
                                       kind=AppointmentKind.FIRST_INTERVIEW,
                                       channel=Channel.IN_PERSON, minutes=60),
        "amal_today": await add_appointment(db, amal, me, local(23, 9, 30), interpreter="ar"),
        "caller_today": await add_appointment(db, caller, me, local(23, 11),
                                              channel=Channel.VIDEO),
        "dropped": await add_appointment(db, olena, me, local(23, 12)),
        "theirs": await add_appointment(db, stranger, colleague, local(23, 10)),
        # the rest of the week
        "tuesday_cancelled": await add_appointment(db, olena, me, local(24, 10)),
        "tuesday": await add_appointment(db, caller, me, local(24, 8)),
        "wednesday": await add_appointment(db, amal, me, local(25, 9),
                                           channel=Channel.IN_PERSON),
        "thursday": await add_appointment(db, olena, me, local(26, 15)),
        "saturday": await add_appointment(db, olena, me, local(28, 10)),
        "old_news": await add_appointment(db, olena, me, local(27, 11)),
    }
    await set_appointment(db, ids["first"], status="confirmed")
    # Booked since Friday's digest: one today, two later this week.
    await set_appointment(db, ids["caller_today"], created_at=local(21, 10))
    await set_appointment(db, ids["wednesday"], created_at=local(22, 18))
    await set_appointment(db, ids["thursday"], created_at=local(21, 9))
    await set_appointment(db, ids["old_news"], created_at=local(19, 9))  # before Friday 07:30
    # Cancelled since Friday: today's 12:00 (by the person), Tuesday's 10:00 (by the team).
    await cancel_at(db, ids["dropped"], "client", local(22, 20))
    await cancel_at(db, ids["tuesday_cancelled"], "staff", local(21, 11))
    # The colleague's changes since Friday.
    await cancel_at(db, ids["theirs"], "client", local(22, 9))
    # Amal blocked the bot on Sunday; the colleague's client too, and one before Friday.
    await set_client(db, amal, unreachable_at=local(22, 15), phone="0171 111")
    await set_client(db, stranger, unreachable_at=local(22, 16))
    await set_client(db, olena, unreachable_at=local(19, 16))

    async def topics(session, client_ids):  # the seam issue 6 fills from the intake
        return {amal: ["housing", "work"]} if amal in client_ids else {}

    async def assigned(session, staff_member_id, since):  # the seam issue 6 fills
        assert staff_member_id == me
        cases = [AssignedCase(olena, "Olena", "odenthal", local(20, 14))]
        return [case for case in cases if case.assigned_at >= since]

    monkeypatch.setattr("storage.digests.topics_for_clients", topics)
    monkeypatch.setattr("storage.digests.assigned_since", assigned)
    return {"me": me, "amal": amal, "nameless": nameless, "caller": caller, "olena": olena,
            "stranger": stranger, **ids}


async def test_the_monday_digest_in_order(db, week):
    text = await digest_text(db, local(23, 7, 30))
    assert text.splitlines() == [
        "☀️ Ihr Tag, Mo 23.11.2026",
        "Heute 3 Termine:",
        f"• 09:30–10:00 {ARABIC_AMAL} (über den Chat, Tel. {FSI}0171 111{PDI})",
        "   Folgetermin, Telefon · Arabisch, Dolmetschung Arabisch",
        "   ⏳ nicht bestätigt · Themen: Wohnen, Arbeit und Arbeitserlaubnis",
        f"• 11:00–11:30 {HERR_D} (per Telefon gebucht, Tel. {FSI}0171 2345678{PDI})",
        "   Folgetermin, Video · Persisch, ohne Dolmetschung",
        "   ⏳ nicht bestätigt · 🆕 neu gebucht",
        f"• 14:00–15:00 Person Nr. {week['nameless']} (über den Chat)",
        "   Erstgespräch, persönlich · Ukrainisch, ohne Dolmetschung",
        "   ✅ bestätigt",
        "",
        "Seit Fr 20.11., 07:30 Uhr:",
        "❌ Abgesagt:",
        f"• Mo 23.11., 12:00 {OLENA} – von der Person",
        f"• Di 24.11., 10:00 {OLENA} – vom Team",
        "📅 Neu gebucht:",
        f"• Mi 25.11., 09:00 {ARABIC_AMAL} – Folgetermin, persönlich",
        f"• Do 26.11., 15:00 {OLENA} – Folgetermin, Telefon",
        "📵 Im Chat nicht mehr erreichbar (Bot blockiert):",
        f"• {ARABIC_AMAL} – nächster Termin Mo 23.11., 09:30 – bitte anrufen: "
        f"Tel. {FSI}0171 111{PDI}",
        "📂 Neu zugewiesen:",
        f"• {OLENA} (odenthal), Fr 20.11.",
        "",
        "📆 Rest der Woche:",
        f"• Di 24.11.: 08:00 {HERR_D}",
        f"• Mi 25.11.: 09:00 {ARABIC_AMAL}",
        f"• Do 26.11.: 15:00 {OLENA}",
        f"• Fr 27.11.: 11:00 {OLENA}",
        f"• Sa 28.11.: 10:00 {OLENA}",
    ]


async def test_every_person_shown_is_in_the_access_log_and_nobody_else(db, week):
    await digest_text(db, local(23, 7, 30))
    logged = await access_log(db)
    assert {action for _, _, action in logged} == {"digest"}
    assert {staff for staff, _, _ in logged} == {week["me"]}
    assert {client for _, client, _ in logged} == {
        week["amal"], week["nameless"], week["caller"], week["olena"]}


async def test_tuesday_has_no_week_and_lists_only_what_changed_since_monday(db, week):
    await digest_text(db, local(23, 7, 30))
    await clear_outbox(db)
    async with db.transaction() as session:
        await cancel(session, await session.get(Appointment, week["thursday"]), by="client",
                     now=local(23, 16))
    text = await digest_text(db, local(24, 7, 30))
    assert "Rest der Woche" not in text
    assert f"Seit Mo 23.11., 07:30 Uhr:\n❌ Abgesagt:\n• Do 26.11., 15:00 {OLENA}" in text
    assert "Neu gebucht" not in text and "erreichbar" not in text
    assert f"Heute 1 Termin:\n• 08:00–08:30 {HERR_D}" in text


async def test_a_quiet_day(sqlite_db):
    await add_member(sqlite_db, 700)
    text = await digest_text(sqlite_db, local(24, 7, 30))
    assert text == ("☀️ Ihr Tag, Di 24.11.2026\nHeute keine Termine.\n\n"
                    "Seit Mo 23.11., 07:30 Uhr: keine Absagen, keine neuen Buchungen.")


async def test_someone_unreachable_without_an_open_appointment_or_phone(sqlite_db):
    me = await add_member(sqlite_db, 700)
    client = await add_client(sqlite_db, telegram_id=9001, alias="Amal")
    past = await add_appointment(sqlite_db, client, me, local(16, 9))
    await set_appointment(sqlite_db, past, status="attended")
    await set_client(sqlite_db, client, unreachable_at=local(23, 9))
    text = await digest_text(sqlite_db, local(24, 7, 30))
    assert (f"• {FSI}Amal{PDI} – kein offener Termin – keine Telefonnummer hinterlegt"
            in text)


async def test_the_week_after_easter_monday_opens_on_tuesday(sqlite_db):
    assert not opens_the_week(datetime(2027, 3, 29).date())  # Easter Monday
    assert opens_the_week(datetime(2027, 3, 30).date())
    assert not opens_the_week(datetime(2027, 3, 31).date())
    await add_member(sqlite_db, 700)
    assert await send_due_digests(sqlite_db, FixedClock(local(29, 8, month=3, year=2027)),
                                  BERLIN) == 0
    text = await digest_text(sqlite_db, local(30, 8, month=3, year=2027))
    assert "📆 Rest der Woche:\n• Mi 31.03.: keine Termine\n• Do 01.04.: keine Termine" in text


async def test_a_holiday_in_the_week_ahead_says_so(sqlite_db):
    await add_member(sqlite_db, 700)
    text = await digest_text(sqlite_db, local(21, 7, 30, month=12))
    assert text.endswith("• Do 24.12.: keine Termine\n• Fr 25.12.: Feiertag")


def test_a_long_digest_is_split_between_lines_and_nothing_is_lost():
    blocks = ["A\n" + "\n".join(f"line {n:04}" for n in range(900)), "B\nlast"]
    messages = pack(blocks, limit=4000)
    assert len(messages) > 1 and all(len(m) <= 4000 for m in messages)
    joined = "\n".join(messages)
    assert all(f"line {n:04}" in joined for n in range(900)) and joined.endswith("B\nlast")
    assert pack(["short", "also short"]) == ["short\n\nalso short"]


async def test_the_first_digest_looks_back_a_day(sqlite_db):
    me = await add_member(sqlite_db, 700)
    client = await add_client(sqlite_db, telegram_id=9001, alias="Amal")
    fresh = await add_appointment(sqlite_db, client, me, local(25, 9))
    stale = await add_appointment(sqlite_db, client, me, local(26, 9))
    now = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)  # Tuesday 07:30 in Berlin
    await set_appointment(sqlite_db, fresh, created_at=now - timedelta(hours=23))
    await set_appointment(sqlite_db, stale, created_at=now - timedelta(hours=25))
    text = await digest_text(sqlite_db, now)
    assert (f"Mi 25.11., 09:00 {FSI}Amal{PDI}" in text
            and f"Do 26.11., 09:00 {FSI}Amal{PDI}" not in text)
