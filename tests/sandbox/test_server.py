"""The Telegram sandbox speaks the Bot API well enough for PTB 22 and aiogram 3 bots."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery as AiogramCallbackQuery
from aiogram.types import InlineKeyboardButton as AiogramButton
from aiogram.types import InlineKeyboardMarkup as AiogramMarkup
from aiogram.types import Message as AiogramMessage
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.sandbox import SandboxError, SandboxServer, SandboxTimeout, SimUser
from tests.support.sandbox import (
    CLIENT_TOKEN,
    STAFF_TOKEN,
    aiogram_bot,
    aiogram_polling,
    ptb_application,
    ptb_polling,
    running_sandbox,
)

AMAL = SimUser(100001, "Amal", "ar")
ADMIN = SimUser(700001, "Demo Admin", "de")
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    async with running_sandbox(
        **{
            CLIENT_TOKEN: ("kim_client_bot", "KIM Client", "client"),
            STAFF_TOKEN: ("kim_staff_bot", "KIM Staff", "staff"),
        }
    ) as srv:
        yield srv


async def call(
    server: SandboxServer, token: str, method: str, **params: object
) -> tuple[int, dict[str, Any]]:
    """Raw Bot API call as JSON, returning (HTTP status, body)."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.url}/bot{token}/{method}", json=params) as resp,
    ):
        return resp.status, await resp.json()


# ------------------------------------------------------------------ PTB bot


async def ptb_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ja", callback_data="yes"),
                InlineKeyboardButton("Nein", callback_data="no"),
            ]
        ]
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "<b>Hallo</b> &lt;Welt&gt;", parse_mode="HTML", reply_markup=keyboard
    )


async def ptb_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    lang = update.effective_user.language_code
    await update.effective_message.reply_text(
        f"{update.effective_message.text} ({lang})", do_quote=True
    )


async def ptb_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"Gewählt: {query.data}")
    await context.bot.send_document(
        query.message.chat.id,
        InputFile(PDF, filename="Termin für Amal.pdf"),
        caption="Ihr Termin",
    )


async def test_ptb_bot_round_trip(server: SandboxServer) -> None:
    app = ptb_application(server, CLIENT_TOKEN)
    app.add_handler(CommandHandler("start", ptb_start))
    app.add_handler(CallbackQueryHandler(ptb_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, ptb_echo))
    async with ptb_polling(app):
        server.user_sends_text(CLIENT_TOKEN, AMAL, "مرحبا")
        [echo] = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id)
        assert echo["text"] == "مرحبا (ar)"
        assert echo["from_bot"] and echo["message"]["reply_to_message"]["text"] == "مرحبا"

        server.user_sends_text(CLIENT_TOKEN, AMAL, "/start")
        [greeting] = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id)
        # HTML is parsed like Telegram does: plain text plus entities.
        assert greeting["text"] == "Hallo <Welt>"
        assert greeting["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
        assert greeting["parse_mode"] == "HTML"
        assert [[b["text"] for b in row] for row in greeting["buttons"]] == [["Ja", "Nein"]]

        update = server.user_presses(CLIENT_TOKEN, AMAL, greeting["message_id"], "yes")
        answer = await server.wait_for_callback_answer(CLIENT_TOKEN, update["callback_query"]["id"])
        assert answer["text"] == "got yes"
        edit, document = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id, count=2)
        assert edit["event"] == "edit" and edit["message_id"] == greeting["message_id"]
        assert edit["text"] == "Gewählt: yes" and edit["buttons"] == [] and edit["edit_date"]
        assert document["document"]["file_name"] == "Termin für Amal.pdf"
        assert document["document"]["mime_type"] == "application/pdf"
        assert document["document"]["file_size"] == len(PDF)
        assert document["text"] == "Ihr Termin"

        # The bot can fetch its own upload back through getFile + the file URL.
        tg_file = await app.bot.get_file(document["document"]["file_id"])
        assert bytes(await tg_file.download_as_bytearray()) == PDF

    history = server.history(CLIENT_TOKEN, AMAL.id)
    assert [m["from_bot"] for m in history] == [False, True, False, True, True]
    assert history[3]["text"] == "Gewählt: yes" and history[3]["rev"] == 1
    assert server.callback_answers(CLIENT_TOKEN, AMAL.id) == [
        {"text": "got yes", "show_alert": False, "url": None}
    ]
    assert server.calls["sendMessage"] == 2 and server.calls["sendDocument"] == 1
    assert server.calls_by_token[CLIENT_TOKEN]["getUpdates"] >= 1


