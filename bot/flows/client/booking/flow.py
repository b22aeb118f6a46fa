"""Booking an appointment with a KIM case manager: town -> day -> time -> name -> interpreter
-> confirm. Also the second half of moving an appointment (the same steps, then the old one is
cancelled in the same transaction).

Needs consent: an appointment is personal data. Every button is re-checked on the server: the
day and time must still be free when pressed, and the database has the last word on a race
(`storage.appointments.book`), after which the person sees fresh times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.appointments.availability import (
    DEFAULT_RULES,
    Option,
    free_options,
    still_free,
    workplaces_for_town,
)
from bot.appointments.slots import day_groups
from bot.catalogue.routing import CatalogueIndex
from bot.flows import appointment_notices, notify
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.booking.render import (
    calendar_file,
    confirmation_text,
    day_label,
    directed,
    summary_lines,
)
from bot.flows.client.intake import flow as intake
from bot.flows.client.menu import back_to_menu, menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, Reply, in_rows, rows
from bot.i18n import BY_CODE, LANGUAGES
from storage import appointments as store
from storage.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    Channel,
    OfficeBookingRules,
    StaffMember,
)

MAX_ALIAS = 60
_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also accepts "²", which int() refuses
_BOOKING_STEPS = {steps.BOOK_TOWN, steps.BOOK_DAY, steps.BOOK_TIME, steps.BOOK_NAME,
                  steps.BOOK_INTERPRETER, steps.BOOK_CONFIRM}


@dataclass(frozen=True)
class Plan:
    """What the person is booking: derived from their history, never from button data."""

    kind: AppointmentKind
    channel: Channel
    prefer: int | None  # their own case manager, if they have one
    moving: Appointment | None


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
        return Outcome([turn.reply(text, _my_appointments_button(turn))])
    if await store.has_open_first_interview(ctx.session, turn.client.id, ctx.clock.now()):
        # Further appointments are agreed with the case manager after the first meeting.
        text = turn.tr._("You already have a first meeting with KIM. After it, you can book "
                         "more appointments.")
        return Outcome([turn.reply(text, _my_appointments_button(turn))])
    return await _begin(turn, moving=None)


async def start_moving(turn: ClientTurn, appointment_id: str) -> Outcome:
    """"Another time" on one of "My appointments"."""
    appointment = await own_open(turn, appointment_id)
    if appointment is None:
        return await not_found(turn)
    return await _begin(turn, moving=appointment)


async def _begin(turn: ClientTurn, moving: Appointment | None) -> Outcome:
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    town = _known_town(turn, index)
    data = {"moving": moving.id} if moving else {}
    if town is None:
        return _ask_town(turn, index, data)
    return await _show_days(turn, index, {**data, "town": town})


def _needs_consent(turn: ClientTurn) -> Outcome:
    from bot.flows.client.onboarding.flow import needs_consent

    why = turn.tr._("To book an appointment we must save some data about you. Please read this "
                    "first:")
    return needs_consent(turn, why, "book")


# --- town -----------------------------------------------------------------------------------

def _known_town(turn: ClientTurn, index: CatalogueIndex) -> str | None:
    for town in (turn.ctx.conversation.data.get("town"), turn.client and turn.client.town):
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
    data = _booking_data(turn)
    if data is None:
        return await stale_button(turn)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    return _ask_town(turn, index, _keep(data, "moving"))


async def choose_town(turn: ClientTurn, town: str) -> Outcome:
    data = _booking_data(turn, steps.BOOK_TOWN)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if data is None or town not in index.towns:
        return await stale_button(turn)
    assert turn.client is not None
    turn.client.town = town
    return await _show_days(turn, index, {**_keep(data, "moving"), "town": town})


# --- day and time ---------------------------------------------------------------------------

async def _plan(turn: ClientTurn, data: dict) -> Plan | None:
    """None when the appointment being moved is no longer the person's open appointment."""
    assert turn.client is not None
    moving = None
    if "moving" in data:
        moving = await own_open(turn, str(data["moving"]))
        if moving is None:
            return None
        return Plan(AppointmentKind(moving.kind), Channel(moving.channel),
                    moving.staff_member_id, moving)
    own = await store.last_attended_staff(turn.ctx.session, turn.client.id)
    kind = AppointmentKind.FOLLOW_UP if own is not None else AppointmentKind.FIRST_INTERVIEW
    return Plan(kind, Channel.IN_PERSON, own, None)


