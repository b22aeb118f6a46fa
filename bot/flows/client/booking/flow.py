"""Booking an appointment with a KIM case manager: town -> place (where a town has several) ->
day -> time -> how to meet (follow-ups, where the office allows phone or video) -> name ->
interpreter -> the check screen. Also the first half of moving an appointment (the same
steps). Booking itself happens in book.py, after the check screen.

The place comes before the time: the day list names it (office and street, and a bus from
another town), and so do the time list and the check screen. With several places or case
managers in a town the person picks one, or "any place", where each time says its place.

Needs consent: an appointment is personal data. Every button is re-checked on the server: the
place, day and time must still be free when pressed.
"""

from __future__ import annotations

from datetime import date

from bot.appointments.availability import Option, office_channels
from bot.appointments.slots import day_groups
from bot.catalogue.routing import CatalogueIndex
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.booking.render import (
    address_line,
    bus_note,
    day_label,
    directed,
    interpreter_question,
    place_lines,
    summary_lines,
)
from bot.flows.client.booking.state import (
    ANY,
    DIGITS,
    Place,
    Plan,
    booking_data,
    find,
    keep,
    marker,
    minutes,
    my_appointments_button,
    not_found,
    options,
    own_open,
    parse_day,
    places,
    plan_for,
)
from bot.flows.client.intake.input import parse_phone
from bot.flows.client.menu import back_to_menu, menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.context import TOWN_HINT
from bot.flows.events import Button, Outcome, in_rows, rows
from bot.i18n import BY_CODE, Translator
from storage import appointments as store
from storage import waitlist
from storage.models import AppointmentKind, Channel

MAX_ALIAS = 60
# Kept from step to step once chosen; "start" and what follows it are chosen anew.
_PLACE_KEYS = ("moving", "town", "place")


# --- entry points -------------------------------------------------------------------------

async def start(turn: ClientTurn) -> Outcome:
    """The "Book an appointment" button or /book."""
    if turn.client is None:
        return _needs_consent(turn)
    ctx = turn.ctx
    limit = ctx.settings.max_open_appointments
    if await store.open_count(ctx.session, turn.client.id, ctx.clock.now()) >= limit:
        text = turn.tr.ngettext(
            "You already have {n} appointment. You can cancel it or choose another time in "
            "\"My appointments\".",
            "You already have {n} appointments. You can cancel one or choose another time in "
            "\"My appointments\".", limit)
        return Outcome([turn.reply(text, my_appointments_button(turn))])
    if await store.has_open_first_interview(ctx.session, turn.client.id, ctx.clock.now()):
        # Further appointments are agreed with the case manager after the first meeting.
        text = turn.tr._("You already have a first meeting with KIM. After it, you can book "
                         "more appointments.")
        return Outcome([turn.reply(text, my_appointments_button(turn))])
    return await _begin(turn, None)


async def start_moving(turn: ClientTurn, appointment_id: str) -> Outcome:
    """"Another time" on one of "My appointments", once the notice rules allow it (mine.py)."""
    appointment = await own_open(turn, appointment_id)
    if appointment is None:
        return await not_found(turn)
    return await _begin(turn, appointment.id)


async def _begin(turn: ClientTurn, moving_id: int | None) -> Outcome:
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    town = _known_town(turn, index)
    data = {"moving": moving_id} if moving_id else {}
    if town is None:
        return _ask_town(turn, index, data)
    return await after_town(turn, index, {**data, "town": town})


def _needs_consent(turn: ClientTurn) -> Outcome:
    from bot.flows.client.onboarding.flow import needs_consent

    why = turn.tr._("To book an appointment we must save some data about you. Please read this "
                    "first:")
    return needs_consent(turn, why, "book")


# --- town -----------------------------------------------------------------------------------

def _known_town(turn: ClientTurn, index: CatalogueIndex) -> str | None:
    data = turn.ctx.conversation.data
    for town in (data.get("town"), turn.client and turn.client.town, data.get(TOWN_HINT)):
        if town in index.towns:
            return town
    return next(iter(index.towns)) if len(index.towns) == 1 else None


