"""Languages, translations, plurals, dates and times, and bidi isolation.

Babel does the work: catalogs are gettext .po files under bot/locales, compiled in memory at
start-up (so a translator's edit is live on the next start, and no stale .mo can hide a gap),
plural rules come from each catalog's header, and dates and times are formatted with CLDR data.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str  # our code, also the Babel locale and the catalog folder name
    native_name: str  # how the language calls itself: what a person looks for in a list
    rtl: bool = False


# The order of the language buttons: the languages most asked for in NRW first.
LANGUAGES: tuple[Language, ...] = (
    Language("de", "Deutsch"),
    Language("en", "English"),
    Language("ar", "العربية", rtl=True),
    Language("uk", "Українська"),
    Language("ru", "Русский"),
    Language("fa", "فارسی / دری", rtl=True),
    Language("ps", "پښتو", rtl=True),
    Language("tr", "Türkçe"),
    Language("ku", "Kurdî (Kurmancî)"),
    Language("ti", "ትግርኛ"),
    Language("fr", "Français"),
    Language("so", "Soomaali"),
    Language("ro", "Română"),
    Language("bg", "Български"),
)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}
SOURCE_LANGUAGE = "en"  # message ids are English
FALLBACK_LANGUAGE = "en"

# Telegram reports IETF tags; some name our languages by another code.
_ALIASES = {"prs": "fa", "kmr": "ku", "pbu": "ps", "pus": "ps", "fas": "fa", "per": "fa"}

# Unicode isolates keep a left-to-right run (a time, a phone number, a Latin name) intact inside
# right-to-left text, whatever characters surround it.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
# A bot command as Telegram recognises one: a slash at the start or after white space.
_COMMAND = re.compile(r"(?<!\S)/[a-z]+(?!\w)")


def N_(msgid: str) -> str:
    """Mark a message id for extraction where it is translated later, at the point of use."""
    return msgid


def negotiate(language_code: str | None) -> str:
    """Our language for a messenger's IETF tag ("ar", "fa-IR", "pt-br"); English if none fits."""
    if not language_code:
        return FALLBACK_LANGUAGE
    primary = language_code.replace("_", "-").split("-", 1)[0].lower()
    primary = _ALIASES.get(primary, primary)
    return primary if primary in BY_CODE else FALLBACK_LANGUAGE


def is_supported(code: str) -> bool:
    return code in BY_CODE


def catalog_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(code: str) -> NullTranslations:
    """The compiled catalog for `code`; English is the message ids themselves."""
    path = catalog_path(code)
    if code == SOURCE_LANGUAGE and not path.exists():
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def isolate(value: object, rtl: bool) -> str:
    """`value` as text that keeps its own direction inside the surrounding message.

    Numbers, times, phone numbers and Latin names are the runs that get reordered in Arabic,
    Persian and Pashto text; first-strong isolation leaves Arabic-script values alone.
    """
    text = str(value)
    return f"{FSI}{text}{PDI}" if rtl and text else text


def isolate_commands(text: str) -> str:
    """Wrap each /command in isolates: in Arabic-script text "/delete" shows as "delete/"."""
    return _COMMAND.sub(lambda m: isolate(m.group(0), rtl=True), text)


class Translator:
    """Everything a flow needs to speak one language."""

    def __init__(self, code: str, timezone: str = "Europe/Berlin") -> None:
        if code not in BY_CODE:
            raise ValueError(f"unsupported language {code!r}")
        self.language = BY_CODE[code]
        self.code = code
        self.rtl = self.language.rtl
        self.locale = Locale.parse(code)
        self.tz = ZoneInfo(timezone)
        self._t = _translations(code)

    def _(self, msgid: str, **values: object) -> str:
        """Translate `msgid` and fill its {placeholders}, isolated in right-to-left text."""
        return self._fill(self._t.gettext(msgid), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """Translate with the language's own plural rule; `n` is available as {n}."""
        return self._fill(self._t.ngettext(singular, plural, n), {"n": n, **values})

    def _fill(self, template: str, values: dict[str, object]) -> str:
        if self.rtl:
            template = isolate_commands(template)
        return template.format(**{k: isolate(v, self.rtl) for k, v in values.items()})

    def join(self, items: Iterable[str]) -> str:
        """Items as a list in this language ("A, B und C", "A وB وC"): CLDR's pattern, so no
        Latin comma inside Arabic-script text."""
        found = [item for item in items if item]
        return format_list(found, style="standard", locale=self.locale) if found else ""

    def date(self, moment: datetime) -> str:
        """A date as people write it in this language, e.g. "21. November 2026"."""
        return format_date(moment.astimezone(self.tz), format="long", locale=self.locale)

    def time(self, moment: datetime) -> str:
        """A time in 24-hour form ("14:30"), as German offices state their hours."""
        return format_skeleton("Hm", moment.astimezone(self.tz), locale=self.locale)


@cache
def translator(code: str, timezone: str = "Europe/Berlin") -> Translator:
    return Translator(code, timezone)


def load_all_catalogs() -> None:
    """Compile every catalog now, so a broken one is found at start-up."""
    for lang in LANGUAGES:
        _translations(lang.code)
