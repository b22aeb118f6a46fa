"""Reading what a person writes during the intake: a date, a phone number, a town name.

People write digits in their own script (Arabic-Indic, Persian); those count like 0-9.
Anything that does not read clearly is refused, and the question is asked again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from bot.catalogue.keywords import normalize
from bot.catalogue.routing import CatalogueIndex

# A deadline that passed up to this long ago still matters (it is urgent); older is a typo.
OLDEST_DEADLINE = timedelta(days=60)
LATEST_DEADLINE = timedelta(days=366)
_DMY = re.compile(r"(\d{1,2})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DM = re.compile(r"(\d{1,2})\s*[./]\s*(\d{1,2})\.?")
_PHONE = re.compile(r"\+?[0-9][0-9 ()/\-]*")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 6, 15


def ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and unicodedata.digit(ch, None)
                   is not None else ch for ch in text)


def parse_deadline(text: str, today: date) -> date | None:
    """A date as people write it (31.12.2026, 31/12/26, 2026-12-31, 31.12.), if plausible as a
    letter's deadline; None otherwise."""
    written = ascii_digits(text.strip())
    if match := _YMD.fullmatch(written):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY.fullmatch(written):
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
    elif match := _DM.fullmatch(written):
        day, month = (int(part) for part in match.groups())
        year = today.year
    else:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if match.re is _DM and found < today - OLDEST_DEADLINE:
        found = _next_year(found)
    if found is None or not today - OLDEST_DEADLINE <= found <= today + LATEST_DEADLINE:
        return None
    return found


def _next_year(day: date) -> date | None:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return None


def parse_phone(text: str) -> str | None:
    """The number as written (digits in 0-9), if it looks like a phone number."""
    written = " ".join(ascii_digits(text).split())
    if not _PHONE.fullmatch(written):
        return None
    digits = sum(ch.isdigit() for ch in written)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS or len(written) > 30:
        return None
    return written


def find_town(text: str, index: CatalogueIndex) -> str | None:
    """The one town whose name the text is (or starts, from three letters on)."""
    wanted = normalize(text)
    names = {town.id: normalize(town.name) for town in index.towns.values()}
    found = [town for town, name in names.items() if name == wanted]
    if not found and len(wanted) >= 3:
        found = [town for town, name in names.items() if name.startswith(wanted)]
    return found[0] if len(found) == 1 else None