def _ask_town(turn: ClientTurn, index: CatalogueIndex, data: dict) -> Outcome:
    tr = turn.tr
    if index.empty:
        return Outcome([turn.reply(tr._("Booking is not ready yet. Please try again later."),
                                   back_to_menu(turn))])
    turn.ctx.conversation.go(steps.BOOK_TOWN, **data)
    towns = sorted(index.towns.values(), key=lambda town: town.name)
    buttons = [Button(town.name, action("btown", town.id)) for town in towns]
    return Outcome([turn.reply(tr._("Which town do you live in?"),
                               (*in_rows(buttons, 2), *back_to_menu(turn)))])


async def change_town(turn: ClientTurn) -> Outcome:
    data = booking_data(turn)
    if data is None:
        return await stale_button(turn)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    return _ask_town(turn, index, keep(data, "moving"))


async def choose_town(turn: ClientTurn, town: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_TOWN)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if data is None or town not in index.towns:
        return await stale_button(turn)
    assert turn.client is not None
    turn.client.town = town
    return await after_town(turn, index, {**keep(data, "moving"), "town": town})


# --- place ----------------------------------------------------------------------------------

async def after_town(turn: ClientTurn, index: CatalogueIndex, data: dict,
                     notice: str | None = None, choose: bool = False) -> Outcome:
    """The places of the town with free times: none, one (straight to its days), or several
    (the person picks one, or any). `choose`: show the list even for one place."""
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    base = keep(data, "moving", "town")
    found = await places(turn, index, data["town"], plan)
    if not found:
        return nothing_free(turn, index, base, plan)
    if len(found) == 1 and not choose:
        return await _show_days(turn, index, {**base, "place": found[0].key}, notice=notice)
    return _ask_place(turn, index, base, plan, found, notice)


def _what(turn: ClientTurn, plan: Plan) -> str:
    tr = turn.tr
    if plan.moving is not None:
        return tr._("Choose a new time for your appointment.")
    if plan.kind is AppointmentKind.FIRST_INTERVIEW:
        return tr._("First meeting with KIM (about one hour).")
    return tr._("Appointment with KIM.")


def _ask_place(turn: ClientTurn, index: CatalogueIndex, data: dict, plan: Plan,
               found: list[Place], notice: str | None) -> Outcome:
    tr = turn.tr
    town = index.towns[data["town"]]
    turn.ctx.conversation.go(steps.BOOK_PLACE, **data)
    lines = [part for part in (notice, _what(turn, plan)) if part]
    lines.append(tr._("In {town} you can meet KIM at these places. Which one suits you?",
                      town=town.name))
    for number, place in enumerate(found):
        lines += ["", f"{marker(number)} {place.label()}"]
        lines += place_lines(tr, place.office, town)[1:]  # the name is in the line above
    buttons = [Button(f"{marker(number)} {place.label()}"[:60], action("bplace", place.key))
               for number, place in enumerate(found)]
    any_place = Button(tr._("Any place in {town}", town=town.name), action("bplace", ANY))
    other = Button(tr._("Another town"), action("btowns"))
    return Outcome([turn.reply(directed(lines, tr), (*in_rows(buttons, 1), (any_place,),
                                                     (other,), *back_to_menu(turn)))])


async def choose_place(turn: ClientTurn, arg: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_PLACE)
    if data is None or "town" not in data or not (arg == ANY or DIGITS.fullmatch(arg)):
        return await stale_button(turn)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if data["town"] not in index.towns:
        return _ask_town(turn, index, keep(data, "moving"))
    return await _show_days(turn, index, {**keep(data, "moving", "town"), "place": arg})


async def change_place(turn: ClientTurn) -> Outcome:
    """"Another place" under the days or times."""
    return await show_days_again(turn, choose_place=True)


