"""/digest in the staff bot: the digest on demand and its daily time."""

from __future__ import annotations

import pytest

from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.digest import command as digest
from bot.i18n import FSI, PDI
from scheduler.clock import FixedClock
from scheduler.digests import send_due_digests
from storage.models import StaffRole
from tests.support.common import text
from tests.support.digest import BERLIN, access_log, member, messages_to, set_member
from tests.support.staff import add_appointment, add_client, add_member, add_workplace, local


def staff_chat(chat_factory, user_id: int = 700):
    return chat_factory(user_id=user_id, language_code="de", bot=BotKind.STAFF)


@pytest.fixture
async def kaya(sqlite_db):
    """A case manager with one appointment today. Now is Monday 23.11.2026, 10:00 in Berlin."""
    me = await add_member(sqlite_db, 700, "Frau Kaya")
    client = await add_client(sqlite_db, telegram_id=9001, alias="Amal")
    await add_appointment(sqlite_db, client, me, local(23, 14))
    await set_member(sqlite_db, me, last_digest_at=local(20, 7, 30))
    return {"me": me, "client": client}


async def test_on_demand_it_reads_like_the_scheduled_one_and_moves_nothing(chat_factory,
                                                                          sqlite_db, clock,
                                                                          kaya):
    shown = await staff_chat(chat_factory).send("/digest")
    [reply] = shown.replies
    body, footer = reply.text.rsplit("\n\n", 1)
    assert body.startswith(
        f"☀️ Ihr Tag, Mo 23.11.2026\nHeute 1 Termin:\n• 14:00–14:30 {FSI}Amal{PDI}")
    assert "Seit Fr 20.11., 07:30 Uhr" in body and "📆 Rest der Woche:" in body
    assert footer == digest.FOOTER_ON.format(time="07:30")
    assert (await member(sqlite_db, kaya["me"])).last_digest_at == local(20, 7, 30)
    assert await access_log(sqlite_db) == [(kaya["me"], kaya["client"], "digest.on_demand")]
    # The scheduled digest at the same moment says the same.
    assert await send_due_digests(sqlite_db, FixedClock(clock.now()), BERLIN) == 1
    [scheduled] = await messages_to(sqlite_db, 700)
    assert scheduled.text == body


async def test_on_demand_for_coordination_shows_the_clearing(chat_factory, sqlite_db):
    await add_member(sqlite_db, 700, "Frau KI", StaffRole.COORDINATION)
    reply = text(await staff_chat(chat_factory).send("/digest"))
    assert reply.startswith("🧭 Klärung (Koordination), Mo 23.11.2026\n"
                            "Keine offenen Fälle in der Klärung.")
    assert "Ihr Tag" not in reply


async def test_an_admin_without_appointments_sees_an_empty_day(chat_factory, sqlite_db):
    await add_member(sqlite_db, 700, "Admin", StaffRole.ADMIN)
    reply = text(await staff_chat(chat_factory).send("/digest"))
    assert reply.startswith("☀️ Ihr Tag, Mo 23.11.2026\nHeute keine Termine.")
    assert reply.endswith(digest.FOOTER_NONE)


@pytest.mark.parametrize(("typed", "stored", "shown"), [
    ("07:00", "07:00", "07:00"),
    ("6.45", "06:45", "06:45"),
    ("8", "08:00", "08:00"),
    ("8 Uhr", "08:00", "08:00"),
    ("7:30", None, "07:30"),  # the default is stored as "no choice"
    ("20:00", "20:00", "20:00"),
])
async def test_setting_the_time(chat_factory, sqlite_db, kaya, typed, stored, shown):
    reply = text(await staff_chat(chat_factory).send(f"/digest zeit {typed}"))
    assert reply == digest.TIME_SET.format(time=shown)
    assert (await member(sqlite_db, kaya["me"])).digest_time == stored


@pytest.mark.parametrize(("typed", "reason"), [
    ("25:00", "„25:00“ ist keine Uhrzeit."),
    ("7:75", "„7:75“ ist keine Uhrzeit."),
    ("morgens", "„morgens“ ist keine Uhrzeit."),
    ("07:30:00", "„07:30:00“ ist keine Uhrzeit."),
    ("04:59", "Bitte eine Zeit zwischen 05:00 und 20:00 Uhr."),
    ("20:01", "Bitte eine Zeit zwischen 05:00 und 20:00 Uhr."),
])
async def test_a_bad_time_is_refused_clearly_and_changes_nothing(chat_factory, sqlite_db,
                                                                kaya, typed, reason):
    await set_member(sqlite_db, kaya["me"], digest_time="08:00")
    reply = text(await staff_chat(chat_factory).send(f"/digest zeit {typed}"))
    assert reply == digest.BAD_TIME.format(reason=reason)
    assert (await member(sqlite_db, kaya["me"])).digest_time == "08:00"


async def test_switching_off_and_on(chat_factory, sqlite_db, kaya, clock):
    chat = staff_chat(chat_factory)
    assert text(await chat.send("/digest zeit")) == digest.NO_TIME
    assert text(await chat.send("/digest aus")) == digest.SWITCHED_OFF
    assert (await member(sqlite_db, kaya["me"])).digest_time == "aus"
    assert text(await chat.send("/digest")).endswith(digest.FOOTER_OFF)
    clock.set(local(24, 8))
    assert await send_due_digests(sqlite_db, FixedClock(clock.now()), BERLIN) == 0
    assert text(await chat.send("/digest an")) == digest.TIME_SET.format(time="07:30")
    assert (await member(sqlite_db, kaya["me"])).digest_time is None
    assert text(await chat.send("/digest an")) == digest.ALREADY_ON.format(time="07:30")
    assert await send_due_digests(sqlite_db, FixedClock(clock.now()), BERLIN) == 1
    assert text(await chat.send("/digest bitte")) == digest.UNKNOWN
    assert text(await chat.send("/digest aus jetzt")) == digest.UNKNOWN


async def test_a_later_time_set_today_is_kept_today(chat_factory, sqlite_db, kaya, clock):
    """Set at 10:00 to 11:00: today's digest comes at 11:00, not at once."""
    assert text(await staff_chat(chat_factory).send("/digest zeit 11:00")).startswith("✅")
    assert await send_due_digests(sqlite_db, FixedClock(clock.now()), BERLIN) == 0
    assert await send_due_digests(sqlite_db, FixedClock(local(23, 11)), BERLIN) == 1


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_cannot_use_it(chat_factory, sqlite_db, role):
    await add_member(sqlite_db, 710, "Frau Ehrenamt", role)
    chat = staff_chat(chat_factory, 710)
    refusal = texts.NOT_FOR_ROLE.format(role=texts.ROLE_LABELS[role.value])
    assert text(await chat.send("/digest")) == refusal
    assert text(await chat.send("/digest zeit 07:00")) == refusal
    assert "/digest" not in text(await chat.send("/hilfe"))


async def test_help_lists_it_for_case_managers(chat_factory, sqlite_db):
    member_id = await add_member(sqlite_db, 700)
    await add_workplace(sqlite_db, member_id)
    assert "/digest – Tagesüberblick" in text(await staff_chat(chat_factory).send("/hilfe"))
