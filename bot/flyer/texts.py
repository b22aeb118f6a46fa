"""What a flyer says: the German heading for staff and partners, and one line per language.

The language lines come from the gettext catalogs like every client-facing text, so a
translator's correction reaches the bot and the flyer alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import LANGUAGES, N_, translator

# German on purpose: the flyer hangs in German offices and is handed out by German-speaking
# staff and partners; the newcomer's own language is in the lines below the code.
PROGRAMME = "KIM – Kommunales Integrationsmanagement"
TAGLINE = "Beratung für Neuzugewanderte – kostenlos, vertraulich"
SCAN_HINT = "Mit der Handy-Kamera scannen: der Chat öffnet sich in Telegram."

WRITE_TO_US = N_("Write to us in your language")


@dataclass(frozen=True)
class FlyerLine:
    code: str  # language code, as in bot.i18n.LANGUAGES
    native_name: str  # what the reader looks for: the language as it calls itself
    text: str  # "Write to us in your language", in that language
    rtl: bool = False


def heading(town_name: str) -> str:
    return f"{PROGRAMME} {town_name}"


def flyer_lines() -> list[FlyerLine]:
    """One line per language of the bot, in the order of its language buttons."""
    return [FlyerLine(lang.code, lang.native_name, translator(lang.code)._(WRITE_TO_US),
                      lang.rtl)
            for lang in LANGUAGES]
