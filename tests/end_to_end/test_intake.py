"""Through both real bots against the local Bot API-compatible server: a Persian speaker books
a first interview, answers the intake offered right after (the town and the interpreter from
the booking already filled in), sends it, and the German summary
arrives in the staff chat of the case manager they will meet, who opens it again (logged)."""

from __future__ import annotations

from bot.app import SANDBOX_ADMIN_ID, SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
from bot.i18n import translator
from bot.sandbox.state import SimUser
from storage import audit
from tests.support.sandbox import agree, book_first_free_time, button_data, press, say

CLIENT, STAFF = SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
FA = translator("fa")


async def test_intake_in_persian_after_booking_reaches_the_staff_chat_in_german(system):
    server = system.sandbox
    ahmad = SimUser(100030, "Ahmad", "fa")
    manager = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    await say(server, STAFF, manager, "/start")  # the case manager's staff chat is open

    menu = await agree(server, CLIENT, ahmad, "fa")
    name = await book_first_free_time(server, CLIENT, ahmad, menu)
    [interpreter] = await press(server, CLIENT, ahmad, name["message_id"], "bnoname")
    [check] = await press(server, CLIENT, ahmad, interpreter["message_id"], "binterp:fa")
    book = next(d for d in button_data(check) if d.startswith("bok:"))
    _, _, offer = await press(server, CLIENT, ahmad, check["message_id"], book, count=3)
    assert offer["text"] == FA._("Before the meeting: do you want to answer a few short "
                                 "questions? Then your case manager can prepare.")
    [booked] = await server.wait_for(STAFF, manager.id, timeout=10)
    assert booked["text"].startswith("📅 Neuer Termin")

    current = offer

    async def tap(data: str) -> dict:
        nonlocal current
        [current] = await press(server, CLIENT, ahmad, current["message_id"], data)
        return current

    async def write(text: str) -> dict:
        nonlocal current
        [current] = await say(server, CLIENT, ahmad, text)
        return current

    # The town and the interpreter were chosen when booking: not asked again, but named.
    first = await tap("i_go")
    assert FA._("You told us this already, so we filled it in: {answers}. You can change it "
                "before you send.", answers=FA._("Town") + ", " + FA._("Interpreter")) in (
        first["text"])
    assert FA._("Question {n} of {total}", n=1, total=11) in first["text"]
    assert FA._("Which town do you live in?") not in first["text"]
    assert "i_tog:topics-housing" in button_data(first)
    ticked = await tap("i_tog:topics-housing")
    assert ticked["event"] == "edit"  # ticking updates the question in place
    await tap("i_tog:topics-letters")
    await tap("i_tog:topics-kita_school")
    await tap("i_done:topics")
    await tap("i_ans:household-partner")
    await tap("i_ans:children-3")
    await tap("i_ans:age-27_39")
    await tap("i_tog:languages-ps")
    await tap("i_done:languages")
    await tap("i_ans:german-none")
    await tap("i_tog:services-refugee")
    await tap("i_done:services")
    await tap("i_ans:helping-no")
    await tap("i_ans:letter-yes")
    await write("۲۶.۱۱.۲۰۲۶")
    await tap("i_ans:contact-in_person")
    await tap("i_ans:residence-duldung")
    check = await write("نامه از اداره خارجی‌ها دارم و نمی‌فهمم")
    assert FA._("Please check your answers:") in check["text"]
    assert "i_send" in button_data(check)
    _, thanks, _ = await press(server, CLIENT, ahmad, check["message_id"], "i_send", count=3)
    assert FA._("Thank you! We sent your answers to KIM.") in thanks["text"]

    [summary] = await server.wait_for(STAFF, manager.id, timeout=10)
    text = summary["text"]
    assert text.startswith("📥 Neue Anfrage für Sie (Erstgespräch bei Ihnen gebucht)")
    for line in ("📍 Wohnort: Odenthal",
                 "📋 Themen: Wohnen, Kita und Schule, Behördenbriefe",
                 "🏠 Haushalt: mit Partner:in, 3 Kinder",
                 "🗣 Sprachen: Persisch, Paschtu · Deutsch: keine Deutschkenntnisse · "
                 "Dolmetschung: ja, Persisch",
                 "🤝 Andere Dienste: Flüchtlingsberatung – hilft: nein",
                 "✉️ Brief mit Frist: ja, Frist Do 26.11.2026",
                 "⚠️ FRIST in 3 Tagen (Do 26.11.2026)",
                 "☎️ Kontakt gewünscht: persönlich im Büro",
                 "🪪 Aufenthalt: Duldung",
                 "💬 Freitext (Persisch, wie geschrieben):"):
        assert line in text, line
    assert "نامه از اداره خارجی‌ها دارم و نمی‌فهمم" in text  # as written
    assert "💡 HINWEIS, keine Entscheidung: Die Angaben deuten auf 3 von 4" in text

    [mine] = await say(server, STAFF, manager, "/anfragen")
    opening = next(d for d in button_data(mine) if d.startswith("intake_open:"))
    [opened] = await press(server, STAFF, manager, mine["message_id"], opening)
    assert "📍 Wohnort: Odenthal" in opened["text"]
    async with system.db.transaction() as session:
        actions = [entry.action for entry in await audit.entries(session)]
    assert actions.count("intake.delivered") == 1 and actions.count("intake.view") == 1
