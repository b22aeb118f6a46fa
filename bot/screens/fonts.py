"""Does every character on a screen have a glyph? The page reports each piece of text with the
fonts Chromium drew it with; fontconfig (`fc-list`) names the file of each font, and fontTools
reads the file's character map. A character none of those fonts maps would show as an empty
box ("tofu") or not at all.

Characters that are never drawn are left out: control characters (the line breaks), format
characters (the bidi marks and isolates of right-to-left texts, U+200E/F and U+2066-2069, the
zero-width joiner and non-joiner) and variation selectors (the U+FE0F after an emoji).
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

# Variation selectors choose a glyph of the character before them; they have none of their own.
VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
FC_FORMAT = "%{file}\\t%{index}\\t%{postscriptname}\\t%{family}\\n"


class UsedFont(NamedTuple):
    """A font as Chromium reports it: family name and PostScript name (may be empty)."""

    family: str
    postscript: str = ""


@dataclass(frozen=True)
class TextRun:
    """A piece of text on a screen and the fonts Chromium used for it."""

    text: str
    fonts: tuple[UsedFont, ...]


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # the face in a collection (.ttc); 0 for a plain font file
    postscript: str
    families: tuple[str, ...]


def needs_glyph(char: str) -> bool:
    code = ord(char)
    if any(code in selectors for selectors in VARIATION_SELECTORS):
        return False
    return unicodedata.category(char) not in ("Cc", "Cf")


def describe(char: str) -> str:
    """'U+1F4C5 📅 CALENDAR' for a report."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {char} {name}".rstrip()


def uncovered(runs: Iterable[TextRun],
              cmap: Callable[[UsedFont], frozenset[int]]) -> dict[str, set[str]]:
    """The characters no font of their run maps, each with the families that were tried."""
    missing: dict[str, set[str]] = {}
    for run in runs:
        maps = [cmap(font) for font in run.fonts]
        for char in set(run.text):
            if needs_glyph(char) and not any(ord(char) in mapped for mapped in maps):
                missing.setdefault(char, set()).update(font.family for font in run.fonts)
    return missing


def read_cmap(path: Path, index: int = 0) -> frozenset[int]:
    """The code points a font file maps to glyphs (its best Unicode cmap subtable)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def parse_fc_list(output: str) -> list[FontFile]:
    """Lines of `fc-list --format FC_FORMAT`."""
    found = []
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0]:
            continue
        path, index, postscript, families = parts
        found.append(FontFile(Path(path), int(index or 0), postscript,
                              tuple(name.strip() for name in families.split(",") if name)))
    return found


@dataclass
class InstalledFonts:
    """The fonts fontconfig knows (the ones Chromium on Linux can use), with their character
    maps read on demand."""

    files: list[FontFile]
    _maps: dict[tuple[Path, int], frozenset[int]] = field(default_factory=dict)

    @classmethod
    def from_fontconfig(cls) -> InstalledFonts:
        try:
            listed = subprocess.run(["fc-list", "--format", FC_FORMAT], check=True,
                                    capture_output=True, text=True).stdout
        except FileNotFoundError:
            raise RuntimeError("fc-list is missing (apt-get install fontconfig)") from None
        return cls(parse_fc_list(listed))

    def files_of(self, font: UsedFont) -> list[FontFile]:
        """The file with the font's PostScript name; else every file of its family."""
        if font.postscript:
            named = [f for f in self.files if f.postscript == font.postscript]
            if named:
                return named
        return [f for f in self.files if font.family in f.families]

    def cmap(self, font: UsedFont) -> frozenset[int]:
        mapped: set[int] = set()
        for file in self.files_of(font):
            key = (file.path, file.index)
            if key not in self._maps:
                self._maps[key] = read_cmap(file.path, file.index)
            mapped |= self._maps[key]
        return frozenset(mapped)