async def _options(turn: ClientTurn, town: str, plan: Plan) -> list[Option]:
    ctx = turn.ctx
    workplaces = await workplaces_for_town(ctx.session, town)
    options = await free_options(ctx.session, workplaces, plan.kind, ctx.clock.now(),
                                 days=ctx.settings.booking_days,
                                 timezone=ctx.settings.timezone, prefer=plan.prefer)
    if plan.moving is not None:
        # The old appointment still holds its time: moving by a few minutes is not offered,
        # and the time it frees is not shown as free until it is cancelled.
        options = [o for o in options if o.starts_at != plan.moving.starts_at]
    return options


async def _show_days(turn: ClientTurn, index: CatalogueIndex, data: dict,
                     notice: str | None = None) -> Outcome:
    plan = await _plan(turn, data)
    if plan is None:
        return await not_found(turn)
    tr = turn.tr
    town = data["town"]
    days = day_groups([option.starts_at for option in await _options(turn, town, plan)], tr.tz)
    town_name = index.towns[town].name
    change = Button(tr._("Another town"), action("btowns"))
    if not days:
        text = tr.ngettext(
            "Sorry, there are no free appointments in {town} in the next {n} day. Please try "
            "again in a few days or phone the KIM office.",
            "Sorry, there are no free appointments in {town} in the next {n} days. Please try "
            "again in a few days or phone the KIM office.",
            turn.ctx.settings.booking_days, town=town_name)
        return Outcome([turn.reply(text, rows([change], *back_to_menu(turn)))])
    turn.ctx.conversation.go(steps.BOOK_DAY, **data)
    what = (tr._("First meeting (about one hour) in {town}.", town=town_name)
            if plan.kind is AppointmentKind.FIRST_INTERVIEW
            else tr._("Appointment in {town}.", town=town_name))
    text = "\n".join(part for part in (notice, what, tr._("Which day suits you?")) if part)
    buttons = [Button(day_label(slots[0], tr), action("bday", f"{day:%Y%m%d}"))
               for day, slots in days.items()]
    return Outcome([turn.reply(text, (*in_rows(buttons, 3), (change,), *back_to_menu(turn)))])


async def show_days_again(turn: ClientTurn) -> Outcome:
    data = _booking_data(turn)
    if data is None or "town" not in data:
        return await stale_button(turn)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if data["town"] not in index.towns:
        return _ask_town(turn, index, _keep(data, "moving"))
    return await _show_days(turn, index, _keep(data, "moving", "town"))


async def choose_day(turn: ClientTurn, arg: str) -> Outcome:
    data = _booking_data(turn, steps.BOOK_DAY, steps.BOOK_TIME)
    day = _parse_day(arg)
    if data is None or day is None or "town" not in data:
        return await stale_button(turn)
    return await _show_times(turn, _keep(data, "moving", "town"), day)


async def _show_times(turn: ClientTurn, data: dict, day: date,
                      notice: str | None = None) -> Outcome:
    plan = await _plan(turn, data)
    if plan is None:
        return await not_found(turn)
    tr = turn.tr
    slots = day_groups([o.starts_at for o in await _options(turn, data["town"], plan)],
                       tr.tz).get(day, [])
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if not slots:
        if data["town"] not in index.towns:
            return _ask_town(turn, index, _keep(data, "moving"))
        return await _show_days(turn, index, data, notice=tr._(
            "Sorry, this day is fully booked now. Please choose another day."))
    turn.ctx.conversation.go(steps.BOOK_TIME, **data, day=f"{day:%Y%m%d}")
    text = "\n".join(part for part in (notice, tr._("{day}: which time suits you?",
                                                    day=day_label(slots[0], tr))) if part)
    buttons = [Button(tr.time(slot), action("btime", str(_minutes(slot)))) for slot in slots]
    other = Button(tr._("Another day"), action("bdays"))
    return Outcome([turn.reply(text, (*in_rows(buttons, 4), (other,), *back_to_menu(turn)))])


async def choose_time(turn: ClientTurn, arg: str) -> Outcome:
    data = _booking_data(turn, steps.BOOK_TIME)
    if data is None or not _DIGITS.fullmatch(arg) or "day" not in data:
        return await stale_button(turn)
    plan = await _plan(turn, data)
    if plan is None:
        return await not_found(turn)
    day = _parse_day(data["day"])
    assert day is not None
    option = _find(await _options(turn, data["town"], plan), int(arg))
    base = _keep(data, "moving", "town")
    if option is None:
        return await _show_times(turn, base, day, notice=turn.tr._(
            "Sorry, this time is not free any more. Please choose another one."))
    chosen = {**base, "day": data["day"], "start": int(arg)}
    assert turn.client is not None
    if plan.moving is not None:
        return await _ask_confirm(turn, {**chosen,
                                         "interp": plan.moving.interpreter_language or ""})
    if turn.client.alias is None:
        return _ask_name(turn, chosen)
    return await _ask_interpreter(turn, chosen)


