"""The German summary of an intake for staff: one screen, rendered from the stored codes, so it
reads the same whatever language the person used. The free text is the only thing shown as
written, labelled with the language it was written in."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.appointment_notices import WEEKDAYS, language_de
from bot.i18n import isolate
from bot.intake.codes import (
    MAX_CHILDREN_BUTTON,
    NO_INTERPRETER,
    OTHER_LANGUAGE,
    YES,
    chosen,
    real_services,
)
from bot.intake.hints import (
    CRITERIA_FROM_ANSWERS,
    days_to_deadline,
    deadline_near,
    suggested_criteria,
)
from storage.models import Client, Intake, IntakeStatus

MISSING = "–"


@dataclass(frozen=True)
class Context:
    """What the summary needs besides the intake: names for codes and the time."""

    town_name: str | None
    assignee_name: str | None
    now: datetime
    timezone: str


def summary(intake: Intake, client: Client, context: Context) -> str:
    zone = ZoneInfo(context.timezone)
    today = context.now.astimezone(zone).date()
    lines = [
        _title(intake, zone),
        f"👤 {person_de(client)} · Chat-Sprache: {language_de(client.language)}",
        f"📍 Wohnort: {context.town_name or intake.town or MISSING}",
        f"📋 Themen: {topics_de(intake.topics)}",
        f"🏠 Haushalt: {_household(intake)}",
        f"🎂 Alter: {_label('age', intake.age_group)}",
        f"🗣 Sprachen: {_languages(intake.languages)} · Deutsch: "
        f"{_label('german', intake.german_level)} · Dolmetschung: "
        f"{_interpreter(intake.interpreter)}",
        f"🤝 Andere Dienste: {_services(intake)}",
        f"✉️ Brief mit Frist: {_letter(intake)}",
        *_deadline_warning(intake, today),
        f"☎️ Kontakt gewünscht: {_contact(intake)}",
        f"🪪 Aufenthalt: {_label('residence', intake.residence)}",
        *_note(intake),
        "",
        *_hint(intake),
        "",
        status_line(intake, context),
    ]
    return "\n".join(lines)


def _title(intake: Intake, zone: ZoneInfo) -> str:
    if intake.submitted_at is None:
        return f"📝 Anfrage Nr. {intake.id} (noch nicht abgeschickt)"
    sent = intake.submitted_at.astimezone(zone)
    return (f"📝 Anfrage Nr. {intake.id} · eingegangen {WEEKDAYS[sent.weekday()]} "
            f"{sent:%d.%m.%Y}, {sent:%H:%M} Uhr")


def _rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def isolated(text: str) -> str:
    """Text as written (a name, a phone number, a line of free text), kept intact inside the
    German line whatever its direction. Always isolated, even when it has no right-to-left
    letter: a phone number in a line that starts with an Arabic name would otherwise be shown
    in reverse order ("12345678 0176"), because that name makes the whole line right-to-left."""
    return isolate(text, True)


def person_de(client: Client) -> str:
    if client.alias:
        return f"{isolated(client.alias)} (Person Nr. {client.id})"
    return f"Person Nr. {client.id}"


def _label(question: str, code: str | None) -> str:
    if code is None:
        return MISSING
    choice = chosen(question, code)
    return choice.german if choice else code


def topics_de(codes: list[str] | None) -> str:
    if not codes:
        return MISSING
    return ", ".join(TOPIC_BY_CODE[c].german if c in TOPIC_BY_CODE else c for c in codes)


def _household(intake: Intake) -> str:
    parts = [_label("household", intake.household)]
    if intake.children is not None:
        if intake.children == 0:
            parts.append("keine Kinder")
        elif intake.children >= MAX_CHILDREN_BUTTON:
            parts.append(f"{MAX_CHILDREN_BUTTON} oder mehr Kinder")
        else:
            parts.append(f"{intake.children} Kind" + ("er" if intake.children > 1 else ""))
    return ", ".join(parts)


def _language(code: str) -> str:
    return "andere Sprache" if code == OTHER_LANGUAGE else language_de(code)


def _languages(codes: list[str] | None) -> str:
    return ", ".join(_language(code) for code in codes) if codes else MISSING


def _interpreter(code: str | None) -> str:
    if code is None:
        return MISSING
    return "nein" if code == NO_INTERPRETER else f"ja, {_language(code)}"


def _services(intake: Intake) -> str:
    if intake.services is None:
        return MISSING
    services = real_services(intake.services)
    if not services:
        return "keiner"
    named = ", ".join(_label("services", code) for code in services)
    return f"{named} – hilft: {_label('helping', intake.services_helping)}"


def day_de(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d.%m.%Y}"


def _letter(intake: Intake) -> str:
    if intake.letter is None:
        return MISSING
    if intake.letter != YES:
        return "nein"
    if intake.letter_deadline is None:
        return "ja, Datum der Frist unbekannt"
    return f"ja, Frist {day_de(intake.letter_deadline)}"


def _deadline_warning(intake: Intake, today: date) -> list[str]:
    days = days_to_deadline(intake, today)
    if days is None or not deadline_near(intake, today):
        return []
    assert intake.letter_deadline is not None
    when = day_de(intake.letter_deadline)
    if days < 0:
        return [f"⚠️ FRIST ABGELAUFEN seit {-days} Tag{'en' if days < -1 else ''} ({when})"]
    if days == 0:
        return [f"⚠️ FRIST HEUTE ({when})"]
    if days == 1:
        return [f"⚠️ FRIST MORGEN ({when})"]
    return [f"⚠️ FRIST in {days} Tagen ({when})"]


def _contact(intake: Intake) -> str:
    label = _label("contact", intake.contact)
    return f"{label}: {isolated(intake.phone)}" if intake.phone else label


def _note(intake: Intake) -> list[str]:
    if not intake.note:
        return [f"💬 Freitext: {MISSING}"]
    language = language_de(intake.note_language)
    # Each line isolated on its own: a paragraph break ends an isolate.
    written = [isolated(line) for line in intake.note.splitlines()]
    return [f"💬 Freitext ({language}, wie geschrieben):", *written]


def _hint(intake: Intake) -> list[str]:
    found = suggested_criteria(intake)
    head = (f"💡 HINWEIS, keine Entscheidung: Die Angaben deuten auf {len(found)} von "
            f"{CRITERIA_FROM_ANSWERS} aus den Antworten erkennbaren KIM-Kriterien hin"
            + (":" if found else "."))
    return [head, *(f"– {criterion.german}" for criterion in found),
            "Ob ein CM-Fall vorliegt (mind. 3 von 5 Kriterien und Einwilligung), entscheidet "
            "das Case Management im Gespräch."]


def status_line(intake: Intake, context: Context) -> str:
    if intake.status == IntakeStatus.ASSIGNED.value and intake.assigned_at is not None:
        since = intake.assigned_at.astimezone(ZoneInfo(context.timezone))
        return (f"📌 Zugewiesen an {context.assignee_name or 'ein gelöschtes Konto'} "
                f"seit {since:%d.%m.%Y}")
    if intake.status == IntakeStatus.QUEUED.value:
        return "📌 Wartet in der Clearing-Warteschlange der Koordination"
    return f"📌 Status: {intake.status}"