def nothing_free(turn: ClientTurn, index: CatalogueIndex, data: dict, plan: Plan) -> Outcome:
    """No free time in the town in the booking window: the waiting list, another town."""
    tr = turn.tr
    town = index.towns[data["town"]].name
    text = tr.ngettext(
        "Sorry, there are no free appointments in {town} in the next {n} day. Please try "
        "again in a few days or phone the KIM office.",
        "Sorry, there are no free appointments in {town} in the next {n} days. Please try "
        "again in a few days or phone the KIM office.",
        turn.ctx.settings.booking_days, town=town)
    turn.ctx.conversation.go(steps.BOOK_TOWN, **keep(data, "moving", "town"))
    wait = ([Button(tr._("Tell me when a time becomes free"), action("wl_join"))]
            if plan.moving is None else [])
    return Outcome([turn.reply(text, rows(wait, [Button(tr._("Another town"),
                                                        action("btowns"))],
                                          *back_to_menu(turn)))])


def _legend(turn: ClientTurn, index: CatalogueIndex, data: dict, found: list[Place],
            shown: list[Option]) -> tuple[list[str], dict[tuple[int, str], str]]:
    """For "any place": the places the times are at, numbered, and each place's number."""
    tr = turn.tr
    town = index.towns[data["town"]]
    numbers: dict[tuple[int, str], str] = {}
    lines: list[str] = []
    for number, place in enumerate(found):
        if any((o.staff_member_id, o.office_id) == (place.staff_member_id, place.office_id)
               for o in shown):
            numbers[(place.staff_member_id, place.office_id)] = marker(number)
            where = [place.label()]
            if place.office is not None and address_line(place.office):
                where.append(address_line(place.office))
            lines.append(f"{marker(number)} " + ", ".join(where))
            note = bus_note(tr, place.office, town)
            if note:
                lines.append("   🚌 " + note)
    return lines, numbers


async def _where(turn: ClientTurn, index: CatalogueIndex, data: dict, plan: Plan,
                 shown: list[Option]) -> tuple[list[str], dict[tuple[int, str], str]]:
    """The lines that say where the shown times are, and (any place, several of them) the
    number of each place for the time buttons."""
    tr = turn.tr
    town = index.towns[data["town"]]
    found = await places(turn, index, data["town"], plan)
    if data.get("place") != ANY:
        chosen = next((p for p in found if p.key == data.get("place")), None)
        office = chosen.office if chosen else (
            index.offices.get(shown[0].office_id) if shown else None)
        lines = place_lines(tr, office, town)
        if chosen is not None and chosen.staff_name:
            lines.insert(1, "👤 " + chosen.staff_name)
        return lines, {}
    legend, numbers = _legend(turn, index, data, found, shown)
    if len(numbers) <= 1:
        office = index.offices.get(shown[0].office_id) if shown else None
        return place_lines(tr, office, town), {}
    return [tr._("At one of these places in {town}:", town=town.name), *legend], numbers


# --- day and time ---------------------------------------------------------------------------

async def _show_days(turn: ClientTurn, index: CatalogueIndex, data: dict,
                     notice: str | None = None) -> Outcome:
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    tr = turn.tr
    found = await options(turn, data["town"], plan, data.get("place", ANY))
    days = day_groups([option.starts_at for option in found], tr.tz)
    if not days:
        gone = tr._("Sorry, there are no more free times at this place.")
        return await after_town(turn, index, keep(data, "moving", "town"), notice=gone)
    several = len(await places(turn, index, data["town"], plan)) > 1
    turn.ctx.conversation.go(steps.BOOK_DAY, **keep(data, *_PLACE_KEYS))
    where, _ = await _where(turn, index, data, plan, found)
    lines = [part for part in (notice, _what(turn, plan)) if part]
    lines += [*where, "", tr._("Which day suits you?")]
    buttons = [Button(day_label(slots[0], tr), action("bday", f"{day:%Y%m%d}"))
               for day, slots in days.items()]
    other = [Button(tr._("Another place"), action("bplaces"))] if several else []
    other.append(Button(tr._("Another town"), action("btowns")))
    wait = ([Button(tr._("None of these times"), action("bnone"))]
            if plan.moving is None else [])
    return Outcome([turn.reply(directed(lines, tr), (*in_rows(buttons, 3), *rows(wait),
                                                     tuple(other), *back_to_menu(turn)))])