# --- name and interpreter -------------------------------------------------------------------

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
    data = _booking_data(turn, steps.BOOK_NAME)
    assert data is not None and turn.client is not None
    alias = " ".join(turn.ctx.event.text.split())
    if not alias or len(alias) > MAX_ALIAS or not any(ch.isalpha() for ch in alias):
        return _ask_name(turn, data, again=True)
    turn.client.alias = alias
    return await _ask_interpreter(turn, data)


async def skip_name(turn: ClientTurn) -> Outcome:
    data = _booking_data(turn, steps.BOOK_NAME)
    if data is None:
        return await stale_button(turn)
    return await _ask_interpreter(turn, data)


async def _ask_interpreter(turn: ClientTurn, data: dict,
                           all_languages: bool = False) -> Outcome:
    tr = turn.tr
    base = {key: value for key, value in data.items() if key != "interp"}
    if turn.language == "de" and not all_languages:
        return await _ask_confirm(turn, {**base, "interp": ""})
    turn.ctx.conversation.go(steps.BOOK_INTERPRETER, **base)
    if all_languages:
        buttons = [Button(lang.native_name, action("binterp", lang.code))
                   for lang in LANGUAGES if lang.code != "de"]
        return Outcome([turn.reply(tr._("Which language?"),
                                   (*in_rows(buttons, 2), *back_to_menu(turn)))])
    own = BY_CODE[turn.language].native_name
    text = tr._("Do you need an interpreter? KIM can bring a volunteer interpreter.")
    return Outcome([turn.reply(text, rows(
        [Button(tr._("Yes, in {language}", language=own), action("binterp", turn.language))],
        [Button(tr._("Yes, in another language"), action("binterp", "other"))],
        [Button(tr._("No, not needed"), action("binterp", "no"))],
        *back_to_menu(turn)))])


async def choose_interpreter(turn: ClientTurn, arg: str) -> Outcome:
    data = _booking_data(turn, steps.BOOK_INTERPRETER)
    if data is None or not (arg in ("no", "other") or (arg in BY_CODE and arg != "de")):
        return await stale_button(turn)
    if arg == "other":
        return await _ask_interpreter(turn, data, all_languages=True)
    return await _ask_confirm(turn, {**data, "interp": "" if arg == "no" else arg})


# --- confirm and book -----------------------------------------------------------------------

async def _ask_confirm(turn: ClientTurn, data: dict) -> Outcome:
    """Shown before anything is booked; the time is checked now and again on confirming."""
    plan = await _plan(turn, data)
    if plan is None:
        return await not_found(turn)
    option = _find(await _options(turn, data["town"], plan), int(data["start"]))
    if option is None:
        day = _parse_day(data["day"])
        assert day is not None
        return await _show_times(turn, _keep(data, "moving", "town"), day, notice=turn.tr._(
            "Sorry, this time is not free any more. Please choose another one."))
    # The confirmation books exactly what this screen shows: this case manager, this office.
    turn.ctx.conversation.go(steps.BOOK_CONFIRM, **data, staff=option.staff_member_id,
                             office=option.office_id)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    tr = turn.tr
    lines = [tr._("Please check your appointment:"),
             *summary_lines(tr, option.starts_at, option.starts_at + option.duration,
                            index.offices.get(option.office_id), data.get("interp") or None)]
    buttons = rows([Button(tr._("Book this appointment"), action("bok", _token(data)))],
                   [Button(tr._("Another day"), action("bdays"))],
                   *back_to_menu(turn))
    return Outcome([turn.reply(directed(lines, tr), buttons)])


def _token(data: dict) -> str:
    """What the Book button confirms: the start time, and the appointment being moved. An old
    Book button from another check screen then no longer matches."""
    return f"{data['start']}-{data.get('moving', 0)}"


