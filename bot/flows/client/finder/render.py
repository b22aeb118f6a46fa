"""How a finder answer looks: one message per place, in the person's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote_plus

from babel import Locale
from babel.dates import format_date

from bot.catalogue.hours_text import describe
from bot.catalogue.model import Office
from bot.catalogue.routing import Place, Reason
from bot.catalogue.schedule import Schedule, parse_cached
from bot.i18n import N_, Translator

RLM = "\u200f"
REASON_TEXTS = {
    Reason.RESPONSIBLE: N_("responsible for this topic"),
    Reason.ADVICE: N_("gives advice on this topic"),
    Reason.KIM: N_("KIM helps with several problems at once"),
    Reason.IN_TOWN: N_("in your town"),
    Reason.DISTRICT: N_("for the whole district"),
    Reason.AGE: N_("for your age group"),
}


def map_link(office: Office) -> str | None:
    """An OpenStreetMap link: the exact point when known, else a search for the address."""
    if office.latitude is not None and office.longitude is not None:
        lat, lon = office.latitude, office.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
    address = ", ".join(part for part in (office.street, office.postcode, office.city) if part)
    return f"https://www.openstreetmap.org/search?query={quote_plus(address)}" if address else None


def language_names(codes: tuple[str, ...], tr: Translator) -> str:
    names = []
    for code in codes:
        try:
            names.append(Locale.parse(code).get_display_name(tr.locale) or code)
        except (ValueError, LookupError):
            names.append(code)
    return tr.join(names)


def _when(moment: datetime, now: datetime, tr: Translator) -> str:
    local, today = moment.astimezone(tr.tz).date(), now.astimezone(tr.tz).date()
    if local == today:
        return tr._("Opens today at {time}.", time=tr.time(moment))
    if local == today + timedelta(days=1):
        return tr._("Opens tomorrow at {time}.", time=tr.time(moment))
    day = format_date(local, "EEEE d MMMM", locale=tr.locale)
    return tr._("Opens on {day} at {time}.", day=day, time=tr.time(moment))


def open_state(schedule: Schedule, now: datetime, tr: Translator) -> str:
    current = schedule.current_interval(now)
    if current is not None:
        return "🟢 " + tr._("Open now, until {time}.", time=tr.time(current.end))
    upcoming = schedule.next_opening(now)
    closed = "🔴 " + tr._("Closed now.")
    return f"{closed} {_when(upcoming.start, now, tr)}" if upcoming else closed


def _hours_block(label: str, text: str | None, now: datetime, tr: Translator,
                 timezone: str) -> list[str]:
    if not text:
        return []
    schedule = parse_cached(text, timezone)
    today = now.astimezone(tr.tz).date()
    lines = [label, *(f"  {line}" for line in describe(schedule, tr.code, today=today))]
    return [*lines, open_state(schedule, now, tr)]


def render_place(place: Place, now: datetime, tr: Translator, timezone: str) -> str:
    office = place.office
    description = office.description.get(tr.code)
    lines = [f"🏢 {office.name}"]
    if office.carrier:
        lines.append(office.carrier)
    if description:
        lines.append(description)
    else:
        lines.append(tr._("In German: {text}", text=office.description["de"]))
    address = ", ".join(part for part in (office.street,
                                          " ".join(p for p in (office.postcode, office.city) if p))
                        if part)
    if address:
        lines.append("📍 " + tr._("Address: {address}", address=address))
    link = map_link(office)
    if link:
        lines.append("🗺 " + link)
    lines += _hours_block(tr._("Opening hours:"), office.opening_hours, now, tr, timezone)
    lines += _hours_block(tr._("Consultation hours:"), office.consultation_hours, now, tr,
                          timezone)
    lines.append("📅 " + (tr._("You need an appointment.") if office.appointment_needed
                         else tr._("No appointment needed.")))
    if office.phone:
        lines.append("📞 " + tr._("Phone: {phone}", phone=office.phone))
    if office.email:
        lines.append("✉️ " + tr._("E-mail: {email}", email=office.email))
    if office.website:
        lines.append("🌐 " + office.website)
    lines.append("🗣 " + tr._("Languages: {languages}",
                             languages=language_names(office.languages, tr)))
    reasons = tr.join(tr._(REASON_TEXTS[reason]) for reason in place.reasons)
    lines.append("✅ " + tr._("Why here: {reasons}", reasons=reasons))
    if office.example:
        lines.append("⚠️ " + tr._("Example entry: not a real office."))
    if tr.rtl:
        # Office names and addresses are Latin; a line starting with one would be shown
        # left-to-right in Arabic-script text. A right-to-left mark sets each line's direction.
        lines = [RLM + line for line in lines]
    return "\n".join(lines)