async def test_message_dates_come_from_the_sandbox_clock_when_one_is_set(
        server: SandboxServer) -> None:
    """`kimbot screens` sets a fixed clock, so its pictures show the same times every run."""
    server.now = lambda: 1_800_000_000
    app = ptb_application(server, CLIENT_TOKEN)
    app.add_handler(CommandHandler("start", ptb_start))
    app.add_handler(CallbackQueryHandler(ptb_button))
    async with ptb_polling(app):
        server.user_sends_text(CLIENT_TOKEN, AMAL, "/start")
        [greeting] = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id)
        server.user_presses(CLIENT_TOKEN, AMAL, greeting["message_id"], "yes")
        edit, _ = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id, count=2)
    asked, answered = server.history(CLIENT_TOKEN, AMAL.id)[:2]
    assert asked["date"] == answered["date"] == 1_800_000_000
    assert edit["edit_date"] == 1_800_000_000


async def test_user_sends_unsupported_kinds_reach_ptb(server: SandboxServer) -> None:
    received: list[str] = []

    async def any_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        kind = next(
            k for k in ("photo", "voice", "sticker", "document", "location") if getattr(message, k)
        )
        received.append(kind)
        await message.reply_text(f"no {kind}, please")

    app = ptb_application(server, CLIENT_TOKEN)
    app.add_handler(MessageHandler(filters.ALL, any_message))
    async with ptb_polling(app):
        for kind in ("photo", "voice", "sticker", "document", "location"):
            server.user_sends_unsupported(CLIENT_TOKEN, AMAL, kind)
            [reply] = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id)
            assert reply["text"] == f"no {kind}, please"
    assert received == ["photo", "voice", "sticker", "document", "location"]
    photo = server.history(CLIENT_TOKEN, AMAL.id)[0]
    assert photo["kind"] == "photo" and photo["photo"]["width"] == 1280


# -------------------------------------------------------------- aiogram bot


def aiogram_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: AiogramMessage) -> None:
        markup = AiogramMarkup(
            inline_keyboard=[
                [AiogramButton(text="Fall 17 übernehmen", callback_data="case:17:claim")],
                [AiogramButton(text="Später", callback_data="case:17:later")],
            ]
        )
        await message.answer("Neuer Fall 17", reply_markup=markup)

    @dp.callback_query(F.data.startswith("case:"))
    async def on_case(query: AiogramCallbackQuery) -> None:
        if query.data not in ("case:17:claim", "case:17:later"):
            await query.answer("Ungültige Aktion", show_alert=True)
            return
        await query.answer("Übernommen")
        assert query.message is not None
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(f"OK: {query.data}")

    return dp


async def test_aiogram_bot_round_trip(server: SandboxServer) -> None:
    bot = aiogram_bot(server, STAFF_TOKEN)
    async with aiogram_polling(aiogram_dispatcher(), bot):
        server.user_sends_text(STAFF_TOKEN, ADMIN, "/start")
        [case] = await server.wait_for_bot_output(STAFF_TOKEN, ADMIN.id)
        assert case["text"] == "Neuer Fall 17"
        assert [b["callback_data"] for row in case["buttons"] for b in row] == [
            "case:17:claim",
            "case:17:later",
        ]

        server.user_presses(STAFF_TOKEN, ADMIN, case["message_id"], "case:17:claim")
        edit, ok = await server.wait_for_bot_output(STAFF_TOKEN, ADMIN.id, count=2)
        assert edit["event"] == "edit" and edit["buttons"] == []
        assert ok["text"] == "OK: case:17:claim"

        # A forged press (data that was never on a button) still reaches the bot, whose job
        # it is to reject it.
        with pytest.raises(SandboxError):
            server.user_presses(STAFF_TOKEN, ADMIN, case["message_id"], "case:99:claim")
        forged = server.user_presses_raw(STAFF_TOKEN, ADMIN, case["message_id"], "case:99:claim")
        answer = await server.wait_for_callback_answer(STAFF_TOKEN, forged["callback_query"]["id"])
        assert answer == {"text": "Ungültige Aktion", "show_alert": True, "url": None}

        # aiogram uploads with multipart + attach://; download through the file URL.
        from aiogram.types import BufferedInputFile

        sent = await bot.send_document(ADMIN.id, BufferedInputFile(PDF, filename="Bericht.pdf"))
        assert sent.document is not None and sent.document.file_name == "Bericht.pdf"
        downloaded = await bot.download(sent.document.file_id)
        assert downloaded is not None and downloaded.read() == PDF
        # Staff and client chats are independent.
        assert server.history(CLIENT_TOKEN, ADMIN.id) == []
    await bot.session.close()


