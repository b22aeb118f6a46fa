"""The flyer as a PDF: an A4 poster, then an A4 sheet of four A6 cards to cut apart.

Both formats draw the same panel (heading, QR code, link, one line per language); A6 is A4 at
half the size, so only the type sizes and spacing differ. The QR code is drawn as vector
squares, sharp at any print resolution. Text shaping (HarfBuzz) joins Arabic letters and
fpdf2's bidi algorithm orders right-to-left text; right-to-left lines are right-aligned.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.drawing import PathPaintRule

from bot.flyer.fonts import Family, Fonts, find_fonts
from bot.flyer.texts import PROGRAMME, SCAN_HINT, TAGLINE, FlyerLine
from bot.qr import qr_modules

A4 = (210.0, 297.0)  # mm
PT = 25.4 / 72  # mm per typographic point
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
BLACK, GREY, CUT_GREY = (0, 0, 0), (90, 90, 90), (150, 150, 150)


@dataclass(frozen=True)
class _Layout:
    margin: float  # mm inside the panel's edge; cards keep clear of where printers cannot print
    programme_pt: float
    town_pt: float
    tagline_pt: float
    qr_mm: float  # side of the code including its quiet zone
    link_pt: float
    hint_pt: float
    line_pt: float  # the language lines
    gap: float  # mm between blocks
    rule: float  # mm, width of the line above the languages


POSTER = _Layout(margin=16, programme_pt=20, town_pt=34, tagline_pt=14, qr_mm=92, link_pt=13,
                 hint_pt=10, line_pt=14, gap=4, rule=0.2)
CARD = _Layout(margin=8, programme_pt=9, town_pt=15, tagline_pt=7, qr_mm=46, link_pt=7,
               hint_pt=5.5, line_pt=8, gap=1.8, rule=0.12)


def render_flyer(*, town_name: str, link: str, lines: list[FlyerLine],
                 font_dir: str | Path | None = None) -> bytes:
    """A two-page PDF: page 1 an A4 poster, page 2 four A6 cards with cut lines between them.

    `link` is what the QR code holds and what is printed under it; `lines` are the language
    lines in the order they appear. Raises FontsMissing if the Noto fonts are not installed.
    """
    fonts = find_fonts(font_dir)
    pdf = _document(fonts, town_name)
    modules = qr_modules(link)
    content = _Content(town_name, link, lines, modules)

    pdf.add_page()
    _panel(pdf, fonts, content, POSTER, 0, 0, *A4)

    pdf.add_page()
    card_w, card_h = A4[0] / 2, A4[1] / 2
    for row in range(2):
        for col in range(2):
            _panel(pdf, fonts, content, CARD, col * card_w, row * card_h, card_w, card_h)
    _cut_lines(pdf, card_w, card_h)
    return bytes(pdf.output())


@dataclass(frozen=True)
class _Content:
    town_name: str
    link: str
    lines: list[FlyerLine]
    modules: list[list[bool]]


def _document(fonts: Fonts, town_name: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # the layout places everything itself
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0  # cells as wide as their text: the layout measures and places each one
    pdf.set_title(f"KIM-Flyer {town_name}")
    pdf.set_lang("de")
    pdf.set_creator("kimbot")
    for family in fonts.families:
        pdf.add_font(family.name, "", str(family.regular))
        pdf.add_font(family.name, "B", str(family.bold))
    # A Latin name or a digit inside an Arabic-script or Ethiopic line comes from the next
    # font that has the glyph, instead of a missing-glyph box.
    pdf.set_fallback_fonts([family.name for family in fonts.families], exact_match=False)
    return pdf


def _panel(pdf: FPDF, fonts: Fonts, content: _Content, layout: _Layout,
           x: float, y: float, w: float, h: float) -> None:
    left, width = x + layout.margin, w - 2 * layout.margin
    bottom = y + h - layout.margin
    top = y + layout.margin

    top = _centered(pdf, fonts.latin, PROGRAMME, layout.programme_pt, left, top, width, bold=True)
    top = _centered(pdf, fonts.latin, content.town_name, layout.town_pt, left, top, width,
                    bold=True)
    top = _centered(pdf, fonts.latin, TAGLINE, layout.tagline_pt, left, top, width)

    _qr(pdf, content.modules, x + (w - layout.qr_mm) / 2, top, layout.qr_mm)
    # The quiet zone already separates the code from the text around it.
    top += layout.qr_mm
    top = _centered(pdf, fonts.latin, content.link, layout.link_pt, left, top, width, bold=True)
    top = _centered(pdf, fonts.latin, SCAN_HINT, layout.hint_pt, left, top, width, color=GREY)

    top += layout.gap
    pdf.set_draw_color(*CUT_GREY)
    pdf.set_line_width(layout.rule)
    pdf.line(left, top, left + width, top)
    top += layout.gap

    # Spread the language lines over the space left, but not so far apart that they stop
    # reading as one list. A line set larger for its script gets more room in proportion.
    scripts = [_family_for(fonts, line.native_name + line.text) for line in content.lines]
    weight = sum(optical for _, optical in scripts) or 1
    pitch = min((bottom - top) / weight, layout.line_pt * PT * 2.1)
    if pitch < layout.line_pt * PT * 1.2:  # the lines would overlap: better no flyer
        raise ValueError(f"{len(content.lines)} language lines do not fit on the flyer")
    for line, (family, optical) in zip(content.lines, scripts, strict=True):
        _language_line(pdf, family, line, layout.line_pt * optical, left, top, width,
                       pitch * optical)
        top += pitch * optical


def _centered(pdf: FPDF, family: Family, text: str, size: float, x: float, y: float,
              width: float, *, bold: bool = False, color: tuple[int, int, int] = BLACK) -> float:
    """One centred line, shrunk to fit `width`; returns the y below it."""
    style = "B" if bold else ""
    pdf.set_text_shaping(True, direction="ltr", language="de")
    size = _fitting_size(pdf, family, style, text, size, width)
    height = size * PT * 1.45
    pdf.set_text_color(*color)
    pdf.set_xy(x, y)
    pdf.cell(width, height, text, align="C")
    return y + height


def _fitting_size(pdf: FPDF, family: Family, style: str, text: str, size: float,
                  width: float) -> float:
    pdf.set_font(family.name, style, size)
    needed = pdf.get_string_width(text)
    if needed > width:
        size *= width / needed * 0.98
        pdf.set_font(family.name, style, size)
    return size


def _language_line(pdf: FPDF, family: Family, line: FlyerLine, size: float, x: float,
                   y: float, width: float, height: float) -> None:
    """The language's own name in bold, then the line; from the right for right-to-left."""
    pdf.set_text_shaping(True, direction="rtl" if line.rtl else "ltr", language=line.code)
    pdf.set_text_color(*BLACK)
    name = f"{line.native_name}:"
    gap = size * PT * 0.4
    for _ in range(2):  # measure, and measure again after shrinking an over-long line
        pdf.set_font(family.name, "B", size)
        name_w = pdf.get_string_width(name)
        pdf.set_font(family.name, "", size)
        text_w = pdf.get_string_width(line.text)
        if name_w + gap + text_w <= width:
            break
        size *= width / (name_w + gap + text_w) * 0.98
    if line.rtl:
        name_x = x + width - name_w
        text_x = name_x - gap - text_w
    else:
        name_x = x
        text_x = x + name_w + gap
    pdf.set_font(family.name, "B", size)
    pdf.set_xy(name_x, y)
    pdf.cell(name_w, height, name, align="R" if line.rtl else "L")
    pdf.set_font(family.name, "", size)
    pdf.set_xy(text_x, y)
    pdf.cell(text_w, height, line.text, align="R" if line.rtl else "L")


