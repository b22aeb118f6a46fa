"""/termin: a case manager books for a person who phoned. Name -> phone -> language -> town ->
kind -> place (where the town has several with free times, or any) -> channel (follow-ups,
only what that place's office allows) -> interpreter -> day -> time -> confirm (book.py).

Every button is checked against the step the conversation is in and against the values it
may carry; a button from another step or with anything else changes nothing.
"""

from __future__ import annotations

from typing import Any

from bot.flows.context import FlowContext
from bot.flows.events import Outcome, Reply
from bot.flows.staff import steps, texts
from bot.flows.staff.phone_booking.ask import (
    ask_channel,
    ask_confirm,
    ask_day,
    ask_interpreter,
    ask_kind,
    ask_language,
    ask_name,
    ask_phone,
    ask_place,
    ask_time,
    ask_town,
    nothing_free,
)
from bot.flows.staff.phone_booking.options import (
    ANY,
    channels_for,
    day_arg,
    parse_day,
    parse_start,
    places_for,
)
from bot.flows.staff.phone_input import InputError, clean_name, clean_phone
from bot.i18n import BY_CODE
from storage.models import AppointmentKind, StaffMember

WRONG_STEP = ("Diese Schaltfläche gehört nicht zum aktuellen Schritt der Buchung. Es wurde "
              "nichts geändert. /termin beginnt eine neue Buchung.")
TRY_AGAIN = "{problem} Bitte noch einmal – oder /abbrechen."
TEXT_STEPS = frozenset({steps.PHONE_NAME, steps.PHONE_NUMBER})
ALL_STEPS = frozenset({steps.PHONE_NAME, steps.PHONE_NUMBER, steps.PHONE_LANGUAGE,
                       steps.PHONE_TOWN, steps.PHONE_KIND, steps.PHONE_PLACE,
                       steps.PHONE_CHANNEL,
                       steps.PHONE_INTERPRETER, steps.PHONE_DAY, steps.PHONE_TIME,
                       steps.PHONE_CONFIRM})


async def start(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([ask_name(ctx)])


async def typed(ctx: FlowContext, member: StaffMember) -> Outcome:
    """Text during /termin: the name or the phone number; at a button step, a hint."""
    data = dict(ctx.conversation.data)
    try:
        if ctx.conversation.step == steps.PHONE_NAME:
            return Outcome([ask_phone(ctx, {"name": clean_name(ctx.event.text)})])
        if ctx.conversation.step == steps.PHONE_NUMBER:
            return Outcome([ask_language(ctx, {**data, "phone": clean_phone(ctx.event.text)})])
    except InputError as problem:
        return Outcome([Reply(TRY_AGAIN.format(problem=problem))])
    return Outcome([Reply(texts.CHOOSE_A_BUTTON)])


async def no_phone(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_NUMBER)
    if data is None or arg:
        return wrong_step()
    return Outcome([ask_language(ctx, {**data, "phone": None})])


async def choose_language(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_LANGUAGE)
    if data is None or arg not in BY_CODE:
        return wrong_step()
    return Outcome([await ask_town(ctx, {**data, "language": arg})])


async def choose_town(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_TOWN)
    if data is None or arg not in (await ctx.catalogue.index(ctx.session)).towns:
        return wrong_step()
    return Outcome([ask_kind(ctx, {**data, "town": arg})])


async def choose_kind(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_KIND)
    if data is None or arg not in {kind.value for kind in AppointmentKind}:
        return wrong_step()
    data["kind"] = arg
    found = await places_for(ctx, data)
    if not found:
        return Outcome([await nothing_free(ctx, data)])
    if len(found) == 1:
        return Outcome([await _after_place(ctx, {**data, "place": str(found[0].id)})])
    return Outcome([await ask_place(ctx, data, found)])


async def choose_place(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_PLACE)
    if data is None:
        return wrong_step()
    found = await places_for(ctx, data)
    if arg != ANY and arg not in {str(workplace.id) for workplace in found}:
        return wrong_step()
    if not found:  # the last free time went meanwhile
        return Outcome([await nothing_free(ctx, data)])
    return Outcome([await _after_place(ctx, {**data, "place": arg})])


async def _after_place(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    """The place is known: the ways to meet it offers (the first interview only in person),
    asked where there is a choice."""
    allowed = await channels_for(ctx, data)
    if len(allowed) == 1:
        return await _interpreter_or_day(ctx, {**data, "channel": allowed[0]})
    return await ask_channel(ctx, data, allowed)


async def choose_channel(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_CHANNEL)
    if data is None or arg not in await channels_for(ctx, data):
        return wrong_step()
    return Outcome([await _interpreter_or_day(ctx, {**data, "channel": arg})])


async def choose_interpreter(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_INTERPRETER)
    if data is None or arg not in ("yes", "no"):
        return wrong_step()
    return Outcome([await ask_day(ctx, {**data, "interpreter": arg == "yes"})])


async def choose_day(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_DAY)
    day = parse_day(arg)
    if data is None or day is None:
        return wrong_step()
    return Outcome([await ask_time(ctx, {**data, "day": day_arg(day)})])


async def choose_time(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_TIME)
    if data is None or parse_start(arg) is None:
        return wrong_step()
    return Outcome([await ask_confirm(ctx, {**data, "start": arg})])


async def other_day(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_TIME)
    if data is None or arg:
        return wrong_step()
    return Outcome([await ask_day(ctx, _without(data, "day"))])


async def other_time(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_CONFIRM)
    if data is None or arg:
        return wrong_step()
    return Outcome([await ask_time(ctx, {k: v for k, v in data.items()
                                         if k not in ("start", "staff", "office")})])


async def _interpreter_or_day(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    if data["language"] == "de":  # no interpreter for German
        return await ask_day(ctx, {**data, "interpreter": False})
    return ask_interpreter(ctx, data)


def at_step(ctx: FlowContext, step: str) -> dict[str, Any] | None:
    """A copy of the data chosen so far if the conversation is at `step`, else None."""
    if ctx.conversation.step != step:
        return None
    return dict(ctx.conversation.data)


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


def wrong_step() -> Outcome:
    return Outcome([Reply(WRONG_STEP)])
