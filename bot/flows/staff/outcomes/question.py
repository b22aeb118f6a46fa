"""The question after an appointment: "Termin 10:00 mit Amal (Erstgespräch): War die Person
da?" with *Erschienen*, *Nicht erschienen* and *Verschoben*. Written into the outbox by the
scheduler (scheduler/outcome_questions.py); answered in answers.py."""

from __future__ import annotations

from datetime import datetime

from bot.flows.actions import action
from bot.flows.appointment_notices import KIND_LABELS, WEEKDAYS, name_de
from bot.flows.events import Button, rows
from bot.flows.staff.local_days import hhmm, local_date
from storage.models import Appointment, Client

BUTTON_ATTENDED = "✅ Erschienen"
BUTTON_MISSED = "🚫 Nicht erschienen"
BUTTON_MOVED = "🔁 Verschoben"


def when_short(appointment: Appointment, now: datetime, timezone: str) -> str:
    """"10:00" on the day itself, "Fr 20.11., 10:00" on any other."""
    day = local_date(appointment.starts_at, timezone)
    at = hhmm(appointment.starts_at, timezone)
    if day == local_date(now, timezone):
        return at
    return f"{WEEKDAYS[day.weekday()]} {day:%d.%m.}, {at}"


def label(appointment: Appointment, client: Client, now: datetime, timezone: str) -> str:
    """"Termin 10:00 mit Amal (Erstgespräch)": how every answer names the appointment."""
    return (f"Termin {when_short(appointment, now, timezone)} mit {name_de(client)} "
            f"({KIND_LABELS[appointment.kind]})")


def question_text(appointment: Appointment, client: Client, now: datetime,
                  timezone: str) -> str:
    return f"{label(appointment, client, now, timezone)}: War die Person da?"


def question_buttons(appointment: Appointment) -> tuple[tuple[Button, ...], ...]:
    arg = str(appointment.id)
    return rows([Button(BUTTON_ATTENDED, action("oc_att", arg)),
                 Button(BUTTON_MISSED, action("oc_miss", arg))],
                [Button(BUTTON_MOVED, action("oc_move", arg))])
