"""The README's promise in a browser: the whole system in sandbox mode, driven through the chat
page in headless Chromium as a newcomer writing Arabic and a staff member writing German."""

from __future__ import annotations

import pytest
from playwright.async_api import Locator, expect

from bot.app import System
from bot.flows.staff import texts as staff_texts
from bot.i18n import LANGUAGES, translator
from tests.support.common import all_rows
from tests.support.sandbox import headless_chromium, require_chromium, sandbox_settings

pytestmark = pytest.mark.browser
AR = translator("ar")
SCREENSHOT = "/tmp/kimbot_system_page.png"


async def send(pane: Locator, text: str) -> None:
    composer = pane.locator(".composer")
    await composer.fill(text)
    await composer.press("Enter")


async def test_arabic_start_consent_and_delete_through_the_page(sqlite_url, clock):
    require_chromium()
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False) as system, \
            headless_chromium() as browser:
        page = await browser.new_page(viewport={"width": 1360, "height": 900})
        await page.goto(system.sandbox.url)
        client = page.locator('[data-pane="client"]')
        staff = page.locator('[data-pane="staff"]')
        await expect(client).to_have_attribute("data-ready", "1")

        await send(client, "/start")
        greeting = client.locator(".msg.bot .text").first
        await expect(greeting).to_have_text(AR._("Hello! Please choose your language."))
        assert await greeting.evaluate("e => getComputedStyle(e).direction") == "rtl"
        buttons = client.locator("button.inline-btn")
        await expect(buttons).to_have_count(len(LANGUAGES))
        await expect(buttons.first).to_have_text("✓ العربية")

        await buttons.first.click()
        await expect(client.locator("button.inline-btn")).to_have_count(3)  # agree, without, notice
        notice = client.locator(".msg.bot .text").last
        await expect(notice).to_contain_text(AR._("Before we start: about your data."))
        assert await notice.evaluate("e => getComputedStyle(e).direction") == "rtl"
        await client.locator("button.inline-btn").first.click()
        await expect(client.locator(".msg.bot .text").last).to_have_text(
            AR._("Main menu. What do you want to do?"))
        assert len((await all_rows(system.db))["clients"]) == 1

        await send(staff, "/start")
        await expect(staff.locator(".msg.bot .text").first).to_contain_text(
            "Willkommen, Demo Admin!")
        await page.screenshot(path=SCREENSHOT)

        await send(client, "/delete")
        confirm = client.locator(".msg.bot").last.locator("button.inline-btn")
        await expect(confirm).to_have_count(2)
        await expect(confirm.first).to_have_text(AR._("Yes, delete everything"))
        await confirm.first.click()
        await expect(client.locator(".msg.bot .text").last).to_have_text(AR._(
            "Done. We deleted all your data. Write /start if you want to begin again."))
        rows = await all_rows(system.db)
        assert rows["clients"] == [] and rows["conversation_states"] == []

        # Another simulated staff account is a stranger to the staff bot.
        await staff.locator(".user-id").fill("700999")
        await staff.locator(".user-id").press("Enter")
        await expect(staff.locator(".msg")).to_have_count(0)  # the new user's empty chat
        await send(staff, "/start")
        await expect(staff.locator(".msg.bot .text").last).to_have_text(
            staff_texts.NOT_REGISTERED.format(telegram_id=700999))
