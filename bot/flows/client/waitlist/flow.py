"""Joining and leaving the waiting list, and taking an offered time.

Joining comes from the booking: "Tell me when a time becomes free" where nothing is free in the
booking window, or "None of these times" under the days and times. The entry remembers the
town, the place chosen (or any), the kind of appointment, the interpreter (asked here, as the
booking would) and the times the person saw, which are never offered to them.

Taking an offer continues like a booking whose place and time were just chosen: how to meet
where the office allows a choice (the first interview is always in person), the name if it is
not known yet, then the check screen. The first person to tap an offered time gets it: it is
kept for them for 15 minutes while they answer (storage.waitlist.hold), and the others who tap
it are told it has gone and stay on the list. The time is checked for exactly the case
manager and office offered at every step, and the database's slot guarantee decides against
anyone who books it outside the list. Every offer
id is checked against the person who pressed it.
"""

from __future__ import annotations

from bot.appointments.availability import workplaces_for_town
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.booking import flow as booking_flow
from bot.flows.client.booking.render import interpreter_question
from bot.flows.client.booking.state import (
    ANY,
    DIGITS,
    booking_data,
    find,
    keep,
    minutes,
    options,
    plan_for,
)
from bot.flows.client.menu import back_to_menu, menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, rows
from bot.i18n import BY_CODE
from storage import appointments as store
from storage import waitlist
from storage.models import WaitlistEndReason

_WAIT_KEYS = ("town", "place")


# --- joining --------------------------------------------------------------------------------

async def none_suits(turn: ClientTurn) -> Outcome:
    """"None of these times" under the days or the times."""
    data = booking_data(turn, steps.BOOK_DAY, steps.BOOK_TIME)
    if data is None or "town" not in data or "moving" in data:
        return await stale_button(turn)
    tr = turn.tr
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    town = index.towns.get(data["town"])
    if town is None:
        return await stale_button(turn)
    turn.ctx.conversation.go(steps.WAITLIST_ASK, **keep(data, *_WAIT_KEYS))
    text = tr._("Do you want us to tell you here when another time becomes free in {town}?",
                town=town.name)
    return Outcome([turn.reply(text, rows(
        [Button(tr._("Tell me when a time becomes free"), action("wl_join"))],
        [Button(tr._("Back to the times"), action("bdays"))],
        *back_to_menu(turn)))])


async def join(turn: ClientTurn) -> Outcome:
    """"Tell me when a time becomes free": the interpreter question, then the list."""
    data = booking_data(turn, steps.BOOK_TOWN, steps.WAITLIST_ASK)
    if data is None or "town" not in data or "moving" in data:
        return await stale_button(turn)
    base = keep(data, *_WAIT_KEYS)
    if turn.language == "de":
        return await _join(turn, base, None)
    return _ask_interpreter(turn, base)


def _ask_interpreter(turn: ClientTurn, data: dict, all_languages: bool = False) -> Outcome:
    turn.ctx.conversation.go(steps.WAITLIST_INTERPRETER, **data)
    return interpreter_question(turn, "wl_interp", all_languages)


async def choose_interpreter(turn: ClientTurn, arg: str) -> Outcome:
    data = booking_data(turn, steps.WAITLIST_INTERPRETER)
    if data is None or "town" not in data \
            or not (arg in ("no", "other") or (arg in BY_CODE and arg != "de")):
        return await stale_button(turn)
    if arg == "other":
        return _ask_interpreter(turn, keep(data, *_WAIT_KEYS), all_languages=True)
    return await _join(turn, keep(data, *_WAIT_KEYS), None if arg == "no" else arg)