# ------------------------------------------------------------- error cases


async def test_unknown_token_and_method(server: SandboxServer) -> None:
    status, body = await call(server, "999:nope", "getMe")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await call(server, CLIENT_TOKEN, "fly")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await call(server, CLIENT_TOKEN, "getMe")
    assert status == 200 and body["result"]["username"] == "kim_client_bot"
    assert body["result"]["is_bot"] is True and body["result"]["id"] == 123456


async def test_message_validation(server: SandboxServer) -> None:
    server.register_user(CLIENT_TOKEN, AMAL)

    async def error(method: str, **params: object) -> str:
        status, body = await call(server, CLIENT_TOKEN, method, **params)
        assert status == 400 and body["ok"] is False and body["error_code"] == 400, body
        return body["description"]

    assert await error("sendMessage", chat_id=AMAL.id, text="x" * 4097) == (
        "Bad Request: message is too long"
    )
    assert await error("sendMessage", chat_id=AMAL.id, text="") == (
        "Bad Request: message text is empty"
    )
    assert await error("sendMessage", chat_id=424242, text="hi") == "Bad Request: chat not found"
    assert await error("editMessageText", chat_id=AMAL.id, message_id=77, text="x") == (
        "Bad Request: message to edit not found"
    )
    assert await error(
        "sendMessage",
        chat_id=AMAL.id,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]},
    ) == ("Bad Request: BUTTON_DATA_INVALID")
    assert (await error("sendMessage", chat_id=AMAL.id, text="a <b", parse_mode="HTML")).startswith(
        "Bad Request: can't parse entities"
    )

    status, body = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="x" * 4096)
    assert status == 200 and len(body["result"]["text"]) == 4096
    message_id = body["result"]["message_id"]
    assert (
        await error("editMessageText", chat_id=AMAL.id, message_id=message_id, text="x" * 4096)
    ).startswith("Bad Request: message is not modified")
    assert await error("answerCallbackQuery", callback_query_id="123") == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )

    server.set_blocked(CLIENT_TOKEN, AMAL.id)
    status, body = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="hi")
    assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"


async def test_injected_rate_limit(server: SandboxServer) -> None:
    server.register_user(CLIENT_TOKEN, AMAL)
    server.fail_next("sendMessage", 429, retry_after=3)
    status, body = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="a")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    status, _ = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="a")
    assert status == 200
    assert server.calls["sendMessage"] == 2
    assert [r.chat_id for r in server.call_log if r.method == "sendMessage"] == [AMAL.id] * 2


async def test_form_encodings_and_multipart_round_trip(server: SandboxServer) -> None:
    server.register_user(CLIENT_TOKEN, AMAL)
    base = f"{server.url}/bot{CLIENT_TOKEN}"
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    async with aiohttp.ClientSession() as session:
        # Query string only.
        async with session.get(
            f"{base}/sendMessage", params={"chat_id": AMAL.id, "text": "query"}
        ) as resp:
            assert (await resp.json())["result"]["text"] == "query"
        # urlencoded form with JSON-typed reply_markup as a string.
        async with session.post(
            f"{base}/sendMessage",
            data={"chat_id": str(AMAL.id), "text": "form", "reply_markup": markup},
        ) as resp:
            result = (await resp.json())["result"]
            assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
        # multipart with a file part.
        form = aiohttp.FormData(quote_fields=False)  # like aiogram and httpx: raw UTF-8 names
        form.add_field("chat_id", str(AMAL.id))
        form.add_field("caption", "Scan")
        form.add_field(
            "document", PDF, filename="Bescheid März.pdf", content_type="application/octet-stream"
        )
        async with session.post(f"{base}/sendDocument", data=form) as resp:
            document = (await resp.json())["result"]["document"]
        assert document["file_name"] == "Bescheid März.pdf"
        assert document["mime_type"] == "application/pdf"  # guessed from the name
        async with session.post(f"{base}/getFile", json={"file_id": document["file_id"]}) as resp:
            file_path = (await resp.json())["result"]["file_path"]
        async with session.get(f"{server.url}/file/bot{CLIENT_TOKEN}/{file_path}") as resp:
            assert await resp.read() == PDF
        async with session.get(f"{server.url}/sandbox/files/{document['file_id']}") as resp:
            assert resp.headers["Content-Type"] == "application/pdf"
            assert (
                "filename*=UTF-8''Bescheid%20M%C3%A4rz.pdf" in resp.headers["Content-Disposition"]
            )
            assert await resp.read() == PDF
        # Re-sending by file_id reuses the stored file.
        async with session.post(
            f"{base}/sendDocument", json={"chat_id": AMAL.id, "document": document["file_id"]}
        ) as resp:
            assert (await resp.json())["result"]["document"]["file_id"] == document["file_id"]


