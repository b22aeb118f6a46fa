"""The town flyer: its QR codes scan to the town's start link, every language line is in the
PDF, right-to-left lines are laid out from the right, and `kimbot flyer` end to end.

The PDF is read the way a printer and a phone would: poppler renders the pages to images and
zxing-cpp decodes the QR codes from them; poppler's pdftotext reads the text back.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.deep_links import start_link, town_payload
from bot.flyer import FontsMissing, find_fonts, flyer_lines, render_flyer
from bot.flyer.texts import PROGRAMME, TAGLINE, WRITE_TO_US
from bot.i18n import LANGUAGES, translator
from tests.support.needs import skip_or_fail
from tests.support.qr import decode

BOT = "kim_rbk_test_bot"
TOWN_ID, TOWN_NAME = "bergisch-gladbach", "Bergisch Gladbach"
LINK = "https://t.me/kim_rbk_test_bot?start=t_bergisch-gladbach"
# Marks pdftotext puts around right-to-left runs, and the isolates our texts may carry.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069"))


def require_pdf_tools() -> None:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} not installed (apt-get install poppler-utils)")
    try:
        find_fonts()
    except FontsMissing as exc:
        skip_or_fail(str(exc))


def page_images(pdf: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True)
    return sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))


def pdf_text(pdf: Path, page: int) -> str:
    """The page's text in logical order, without bidi marks, spaces collapsed."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8",
                          str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFC", out).translate(BIDI_CONTROLS).split())


@pytest.fixture(scope="module")
def flyer_pdf(tmp_path_factory) -> Path:
    require_pdf_tools()
    path = tmp_path_factory.mktemp("flyer") / "flyer.pdf"
    path.write_bytes(render_flyer(town_name=TOWN_NAME, link=LINK, lines=flyer_lines()))
    return path


def test_every_language_has_its_own_translated_line():
    lines = {line.code: line for line in flyer_lines()}
    assert list(lines) == [lang.code for lang in LANGUAGES]
    assert lines["de"].text == "Schreiben Sie uns in Ihrer Sprache"
    for code, line in lines.items():
        assert line.text == translator(code)._(WRITE_TO_US)
        if code != "en":
            assert line.text != WRITE_TO_US, f"{code}: the flyer line is not translated"
    assert {code for code, line in lines.items() if line.rtl} == {"ar", "fa", "ps"}