async def confirm(turn: ClientTurn, token: str) -> Outcome:
    data = _booking_data(turn, steps.BOOK_CONFIRM)
    if data is None or "start" not in data or "staff" not in data or token != _token(data):
        return await stale_button(turn)
    assert turn.client is not None
    ctx, tr = turn.ctx, turn.tr
    plan = await _plan(turn, data)
    if plan is None:
        return await not_found(turn)
    day = _parse_day(data["day"])
    assert day is not None
    base = _keep(data, "moving", "town")
    now = ctx.clock.now()
    option = await still_free(ctx.session, data["town"], int(data["staff"]), str(data["office"]),
                              plan.kind, _from_minutes(int(data["start"])), now,
                              ctx.settings.booking_days, ctx.settings.timezone)
    if option is not None and plan.moving is not None \
            and option.starts_at == plan.moving.starts_at:
        option = None
    taken = tr._("Sorry, someone else just booked this time. Please choose another one.")
    if option is None:
        return await _show_times(turn, base, day, notice=taken)
    try:
        appointment = await store.book(
            ctx.session, client_id=turn.client.id, staff_member_id=option.staff_member_id,
            office_id=option.office_id, kind=plan.kind, channel=plan.channel,
            starts_at=option.starts_at, duration=option.duration, now=now,
            interpreter_language=data.get("interp") or None,
            # Moving holds the old appointment until the new one is safe.
            max_open=ctx.settings.max_open_appointments + (1 if plan.moving else 0),
            buffer=await _buffer(turn, option.office_id),
            reminder_policy=ctx.settings.reminder_policy)
    except store.SlotTaken:
        return await _show_times(turn, base, day, notice=taken)
    except store.TooManyAppointments:
        return await start(turn)
    if plan.moving is not None:
        await store.cancel(ctx.session, plan.moving, by="client", now=now)
    await _tell_case_managers(turn, appointment, plan.moving)
    ctx.conversation.go(steps.MENU)
    index = await ctx.catalogue.index(ctx.session)
    office = index.offices.get(appointment.office_id)
    first = plan.kind is AppointmentKind.FIRST_INTERVIEW
    title = (tr._("KIM first meeting") if first else tr._("KIM appointment"))
    document = calendar_file(appointment, office, title, now)
    # The intake fits best right after a first interview is booked (bot.flows.client.intake.flow).
    offer = None if plan.moving is not None else await intake.after_booking(turn, appointment)
    return Outcome([
        turn.reply(confirmation_text(tr, appointment, office, first), edit=True),
        Reply(tr._("Your appointment for your calendar"), document=document, rtl=tr.rtl),
        offer or menu(turn),
    ])


async def _buffer(turn: ClientTurn, office_id: str) -> timedelta:
    rules = await turn.ctx.session.get(OfficeBookingRules, office_id) or DEFAULT_RULES
    return timedelta(minutes=rules.buffer_minutes)


async def _tell_case_managers(turn: ClientTurn, new: Appointment,
                              old: Appointment | None) -> None:
    ctx = turn.ctx
    client = turn.client
    assert client is not None
    zone = ctx.settings.timezone
    index = await ctx.catalogue.index(ctx.session)
    office = index.office_name(new.office_id)
    member = await ctx.session.get(StaffMember, new.staff_member_id)
    if old is None:
        text = appointment_notices.booked(new, client, office, zone)
    else:
        text = appointment_notices.moved(old, new, client, office, zone)
        if old.staff_member_id != new.staff_member_id:
            previous = await ctx.session.get(StaffMember, old.staff_member_id)
            if previous is not None:
                notify.to_staff(ctx, previous, appointment_notices.moved_away(
                    old, client, index.office_name(old.office_id), zone))
    if member is not None:
        notify.to_staff(ctx, member, text)


# --- helpers --------------------------------------------------------------------------------

def _booking_data(turn: ClientTurn, *allowed_steps: str) -> dict | None:
    """The booking's data if the chat is in one of `allowed_steps` (any booking step when none
    are named) and the person has agreed; None for a button from an old or other step."""
    step = turn.ctx.conversation.step
    if turn.client is None or step not in (allowed_steps or _BOOKING_STEPS):
        return None
    return dict(turn.ctx.conversation.data)


def _keep(data: dict, *keys: str) -> dict:
    return {key: data[key] for key in keys if key in data}


def _parse_day(text: str) -> date | None:
    if len(text) != 8 or not _DIGITS.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _minutes(moment: datetime) -> int:
    """A start time as whole minutes since the epoch: short enough for button data."""
    return int(moment.timestamp()) // 60


def _from_minutes(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, UTC)


def _find(options: list[Option], minutes: int) -> Option | None:
    return next((o for o in options if _minutes(o.starts_at) == minutes), None)


async def own_open(turn: ClientTurn, appointment_id: str) -> Appointment | None:
    """The person's own, still open and upcoming appointment with this id, else None: ids in
    buttons can be forged."""
    if turn.client is None or not _DIGITS.fullmatch(appointment_id) or len(appointment_id) > 12:
        return None
    appointment = await store.owned(turn.ctx.session, int(appointment_id), turn.client.id)
    # Once it has started, it can no longer be cancelled or moved here: the case manager
    # records what happened.
    if appointment is None or appointment.status not in OPEN_STATUSES \
            or appointment.starts_at <= turn.ctx.clock.now():
        return None
    return appointment


async def not_found(turn: ClientTurn) -> Outcome:
    notice = turn.tr._("This appointment is not in your list (any more).")
    return Outcome([turn.reply(notice, _my_appointments_button(turn))], notice=notice)


def _my_appointments_button(turn: ClientTurn) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(turn.tr._("My appointments"), action("appointments"))],
                *back_to_menu(turn))
