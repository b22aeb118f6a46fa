"""How a booked appointment looks to the person: the confirmation and its calendar file."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date
from icalendar import Alarm, Calendar, Event

from bot.catalogue.keywords import normalize
from bot.catalogue.model import Office, Town
from bot.flows.actions import action
from bot.flows.client.finder.render import RLM, map_link
from bot.flows.client.menu import back_to_menu
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Document, Outcome, in_rows, rows
from bot.i18n import BY_CODE, LANGUAGES, Translator
from storage.models import Appointment, AppointmentKind, Channel


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


def address_line(office: Office) -> str:
    """Street and town, or the town alone where the catalogue has no street."""
    return office_address(office) or office.city or ""


def bus_note(tr: Translator, office: Office | None, town: Town | None) -> str | None:
    """Said when the place lies in another town than the person's: they may need a bus."""
    if office is None or town is None or not office.city:
        return None
    if normalize(office.city) == normalize(town.name):
        return None
    return tr._("This place is in {city}, not in {town}. You may need to take a bus or a "
                "train.", city=office.city, town=town.name)


def place_lines(tr: Translator, office: Office | None, town: Town | None = None,
                link: bool = False) -> list[str]:
    """Where: the office, its address, the map (optional) and, from another town, the bus."""
    if office is None:
        return []
    lines = ["🏢 " + office.name]
    address = address_line(office)
    if address:
        lines.append("📍 " + tr._("Address: {address}", address=address))
    where = map_link(office) if link else None
    if where:
        lines.append("🗺 " + where)
    note = bus_note(tr, office, town)
    if note:
        lines.append("🚌 " + note)
    return lines


def channel_line(tr: Translator, channel: str) -> str | None:
    if channel == Channel.PHONE.value:
        return "📞 " + tr._("By phone: the case manager calls you.")
    if channel == Channel.VIDEO.value:
        return "💻 " + tr._("By video call: the case manager sends you the link.")
    return None


def summary_lines(tr: Translator, starts_at: datetime, ends_at: datetime,
                  office: Office | None, interpreter: str | None, town: Town | None = None,
                  channel: str = Channel.IN_PERSON.value) -> list[str]:
    """Date, time, place (or phone or video) and interpreter: what the person checks before
    and after booking."""
    lines = [
        "📅 " + tr._("Date: {date}", date=long_day(starts_at, tr)),
        "🕒 " + tr._("Time: {start} to {end}", start=tr.time(starts_at), end=tr.time(ends_at)),
    ]
    remote = channel_line(tr, channel)
    if remote is not None:
        lines.append(remote)
        if office is not None:
            lines.append("🏢 " + office.name)
    else:
        lines += place_lines(tr, office, town, link=True)
    if interpreter:
        lines.append("🗣 " + tr._("Interpreter: {language}",
                                 language=BY_CODE[interpreter].native_name))
    else:
        lines.append("🗣 " + tr._("Interpreter: not needed"))
    return lines


def what_to_bring(tr: Translator) -> str:
    return tr._("Please bring: your passport or ID card, your residence papers and recent "
                "letters from offices.")


def confirmation_text(tr: Translator, appointment: Appointment, office: Office | None,
                      first_interview: bool, town: Town | None = None,
                      moved_from: Appointment | None = None) -> str:
    """The confirmation of a booking, or of a move: then the old time is named too."""
    if moved_from is None:
        head = ["✅ " + tr._("Your appointment is booked.")]
    else:
        head = ["🔁 " + tr._("Your appointment is moved."),
                "❌ " + tr._("Before: {date} at {time}", date=tr.date(moved_from.starts_at),
                            time=tr.time(moved_from.starts_at)),
                "✅ " + tr._("Now:")]
    lines = [
        *head,
        *summary_lines(tr, appointment.starts_at, appointment.ends_at, office,
                       appointment.interpreter_language, town, appointment.channel),
        "",
        what_to_bring(tr),
    ]
    if first_interview:
        lines.append(tr._("The first meeting takes about one hour."))
    lines.append(tr._("If you cannot come, please cancel in \"My appointments\"."))
    return directed(lines, tr)


def directed(lines: list[str], tr: Translator) -> str:
    # Office names and links are Latin: a right-to-left mark keeps each line right-to-left.
    return "\n".join(RLM + line if tr.rtl and line else line for line in lines)


def event_title(tr: Translator, appointment: Appointment) -> str:
    """The calendar event's title: the first meeting, or another appointment."""
    if appointment.kind == AppointmentKind.FIRST_INTERVIEW.value:
        return tr._("KIM first meeting")
    return tr._("KIM appointment")


def calendar_file(appointment: Appointment, office: Office | None, title: str,
                  now: datetime, tr: Translator, host: str = "kimbot",
                  cancel: bool = False) -> Document:
    """An .ics file any calendar app can import; the times are UTC, so no zone is guessed.

    It says what to bring and how to cancel in the bot, where it is, and reminds a day before.
    `cancel`: the same event (same UID) with METHOD:CANCEL, so a calendar app that has it
    removes it; a move sends this for the old time and a new file for the new one.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//kimbot//KIM appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", title)
    # A cancellation needs an organiser (RFC 5546); .invalid says it takes no mail.
    event.add("organizer", f"mailto:no-reply@{host}.invalid", parameters={"CN": "KIM"})
    event.add("sequence", 1 if cancel else 0)
    if cancel:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        event.add("description", "\n".join(_description(tr, appointment)))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
    location = _location(tr, appointment, office)
    if location:
        event.add("location", location)
    calendar.add_component(event)
    name = f"kim-appointment-{appointment.id}{'-cancelled' if cancel else ''}.ics"
    return Document(name, calendar.to_ical(), "text/calendar")


def _description(tr: Translator, appointment: Appointment) -> list[str]:
    lines = [line for line in (channel_line(tr, appointment.channel),) if line]
    lines += [what_to_bring(tr),
              tr._("To cancel or to choose another time, write /appointments to the KIM "
                   "chat bot in Telegram.")]
    return lines


def _location(tr: Translator, appointment: Appointment, office: Office | None) -> str:
    if appointment.channel == Channel.PHONE.value:
        return tr._("By phone")
    if appointment.channel == Channel.VIDEO.value:
        return tr._("Video call")
    if office is None:
        return ""
    return ", ".join(part for part in (office.name, office_address(office)) if part)


def interpreter_question(turn: ClientTurn, prefix: str, all_languages: bool = False) -> Outcome:
    """"Do you need an interpreter?" (or, with `all_languages`, which one), its buttons sending
    `prefix:<choice>`: the same question for booking and for the waiting list."""
    tr = turn.tr
    if all_languages:
        buttons = [Button(lang.native_name, action(prefix, lang.code))
                   for lang in LANGUAGES if lang.code != "de"]
        return Outcome([turn.reply(tr._("Which language?"),
                                   (*in_rows(buttons, 2), *back_to_menu(turn)))])
    own = BY_CODE[turn.language].native_name
    text = tr._("Do you need an interpreter? KIM can bring a volunteer interpreter.")
    return Outcome([turn.reply(text, rows(
        [Button(tr._("Yes, in {language}", language=own), action(prefix, turn.language))],
        [Button(tr._("Yes, in another language"), action(prefix, "other"))],
        [Button(tr._("No, not needed"), action(prefix, "no"))],
        *back_to_menu(turn)))])
