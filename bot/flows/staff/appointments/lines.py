"""How the staff bot shows one appointment: a line in a day's list, a label on a button."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.flows.appointment_notices import (
    CANCELLED_BY,
    CHANNEL_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    bidi_safe,
    language_de,
    person_de,
    when_de,
)
from storage.models import Appointment, AppointmentStatus, Client


def client_name(client: Client) -> str:
    return bidi_safe(client.alias) if client.alias else f"Person Nr. {client.id}"


def status_de(appointment: Appointment) -> str:
    label = STATUS_LABELS[appointment.status]
    by = CANCELLED_BY.get(appointment.cancelled_by or "")
    return f"{label} ({by})" if appointment.status == AppointmentStatus.CANCELLED and by else label


def day_line(appointment: Appointment, client: Client, timezone: str) -> str:
    """One appointment in a day's list: time, person, type, channel, language, interpreter,
    status. A cancelled one is crossed out with ❌ so its freed time is visible at a glance."""
    zone = ZoneInfo(timezone)
    start, end = appointment.starts_at.astimezone(zone), appointment.ends_at.astimezone(zone)
    interpreter = ("Dolmetschung " + language_de(appointment.interpreter_language)
                   if appointment.interpreter_language else "ohne Dolmetschung")
    mark = "❌" if appointment.status == AppointmentStatus.CANCELLED else "•"
    return (f"{mark} {start:%H:%M}–{end:%H:%M} {person_de(client)}\n"
            f"   {KIND_LABELS[appointment.kind]}, {CHANNEL_LABELS[appointment.channel]} · "
            f"{language_de(client.language)}, {interpreter} · {status_de(appointment)}")


def dated_line(appointment: Appointment, client: Client, timezone: str) -> str:
    """An appointment on any day: for lists that span days (the absence warning)."""
    return (f"• {when_de(appointment.starts_at, appointment.ends_at, timezone)}: "
            f"{client_name(client)}, {KIND_LABELS[appointment.kind]}")