def test_the_poster_and_each_card_scan_to_the_towns_start_link(flyer_pdf):
    from PIL import Image

    assert start_link(BOT, town_payload(TOWN_ID)) == LINK  # what the CLI prints and encodes
    images = page_images(flyer_pdf)
    assert len(images) == 2, "a poster page and a page of cards"
    poster, cards = (Image.open(path) for path in images)
    for image in (poster, cards):  # A4 at 150 dpi, portrait
        assert abs(image.size[0] - 1240) <= 1 and abs(image.size[1] - 1754) <= 1
    assert decode(poster) == [LINK]
    width, height = cards.size
    for left, top in ((0, 0), (width // 2, 0), (0, height // 2), (width // 2, height // 2)):
        quarter = cards.crop((left, top, left + width // 2, top + height // 2))
        assert decode(quarter) == [LINK], f"the card at {left},{top}"


def test_the_text_has_heading_link_and_all_fourteen_lines(flyer_pdf):
    for page, copies in ((1, 1), (2, 4)):
        text = pdf_text(flyer_pdf, page)
        for german in (PROGRAMME, TOWN_NAME, TAGLINE, LINK):
            assert text.count(german) == copies, (page, german)
        for line in flyer_lines():
            # Logical order, as a screen reader or a copy-and-paste gets it.
            assert text.count(line.text) == copies, (page, line.code, line.text)
            # The native name; a right-to-left name with a slash comes back in pieces.
            for word in line.native_name.split():
                assert word in text, (page, line.code, word)


def _words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """Each word on page 1 as (top, left, right, text in the order its glyphs stand)."""
    xhtml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout
    root = ET.fromstring(xhtml)
    return [(float(w.get("yMin")), float(w.get("xMin")), float(w.get("xMax")),
             (w.text or "").translate(BIDI_CONTROLS))
            for w in root.iter() if w.tag.endswith("word")]


def _is_arabic(word: str) -> bool:
    return any("ARABIC" in unicodedata.name(char, "") for char in word)


def test_right_to_left_lines_are_right_aligned_and_read_from_the_right(flyer_pdf):
    words = _words(flyer_pdf)
    page_width = 595.28  # A4 in points
    rows: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    for top, left, right, text in words:
        rows[round(top)].append((left, right, text))
    lines = flyer_lines()
    # Where the left-to-right language lines start: the left margin.
    ltr_starts = []
    for line in (line for line in lines if not line.rtl):
        row = next(row for row in rows.values()
                   if " ".join(text for *_, text in sorted(row)).startswith(
                       f"{line.native_name}: {line.text}"))
        ltr_starts.append(min(left for left, _, _ in row))
    margin = min(ltr_starts)
    assert max(ltr_starts) == pytest.approx(margin, abs=0.5), "left-aligned"
    rtl_rows = [row for _, row in sorted(rows.items())
                if any(_is_arabic(text) for _, _, text in row)]
    rtl_lines = [line for line in lines if line.rtl]
    assert len(rtl_rows) == len(rtl_lines) == 3, "Arabic, Persian and Pashto"
    for row, line in zip(rtl_rows, rtl_lines, strict=True):
        # Right-aligned: it ends at the right margin, mirroring where the other lines start.
        assert max(right for _, right, _ in row) == pytest.approx(page_width - margin, abs=1.5)
        assert min(left for left, _, _ in row) > page_width / 3
        # Read from the right: the rightmost word is the language's name, and the words of
        # the line follow leftwards. pdftotext gives each word's glyphs left to right, so a
        # word's letters are compared as a multiset (a ligature may store them in any order).
        visual = [text for _, _, text in sorted(row, key=lambda word: -word[1])]
        name, text = line.native_name.split(), line.text.split()
        assert len(visual) == len(name) + len(text), line.code
        # The colon after the name stands at its left end, where a right-to-left reader
        # finishes the name.
        assert visual[len(name) - 1].startswith(":"), line.code
        visual[len(name) - 1] = visual[len(name) - 1].removeprefix(":")
        assert [sorted(word) for word in visual] == [sorted(word) for word in name + text], (
            line.code)


def test_missing_fonts_name_the_debian_package(tmp_path):
    with pytest.raises(FontsMissing, match="fonts-noto-core"):
        render_flyer(town_name="X", link=LINK, lines=flyer_lines(), font_dir=tmp_path)


# --- kimbot flyer ------------------------------------------------------------------------


def invoke(args, tmp_path, **env):
    environment = {"KIMBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                   "KIMBOT_CLIENT_TOKEN": "", "KIMBOT_STAFF_TOKEN": "",
                   "KIMBOT_CLIENT_BOT_USERNAME": "", "KIMBOT_FONT_DIR": "", **env}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


@pytest.fixture
def catalogue_db(tmp_path, monkeypatch) -> Path:
    from bot.catalogue.samples import RBK

    monkeypatch.chdir(tmp_path)  # the default output lands here, and no .env is read
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    imported = invoke(["offices", "import", str(RBK)], tmp_path)
    assert imported.exit_code == 0, imported.output
    return tmp_path


def test_cli_writes_the_flyer_of_a_town_found_by_name(catalogue_db):
    from PIL import Image

    require_pdf_tools()
    result = invoke(["flyer", "--town", "KÜRTEN"], catalogue_db,
                    KIMBOT_CLIENT_BOT_USERNAME=BOT)
    assert result.exit_code == 0, result.output
    path = catalogue_db / "flyer-kuerten.pdf"
    assert result.output.strip() == "flyer-kuerten.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    poster = Image.open(page_images(path)[0])
    assert decode(poster) == [f"https://t.me/{BOT}?start=t_kuerten"]
    assert "Kürten" in pdf_text(path, 1)


def test_cli_takes_the_id_an_output_path_and_the_username_option(catalogue_db):
    require_pdf_tools()
    output = catalogue_db / "out" / "odenthal.pdf"
    output.parent.mkdir()
    result = invoke(["flyer", "--town", "odenthal", "--output", str(output),
                     "--bot-username", "@other_kim_bot"], catalogue_db,
                    KIMBOT_CLIENT_BOT_USERNAME=BOT)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(output)
    assert "https://t.me/other_kim_bot?start=t_odenthal" in pdf_text(output, 1)


def test_cli_unknown_town_lists_the_known_ones_and_writes_nothing(catalogue_db):
    result = invoke(["flyer", "--town", "Atlantis"], catalogue_db,
                    KIMBOT_CLIENT_BOT_USERNAME=BOT)
    assert result.exit_code != 0
    assert "unknown town 'Atlantis'" in result.output
    assert "odenthal (Odenthal)" in result.output and "kuerten (Kürten)" in result.output
    assert not list(catalogue_db.glob("*.pdf"))


def test_cli_without_a_username_says_how_to_give_one(catalogue_db):
    result = invoke(["flyer", "--town", "odenthal"], catalogue_db)
    assert result.exit_code != 0
    assert "--bot-username" in result.output
    assert "KIMBOT_CLIENT_BOT_USERNAME" in result.output
    assert not list(catalogue_db.glob("*.pdf"))


def test_cli_without_fonts_names_the_package_and_writes_nothing(catalogue_db):
    empty = catalogue_db / "no-fonts"
    empty.mkdir()
    result = invoke(["flyer", "--town", "odenthal"], catalogue_db,
                    KIMBOT_CLIENT_BOT_USERNAME=BOT, KIMBOT_FONT_DIR=str(empty))
    assert result.exit_code != 0
    assert "fonts-noto-core" in result.output and "KIMBOT_FONT_DIR" in result.output
    assert not list(catalogue_db.glob("*.pdf"))


def test_cli_reports_an_output_it_cannot_write(catalogue_db):
    require_pdf_tools()
    output = catalogue_db / "missing-folder" / "flyer.pdf"
    result = invoke(["flyer", "--town", "odenthal", "--output", str(output)], catalogue_db,
                    KIMBOT_CLIENT_BOT_USERNAME=BOT)
    assert result.exit_code != 0
    assert f"cannot write {output}" in result.output


def test_cli_without_a_catalogue_asks_for_the_import(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    invoke(["db", "upgrade"], tmp_path)
    result = invoke(["flyer", "--town", "odenthal"], tmp_path, KIMBOT_CLIENT_BOT_USERNAME=BOT)
    assert result.exit_code != 0
    assert "kimbot offices import" in result.output
