"""One run of `kimbot screens`: a temporary SQLite database, the whole system against its
sandbox (with the sample region, as `make run` starts it) on a fixed clock, one headless
Chromium, and a walk per language, several at once, each in its own client pane."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.config import Settings
from bot.i18n import LANGUAGES
from bot.sandbox import SimUser
from bot.screens.fonts import InstalledFonts, uncovered
from bot.screens.walk import SCREENS, BookingOrder, ClientWalk, Screen

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from bot.sandbox import SandboxServer

# Monday 11 January 2027, 10:00 in Berlin: the dates, free times and message times on the
# pictures are the same on every run.
START = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
FIRST_USER_ID = 500001
# A language's walk number (its day to book, its user id) is its place among all languages, so
# a run for a few languages shows them as the run for all does.
NUMBERS = {language.code: number for number, language in enumerate(LANGUAGES)}
FIRST_NAME = "Amal"  # the name the booking takes from Telegram ("use my Telegram name")


class ScreenSettings(Settings):
    """The defaults and nothing from the environment or a .env file: the pictures must not
    depend on the shell they are taken from."""

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


@dataclass
class LanguageScreens:
    """What one language's walk produced."""

    language: str
    pictures: list[Path] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # screen name -> the text shown
    # Characters without a glyph: each with the screens it is on and the fonts tried.
    missing: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    checked: bool = False  # the font check ran
    error: str | None = None  # the walk stopped: why

    @property
    def complete(self) -> bool:
        return self.error is None and len(self.pictures) == len(SCREENS)

    def note_missing(self, screen: Screen, found: dict[str, set[str]]) -> None:
        for char, families in found.items():
            screens, tried = self.missing.setdefault(char, (set(), set()))
            screens.add(screen.file_name.removesuffix(".png"))
            tried.update(families)


async def take_screens(out: Path, languages: Sequence[str], check_fonts: bool = True,
                       parallel: int = 3,
                       progress: Callable[[LanguageScreens], None] | None = None,
                       ) -> list[LanguageScreens]:
    """Write out/<language>/<nn>-<screen>.png for every language; with `check_fonts`, check
    each screen's characters against the fonts Chromium used for them."""
    from bot.app import SANDBOX_CLIENT_TOKEN, System
    from bot.screens.page import headless_chromium, require_browser
    from scheduler.clock import FixedClock
    from storage.migrate import upgrade_async

    require_browser()
    fonts = InstalledFonts.from_fontconfig() if check_fonts else None
    clock = FixedClock(START)
    with tempfile.TemporaryDirectory(prefix="kimbot-screens-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'screens.db'}"
        await upgrade_async(url)
        settings = ScreenSettings(database_url=url, sandbox_port=0)
        async with System(settings, clock=clock, run_scheduler=False) as system, \
                headless_chromium() as browser:
            sandbox = system.sandbox
            assert sandbox is not None  # no tokens: the system runs its own sandbox
            sandbox.now = lambda: int(clock.now().timestamp())
            numbers = {language: NUMBERS[language] for language in languages}
            order = BookingOrder(numbers.values())
            queue = list(languages)  # taken in order: a walk's earlier walks have all started
            results: dict[str, LanguageScreens] = {}

            async def lane() -> None:
                while queue:
                    language = queue.pop(0)
                    number = numbers[language]
                    result = LanguageScreens(language, checked=fonts is not None)
                    try:
                        await _walk_language(browser, sandbox, SANDBOX_CLIENT_TOKEN, out,
                                             SimUser(FIRST_USER_ID + number, FIRST_NAME,
                                                     language),
                                             fonts, result, number, order)
                    except Exception as exc:
                        result.error = f"{type(exc).__name__}: {exc}"
                    finally:
                        order.release(number)
                    results[language] = result
                    if progress is not None:
                        progress(result)

            await asyncio.gather(*(lane() for _ in range(max(1, min(parallel,
                                                                      len(languages))))))
            return [results[language] for language in languages]


async def _walk_language(browser: Browser, sandbox: SandboxServer, token: str, out: Path,
                         user: SimUser, fonts: InstalledFonts | None, result: LanguageScreens,
                         number: int, order: BookingOrder) -> None:
    from bot.screens.page import ClientPane

    language = result.language
    for old in (out / language).glob("[0-9][0-9]-*.png"):
        old.unlink()  # a picture left from an earlier run would pass for this one's
    pane_user = {"id": user.id, "first_name": user.first_name, "language_code": language}
    async with ClientPane.open(browser, sandbox.url, pane_user) as pane:

        async def shoot(screen: Screen) -> None:
            await pane.show(screen)
            path = out / language / screen.file_name
            await pane.picture(path)
            result.pictures.append(path)
            result.texts[screen.name] = await pane.text()
            if fonts is not None:
                result.note_missing(screen, uncovered(await pane.text_runs(), fonts.cmap))

        await ClientWalk(sandbox, token, user, shoot, number, order).run()


def write_overview(out: Path, results: Sequence[LanguageScreens]) -> Path:
    """out/index.html: every picture in a table, a row per screen and a column per language,
    so a reviewer compares one screen across languages at a glance."""
    rows = []
    for number, name in enumerate(SCREENS, start=1):
        cells = []
        for result in results:
            file = f"{number:02d}-{name}.png"
            cells.append(f'<td><a href="{result.language}/{file}"><img src="{result.language}/'
                         f'{file}" alt="{result.language} {name}" loading="lazy"></a></td>'
                         if (out / result.language / file).exists() else "<td>–</td>")
        rows.append(f"<tr><th>{number:02d} {name}</th>{''.join(cells)}</tr>")
    head = "".join(f'<th lang="{r.language}">{r.language}</th>' for r in results)
    page = OVERVIEW.format(head=head, rows="\n".join(rows))
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


OVERVIEW = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>kimbot: the client bot's screens</title>
<style>
body {{ font-family: sans-serif; margin: 12px; }}
th {{ position: sticky; top: 0; background: #fff; padding: 4px; text-align: start; }}
tbody th {{ left: 0; vertical-align: top; }}
td {{ vertical-align: top; padding: 4px; }}
img {{ width: 230px; border: 1px solid #ccd; }}
</style>
<p>Made by <code>kimbot screens</code> on the sandbox page. Click a picture for full size.</p>
<table>
<thead><tr><th></th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</html>
"""
