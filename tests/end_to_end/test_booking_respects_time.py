"""Through both real bots against the local Bot API-compatible server: a waiting-list offer won
by the first of two waiting people, a late cancellation the case manager hears of, and /zeiten
changing the hours so that a person sees the new times. (The intake filled in from the booking:
tests/end_to_end/test_intake.py.)"""

from __future__ import annotations

from bot.app import SANDBOX_ADMIN_ID, SANDBOX_CLIENT_TOKEN, SANDBOX_OFFICE, SANDBOX_STAFF_TOKEN
from bot.i18n import translator
from bot.sandbox.state import SimUser
from scheduler.waitlist import offer_freed_times
from tests.support.booking import short_notice
from tests.support.sandbox import agree, book_first_free_time, button_data, press, say

CLIENT, STAFF = SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
EN, UK = translator("en"), translator("uk")


async def book_first_time(server, person: SimUser, language: str) -> None:
    menu = await agree(server, CLIENT, person, language)
    ask_name = await book_first_free_time(server, CLIENT, person, menu)
    [interpreter] = await say(server, CLIENT, person, person.first_name)
    [check] = await press(server, CLIENT, person, interpreter["message_id"], "binterp:no")
    book = next(d for d in button_data(check) if d.startswith("bok:"))
    await press(server, CLIENT, person, check["message_id"], book, count=3)
    assert ask_name is not None


async def wait_for_a_time(server, person: SimUser, language: str) -> None:
    """Book, Odenthal, "None of these times", "Tell me when a time becomes free", no
    interpreter."""
    menu = await agree(server, CLIENT, person, language)
    [towns] = await press(server, CLIENT, person, menu["message_id"], "book")
    [days] = await press(server, CLIENT, person, towns["message_id"], "btown:odenthal")
    [asked] = await press(server, CLIENT, person, days["message_id"], "bnone")
    [interpreter] = await press(server, CLIENT, person, asked["message_id"], "wl_join")
    _, _ = await press(server, CLIENT, person, interpreter["message_id"], "wl_interp:no", count=2)


async def cancel_first(server, person: SimUser) -> list[dict]:
    """"My appointments" -> Cancel: the answer (a question, or the late screen)."""
    _, mine, _ = await say(server, CLIENT, person, "/appointments", count=3)
    cancel = next(d for d in button_data(mine) if d.startswith("acancel:"))
    return await press(server, CLIENT, person, mine["message_id"], cancel)


async def test_a_waiting_list_offer_is_won_by_the_first_of_two(system):
    server = system.sandbox
    manager = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    await say(server, STAFF, manager, "/start")
    await short_notice(system.db, SANDBOX_OFFICE)
    holder = SimUser(100040, "Sam", "en")
    await book_first_time(server, holder, "en")
    await server.wait_for(STAFF, manager.id, timeout=10)  # the booking notice

    amal, olena = SimUser(100041, "Amal", "en"), SimUser(100042, "Olena", "uk")
    await wait_for_a_time(server, amal, "en")
    await wait_for_a_time(server, olena, "uk")

    [sure] = await cancel_first(server, holder)
    ok = next(d for d in button_data(sure) if d.startswith("acancelok:"))
    await press(server, CLIENT, holder, sure["message_id"], ok, count=3)
    [cancelled] = await server.wait_for(STAFF, manager.id, timeout=10)
    assert cancelled["text"].startswith("❌ Termin abgesagt (von der Person)")

    assert await offer_freed_times(system.db, system.clock, system.engine.catalogue,
                                   system.engine.settings) == 2
    system.outbox.wake()
    [to_amal] = await server.wait_for(CLIENT, amal.id, timeout=10)
    [to_olena] = await server.wait_for(CLIENT, olena.id, timeout=10)
    assert EN._("Good news: a time became free in {town}.", town="Odenthal") in to_amal["text"]
    assert UK._("Good news: a time became free in {town}.", town="Odenthal") in to_olena["text"]
    amal_time = next(d for d in button_data(to_amal) if d.startswith("wl_take:"))
    olena_time = next(d for d in button_data(to_olena) if d.startswith("wl_take:"))

    # The rest of the booking's steps: the name (not known yet), then the check screen.
    [ask_name] = await press(server, CLIENT, amal, to_amal["message_id"], amal_time)
    assert "bnoname" in button_data(ask_name)
    [check] = await say(server, CLIENT, amal, "Amal")
    book = next(d for d in button_data(check) if d.startswith("bok:"))
    won = await press(server, CLIENT, amal, check["message_id"], book, count=4)
    assert EN._("Your appointment is booked.") in won[0]["text"]
    assert any(EN._("You are no longer on the waiting list.") in m["text"] for m in won)
    [told] = await server.wait_for(STAFF, manager.id, timeout=10)
    assert told["text"].startswith("📅 Neuer Termin") and "13:00–14:00" in told["text"]

    [lost, _] = await press(server, CLIENT, olena, to_olena["message_id"], olena_time, count=2)
    assert lost["text"] == UK._(
        "Sorry, someone else was faster: this time has gone. You stay on the waiting list, "
        "and we write to you when the next time becomes free.")
    # Still waiting: "My appointments" shows the place on the list and the way to leave it.
    waiting, _ = await say(server, CLIENT, olena, "/appointments", count=2)
    assert "wl_leave" in button_data(waiting)


