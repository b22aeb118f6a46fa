"""The whole system: python-telegram-bot client bot and aiogram staff bot, long polling against
the local Bot API-compatible server, driven as Telegram users would drive them."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import (
    SANDBOX_ADMIN_ID,
    SANDBOX_CLIENT_TOKEN,
    SANDBOX_OFFICE,
    SANDBOX_STAFF_TOKEN,
    System,
)
from bot.config import Settings
from bot.flows.client.menu import COMMANDS
from bot.flows.staff import texts as staff_texts
from bot.i18n import LANGUAGES, translator
from bot.sandbox.state import SimUser
from tests.support.booking import short_notice
from tests.support.common import all_rows, rows_mentioning
from tests.support.sandbox import agree, book_first_free_time, button_data, press, say

CLIENT, STAFF = SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
AR = translator("ar")


async def test_an_arabic_speaker_agrees_checks_and_deletes_their_data(system):
    server = system.sandbox
    amal = SimUser(100001, "Amal", "ar")

    [hello] = await say(server, CLIENT, amal, "/start")
    assert hello["text"] == AR._("Hello! Please choose your language.")
    assert button_data(hello)[0] == "lang:ar"
    assert len(button_data(hello)) == len(LANGUAGES)

    edited, notice = await press(server, CLIENT, amal, hello["message_id"], "lang:ar", count=2)
    assert edited["event"] == "edit" and edited["message_id"] == hello["message_id"]
    assert edited["buttons"] == []  # the language list is gone once chosen
    assert AR._("Before we start: about your data.") in notice["text"]
    assert button_data(notice) == ["consent:yes", "consent:no", "privfull"]

    _, menu = await press(server, CLIENT, amal, notice["message_id"], "consent:yes", count=2)
    assert menu["text"] == AR._("Main menu. What do you want to do?")
    assert len((await all_rows(system.db))["clients"]) == 1

    [mine] = await say(server, CLIENT, amal, "/mydata")
    assert "100001" in mine["text"]

    [ask] = await say(server, CLIENT, amal, "/delete")
    [done] = await press(server, CLIENT, amal, ask["message_id"], "delete:yes")
    assert done["text"] == AR._(
        "Done. We deleted all your data. Write /start if you want to begin again.")
    assert await rows_mentioning(system.db, amal.id) == []
    rows = await all_rows(system.db)
    assert rows["clients"] == [] and rows["conversation_states"] == []


async def test_photos_and_forged_buttons_get_answers_and_change_nothing(system):
    server = system.sandbox
    olena = SimUser(100002, "Olena", "uk")
    uk = translator("uk")

    server.user_sends_unsupported(CLIENT, olena, "photo")
    [answer] = await server.wait_for(CLIENT, olena.id, timeout=10)
    assert answer["text"] == uk._(
        "Sorry, I can only read text and buttons. Please write a message or tap a button.")
    assert (await all_rows(system.db))["conversation_states"] == []

    update = server.user_presses_raw(CLIENT, olena, 1, "delete:yes")
    answered = await server.wait_for_callback_answer(CLIENT, update["callback_query"]["id"],
                                                     timeout=10)
    assert answered["text"] == uk._("This button does not work any more.")
    assert (await all_rows(system.db))["clients"] == []


async def test_several_people_talk_at_once_each_in_their_language(system):
    server = system.sandbox
    people = [SimUser(200000 + i, f"User {i}", lang.code) for i, lang in enumerate(LANGUAGES)]
    for person in people:
        server.user_sends_text(CLIENT, person, "/start")
    greetings = await asyncio.gather(*(server.wait_for(CLIENT, p.id, timeout=15)
                                       for p in people))
    for person, [greeting] in zip(people, greetings, strict=True):
        expected = translator(person.language_code)._("Hello! Please choose your language.")
        assert greeting["text"] == expected, person.language_code


async def test_a_crash_in_one_update_is_answered_and_the_bot_keeps_running(system,
                                                                           monkeypatch):
    from bot.flows.events import BotKind

    server = system.sandbox
    handlers = system.engine._handlers
    working = handlers[BotKind.CLIENT]

    async def crash_on_help(ctx):
        if ctx.event.command == "help":
            raise RuntimeError("simulated bug")
        return await working(ctx)

    monkeypatch.setitem(handlers, BotKind.CLIENT, crash_on_help)
    ahmad = SimUser(100003, "Ahmad", "fa")
    fa = translator("fa")
    await say(server, CLIENT, ahmad, "/start")
    [sorry] = await say(server, CLIENT, ahmad, "/help")
    assert sorry["text"] == fa._(
        "Sorry, something went wrong on our side. Please try again in a moment.")
    [menu] = await say(server, CLIENT, ahmad, "/menu")
    assert menu["text"] == fa._("Main menu. What do you want to do?")


async def test_the_client_command_menu_is_set_in_every_language(system):
    stored = system.sandbox.bot(CLIENT).commands
    languages = {language for _scope, language in stored}
    assert languages == {lang.code for lang in LANGUAGES} | {""}
    arabic = next(cmds for (_scope, language), cmds in stored.items() if language == "ar")
    assert [c["command"] for c in arabic] == [name for name, _ in COMMANDS]
    described = {c["command"]: c["description"] for c in arabic}
    assert described["menu"] == AR._("Main menu")
    assert described["write"] == AR._("Write to the KIM team")


async def test_the_staff_bot_refuses_strangers_and_welcomes_the_admin(system):
    server = system.sandbox
    stranger = SimUser(300001, "Fremd", "de")
    [refusal] = await say(server, STAFF, stranger, "/start")
    assert refusal["text"] == staff_texts.NOT_REGISTERED.format(telegram_id=stranger.id)

    admin = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    [welcome] = await say(server, STAFF, admin, "/start")
    assert welcome["text"].startswith("Willkommen, Demo Admin! Sie sind angemeldet: "
                                      "Administration.")
    server.user_sends_unsupported(STAFF, admin, "voice")
    [answer] = await server.wait_for(STAFF, admin.id, timeout=10)
    assert answer["text"] == staff_texts.UNSUPPORTED


async def test_a_refused_token_stops_the_start_without_revealing_it(sqlite_url):
    from bot.app import StartupError
    from bot.sandbox import SandboxServer

    server = SandboxServer()  # knows no bots: every token is refused with 401
    await server.start()
    try:
        settings = Settings(_env_file=None, database_url=sqlite_url,
                            client_token="111:very-secret-client", staff_token="222:very-secret",
                            telegram_api_url=server.url)
        with pytest.raises(StartupError) as failure:
            async with System(settings, run_scheduler=False):
                pass
    finally:
        await server.stop()
    message = str(failure.value)
    assert "client bot could not start" in message and server.url in message
    assert "very-secret" not in message


async def test_a_refused_staff_token_stops_the_start_too(sqlite_url):
    from bot.app import StartupError
    from bot.sandbox import SandboxServer

    server = SandboxServer()
    server.add_bot("111:client-ok", "client_bot", "KIM", role="client")  # only the client
    await server.start()
    try:
        settings = Settings(_env_file=None, database_url=sqlite_url, client_token="111:client-ok",
                            staff_token="222:refused-staff", telegram_api_url=server.url)
        with pytest.raises(StartupError, match="staff bot could not start") as failure:
            async with System(settings, run_scheduler=False):
                pass
    finally:
        await server.stop()
    assert "refused-staff" not in str(failure.value)


async def test_a_button_press_too_old_to_acknowledge_still_gets_its_reply(system):
    server = system.sandbox
    person = SimUser(100010, "Late", "uk")
    [hello] = await say(server, CLIENT, person, "/start")
    server.fail_next("answerCallbackQuery", 400,
                     "Bad Request: query is too old and response timeout expired")
    _, notice = await press(server, CLIENT, person, hello["message_id"], "lang:uk", count=2)
    assert translator("uk")._("Before we start: about your data.") in notice["text"]


async def test_documents_reach_the_chat_through_both_adapters(system):
    from bot.flows.events import BotKind, Document, Event, EventKind, Outcome, Reply
    from bot.telegram.client_bot import PtbChatApi
    from bot.telegram.delivery import deliver
    from bot.telegram.staff_bot import AiogramChatApi

    server = system.sandbox
    person = SimUser(100012, "Doc", "de")
    content = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    reply = Reply("Ihr Termin", document=Document("termin.ics", content, "text/calendar"))
    for token, api, bot_kind in ((CLIENT, PtbChatApi(system.client_bot.app.bot), BotKind.CLIENT),
                                 (STAFF, AiogramChatApi(system.staff_bot.bot), BotKind.STAFF)):
        server.register_user(token, person)
        event = Event(bot_kind, person.id, person.id, EventKind.TEXT)
        await deliver(api, event, Outcome([reply]))
        [entry] = [e for e in server.history(token, person.id) if e.get("document")]
        assert entry["document"]["file_name"] == "termin.ics"
        assert entry["text"] == "Ihr Termin"
        assert server.file(entry["document"]["file_id"]).data == content


async def test_the_finder_through_telegram_with_the_sample_catalogue(system):
    server = system.sandbox
    person = SimUser(100020, "Ahmad", "fa")
    fa = translator("fa")
    await say(server, CLIENT, person, "/start")
    [topics] = await say(server, CLIENT, person, "/find")
    assert topics["text"] == fa._("What do you need help with? Tap a topic or write a few words.")
    [towns] = await press(server, CLIENT, person, topics["message_id"], "topic:debts")
    assert "town:kuerten" in button_data(towns)
    replies = await press(server, CLIENT, person, towns["message_id"], "town:kuerten", count=2)
    assert replies[0]["text"] == fa._("Here you can get help:")
    assert "🏢" in replies[1]["text"]


async def test_booking_sends_a_calendar_file_and_the_case_manager_hears_of_booking_and_cancel(
        system):
    server = system.sandbox
    amal = SimUser(100005, "Amal", "ar")
    manager = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    await short_notice(system.db, SANDBOX_OFFICE)  # the first free time may be tomorrow
    await say(server, STAFF, manager, "/start")  # the case manager's staff chat is open

    menu = await agree(server, CLIENT, amal, "ar")
    ask_name = await book_first_free_time(server, CLIENT, amal, menu)
    assert "bnoname" in button_data(ask_name)
    [interpreter] = await say(server, CLIENT, amal, "Amal")
    [check] = await press(server, CLIENT, amal, interpreter["message_id"], "binterp:ar")
    book = next(d for d in button_data(check) if d.startswith("bok:"))
    booked, calendar, _ = await press(server, CLIENT, amal, check["message_id"], book, count=3)

    assert booked["event"] == "edit" and "KIM" in booked["text"]
    assert calendar["kind"] == "document"
    assert calendar["document"]["file_name"].endswith(".ics")
    ics = server.file(calendar["document"]["file_id"]).data.decode()
    assert "BEGIN:VEVENT" in ics and "DTSTART:" in ics

    [told] = await server.wait_for(STAFF, manager.id, timeout=10)
    assert told["text"].startswith("📅 Neuer Termin") and "Amal" in told["text"]
    assert "Dolmetschung: ja, Arabisch" in told["text"]

    _, mine, _ = await say(server, CLIENT, amal, "/appointments", count=3)
    cancel = next(d for d in button_data(mine) if d.startswith("acancel:"))
    [sure] = await press(server, CLIENT, amal, mine["message_id"], cancel)
    ok = next(d for d in button_data(sure) if d.startswith("acancelok:"))
    await press(server, CLIENT, amal, sure["message_id"], ok, count=2)
    [cancelled] = await server.wait_for(STAFF, manager.id, timeout=10)
    assert cancelled["text"].startswith("❌ Termin abgesagt (von der Person)")
