"""The sandbox page as close to Telegram as it can be, in headless Chromium: links and /commands
in messages can be tapped, a pane scrolls to the newest message once a picture has loaded and
stops following while the reader has scrolled up,
bubble times use the configured zone, a restart says plainly that the chat was reset, and a
staff chat shows the messages sent before it was opened."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from playwright.async_api import Browser, expect
from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.qr import qr_png
from bot.sandbox import SandboxServer
from tests.support.sandbox import (
    CLIENT_TOKEN,
    STAFF_TOKEN,
    headless_chromium,
    open_pane,
    ptb_application,
    ptb_polling,
    require_chromium,
    running_sandbox,
    write,
)

pytestmark = pytest.mark.browser

BOTS = {
    CLIENT_TOKEN: ("kim_client_bot", "KIM", "client"),
    STAFF_TOKEN: ("kim_staff_bot", "KIM Staff", "staff"),
}
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
HELLO = "Hallo! Schreiben Sie /help. Karte: https://www.openstreetmap.org/search?query=Odenthal"


async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(HELLO)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Hilfe kommt.")


async def picture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    for n in range(12):
        await message.reply_text(f"Zeile {n}")
    # A tall picture: its height is known only once it has loaded.
    await message.reply_photo(InputFile(qr_png("https://t.me/kim_client_bot?start=r" + "x" * 32,
                                               scale=25), filename="qr.png"))


@contextlib.asynccontextmanager
async def bot_and_browser(token: str, **commands: Handler) -> AsyncIterator[
        tuple[SandboxServer, Application, Browser]]:
    """The sandbox with both bots, a python-telegram-bot bot on `token` answering `commands`
    (name -> handler), and headless Chromium."""
    require_chromium()
    async with running_sandbox(**BOTS) as server:
        app = ptb_application(server, token)
        for name, handler in commands.items():
            app.add_handler(CommandHandler(name, handler))
        async with ptb_polling(app), headless_chromium() as browser:
            yield server, app, browser


async def test_links_and_commands_can_be_tapped_and_times_use_the_zone() -> None:
    async with bot_and_browser(CLIENT_TOKEN, start=hello, help=help_command) as (
            server, _, browser):
        server.timezone = "Asia/Tokyo"
        _, client = await open_pane(browser, server.url, "client")
        await write(client, "/start")
        answer = client.locator(".msg.bot").first
        link = answer.locator("a.entity-url")
        await expect(link).to_have_attribute(
            "href", "https://www.openstreetmap.org/search?query=Odenthal")
        await expect(link).to_have_attribute("target", "_blank")
        await answer.locator(".entity-bot_command").click()
        await expect(client.locator(".msg.user .text").last).to_have_text("/help")
        await expect(client.locator(".msg.bot .text").last).to_have_text("Hilfe kommt.")

        [entry] = [m for m in server.history(CLIENT_TOKEN, 100001) if m["from_bot"]][:1]
        tokyo = datetime.fromtimestamp(entry["date"], ZoneInfo("Asia/Tokyo"))
        await expect(answer.locator(".meta time")).to_have_text(f"{tokyo:%H:%M}")


async def test_a_pane_follows_the_newest_message_once_a_picture_has_loaded() -> None:
    async with bot_and_browser(STAFF_TOKEN, start=picture) as (server, _, browser):
        page, staff = await open_pane(browser, server.url, "staff", height=700)
        await write(staff, "/start")
        photo = staff.locator("img.photo")
        await expect(photo).to_have_count(1)
        await photo.evaluate("img => img.complete || new Promise(r => img.onload = r)")
        messages = await staff.locator(".messages").element_handle()
        await page.wait_for_function(AT_BOTTOM, arg=messages, timeout=15000)
        height = await photo.evaluate("img => img.getBoundingClientRect().height")
        assert height > 300  # the picture really made the pane taller after arriving


async def lines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    for n in range(20):
        await update.effective_message.reply_text(f"Zeile {n}")


# Scroll events are dispatched in the frame's rendering steps, before animation-frame callbacks:
# two frames later the page has seen the reader's scroll.
AFTER_SCROLL = "box => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
AT_BOTTOM = "box => box.scrollHeight - box.scrollTop - box.clientHeight < 4"


async def test_scrolling_up_to_read_stops_following_and_the_bottom_follows_again() -> None:
    async with bot_and_browser(STAFF_TOKEN, start=lines) as (server, app, browser):
        page, staff = await open_pane(browser, server.url, "staff", height=700)
        await write(staff, "/start")
        await expect(staff.locator(".msg.bot")).to_have_count(20)
        chat_id = int(await staff.locator(".user-id").input_value())
        box = staff.locator(".messages")
        await box.evaluate("box => { box.scrollTop = 0; }")
        await box.evaluate(AFTER_SCROLL)
        await app.bot.send_message(chat_id, "Neu, während oben gelesen wird")
        await expect(staff.locator(".msg.bot")).to_have_count(21)
        assert await box.evaluate("box => box.scrollTop") < 50  # still reading at the top

        await box.evaluate("box => { box.scrollTop = box.scrollHeight; }")
        await box.evaluate(AFTER_SCROLL)
        await app.bot.send_message(chat_id, "Neu, unten angekommen")
        await expect(staff.locator(".msg.bot")).to_have_count(22)
        await page.wait_for_function(AT_BOTTOM, arg=await box.element_handle(), timeout=15000)


async def test_after_a_restart_the_page_says_the_chat_was_reset() -> None:
    require_chromium()
    first = SandboxServer()
    for token, (username, name, role) in BOTS.items():
        first.add_bot(token, username, name, role=role)
    await first.start()
    port = first.port
    second: SandboxServer | None = None
    try:
        async with headless_chromium() as browser:
            page, staff = await open_pane(browser, first.url, "staff")
            async with aiohttp.ClientSession() as session:
                await session.post(f"{first.url}/bot{STAFF_TOKEN}/sendMessage",
                                   json={"chat_id": 700001, "text": "Vor dem Neustart"})
            await expect(staff.locator(".msg.bot .text")).to_have_text("Vor dem Neustart")
            await expect(staff.locator(".reset-note")).to_have_count(0)

            await first.stop()
            second = SandboxServer(port=port)
            for token, (username, name, role) in BOTS.items():
                second.add_bot(token, username, name, role=role)
            await asyncio.sleep(0)  # let the page notice the server is gone
            await second.start()
            note = staff.locator(".reset-note")
            await expect(note).to_be_visible(timeout=15_000)
            await expect(note).to_contain_text("The sandbox was restarted")
            await expect(staff.locator(".msg")).to_have_count(0)
            # A reload of the page says it too, until the chat has messages again.
            await page.reload()
            await expect(page.locator('[data-pane="staff"] .reset-note')).to_be_visible()
    finally:
        if second is not None:
            await second.stop()
        await first.stop()


async def test_a_staff_chat_opened_later_shows_what_was_sent_before() -> None:
    require_chromium()
    async with running_sandbox(**BOTS) as server:
        async with aiohttp.ClientSession() as session:
            await session.post(f"{server.url}/bot{STAFF_TOKEN}/sendMessage",
                               json={"chat_id": 700005, "text": "📅 Neuer Termin"})
        async with headless_chromium() as browser:
            _, staff = await open_pane(browser, server.url, "staff")
            await staff.locator(".user-id").fill("700005")
            await staff.locator(".user-id").dispatch_event("change")
            await expect(staff.locator(".msg.bot .text")).to_have_text("📅 Neuer Termin")