async def test_get_updates_long_poll_and_offset(server: SandboxServer) -> None:
    polling = asyncio.Event()
    server.on_call = lambda token, method, params: polling.set()
    poll = asyncio.create_task(call(server, CLIENT_TOKEN, "getUpdates", timeout=10))
    await asyncio.wait_for(polling.wait(), timeout=5)  # the server is now inside getUpdates
    await asyncio.sleep(0)
    assert not poll.done()  # long polling: no updates yet, so the request hangs
    server.user_sends_text(CLIENT_TOKEN, AMAL, "/start now")
    status, body = await asyncio.wait_for(poll, timeout=5)
    assert status == 200
    [update] = body["result"]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert update["message"]["from"]["language_code"] == "ar"
    # Not confirmed yet -> delivered again; confirmed by offset -> gone.
    _, again = await call(server, CLIENT_TOKEN, "getUpdates")
    assert again["result"] == [update]
    _, empty = await call(
        server, CLIENT_TOKEN, "getUpdates", offset=update["update_id"] + 1, timeout=0
    )
    assert empty["result"] == []


async def test_wait_for_times_out_with_context(server: SandboxServer) -> None:
    server.user_sends_text(CLIENT_TOKEN, AMAL, "anyone there?")
    with pytest.raises(SandboxTimeout, match="anyone there"):
        await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id, timeout=0.05)


async def test_page_http_api(server: SandboxServer) -> None:
    user = {"id": AMAL.id, "first_name": "Amal", "language_code": "ar"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.url}/sandbox/bots") as resp:
            bots = (await resp.json())["bots"]
        assert {b["role"]: b["username"] for b in bots} == {
            "client": "kim_client_bot",
            "staff": "kim_staff_bot",
        }
        events_url = f"{server.url}/sandbox/events"
        waiting = asyncio.create_task(
            session.get(events_url, params={"bot": "kim_client_bot", "chat": AMAL.id, "after": 0})
        )
        async with session.post(
            f"{server.url}/sandbox/send", json={"bot": "kim_client_bot", "user": user, "text": "hi"}
        ) as resp:
            assert resp.status == 200
        async with await waiting as resp:
            events = await resp.json()
        assert [e["kind"] for e in events["events"]] == ["message"]
        assert events["events"][0]["entry"]["text"] == "hi"
        async with session.post(
            f"{server.url}/sandbox/press",
            json={"bot": "kim_client_bot", "user": user, "message_id": 1, "data": "x"},
        ) as resp:
            assert resp.status == 400  # no such button: the page only presses real ones
        async with session.post(
            f"{server.url}/sandbox/send",
            json={"bot": "kim_client_bot", "user": user, "kind": "voice"},
        ) as resp:
            assert resp.status == 200
        async with session.get(
            f"{server.url}/sandbox/history", params={"bot": "client", "chat": AMAL.id}
        ) as resp:
            history = await resp.json()
        assert [m["kind"] for m in history["messages"]] == ["text", "voice"]


async def test_consecutive_waits_never_return_the_same_output(server: SandboxServer) -> None:
    server.user_sends_text(CLIENT_TOKEN, AMAL, "hi")
    for text in ("one", "two"):
        await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text=text)
    [first] = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id)
    [second] = await server.wait_for_bot_output(CLIENT_TOKEN, AMAL.id)
    assert (first["text"], second["text"]) == ("one", "two")
    # An explicit mark and a predicate select exactly what a test cares about.
    mark = server.mark(CLIENT_TOKEN, AMAL.id)
    waiting = asyncio.create_task(
        server.wait_for_bot_output(
            CLIENT_TOKEN, AMAL.id, after=mark, predicate=lambda m: "three" in m["text"]
        )
    )
    await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="noise")
    await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="three")
    assert [m["text"] for m in await waiting] == ["three"]


