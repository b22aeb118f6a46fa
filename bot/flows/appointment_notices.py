"""German messages about appointments for the case manager's staff chat.

Used by the client flow (a person booked, cancelled, moved) and the staff flow (a colleague
booked for a caller): who, when, what kind, which language, whether an interpreter is needed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale

from bot.i18n import isolate
from storage.models import Appointment, Client

KIND_LABELS = {"first_interview": "Erstgespräch", "follow_up": "Folgetermin"}
CHANNEL_LABELS = {"in_person": "persönlich", "phone": "Telefon", "video": "Video"}
STATUS_LABELS = {"booked": "gebucht", "confirmed": "bestätigt", "cancelled": "abgesagt",
                 "attended": "erschienen", "missed": "nicht erschienen"}
CANCELLED_BY = {"client": "von der Person", "staff": "vom Team",
                "erased": "Person hat ihre Daten gelöscht"}
WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def language_de(code: str | None) -> str:
    if not code:
        return "–"
    try:
        return Locale.parse(code).get_display_name("de") or code
    except (ValueError, LookupError):
        return code


def when_de(starts_at: datetime, ends_at: datetime, timezone: str) -> str:
    zone = ZoneInfo(timezone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return f"{WEEKDAYS[start.weekday()]} {start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M} Uhr"


def bidi_safe(text: str) -> str:
    """Something a person wrote (a name, a phone number) isolated, so that it cannot turn the
    rest of the German line around, whatever its direction (see summary_de.isolated)."""
    return isolate(text, rtl=True)


def name_de(client: Client) -> str:
    """The name or alias for a German line, or "Person Nr. 12" for someone who gave none."""
    return bidi_safe(client.alias) if client.alias else f"Person Nr. {client.id}"


def person_de(client: Client) -> str:
    name = name_de(client)
    via = "per Telefon gebucht" if client.telegram_id is None else "über den Chat"
    phone = f", Tel. {bidi_safe(client.phone)}" if client.phone else ""
    return f"{name} ({via}{phone})"


def details_de(appointment: Appointment, client: Client, office_name: str,
               timezone: str) -> list[str]:
    interpreter = (f"ja, {language_de(appointment.interpreter_language)}"
                   if appointment.interpreter_language else "nein")
    return [
        f"🕒 {when_de(appointment.starts_at, appointment.ends_at, timezone)}",
        f"👤 {person_de(client)}",
        f"📋 {KIND_LABELS[appointment.kind]}, {CHANNEL_LABELS[appointment.channel]}",
        f"🗣 Sprache: {language_de(client.language)} · Dolmetschung: {interpreter}",
        f"📍 {office_name}",
    ]


def booked(appointment: Appointment, client: Client, office_name: str, timezone: str) -> str:
    return "\n".join(["📅 Neuer Termin", *details_de(appointment, client, office_name,
                                                     timezone)])


def short_notice_de(appointment: Appointment) -> str:
    """"kurzfristig, 5 Std. vor Beginn": how late a late cancellation came."""
    hours = int((appointment.starts_at - appointment.updated_at).total_seconds() // 3600)
    before = f"{hours} Std. vor Beginn" if hours >= 1 else "weniger als 1 Std. vor Beginn"
    return f"kurzfristig, {before}"


def cancelled(appointment: Appointment, client: Client, office_name: str,
              timezone: str) -> str:
    by = CANCELLED_BY.get(appointment.cancelled_by or "", "")
    if appointment.late_notice:
        by = f"{by}, {short_notice_de(appointment)}" if by else short_notice_de(appointment)
    head = f"❌ Termin abgesagt ({by})" if by else "❌ Termin abgesagt"
    return "\n".join([head, *details_de(appointment, client, office_name, timezone)])


def moved(old: Appointment, new: Appointment, client: Client, office_name: str,
          timezone: str) -> str:
    return "\n".join([
        "🔁 Termin verschoben",
        f"Bisher: {when_de(old.starts_at, old.ends_at, timezone)}",
        *details_de(new, client, office_name, timezone),
    ])


def moved_away(old: Appointment, client: Client, office_name: str, timezone: str) -> str:
    """For the previous case manager when a moved appointment went to a colleague."""
    return "\n".join(["🔁 Termin verschoben zu einer Kollegin oder einem Kollegen",
                      *details_de(old, client, office_name, timezone)])


def confirmed(appointment: Appointment, client: Client, office_name: str,
              timezone: str) -> str:
    """The person answered a reminder with "I will come"."""
    return "\n".join(["✅ Termin bestätigt: die Person kommt",
                      *details_de(appointment, client, office_name, timezone)])