async def show_days_again(turn: ClientTurn, choose_place: bool = False) -> Outcome:
    """"Back to the days" (or, with `choose_place`, the place question again) in the town
    already chosen."""
    data = booking_data(turn)
    if data is None or "town" not in data:
        return await stale_button(turn)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if data["town"] not in index.towns:
        return _ask_town(turn, index, keep(data, "moving"))
    if choose_place or "place" not in data:
        return await after_town(turn, index, keep(data, "moving", "town"), choose=choose_place)
    return await _show_days(turn, index, keep(data, *_PLACE_KEYS))


async def choose_day(turn: ClientTurn, arg: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_DAY, steps.BOOK_TIME)
    day = parse_day(arg)
    if data is None or day is None or "town" not in data or "place" not in data:
        return await stale_button(turn)
    return await show_times(turn, keep(data, *_PLACE_KEYS), day)


async def show_times(turn: ClientTurn, data: dict, day: date,
                     notice: str | None = None) -> Outcome:
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    tr = turn.tr
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if data["town"] not in index.towns:
        return _ask_town(turn, index, keep(data, "moving"))
    found = [o for o in await options(turn, data["town"], plan, data.get("place", ANY))
             if o.starts_at.astimezone(tr.tz).date() == day]
    if not found:
        return await _show_days(turn, index, data, notice=tr._(
            "Sorry, this day is fully booked now. Please choose another day."))
    turn.ctx.conversation.go(steps.BOOK_TIME, **data, day=f"{day:%Y%m%d}")
    where, numbers = await _where(turn, index, data, plan, found)
    lines = [part for part in (notice, tr._("{day}: which time suits you?",
                                            day=day_label(found[0].starts_at, tr))) if part]
    lines += where
    buttons = [Button(_time_label(turn, option, numbers),
                      action("btime", str(minutes(option.starts_at)))) for option in found]
    other = Button(tr._("Another day"), action("bdays"))
    wait = ([Button(tr._("None of these times"), action("bnone"))]
            if plan.moving is None else [])
    return Outcome([turn.reply(directed(lines, tr), (*in_rows(buttons, 4 if not numbers else 3),
                                                     *rows(wait), (other,),
                                                     *back_to_menu(turn)))])


def _time_label(turn: ClientTurn, option: Option, numbers: dict[tuple[int, str], str]) -> str:
    label = turn.tr.time(option.starts_at)
    number = numbers.get((option.staff_member_id, option.office_id))
    return f"{label} {number}" if number else label


async def choose_time(turn: ClientTurn, arg: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_TIME)
    if data is None or not DIGITS.fullmatch(arg) or "day" not in data or "place" not in data:
        return await stale_button(turn)
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    day = parse_day(data["day"])
    assert day is not None
    option = find(await options(turn, data["town"], plan, data["place"]), int(arg))
    base = keep(data, *_PLACE_KEYS)
    if option is None:
        return await show_times(turn, base, day, notice=turn.tr._(
            "Sorry, this time is not free any more. Please choose another one."))
    return await after_time(turn, {**base, "day": data["day"], "start": int(arg)}, option, plan)


async def after_time(turn: ClientTurn, chosen: dict, option: Option, plan: Plan) -> Outcome:
    """The steps after the time, the same for a time chosen here and one taken from a
    waiting-list offer (waitlist/flow.py): how to meet where the office allows a choice, then
    what is still unknown (phone, name, interpreter), then the check screen."""
    allowed = await channels(turn, option.office_id, plan)
    if plan.moving is not None:
        # A move keeps how the appointment takes place, the name and the interpreter; only a
        # new place that does not offer that way asks again.
        chosen = {**chosen, "named": 1, "interp": plan.moving.interpreter_language or ""}
        if plan.moving.channel in allowed:
            return await ask_confirm(turn, {**chosen, "channel": plan.moving.channel})
    if len(allowed) > 1:
        return _ask_channel(turn, chosen, allowed)
    return await _details(turn, {**chosen, "channel": allowed[0]})


