"""The intake as the person reads it: every answer in their own language, one line each, for
the check before sending, the view after sending, and /mydata."""

from __future__ import annotations

from babel.dates import format_date

from bot.catalogue.routing import CatalogueIndex
from bot.catalogue.topics import TOPIC_BY_CODE
from bot.i18n import BY_CODE, N_, Translator, isolate
from bot.intake.codes import (
    MAX_CHILDREN_BUTTON,
    NO_INTERPRETER,
    OTHER_LANGUAGE,
    YES,
    chosen,
    real_services,
)
from storage.models import Intake

MISSING = "–"
# The answers a person can change from the check screen, in the order they are asked, with
# the short name shown in the summary and on the "change" button.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("town", N_("Town")),
    ("topics", N_("Topics")),
    ("household", N_("Household")),
    ("age", N_("Age")),
    ("languages", N_("Languages")),
    ("german", N_("German")),
    ("interpreter", N_("Interpreter")),
    ("services", N_("Other services")),
    ("letter", N_("Letter with a deadline")),
    ("contact", N_("Contact")),
    ("residence", N_("Residence status")),
    ("note", N_("Your message")),
)


def answer_lines(intake: Intake, tr: Translator, index: CatalogueIndex) -> list[str]:
    values = {
        "town": _town(intake, index),
        "topics": _topics(intake, tr),
        "household": _household(intake, tr),
        "age": _choice("age", intake.age_group, tr),
        "languages": _languages(intake.languages, tr),
        "german": _choice("german", intake.german_level, tr),
        "interpreter": _interpreter(intake.interpreter, tr),
        "services": _services(intake, tr),
        "letter": _letter(intake, tr),
        "contact": _contact(intake, tr),
        "residence": _choice("residence", intake.residence, tr),
        # What the person wrote keeps its own direction inside the line.
        "note": isolate(intake.note, True) if intake.note else MISSING,
    }
    return [f"• {tr._(label)}: {values[key]}" for key, label in SECTIONS]


def _town(intake: Intake, index: CatalogueIndex) -> str:
    town = index.towns.get(intake.town or "")
    return town.name if town else (intake.town or MISSING)


def _choice(question: str, code: str | None, tr: Translator) -> str:
    choice = chosen(question, code)
    return tr._(choice.label) if choice else MISSING


def _topics(intake: Intake, tr: Translator) -> str:
    names = [tr._(TOPIC_BY_CODE[code].label) for code in intake.topics or []
             if code in TOPIC_BY_CODE]
    return tr.join(names) or MISSING


def _household(intake: Intake, tr: Translator) -> str:
    parts = [_choice("household", intake.household, tr)]
    children = intake.children
    if children == 0:
        parts.append(tr._("No children"))
    elif children is not None and children >= MAX_CHILDREN_BUTTON:
        parts.append(tr._("{n} or more children", n=MAX_CHILDREN_BUTTON))
    elif children is not None:
        parts.append(tr.ngettext("{n} child", "{n} children", children))
    return tr.join(parts)


def language_name(code: str, tr: Translator) -> str:
    if code == OTHER_LANGUAGE:
        return tr._("Other language")
    return BY_CODE[code].native_name if code in BY_CODE else code


def _languages(codes: list[str] | None, tr: Translator) -> str:
    return tr.join(language_name(code, tr) for code in codes) if codes else MISSING


def _interpreter(code: str | None, tr: Translator) -> str:
    if code is None:
        return MISSING
    return tr._("Not needed") if code == NO_INTERPRETER else language_name(code, tr)


def _services(intake: Intake, tr: Translator) -> str:
    if intake.services is None:
        return MISSING
    services = real_services(intake.services)
    if not services:
        return _choice("services", "none", tr)
    named = tr.join(_choice("services", code, tr) for code in services)
    return f"{named} ({_choice('helping', intake.services_helping, tr)})"


def _letter(intake: Intake, tr: Translator) -> str:
    if intake.letter is None:
        return MISSING
    if intake.letter != YES:
        return tr._("No")
    if intake.letter_deadline is None:
        return tr._("Yes, I do not know the date")
    return tr._("Yes, answer by {date}", date=_long_date(intake, tr))


def _long_date(intake: Intake, tr: Translator) -> str:
    assert intake.letter_deadline is not None
    return format_date(intake.letter_deadline, format="long", locale=tr.locale)


def _contact(intake: Intake, tr: Translator) -> str:
    label = _choice("contact", intake.contact, tr)
    return f"{label}: {isolate(intake.phone, tr.rtl)}" if intake.phone else label