async def test_a_late_cancellation_is_taken_and_the_case_manager_hears_it_was_late(system):
    server = system.sandbox
    manager = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    await say(server, STAFF, manager, "/start")
    person = SimUser(100043, "Reza", "en")
    await book_first_time(server, person, "en")  # the first free time: within a day
    await server.wait_for(STAFF, manager.id, timeout=10)

    [late] = await cancel_first(server, person)
    assert EN._("It is too late to cancel it here.") in late["text"]
    assert EN._("Please phone the KIM office: {phone}", phone="02202 13-0") in late["text"]
    anyway = next(d for d in button_data(late) if d.startswith("alate:"))
    done, _, _ = await press(server, CLIENT, person, late["message_id"], anyway, count=3)
    assert "is cancelled" in done["text"]
    [told] = await server.wait_for(STAFF, manager.id, timeout=10)
    assert told["text"].startswith("❌ Termin abgesagt (von der Person, kurzfristig, ")
    assert "Std. vor Beginn)" in told["text"].splitlines()[0]


async def test_zeiten_changes_the_hours_and_a_person_sees_the_new_times(system):
    server = system.sandbox
    manager = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    [overview] = await say(server, STAFF, manager, "/zeiten")
    assert "Mo–Fr 08:00–12:00, 13:00–16:00" in overview["text"]
    change = next(d for d in button_data(overview) if d.startswith("zt_edit:"))
    [asked] = await press(server, STAFF, manager, overview["message_id"], change)
    assert "Mo-Fr 09:00-12:00; Di 14:00-16:00" in asked["text"]
    [check] = await say(server, STAFF, manager, "Sa 10:00-12:00")
    assert "Sa 10:00–12:00" in check["text"]
    [saved] = await press(server, STAFF, manager, check["message_id"], "zt_save")
    assert saved["text"].startswith("✅ Gespeichert")

    person = SimUser(100044, "Dawit", "en")
    menu = await agree(server, CLIENT, person, "en")
    [towns] = await press(server, CLIENT, person, menu["message_id"], "book")
    [days] = await press(server, CLIENT, person, towns["message_id"], "btown:odenthal")
    offered = [d for d in button_data(days) if d.startswith("bday:")]
    assert offered == ["bday:20261128", "bday:20261205"]  # Saturdays only now
    [times] = await press(server, CLIENT, person, days["message_id"], offered[0])
    assert [b["text"] for row in times["buttons"] for b in row][:3] == ["10:00", "10:30", "11:00"]