async def _still_kept(turn: ClientTurn, data: dict) -> bool:
    """For a time from a waiting-list offer: whether it is still kept for this person (a hold
    lapses after a while and goes to the next waiting person who taps it)."""
    if "offer" not in data or turn.client is None:
        return True
    return await waitlist.offer_still_held(turn.ctx.session, int(data["offer"]), turn.client.id,
                                           turn.ctx.clock.now())


async def time_gone(turn: ClientTurn, data: dict) -> Outcome:
    """The chosen time was taken meanwhile: the day's other times, or for a time from a
    waiting-list offer, that it has gone (the person stays on the list)."""
    if "offer" in data:
        return offer_gone(turn)
    day = parse_day(data["day"])
    assert day is not None
    return await show_times(turn, keep(data, *_PLACE_KEYS), day, notice=turn.tr._(
        "Sorry, this time is not free any more. Please choose another one."))


def offer_gone(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    text = tr._("Sorry, someone else was faster: this time has gone. You stay on the waiting "
                "list, and we write to you when the next time becomes free.")
    return Outcome([turn.reply(text), menu(turn)], notice=tr._("This time has gone."))


# --- how to meet ----------------------------------------------------------------------------

async def channels(turn: ClientTurn, office_id: str, plan: Plan) -> list[str]:
    """How the appointment may take place: in person for a first interview (KIM's process),
    for a follow-up as the office allows."""
    return await office_channels(turn.ctx.session, office_id, plan.kind)


def _ask_channel(turn: ClientTurn, data: dict, allowed: list[str]) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.BOOK_CHANNEL, **data)
    buttons = [Button(_channel_label(tr, code), action("bchan", code)) for code in allowed]
    return Outcome([turn.reply(tr._("How do you want to meet?"),
                               (*in_rows(buttons, 1), *back_to_menu(turn)))])


def _channel_label(tr: Translator, code: str) -> str:
    if code == Channel.PHONE.value:
        return tr._("By phone")
    if code == Channel.VIDEO.value:
        return tr._("By video call")
    return tr._("In person at the office")


async def choose_channel(turn: ClientTurn, code: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_CHANNEL)
    if data is None or "start" not in data or "place" not in data:
        return await stale_button(turn)
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    option = find(await options(turn, data["town"], plan, data["place"]), int(data["start"]))
    if option is None or not await _still_kept(turn, data):
        return await time_gone(turn, data)
    if code not in await channels(turn, option.office_id, plan):
        return await stale_button(turn)
    return await _details(turn, {**data, "channel": code})


# --- name, phone and interpreter ------------------------------------------------------------

async def _details(turn: ClientTurn, data: dict) -> Outcome:
    """What is still to ask before the check screen, one question at a time."""
    assert turn.client is not None
    if data.get("channel") == Channel.PHONE.value and not turn.client.phone:
        return _ask_phone(turn, data)
    if turn.client.alias is None and "named" not in data:
        return _ask_name(turn, data)
    if "interp" not in data:
        return await _ask_interpreter(turn, data)
    return await ask_confirm(turn, data)


def _ask_phone(turn: ClientTurn, data: dict, again: bool = False) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.BOOK_PHONE, **data)
    text = tr._("Please write your phone number, so the case manager can call you.")
    if again:
        text = tr._("This does not look like a phone number. Please write only the number, "
                    "for example {example}.", example="0176 12345678") + "\n" + text
    other = Button(tr._("Another way to meet"), action("bchans"))
    return Outcome([turn.reply(text, rows([other], *back_to_menu(turn)))])


async def typed_phone(turn: ClientTurn) -> Outcome:
    data = booking_data(turn, steps.BOOK_PHONE)
    assert data is not None and turn.client is not None
    phone = parse_phone(turn.ctx.event.text)
    if phone is None:
        return _ask_phone(turn, data, again=True)
    turn.client.phone = phone
    return await _details(turn, data)


