"""How a booked appointment looks to the person: the confirmation and its calendar file."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date
from icalendar import Calendar, Event

from bot.catalogue.model import Office
from bot.flows.client.finder.render import RLM, map_link
from bot.flows.events import Document
from bot.i18n import BY_CODE, Translator
from storage.models import Appointment


def day_label(day: datetime, tr: Translator) -> str:
    """A short day for a button: "Mo., 23. Nov." in the person's language."""
    return format_date(day.astimezone(tr.tz).date(), "EEE d MMM", locale=tr.locale)


def long_day(moment: datetime, tr: Translator) -> str:
    return format_date(moment.astimezone(tr.tz).date(), "EEEE d MMMM y", locale=tr.locale)


def office_address(office: Office | None) -> str:
    if office is None:
        return ""
    town = " ".join(part for part in (office.postcode, office.city) if part)
    return ", ".join(part for part in (office.street, town) if part)


def summary_lines(tr: Translator, starts_at: datetime, ends_at: datetime,
                  office: Office | None, interpreter: str | None) -> list[str]:
    """Date, time, place and interpreter: what the person checks before and after booking."""
    lines = [
        "📅 " + tr._("Date: {date}", date=long_day(starts_at, tr)),
        "🕒 " + tr._("Time: {start} to {end}", start=tr.time(starts_at), end=tr.time(ends_at)),
    ]
    if office is not None:
        lines.append("🏢 " + office.name)
        address = office_address(office)
        if address:
            lines.append("📍 " + tr._("Address: {address}", address=address))
        link = map_link(office)
        if link:
            lines.append("🗺 " + link)
    if interpreter:
        lines.append("🗣 " + tr._("Interpreter: {language}",
                                 language=BY_CODE[interpreter].native_name))
    else:
        lines.append("🗣 " + tr._("Interpreter: not needed"))
    return lines


def confirmation_text(tr: Translator, appointment: Appointment, office: Office | None,
                      first_interview: bool) -> str:
    lines = [
        "✅ " + tr._("Your appointment is booked."),
        *summary_lines(tr, appointment.starts_at, appointment.ends_at, office,
                       appointment.interpreter_language),
        "",
        tr._("Please bring: your passport or ID card, your residence papers and recent "
             "letters from offices."),
    ]
    if first_interview:
        lines.append(tr._("The first meeting takes about one hour."))
    lines.append(tr._("If you cannot come, please cancel in \"My appointments\"."))
    return directed(lines, tr)


def directed(lines: list[str], tr: Translator) -> str:
    # Office names and links are Latin: a right-to-left mark keeps each line right-to-left.
    return "\n".join(RLM + line if tr.rtl and line else line for line in lines)


def calendar_file(appointment: Appointment, office: Office | None, title: str,
                  now: datetime, host: str = "kimbot") -> Document:
    """An .ics file any calendar app can import; the times are UTC, so no zone is guessed."""
    calendar = Calendar()
    calendar.add("prodid", "-//kimbot//KIM appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", title)
    if office is not None:
        event.add("location", ", ".join(part for part in (office.name, office_address(office))
                                        if part))
    calendar.add_component(event)
    return Document(f"kim-appointment-{appointment.id}.ics", calendar.to_ical(),
                    "text/calendar")
