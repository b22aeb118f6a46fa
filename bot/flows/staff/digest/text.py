"""The German text of the digests, short enough to read on a phone. Pure functions: the data
comes in (content.py gathers it), the messages go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.catalogue.schedule import is_public_holiday
from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.appointment_notices import (
    CANCELLED_BY,
    CHANNEL_LABELS,
    KIND_LABELS,
    WEEKDAYS,
    bidi_safe,
    language_de,
    name_de,
    person_de,
    short_notice_de,
)
from bot.flows.staff.local_days import day_de
from storage.digests import AssignedCase, WaitingCase
from storage.models import Appointment, AppointmentKind, AppointmentStatus, Client
from storage.undelivered import Refused

# Telegram refuses messages over 4096 characters; a longer digest goes out in several parts.
MESSAGE_LIMIT = 4000
NOTHING_WAITING = "Keine offenen Fälle in der Klärung."
WAITING_KINDS = {"intake": "Anmeldung", "referral": "Weiterleitung"}
STATUS_MARKS = {
    AppointmentStatus.CONFIRMED.value: "✅ bestätigt",
    AppointmentStatus.BOOKED.value: "⏳ nicht bestätigt",
    AppointmentStatus.ATTENDED.value: "erschienen",
    AppointmentStatus.MISSED.value: "nicht erschienen",
}

Booking = tuple[Appointment, Client]


@dataclass
class CaseManagerDigest:
    """Everything the case manager part shows; lists are already in display order."""

    day: date
    since: datetime
    today: list[Booking]
    cancelled: list[Booking]
    booked: list[Booking]  # new since `since`, after today (today's are marked in the list)
    unreachable: list[tuple[Client, Appointment | None]]  # with the next open appointment
    assigned: list[AssignedCase]
    new_ids: set[int] = field(default_factory=set)  # today's appointments booked since `since`
    topics: dict[int, list[str]] = field(default_factory=dict)
    week: list[tuple[date, list[Booking]]] | None = None  # the rest of the week, or None
    town_names: dict[str, str] = field(default_factory=dict)
    missed: list[Booking] = field(default_factory=list)  # marked missed since `since`


@dataclass
class CoordinationDigest:
    day: date
    since: datetime
    waiting: list[WaitingCase]
    town_names: dict[str, str] = field(default_factory=dict)
    # Messages to staff of the Kreis that Telegram refused since `since`.
    refused: list[Refused] = field(default_factory=list)


# Telegram's descriptions of a refusal, in words coordination can act on.
REFUSAL_REASONS = {
    "chat not found": "Chat nicht gefunden – hat die Person den Staff-Bot schon gestartet?",
    "bot was blocked": "Staff-Bot blockiert",
    "user is deactivated": "Telegram-Konto gelöscht",
}


def case_manager_blocks(d: CaseManagerDigest, timezone: str) -> list[str]:
    blocks = [_today_block(d, timezone), _changes_block(d, timezone)]
    if d.week is not None:
        blocks.append(_week_block(d.week, timezone))
    return blocks


def coordination_blocks(d: CoordinationDigest, timezone: str) -> list[str]:
    refused = [_refused_block(d, timezone)] if d.refused else []
    head = f"🧭 Klärung (Koordination), {day_de(d.day)}"
    if not d.waiting:
        return [f"{head}\n{NOTHING_WAITING}", *refused]
    new = sum(1 for case in d.waiting if case.waiting_since >= d.since)
    count = f"{len(d.waiting)} warten auf Klärung"
    if new:
        count += f", {new} neu seit {_moment_de(d.since, timezone)}"
    lines = [head, count + ", am längsten wartend zuerst:"]
    for case in d.waiting:
        kind = WAITING_KINDS.get(case.kind, case.kind)
        if case.referred_by:
            kind += f" von {bidi_safe(case.referred_by)}"
        mark = "🆕 " if case.waiting_since >= d.since else ""
        lines.append(f"• {mark}{kind} seit {_short_day(case.waiting_since, timezone)}: "
                     f"{_named(case.client_id, case.name)}{_town(case.town, d.town_names)}")
    return ["\n".join(lines), *refused]


def refusal_de(reason: str) -> str:
    low = reason.lower()
    return next((german for known, german in REFUSAL_REASONS.items() if known in low), reason)


def _refused_block(d: CoordinationDigest, timezone: str) -> str:
    lines = [f"📭 Nicht zugestellt seit {_moment_de(d.since, timezone)} (Telegram hat "
             "abgelehnt; bitte die Person anders erreichen):"]
    for item in d.refused:
        who = bidi_safe(item.staff_name) if item.staff_name else f"Chat {item.chat_id}"
        lines.append(f"• {_moment_de(item.at, timezone)} an {who}: „{item.summary}“ – "
                     f"{refusal_de(item.reason)}")
    return "\n".join(lines)


def messages_block(own: int, queue: int) -> str:
    """Conversations waiting longer than two working days: the member's, and the queue's."""
    lines = ["✉️ Nachrichten, die länger als zwei Arbeitstage warten:"]
    if own:
        lines.append(f"• bei Ihnen: {own}")
    if queue:
        lines.append(f"• ohne Zuständigkeit (Koordination): {queue}")
    lines.append("/nachrichten zeigt sie.")
    return "\n".join(lines)


def pack(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks joined by blank lines into as few messages as fit `limit`; a block too long
    on its own is split between lines. Nothing is cut off."""
    return _fill([piece for block in blocks for piece in _split_lines(block, limit)], "\n\n",
                 limit)