async def channels_again(turn: ClientTurn) -> Outcome:
    """"Another way to meet" at the phone number question."""
    data = booking_data(turn, steps.BOOK_PHONE)
    if data is None or "start" not in data:
        return await stale_button(turn)
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    option = find(await options(turn, data["town"], plan, data["place"]), int(data["start"]))
    if option is None or not await _still_kept(turn, data):
        return await time_gone(turn, data)
    allowed = await channels(turn, option.office_id, plan)
    if len(allowed) < 2:
        return await stale_button(turn)
    return _ask_channel(turn, {k: v for k, v in data.items() if k != "channel"}, allowed)


def _ask_name(turn: ClientTurn, data: dict, again: bool = False) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.BOOK_NAME, **data)
    text = tr._("Which name should the case manager use for you? A first name is enough. "
                "Please write it.")
    if again:
        text = tr.ngettext("Please write a name with at most {n} letter.",
                           "Please write a name with at most {n} letters.",
                           MAX_ALIAS) + "\n" + text
    skip = Button(tr._("I prefer not to say"), action("bnoname"))
    return Outcome([turn.reply(text, rows([skip], *back_to_menu(turn)))])


async def typed_name(turn: ClientTurn) -> Outcome:
    data = booking_data(turn, steps.BOOK_NAME)
    assert data is not None and turn.client is not None
    alias = " ".join(turn.ctx.event.text.split())
    if not alias or len(alias) > MAX_ALIAS or not any(ch.isalpha() for ch in alias):
        return _ask_name(turn, data, again=True)
    turn.client.alias = alias
    return await _details(turn, {**data, "named": 1})


async def skip_name(turn: ClientTurn) -> Outcome:
    data = booking_data(turn, steps.BOOK_NAME)
    if data is None:
        return await stale_button(turn)
    return await _details(turn, {**data, "named": 1})


async def _ask_interpreter(turn: ClientTurn, data: dict,
                           all_languages: bool = False) -> Outcome:
    base = {key: value for key, value in data.items() if key != "interp"}
    if turn.language == "de" and not all_languages:
        return await ask_confirm(turn, {**base, "interp": ""})
    turn.ctx.conversation.go(steps.BOOK_INTERPRETER, **base)
    return interpreter_question(turn, "binterp", all_languages)


async def choose_interpreter(turn: ClientTurn, arg: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_INTERPRETER)
    if data is None or not (arg in ("no", "other") or (arg in BY_CODE and arg != "de")):
        return await stale_button(turn)
    if arg == "other":
        return await _ask_interpreter(turn, data, all_languages=True)
    return await ask_confirm(turn, {**data, "interp": "" if arg == "no" else arg})


# --- the check screen -----------------------------------------------------------------------

async def ask_confirm(turn: ClientTurn, data: dict) -> Outcome:
    """Shown before anything is booked; the time is checked now and again on confirming."""
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    option = find(await options(turn, data["town"], plan, data.get("place", ANY)),
                  int(data["start"]))
    if option is None or not await _still_kept(turn, data):
        return await time_gone(turn, data)
    # The confirmation books exactly what this screen shows: this case manager, this office.
    turn.ctx.conversation.go(steps.BOOK_CONFIRM, **data, staff=option.staff_member_id,
                             office=option.office_id)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    tr = turn.tr
    lines = [tr._("Please check your appointment:"),
             *summary_lines(tr, option.starts_at, option.starts_at + option.duration,
                            index.offices.get(option.office_id), data.get("interp") or None,
                            index.towns.get(data["town"]),
                            data.get("channel") or Channel.IN_PERSON.value)]
    buttons = rows([Button(tr._("Book this appointment"), action("bok", token(data)))],
                   [Button(tr._("Another day"), action("bdays"))],
                   *back_to_menu(turn))
    return Outcome([turn.reply(directed(lines, tr), buttons)])


def token(data: dict) -> str:
    """What the Book button confirms: the start time, and the appointment being moved. An old
    Book button from another check screen then no longer matches."""
    return f"{data['start']}-{data.get('moving', 0)}"