def _family_for(fonts: Fonts, text: str) -> tuple[Family, float]:
    """The font for a line's script, from its first letter that is not Latin or Cyrillic, and
    how much larger to set it: at the same point size Naskh and Ethiopic letters look smaller
    than Noto Sans, and the lines should look equally large."""
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            return fonts.arabic, 1.2
        if name.startswith("ETHIOPIC"):
            return fonts.ethiopic, 1.1
    return fonts.latin, 1.0


def _qr(pdf: FPDF, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """The code as black squares in a `size` mm box that includes the quiet zone.

    One path for all squares: separate rectangles leave hairline gaps between neighbours in
    some renderers, which can break scanning."""
    count = len(modules) + 2 * QUIET_ZONE
    module = size / count
    origin_x, origin_y = x + QUIET_ZONE * module, y + QUIET_ZONE * module
    with pdf.new_path() as path:
        path.style.fill_color = "#000000"
        path.style.stroke_color = None
        path.style.paint_rule = PathPaintRule.FILL_NONZERO
        for row_index, row in enumerate(modules):
            col = 0
            while col < len(row):
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rectangle(origin_x + start * module, origin_y + row_index * module,
                               (col - start) * module, module)


def _cut_lines(pdf: FPDF, card_w: float, card_h: float) -> None:
    """Thin dashed lines where the sheet is cut into four cards."""
    pdf.set_draw_color(*CUT_GREY)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.line(card_w, 0, card_w, A4[1])
    pdf.line(0, card_h, A4[0], card_h)
    pdf.set_dash_pattern()
