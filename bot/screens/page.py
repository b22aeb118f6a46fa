"""The sandbox page in headless Chromium (Debian's, through Playwright): the client pane of one
person, narrowed to a phone's width, showing one screen at a time. For each screen it writes
the picture and reports the text on it with the fonts Chromium drew that text with (the
DevTools protocol's CSS.getPlatformFontsForNode), for the font check in `fonts`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.screens.fonts import TextRun, UsedFont
from bot.screens.walk import Screen

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, CDPSession, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A phone's width; the height grows with the screen (see SCREEN_CSS).
VIEWPORT = {"width": 460, "height": 800}
SCALE = 1.5  # sharper letters than 1, and far smaller files than 2
PANE = '[data-pane="client"]'
# Only the client pane, at the height of what it shows, without the simulated-user controls and
# without passing notices (a toast fades after a moment: it would make pictures differ).
SCREEN_CSS = """
html, body { height: auto; }
.topbar, [data-pane="staff"], .user-picker, .toast, .reset-note { display: none !important; }
.panes { display: block; padding: 0; }
.pane { border-radius: 0; box-shadow: none; min-height: 0; }
.chat-area, .messages { flex: none; overflow: visible; }
.msg.off-screen { display: none; }
"""
# True once every message of the screen is on the page in the state the sandbox holds.
SHOWN = """([pane, wanted]) => wanted.every(([id, rev]) => {
  const node = document.querySelector(`${pane} .msg[data-message-id="${id}"]`);
  return node !== null && node.dataset.rev === String(rev);
})"""
# Hide every message that is not part of the screen.
ISOLATE = """([pane, ids]) => {
  for (const node of document.querySelectorAll(`${pane} .msg`)) {
    node.classList.toggle("off-screen", !ids.includes(Number(node.dataset.messageId)));
  }
}"""
# The element's own text: its text nodes, not its children's (each child is asked separately).
OWN_TEXT = """function () {
  return [...this.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.data).join("");
}"""
OBJECT_GROUP = "kimbot-screens"
SCREEN_ELEMENTS = f"{PANE} .msg:not(.off-screen), {PANE} .msg:not(.off-screen) *"


class PlaywrightMissing(RuntimeError):
    """Playwright (a development dependency) is not installed."""


class ChromiumMissing(RuntimeError):
    """Debian's chromium is not installed."""


def require_browser() -> None:
    """Playwright and Debian's chromium are there, or a clear error before anything starts."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise PlaywrightMissing("Playwright is missing: install the development packages "
                                "(make test does, or pip install -e '.[dev]')") from None
    if not CHROMIUM.exists():
        raise ChromiumMissing(f"{CHROMIUM} is not installed (apt-get install chromium)")


@contextlib.asynccontextmanager
async def headless_chromium(**launch_kwargs: Any) -> AsyncIterator[Browser]:
    """Launch Debian's chromium headless through Playwright (never ``playwright install``)."""
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, **launch_kwargs)
        try:
            yield browser
        finally:
            await browser.close()


class ClientPane:
    """One person's client pane in its own browser context (its own page storage)."""

    def __init__(self, context: BrowserContext, page: Page, cdp: CDPSession) -> None:
        self.context, self.page, self.cdp = context, page, cdp

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, browser: Browser, url: str, user: dict[str, Any]
                   ) -> AsyncIterator[ClientPane]:
        """The page at `url` with the client pane writing as `user` (id, first_name,
        language_code), as the page's own user picker would set it."""
        context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=SCALE)
        try:
            await context.add_init_script(
                f"localStorage.setItem('kimbot-sandbox-client', {json.dumps(json.dumps(user))});")
            page = await context.new_page()
            await page.goto(url)
            await page.add_style_tag(content=SCREEN_CSS)
            await page.wait_for_selector(f'{PANE}[data-ready="1"]')
            cdp = await context.new_cdp_session(page)
            await cdp.send("DOM.enable")
            await cdp.send("CSS.enable")
            yield cls(context, page, cdp)
        finally:
            await context.close()

    async def show(self, screen: Screen) -> None:
        """Wait until the page shows the screen's messages as they are now, then hide the
        rest of the chat."""
        wanted = [[entry["message_id"], entry["rev"]] for entry in screen.entries]
        await self.page.wait_for_function(SHOWN, arg=[PANE, wanted])
        await self.page.evaluate(ISOLATE, [PANE, [entry["message_id"]
                                                  for entry in screen.entries]])

    async def picture(self, path: Path) -> None:
        """The pane as shown, header to composer, however tall the screen is."""
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.page.locator(PANE).screenshot(path=str(path), animations="disabled")

    async def text(self) -> str:
        """The screen's text as a reader sees it, message after message."""
        shown = await self.page.locator(f"{PANE} .msg:not(.off-screen)").all_inner_texts()
        return "\n\n".join(shown)

    async def text_runs(self) -> list[TextRun]:
        """Every piece of text on the screen with the fonts Chromium used to draw it."""
        document = await self.cdp.send("DOM.getDocument", {"depth": 0})
        found = await self.cdp.send("DOM.querySelectorAll", {
            "nodeId": document["root"]["nodeId"], "selector": SCREEN_ELEMENTS})
        runs = []
        try:
            for node_id in found["nodeIds"]:
                resolved = await self.cdp.send("DOM.resolveNode", {
                    "nodeId": node_id, "objectGroup": OBJECT_GROUP})
                own = await self.cdp.send("Runtime.callFunctionOn", {
                    "objectId": resolved["object"]["objectId"],
                    "functionDeclaration": OWN_TEXT, "returnByValue": True})
                text = own["result"].get("value") or ""
                if not text.strip():
                    continue
                used = await self.cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})
                runs.append(TextRun(text, tuple(
                    UsedFont(font["familyName"], font.get("postScriptName", ""))
                    for font in used["fonts"])))
        finally:
            await self.cdp.send("Runtime.releaseObjectGroup", {"objectGroup": OBJECT_GROUP})
        return runs
