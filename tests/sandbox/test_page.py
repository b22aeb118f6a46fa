"""The sandbox chat page in headless Chromium, talking to real PTB bots through the sandbox."""

from __future__ import annotations

import pytest
from playwright.async_api import ConsoleMessage, expect
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from tests.support.sandbox import (
    CLIENT_TOKEN,
    STAFF_TOKEN,
    headless_chromium,
    ptb_application,
    ptb_polling,
    require_chromium,
    running_sandbox,
    write,
)

pytestmark = pytest.mark.browser

GREETING = "مرحبا أمل! موعدك القادم يوم الثلاثاء الساعة 14:30.\nهل يناسبك الموعد؟"
CONFIRMED = "تم تأكيد الموعد الساعة 14:30 ✅"
SCREENSHOT = "/tmp/sandbox_page.png"
SCREENSHOT_AFTER = "/tmp/sandbox_page_after.png"


async def client_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("نعم، مناسب", callback_data="appt:yes")],
            [InlineKeyboardButton("لا، أحتاج موعدًا آخر", callback_data="appt:no")],
        ]
    )
    await update.effective_message.reply_text(GREETING, reply_markup=keyboard)


async def client_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("تم الحفظ")
    await query.edit_message_text(CONFIRMED)


async def staff_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    await message.reply_text(
        f"Hallo <b>{update.effective_user.first_name}</b>, 1 neuer Fall wartet.", parse_mode="HTML"
    )
    await message.reply_document(
        InputFile(b"%PDF-1.4\n" + b"0" * 20_000, filename="Fallübersicht.pdf"),
        caption="Wochenbericht KW 47",
    )


async def staff_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"Notiert: {update.effective_message.text}")


async def test_page_chat_rtl_buttons_and_two_panes() -> None:
    require_chromium()
    bots = {
        CLIENT_TOKEN: ("kim_client_bot", "KIM Integration", "client"),
        STAFF_TOKEN: ("kim_staff_bot", "KIM Staff", "staff"),
    }
    async with running_sandbox(**bots) as server:
        client_app = ptb_application(server, CLIENT_TOKEN)
        client_app.add_handler(CommandHandler("start", client_start))
        client_app.add_handler(CallbackQueryHandler(client_button))
        staff_app = ptb_application(server, STAFF_TOKEN)
        staff_app.add_handler(CommandHandler("start", staff_start))
        staff_app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, staff_echo))

        async with ptb_polling(client_app), ptb_polling(staff_app), headless_chromium() as browser:
            page = await browser.new_page(viewport={"width": 1360, "height": 820})
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("console", lambda msg: _collect_console_error(msg, problems))
            await page.goto(server.url)

            client = page.locator('[data-pane="client"]')
            staff = page.locator('[data-pane="staff"]')
            await expect(client).to_have_attribute("data-ready", "1")
            await expect(staff).to_have_attribute("data-ready", "1")
            # Defaults from the brief.
            await expect(client.locator(".user-id")).to_have_value("100001")
            await expect(client.locator(".user-lang")).to_have_value("ar")
            await expect(staff.locator(".user-name")).to_have_value("Demo Admin")

            # Client pane: /start -> Arabic bubble, right-to-left, with two buttons.
            await write(client, "/start")
            text = client.locator(".msg.bot .text")
            await expect(text).to_have_count(1)
            await expect(text).to_contain_text("14:30")
            assert await text.evaluate("e => getComputedStyle(e).direction") == "rtl"
            user_text = client.locator(".msg.user .text")
            assert await user_text.evaluate("e => getComputedStyle(e).direction") == "ltr"
            buttons = client.locator("button.inline-btn")
            await expect(buttons).to_have_count(2)
            assert await buttons.first.evaluate("e => getComputedStyle(e).direction") == "rtl"
            bot_message = client.locator(".msg.bot")
            message_id = await bot_message.get_attribute("data-message-id")

            # Staff pane talks to the staff bot independently (HTML parsed, document card).
            await write(staff, "/start")
            await expect(staff.locator(".msg.bot .text").first).to_have_text(
                "Hallo Demo Admin, 1 neuer Fall wartet."
            )
            await expect(staff.locator(".msg.bot .text b")).to_have_text("Demo Admin")
            document = staff.locator(".document")
            await expect(document).to_contain_text("Fallübersicht.pdf")
            await expect(document).to_contain_text("KB")
            await write(staff, "Termin verschoben")
            await expect(staff.locator(".msg.bot .text").last).to_have_text(
                "Notiert: Termin verschoben"
            )

            await page.screenshot(path=SCREENSHOT)

            # Pressing a button edits the client message in place and shows the toast.
            await buttons.first.click()
            await expect(client.locator(".toast")).to_have_text("تم الحفظ")
            await expect(text).to_have_text(CONFIRMED)
            await expect(bot_message).to_have_count(1)
            assert await bot_message.get_attribute("data-message-id") == message_id
            await expect(bot_message.locator(".edited")).to_be_visible()
            await expect(client.locator("button.inline-btn")).to_have_count(0)
            await client.locator('.attach-btn[data-kind="sticker"]').click()
            await expect(client.locator(".msg.user .sticker")).to_contain_text("👍")
            await page.screenshot(path=SCREENSHOT_AFTER)

            # The panes never crossed over: each bot only saw its own chat.
            assert [m["from_bot"] for m in server.history(STAFF_TOKEN, 700001)] == [
                False,
                True,
                True,
                False,
                True,
            ]
            assert server.history(STAFF_TOKEN, 100001) == []
            assert server.history(CLIENT_TOKEN, 700001) == []

            # "New user" switches to an empty chat for a different simulated user.
            await client.locator(".new-user").click()
            await expect(client.locator(".msg")).to_have_count(0)
            new_id = int(await client.locator(".user-id").input_value())
            assert new_id != 100001
            await write(client, "/start")
            await expect(client.locator(".msg.bot .text")).to_contain_text("14:30")
            assert len(server.history(CLIENT_TOKEN, new_id)) == 2

            # Narrow screens stack the panes instead of squeezing them.
            await page.set_viewport_size({"width": 600, "height": 900})
            client_box, staff_box = await client.bounding_box(), await staff.bounding_box()
            assert client_box and staff_box and staff_box["y"] >= client_box["y"] + 300
            assert abs(staff_box["x"] - client_box["x"]) < 1
            assert problems == []


def _collect_console_error(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type == "error":
        problems.append(message.text)
