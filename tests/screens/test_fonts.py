"""The glyph check of `kimbot screens` on its own: a tiny font made here maps only a few
characters, so the check has something to miss."""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from bot.screens.fonts import (
    InstalledFonts,
    TextRun,
    UsedFont,
    describe,
    needs_glyph,
    parse_fc_list,
    read_cmap,
    uncovered,
)

TINY = UsedFont("Tiny Test", "TinyTest-Regular")


def tiny_font(path: Path, characters: str) -> Path:
    """A TrueType font with a square glyph for each of `characters` and nothing else."""
    names = {ord(char): f"uni{ord(char):04X}" for char in characters}
    order = [".notdef", *names.values()]
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, 500))
    pen.lineTo((450, 500))
    pen.lineTo((450, 0))
    pen.closePath()
    square = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(names)
    builder.setupGlyf(dict.fromkeys(order, square))
    builder.setupHorizontalMetrics(dict.fromkeys(order, (500, 50)))
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": TINY.family, "styleName": "Regular",
                            "psName": TINY.postscript})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def fc_line(path: Path, postscript: str, families: str) -> str:
    return f"{path}\t0\t{postscript}\t{families}"


def test_a_character_the_font_does_not_map_is_reported_with_the_fonts_tried(tmp_path):
    font = tiny_font(tmp_path / "tiny.ttf", "KIM ab")
    fonts = InstalledFonts(parse_fc_list(fc_line(font, TINY.postscript, TINY.family)))

    missing = uncovered([TextRun("KIM ab 📅", (TINY,))], fonts.cmap)

    assert missing == {"📅": {"Tiny Test"}}
    assert describe("📅") == "U+1F4C5 📅 CALENDAR"


def test_another_font_of_the_same_run_covers_what_the_first_misses(tmp_path):
    latin = tiny_font(tmp_path / "latin.ttf", "KIM ")
    ethiopic = tiny_font(tmp_path / "ethiopic.ttf", "ትግርኛ")
    fonts = InstalledFonts(parse_fc_list("\n".join([
        fc_line(latin, "Latin-Regular", "Latin"),
        fc_line(ethiopic, "Ethiopic-Regular", "Ethiopic Test,Ethiopic Alias"),
    ])))
    both = (UsedFont("Latin", "Latin-Regular"), UsedFont("Ethiopic Test", "Ethiopic-Regular"))

    assert uncovered([TextRun("KIM ትግርኛ", both)], fonts.cmap) == {}
    # Each run is checked against its own fonts: the Ethiopic font drew nothing in this one.
    assert uncovered([TextRun("ትግ", both[:1])], fonts.cmap) == {"ት": {"Latin"}, "ግ": {"Latin"}}


def test_marks_joiners_selectors_and_line_breaks_need_no_glyph(tmp_path):
    font = tiny_font(tmp_path / "tiny.ttf", "ab")
    fonts = InstalledFonts(parse_fc_list(fc_line(font, TINY.postscript, TINY.family)))
    invisible = "\u200e\u200f\u2066\u2067\u2068\u2069\u200c\u200d\ufe0f\n\t"

    assert uncovered([TextRun(f"a{invisible}b", (TINY,))], fonts.cmap) == {}
    assert not any(needs_glyph(char) for char in invisible)
    assert needs_glyph(" ") and needs_glyph("ا")


def test_a_font_is_found_by_its_postscript_name_else_by_its_family(tmp_path):
    regular = tiny_font(tmp_path / "regular.ttf", "a")
    bold = tiny_font(tmp_path / "bold.ttf", "b")
    fonts = InstalledFonts(parse_fc_list("\n".join([
        fc_line(regular, "Same-Regular", "Same"), fc_line(bold, "Same-Bold", "Same")])))

    assert fonts.cmap(UsedFont("Same", "Same-Bold")) == {ord("b")}
    assert fonts.cmap(UsedFont("Same")) == {ord("a"), ord("b")}
    # A font fontconfig does not know covers nothing: every character of its run is missing.
    assert fonts.cmap(UsedFont("Unknown", "Unknown-Regular")) == frozenset()


def test_the_character_map_is_read_from_the_file(tmp_path):
    font = tiny_font(tmp_path / "tiny.ttf", "ab")
    assert read_cmap(font) == {ord("a"), ord("b")}


def test_fc_list_lines_without_a_file_are_skipped():
    listed = parse_fc_list("/f/a.ttc\t2\tA-Bold\tA,A Alt\n\t0\tX\tX\nnot a font line\n")
    assert [(f.path, f.index, f.postscript, f.families) for f in listed] == [
        (Path("/f/a.ttc"), 2, "A-Bold", ("A", "A Alt"))]