async def _join(turn: ClientTurn, data: dict, interpreter: str | None) -> Outcome:
    ctx, tr = turn.ctx, turn.tr
    assert turn.client is not None
    plan = await plan_for(turn, data)
    index = await ctx.catalogue.index(ctx.session)
    if plan is None or data["town"] not in index.towns:
        return await stale_button(turn)
    place = str(data.get("place", ANY))
    # What the person saw now is not what they wait for: never offered to them.
    seen = [minutes(o.starts_at) for o in await options(turn, data["town"], plan, place)]
    await waitlist.join(ctx.session, client_id=turn.client.id, town=data["town"],
                        workplace_id=int(place) if DIGITS.fullmatch(place) else None,
                        kind=plan.kind.value, seen=seen, now=ctx.clock.now(),
                        interpreter_language=interpreter)
    ctx.conversation.go(steps.MENU)
    text = "\n".join([
        "✅ " + tr._("You are on the waiting list for {town}.",
                    town=index.towns[data["town"]].name),
        tr._("When a time becomes free, we write to you here. The first person who taps the "
             "time gets it."),
        tr.ngettext("You stay on the list for {n} day. You can leave it at any time.",
                    "You stay on the list for {n} days. You can leave it at any time.",
                    waitlist.KEEP.days),
    ])
    return Outcome([turn.reply(text, rows([Button(tr._("Leave the waiting list"),
                                                  action("wl_leave"))]), edit=True),
                    menu(turn)])


async def leave(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    if turn.client is None:
        return await stale_button(turn)
    if not await waitlist.end_for_client(turn.ctx.session, turn.client.id,
                                         WaitlistEndReason.LEFT.value, turn.ctx.clock.now()):
        return Outcome([turn.reply(tr._("You are not on the waiting list.")), menu(turn)])
    return Outcome([turn.reply(tr._("You left the waiting list."), edit=True), menu(turn)])


# --- an offer -------------------------------------------------------------------------------

async def take(turn: ClientTurn, arg: str) -> Outcome:
    """A time from an offer: the rest of the booking steps for it, if it is still free."""
    ctx, tr = turn.ctx, turn.tr
    if turn.client is None or not DIGITS.fullmatch(arg) or len(arg) > 12:
        return await stale_button(turn)
    found = await waitlist.offer_for_client(ctx.session, int(arg), turn.client.id)
    if found is None:
        return await stale_button(turn)
    offer, entry = found
    if entry.ended_at is not None or offer.taken_at is not None:
        notice = tr._("This offer is no longer valid.")
        return Outcome([turn.reply(notice), menu(turn)], notice=notice)
    now = ctx.clock.now()
    if await store.open_count(ctx.session, turn.client.id, now) \
            >= ctx.settings.max_open_appointments:
        text = tr._("You already have the most appointments you can hold. You can cancel one "
                    "in \"My appointments\".")
        return Outcome([turn.reply(text), menu(turn)], notice=text)
    plan = await plan_for(turn, {})
    place = await _offered_place(turn, entry.town, offer.staff_member_id, offer.office_id)
    option = None
    if plan is not None and place is not None:
        option = find(await options(turn, entry.town, plan, place), minutes(offer.starts_at))
    if plan is None or option is None or not await waitlist.hold(ctx.session, offer, now):
        return booking_flow.offer_gone(turn)
    # From here on as if the person had chosen this place and time in the booking: the same
    # questions (how to meet, the name if unknown; the interpreter was asked on joining), the
    # check screen, and booking there (booking/book.py), while the hold keeps it for them.
    chosen = {"town": entry.town, "place": place,
              "day": f"{option.starts_at.astimezone(tr.tz):%Y%m%d}",
              "start": minutes(option.starts_at), "offer": offer.id,
              "interp": entry.interpreter_language or ""}
    return await booking_flow.after_time(turn, chosen, option, plan)


async def _offered_place(turn: ClientTurn, town: str, staff_member_id: int,
                         office_id: str) -> str | None:
    """The booking's place key (a workplace id) of an offered time, if that case manager
    still serves the town at that office."""
    for workplace in await workplaces_for_town(turn.ctx.session, town):
        if (workplace.staff_member_id, workplace.office_id) == (staff_member_id, office_id):
            return str(workplace.id)
    return None