def _split_lines(block: str, limit: int) -> list[str]:
    lines = [line if len(line) <= limit else line[:limit - 1] + "…"
             for line in block.split("\n")]
    return _fill(lines, "\n", limit)


def _fill(parts: list[str], separator: str, limit: int) -> list[str]:
    """`parts`, each no longer than `limit`, joined by `separator` in order into as few texts
    as fit `limit`."""
    texts: list[str] = []
    current = ""
    for part in parts:
        joined = f"{current}{separator}{part}" if current else part
        if len(joined) <= limit:
            current = joined
        else:
            texts.append(current)
            current = part
    if current:
        texts.append(current)
    return texts


def _today_block(d: CaseManagerDigest, timezone: str) -> str:
    head = f"☀️ Ihr Tag, {day_de(d.day)}"
    if not d.today:
        return f"{head}\nHeute keine Termine."
    count = "1 Termin" if len(d.today) == 1 else f"{len(d.today)} Termine"
    lines = [head, f"Heute {count}:"]
    for appointment, client in d.today:
        lines += _today_lines(d, appointment, client, timezone)
    return "\n".join(lines)


def _today_lines(d: CaseManagerDigest, appointment: Appointment, client: Client,
                 timezone: str) -> list[str]:
    zone = ZoneInfo(timezone)
    start, end = appointment.starts_at.astimezone(zone), appointment.ends_at.astimezone(zone)
    interpreter = ("Dolmetschung " + language_de(appointment.interpreter_language)
                   if appointment.interpreter_language else "ohne Dolmetschung")
    status = [STATUS_MARKS.get(appointment.status, appointment.status)]
    if appointment.id in d.new_ids:
        status.append("🆕 neu gebucht")
    topics = d.topics.get(client.id) or []
    if topics:
        status.append("Themen: " + ", ".join(_topic_de(code) for code in topics))
    return [f"• {start:%H:%M}–{end:%H:%M} {person_de(client)}",
            f"   {KIND_LABELS[appointment.kind]}, {CHANNEL_LABELS[appointment.channel]} · "
            f"{language_de(client.language)}, {interpreter}",
            "   " + " · ".join(status)]


