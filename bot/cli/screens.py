"""`kimbot screens`: the client bot's main screens in every language as PNG files, and the
check that each character on them has a glyph in the fonts Chromium used (bot/screens).

Needs what the browser tests need: the development packages (Playwright) and Debian's
chromium; the fonts are those installed (fontconfig)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.i18n import LANGUAGES

if TYPE_CHECKING:
    from bot.screens.run import LanguageScreens

CODES = [language.code for language in LANGUAGES]


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/screens"), show_default=True,
              help="Folder for <language>/<nn>-<screen>.png and index.html.")
@click.option("--lang", "languages", multiple=True, type=click.Choice(CODES),
              help="Only this language; repeat for several. Default: all 14.")
@click.option("--check-fonts/--no-check-fonts", default=True, show_default=True,
              help="Check that every character on the screens has a glyph in a font the "
                   "page used.")
@click.option("--parallel", type=click.IntRange(1, 8), default=3, show_default=True,
              help="Languages walked at once, each in its own browser tab.")
def screens(out: Path, languages: tuple[str, ...], check_fonts: bool, parallel: int) -> None:
    """Render the main screens of the client bot for reviewers.

    Starts the bots and the sandbox in this process on a temporary database with the sample
    region and a fixed clock, walks a person through start, privacy, menu, a finder answer,
    the booking check, the confirmation, an intake question and the intake summary in each
    language, and writes each screen as the sandbox page shows it in headless Chromium.
    Exits with 1 when a walk fails or a character has no glyph.
    """
    from bot.cli.common import configure_logging
    from bot.screens.fonts import describe
    from bot.screens.page import ChromiumMissing, PlaywrightMissing
    from bot.screens.run import take_screens, write_overview

    configure_logging("WARNING")
    chosen = [code for code in CODES if code in languages] if languages else CODES
    started = time.monotonic()

    def report(result: LanguageScreens) -> None:
        if result.error:
            click.echo(f"{result.language}: the walk stopped: {result.error}", err=True)
            return
        fonts = ("" if not result.checked else "; every character has a glyph"
                 if not result.missing else f"; {len(result.missing)} without a glyph")
        click.echo(f"{result.language}: {len(result.pictures)} screens{fonts}")

    try:
        results = asyncio.run(take_screens(out, chosen, check_fonts, parallel, report))
    except (PlaywrightMissing, ChromiumMissing) as exc:
        raise click.ClickException(str(exc)) from None
    overview = write_overview(out, results)
    failed = [r.language for r in results if not r.complete]
    missing = [r for r in results if r.missing]
    for result in missing:
        click.echo(f"\n{result.language}: characters without a glyph in the fonts the page "
                   "used:", err=True)
        for char, (on, tried) in sorted(result.missing.items()):
            click.echo(f"  {describe(char)} on {', '.join(sorted(on))} (fonts used there: "
                       f"{', '.join(sorted(tried)) or 'none'})", err=True)
    click.echo(f"\n{sum(len(r.pictures) for r in results)} pictures in {out}/ "
               f"(all at a glance: {overview}), {time.monotonic() - started:.0f} s.")
    if failed:
        raise click.ClickException(f"no complete screens for: {', '.join(failed)}")
    if missing:
        raise click.ClickException("characters without a glyph in: "
                                   + ", ".join(r.language for r in missing)
                                   + " (install the fonts, see docs/translating.md)")
