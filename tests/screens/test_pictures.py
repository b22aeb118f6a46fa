"""`kimbot screens` for a right-to-left language (Arabic) and one in Ethiopic script
(Tigrinya): the walk reaches all eight screens, each is a real picture of the message in that
language, and every character on them has a glyph in the fonts Chromium used."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from bot.i18n import translator
from bot.screens.run import take_screens, write_overview
from bot.screens.walk import SCREENS
from tests.support.needs import skip_or_fail
from tests.support.sandbox import require_chromium

pytestmark = pytest.mark.browser

# The fonts .ci/run installs for these scripts (fonts-noto-core, fonts-noto-color-emoji).
NEEDED_FONTS = ("Noto Sans Arabic", "Noto Sans Ethiopic", "Noto Color Emoji")


def require_fonts() -> None:
    if shutil.which("fc-list") is None:
        skip_or_fail("fc-list not installed (apt-get install fontconfig)")
    families = subprocess.run(["fc-list", "--format", "%{family}\n"], check=True,
                              capture_output=True, text=True).stdout
    for family in NEEDED_FONTS:
        if family not in families:
            skip_or_fail(f"font {family!r} not installed (apt-get install fonts-noto-core "
                         "fonts-noto-color-emoji)")


async def test_arabic_and_tigrinya_screens_are_pictures_with_every_glyph(tmp_path):
    require_chromium()
    require_fonts()
    results = await take_screens(tmp_path, ["ar", "ti"], check_fonts=True, parallel=2)

    for result in results:
        assert result.error is None, result.error
        assert result.missing == {}
        names = sorted(path.name for path in (tmp_path / result.language).iterdir())
        assert names == [f"{n:02d}-{name}.png" for n, name in enumerate(SCREENS, start=1)]
        for path in result.pictures:
            with Image.open(path) as picture:
                assert picture.format == "PNG"
                width, height = picture.size
                assert width >= 400 and height >= 300, (path, picture.size)
                # A chat, not a blank: bubbles, buttons and letters in many shades.
                colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
                assert colours is not None and len(colours) > 200, path

        tr = translator(result.language)
        texts = result.texts
        assert tr._("Hello! Please choose your language.") in texts["start"]
        assert tr._("Before we start: about your data.") in texts["privacy"]
        assert tr._("Main menu. What do you want to do?") in texts["menu"]
        assert tr._("Please check your answers:") in texts["intake-summary"]

    # The summary lists every answer: its picture is taller than the greeting's.
    arabic = {path.stem: path for path in results[0].pictures}
    with Image.open(arabic["01-start"]) as start, \
            Image.open(arabic["08-intake-summary"]) as summary:
        assert summary.height > start.height

    overview = write_overview(tmp_path, results).read_text(encoding="utf-8")
    assert 'src="ti/08-intake-summary.png"' in overview