async def test_reply_keyboard_state_and_html_edits(server: SandboxServer) -> None:
    server.register_user(CLIENT_TOKEN, AMAL)
    keyboard = {"keyboard": [["Ja", {"text": "Nein"}]], "one_time_keyboard": True}
    _, body = await call(
        server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text="Frage?", reply_markup=keyboard
    )
    assert "reply_markup" not in body["result"]  # Telegram only echoes inline keyboards
    assert server.reply_keyboard(CLIENT_TOKEN, AMAL.id)["keyboard"] == [
        [{"text": "Ja"}, {"text": "Nein"}]
    ]
    server.user_sends_text(CLIENT_TOKEN, AMAL, "Ja")
    assert server.reply_keyboard(CLIENT_TOKEN, AMAL.id) is None  # one-time keyboard used up

    message_id = body["result"]["message_id"]
    status, edited = await call(
        server,
        CLIENT_TOKEN,
        "editMessageText",
        chat_id=AMAL.id,
        message_id=message_id,
        text="<i>Frage</i> &amp; Antwort",
        parse_mode="HTML",
    )
    assert status == 200 and edited["result"]["text"] == "Frage & Antwort"
    assert edited["result"]["entities"] == [{"type": "italic", "offset": 0, "length": 5}]
    entry = server.history(CLIENT_TOKEN, AMAL.id)[0]
    assert entry["rev"] == 1 and entry["source_text"] == "<i>Frage</i> &amp; Antwort"

    status, _ = await call(
        server, CLIENT_TOKEN, "deleteMessage", chat_id=AMAL.id, message_id=message_id
    )
    assert status == 200
    assert [m["text"] for m in server.history(CLIENT_TOKEN, AMAL.id)] == ["Ja"]


async def test_independent_instances() -> None:
    async with (
        running_sandbox(**{CLIENT_TOKEN: ("a_bot", "A", "client")}) as one,
        running_sandbox(**{CLIENT_TOKEN: ("b_bot", "B", "client")}) as two,
    ):
        assert one.url != two.url
        _, me_one = await call(one, CLIENT_TOKEN, "getMe")
        _, me_two = await call(two, CLIENT_TOKEN, "getMe")
        assert (me_one["result"]["username"], me_two["result"]["username"]) == ("a_bot", "b_bot")
        one.user_sends_text(CLIENT_TOKEN, AMAL, "only in one")
        assert two.history(CLIENT_TOKEN, AMAL.id) == []
    await one.stop()  # stopping twice is harmless


# ------------------------------------------------------ closer to Telegram


async def test_links_and_commands_in_plain_text_become_entities(server: SandboxServer) -> None:
    server.register_user(CLIENT_TOKEN, AMAL)
    text = "Schreiben Sie \u2068/help\u2069 – Karte: https://example.org/map?x=1. a/b, /x"
    status, body = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id, text=text)
    assert status == 200
    found = [(e["type"], text[e["offset"]:e["offset"] + e["length"]])
             for e in body["result"]["entities"]]
    assert found == [("bot_command", "/help"), ("url", "https://example.org/map?x=1"),
                     ("bot_command", "/x")]
    # With a parse mode the bot says what is formatted; nothing is added.
    _, html = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=AMAL.id,
                         text="<b>/help</b>", parse_mode="HTML")
    assert [e["type"] for e in html["result"]["entities"]] == ["bold"]


async def test_a_staff_chat_nobody_opened_keeps_its_messages(server: SandboxServer) -> None:
    status, body = await call(server, STAFF_TOKEN, "sendMessage", chat_id=700005,
                              text="📅 Neuer Termin")
    assert status == 200 and body["ok"]
    [kept] = server.history(STAFF_TOKEN, 700005)
    assert kept["text"] == "📅 Neuer Termin"
    # The page opens the chat later and finds it; the person's own data replaces the stand-in.
    server.user_sends_text(STAFF_TOKEN, SimUser(700005, "Frau Neu", "de"), "/start")
    assert [m["from_bot"] for m in server.history(STAFF_TOKEN, 700005)] == [True, False]
    assert server.bot(STAFF_TOKEN).chat(700005).user.first_name == "Frau Neu"
    # A client bot still gets Telegram's answer for a chat nobody opened.
    status, body = await call(server, CLIENT_TOKEN, "sendMessage", chat_id=100099, text="hi")
    assert status == 400 and body["description"] == "Bad Request: chat not found"


async def test_the_page_learns_the_time_zone_and_the_boot(server: SandboxServer) -> None:
    server.timezone = "Asia/Tokyo"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.url}/sandbox/bots") as resp:
            bots = await resp.json()
        async with session.get(f"{server.url}/sandbox/history",
                               params={"bot": "kim_staff_bot", "chat": "700001"}) as resp:
            history = await resp.json()
    assert bots["timezone"] == "Asia/Tokyo" and bots["boot"] == server.boot_id
    assert history["boot"] == server.boot_id
    again = SandboxServer()
    assert again.boot_id != server.boot_id