def _changes_block(d: CaseManagerDigest, timezone: str) -> str:
    since = f"Seit {_moment_de(d.since, timezone)}"
    sections: list[str] = []
    if d.cancelled:
        sections.append("❌ Abgesagt:")
        sections += [f"• {_when_short(a, timezone)} {name_de(c)} – "
                     f"{CANCELLED_BY.get(a.cancelled_by or '', 'abgesagt')}"
                     + (f" ({short_notice_de(a)})" if a.late_notice else "")
                     for a, c in d.cancelled]
    if d.missed:
        sections.append("🕳 Nicht erschienen (ohne Folgen; die Person wurde freundlich zu einem "
                        "neuen Termin eingeladen):")
        sections += [_missed_line(a, c, timezone) for a, c in d.missed]
    if d.booked:
        sections.append("📅 Neu gebucht:")
        sections += [f"• {_when_short(a, timezone)} {name_de(c)} – "
                     f"{KIND_LABELS[a.kind]}, {CHANNEL_LABELS[a.channel]}"
                     for a, c in d.booked]
    if d.unreachable:
        sections.append("📵 Im Chat nicht mehr erreichbar (Bot blockiert):")
        sections += [_unreachable_line(client, upcoming, timezone)
                     for client, upcoming in d.unreachable]
    if d.assigned:
        sections.append("📂 Neu zugewiesen:")
        sections += [f"• {_named(case.client_id, case.name)}"
                     f"{_town(case.town, d.town_names)}, "
                     f"{_short_day(case.assigned_at, timezone)}"
                     for case in d.assigned]
    if not sections:
        return f"{since}: keine Absagen, keine neuen Buchungen."
    return "\n".join([f"{since}:", *sections])


def _missed_line(appointment: Appointment, client: Client, timezone: str) -> str:
    line = f"• {_when_short(appointment, timezone)} {name_de(client)} – " \
           f"{KIND_LABELS[appointment.kind]}"
    if client.telegram_id is None:
        line += (f" – nicht im Chat, bitte anrufen: Tel. {client.phone}" if client.phone
                 else " – nicht im Chat, keine Telefonnummer")
    return line


def _unreachable_line(client: Client, upcoming: Appointment | None, timezone: str) -> str:
    parts = [name_de(client)]
    parts.append(f"nächster Termin {_when_short(upcoming, timezone)}" if upcoming is not None
                 else "kein offener Termin")
    parts.append(f"bitte anrufen: Tel. {bidi_safe(client.phone)}" if client.phone
                 else "keine Telefonnummer hinterlegt")
    return "• " + " – ".join(parts)


def _week_block(week: list[tuple[date, list[Booking]]], timezone: str) -> str:
    lines = ["📆 Rest der Woche:"]
    zone = ZoneInfo(timezone)
    for day, bookings in week:
        label = f"{WEEKDAYS[day.weekday()]} {day:%d.%m.}"
        if bookings:
            entries = []
            for appointment, client in bookings:
                entry = f"{appointment.starts_at.astimezone(zone):%H:%M} {name_de(client)}"
                if appointment.kind == AppointmentKind.FIRST_INTERVIEW.value:
                    entry += " (Erstgespräch)"
                entries.append(entry)
            lines.append(f"• {label}: " + ", ".join(entries))
        elif day.weekday() < 5:  # an empty weekend says nothing worth a line
            lines.append(f"• {label}: " + ("Feiertag" if is_public_holiday(day)
                                            else "keine Termine"))
    return "\n".join(lines)


def _topic_de(code: str) -> str:
    topic = TOPIC_BY_CODE.get(code)
    return topic.german if topic else code


def _named(client_id: int | None, name: str | None) -> str:
    if name:
        return bidi_safe(name)
    return f"Person Nr. {client_id}" if client_id is not None else "ohne Namen"


def _town(town: str | None, names: dict[str, str]) -> str:
    return f" ({names.get(town, town)})" if town else ""


def _moment_de(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{WEEKDAYS[local.weekday()]} {local:%d.%m.}, {local:%H:%M} Uhr"


def _short_day(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{WEEKDAYS[local.weekday()]} {local:%d.%m.}"


def _when_short(appointment: Appointment, timezone: str) -> str:
    local = appointment.starts_at.astimezone(ZoneInfo(timezone))
    return f"{WEEKDAYS[local.weekday()]} {local:%d.%m.}, {local:%H:%M}"
