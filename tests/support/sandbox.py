"""Shared helpers for tests that run bots against the Telegram sandbox (and a browser)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

from bot.config import Settings
from bot.sandbox import SandboxServer
from bot.sandbox.state import SimUser
from bot.screens import page as screens_page
from bot.screens.page import CHROMIUM

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from playwright.async_api import Browser, Locator, Page
    from telegram.ext import Application

# aiogram validates the "<digits>:<rest>" token format.
CLIENT_TOKEN = "123456:sandbox-client"
STAFF_TOKEN = "654321:sandbox-staff"


@contextlib.asynccontextmanager
async def running_sandbox(**bots: tuple[str, str, str | None]) -> AsyncIterator[SandboxServer]:
    """Start a sandbox; ``bots`` maps token -> (username, first_name, role)."""
    server = SandboxServer()
    for token, (username, first_name, role) in bots.items():
        server.add_bot(token, username, first_name, role=role)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def ptb_application(server: SandboxServer, token: str) -> Application:  # type: ignore[type-arg]
    """A python-telegram-bot Application pointed at the sandbox instead of api.telegram.org."""
    from telegram.ext import Application

    return (
        Application.builder()
        .token(token)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )


@contextlib.asynccontextmanager
async def ptb_polling(app: Application, poll_timeout: float = 1.0) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """Run a PTB Application with long polling for the duration of the block."""
    import datetime as dt

    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=poll_timeout))
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def aiogram_bot(server: SandboxServer, token: str) -> Bot:
    """An aiogram Bot whose session talks to the sandbox."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))


@contextlib.asynccontextmanager
async def aiogram_polling(dp: Dispatcher, bot: Bot, poll_timeout: int = 1) -> AsyncIterator[None]:
    """Run ``Dispatcher.start_polling`` in a task for the duration of the block."""
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=poll_timeout)
    )
    try:
        yield
    finally:
        with contextlib.suppress(RuntimeError):  # polling may already have stopped
            await dp.stop_polling()
        await asyncio.wait_for(task, timeout=10)


def require_chromium() -> None:
    """Skip when Debian's chromium is missing, unless KIMBOT_TEST_REQUIRE_ALL=1 demands it."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not installed (apt-get install chromium)"
    if os.environ.get("KIMBOT_TEST_REQUIRE_ALL") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@contextlib.asynccontextmanager
async def headless_chromium(**launch_kwargs: Any) -> AsyncIterator[Browser]:
    """Launch Debian's chromium headless through Playwright (never ``playwright install``)."""
    require_chromium()
    async with screens_page.headless_chromium(**launch_kwargs) as browser:
        yield browser


async def open_pane(browser: Browser, url: str, pane: str,
                    height: int = 820) -> tuple[Page, Locator]:
    """The sandbox page at `url` in a new tab 1360 pixels wide, and its "client" or "staff"
    pane once the pane is ready."""
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 1360, "height": height})
    await page.goto(url)
    chat = page.locator(f'[data-pane="{pane}"]')
    await expect(chat).to_have_attribute("data-ready", "1")
    return page, chat


async def write(pane: Locator, text: str) -> None:
    """Type `text` into the pane's message field and press Enter, as a person would."""
    composer = pane.locator(".composer")
    await composer.fill(text)
    await composer.press("Enter")


def sandbox_settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, sandbox_port=0,
                    client_token=None, staff_token=None)


def button_data(entry: dict) -> list[str]:
    return [b["callback_data"] for row in entry["buttons"] for b in row]


async def say(server, token: str, user: SimUser, text: str, count: int = 1) -> list[dict]:
    server.user_sends_text(token, user, text)
    return await server.wait_for(token, user.id, count=count, timeout=10)


async def press(server, token: str, user: SimUser, message_id: int, data: str,
                count: int = 1) -> list[dict]:
    server.user_presses(token, user, message_id, data)
    return await server.wait_for(token, user.id, count=count, timeout=10)


async def agree(server, token: str, user: SimUser, language: str) -> dict:
    """/start, `language`, "I agree": returns the main menu message."""
    [hello] = await say(server, token, user, "/start")
    _, notice = await press(server, token, user, hello["message_id"], f"lang:{language}", count=2)
    _, menu = await press(server, token, user, notice["message_id"], "consent:yes", count=2)
    return menu


async def book_first_free_time(server, token: str, user: SimUser, menu: dict) -> dict:
    """From the menu: Book, Odenthal, the first day and time offered. Returns the next question
    (the name)."""
    [towns] = await press(server, token, user, menu["message_id"], "book")
    [days] = await press(server, token, user, towns["message_id"], "btown:odenthal")
    day = next(d for d in button_data(days) if d.startswith("bday:"))
    [slots] = await press(server, token, user, days["message_id"], day)
    slot = next(d for d in button_data(slots) if d.startswith("btime:"))
    [name] = await press(server, token, user, slots["message_id"], slot)
    return name
