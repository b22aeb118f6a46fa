"""Checking what a case manager types for a person who phoned: a name or alias, a phone
number. Pure functions; each returns the cleaned value or raises InputError (German)."""

from __future__ import annotations

import re

MAX_NAME = 60  # the width of clients.alias
MIN_DIGITS, MAX_DIGITS = 6, 20
MAX_PHONE = 30  # the width of clients.phone
_PHONE_CHARACTERS = re.compile(r"[0-9 +/()\-]+")
_SPACES = re.compile(r"\s+")

NAME_EMPTY = "Bitte schreiben Sie einen Namen oder ein Kürzel (z. B. „Frau A.“)."
NAME_TOO_LONG = f"Der Name ist zu lang: höchstens {MAX_NAME} Zeichen."
NAME_IS_COMMAND = "Ein Name beginnt nicht mit „/“."
PHONE_CHARACTERS = ("Eine Telefonnummer enthält nur Ziffern, Leerzeichen und + / - ( ). "
                    "Beispiel: 0171 2345678 oder +49 2202 13-0.")
PHONE_DIGITS = f"Eine Telefonnummer hat {MIN_DIGITS} bis {MAX_DIGITS} Ziffern."
PHONE_TOO_LONG = f"Die Telefonnummer ist zu lang: höchstens {MAX_PHONE} Zeichen."


class InputError(ValueError):
    """The text is not usable; the message says why, in German."""


def clean_name(text: str) -> str:
    name = _SPACES.sub(" ", text).strip()
    if not name:
        raise InputError(NAME_EMPTY)
    if len(name) > MAX_NAME:
        raise InputError(NAME_TOO_LONG)
    if name.startswith("/"):
        raise InputError(NAME_IS_COMMAND)
    return name


def clean_phone(text: str) -> str:
    phone = _SPACES.sub(" ", text).strip()
    if len(phone) > MAX_PHONE:
        raise InputError(PHONE_TOO_LONG)
    if not _PHONE_CHARACTERS.fullmatch(phone):
        raise InputError(PHONE_CHARACTERS)
    if not MIN_DIGITS <= sum(c.isdigit() for c in phone) <= MAX_DIGITS:
        raise InputError(PHONE_DIGITS)
    return phone
