"""The fonts a flyer needs, found by path: Debian's fonts-noto-core, or a folder of your own.

Latin, Cyrillic, Arabic script and Ethiopic (Tigrinya) are not in any one font, so each script
gets its Noto family. Looked up by file name rather than through fontconfig: the flyer has to
come out the same on every machine, and a missing font must be an error, not tofu boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEBIAN_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
DEBIAN_PACKAGE = "fonts-noto-core"


class FontsMissing(RuntimeError):
    """A font file the flyer needs is not there; the message says how to get it."""


@dataclass(frozen=True)
class Family:
    name: str  # the family name inside the PDF
    regular: Path
    bold: Path


@dataclass(frozen=True)
class Fonts:
    latin: Family  # Latin and Cyrillic
    arabic: Family  # Arabic, Persian, Pashto
    ethiopic: Family  # Tigrinya

    @property
    def families(self) -> tuple[Family, ...]:
        return (self.latin, self.arabic, self.ethiopic)


# Naskh rather than the Kufi-like Noto Sans Arabic: it is the style schoolbooks and newspapers
# use, so it is the easiest to read for people who read Arabic script slowly; both cover Pashto.
_FILES = {
    "latin": ("NotoSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "arabic": ("NotoNaskhArabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "ethiopic": ("NotoSansEthiopic", "NotoSansEthiopic-Regular.ttf",
                 "NotoSansEthiopic-Bold.ttf"),
}


def find_fonts(font_dir: str | Path | None = None) -> Fonts:
    """The flyer's fonts in `font_dir` (default: where Debian's fonts-noto-core puts them)."""
    folder = Path(font_dir) if font_dir else DEBIAN_FONT_DIR
    families: dict[str, Family] = {}
    missing: list[str] = []
    for script, (name, regular, bold) in _FILES.items():
        paths = (folder / regular, folder / bold)
        missing += [path.name for path in paths if not path.is_file()]
        families[script] = Family(name, *paths)
    if missing:
        raise FontsMissing(
            f"fonts missing in {folder}: {', '.join(missing)}. Install Debian's "
            f"{DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}) or set KIMBOT_FONT_DIR to a "
            "folder that has these Noto fonts.")
    return Fonts(**families)
