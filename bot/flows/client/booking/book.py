"""The last step of booking and moving: "Book this appointment" on the check screen.

The time is checked again for exactly the case manager and office the screen showed, and the
database has the last word on a race (`storage.appointments.book`), after which the person
sees fresh times. Moving holds the old appointment until the new one is safe, then cancels it
in the same transaction; the confirmation names the old and the new time, and calendar apps
get a cancellation for the old event with the new one. A time taken from a waiting-list offer
comes here through the same steps; losing it to someone faster keeps the person on the list.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.appointments.availability import DEFAULT_RULES, still_free
from bot.catalogue.model import Office, Town
from bot.flows import appointment_notices, notify
from bot.flows.client import steps
from bot.flows.client.appointments import notice
from bot.flows.client.booking.flow import (
    after_time,
    channels,
    offer_gone,
    show_times,
    start,
    token,
)
from bot.flows.client.booking.render import calendar_file, confirmation_text, event_title
from bot.flows.client.booking.state import (
    booking_data,
    from_minutes,
    keep,
    not_found,
    parse_day,
    plan_for,
)
from bot.flows.client.intake import flow as intake
from bot.flows.client.menu import menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Outcome, Reply
from storage import appointments as store
from storage import waitlist
from storage.models import (
    Appointment,
    AppointmentKind,
    Channel,
    OfficeBookingRules,
    StaffMember,
)


async def confirm(turn: ClientTurn, arg: str) -> Outcome:
    data = booking_data(turn, steps.BOOK_CONFIRM)
    if data is None or "start" not in data or "staff" not in data or arg != token(data):
        return await stale_button(turn)
    assert turn.client is not None
    ctx, tr = turn.ctx, turn.tr
    plan = await plan_for(turn, data)
    if plan is None:
        return await not_found(turn)
    day = parse_day(data["day"])
    assert day is not None
    base = keep(data, "moving", "town", "place")
    now = ctx.clock.now()
    option = await still_free(ctx.session, data["town"], int(data["staff"]), str(data["office"]),
                              plan.kind, from_minutes(int(data["start"])), now,
                              ctx.settings.booking_days, ctx.settings.timezone)
    if option is not None and plan.moving is not None \
            and option.starts_at == plan.moving.starts_at:
        option = None
    taken = tr._("Sorry, someone else just booked this time. Please choose another one.")
    if option is None:
        return await _taken(turn, data, base, day, taken)
    channel = Channel(data.get("channel") or Channel.IN_PERSON.value)
    if channel.value not in await channels(turn, option.office_id, plan):
        # The office's ways to meet changed meanwhile: the person chooses again.
        chosen = {k: v for k, v in data.items() if k not in ("channel", "staff", "office")}
        return await after_time(turn, chosen, option, plan)
    if "offer" in data and not await waitlist.offer_still_held(
            ctx.session, int(data["offer"]), turn.client.id, now):
        return offer_gone(turn)  # the hold lapsed and another waiting person tapped it
    try:
        appointment = await store.book(
            ctx.session, client_id=turn.client.id, staff_member_id=option.staff_member_id,
            office_id=option.office_id, kind=plan.kind, channel=channel,
            starts_at=option.starts_at, duration=option.duration, now=now,
            interpreter_language=data.get("interp") or None,
            # Moving holds the old appointment until the new one is safe.
            max_open=ctx.settings.max_open_appointments + (1 if plan.moving else 0),
            buffer=await buffer(turn, option.office_id),
            reminder_policy=ctx.settings.reminder_policy)
    except store.SlotTaken:
        return await _taken(turn, data, base, day, taken)
    except store.TooManyAppointments:
        return await start(turn)
    if "offer" in data:  # a time from a waiting-list offer (waitlist/flow.py)
        await waitlist.offer_taken(ctx.session, int(data["offer"]), turn.client.id, now)
    if plan.moving is not None:
        # The notice ran out while the person chose (moving starts only in time): then the
        # old appointment counts as cancelled late, as the case manager should know.
        late = await notice.too_late(turn, plan.moving) is not None
        await store.cancel(ctx.session, plan.moving, by="client", now=now, late=late)
        await waitlist.time_freed(ctx.session, plan.moving.staff_member_id,
                                  plan.moving.office_id, now)
    await tell_case_managers(turn, appointment, plan.moving)
    left_list = await waitlist.end_for_client(ctx.session, turn.client.id, "booked", now)
    ctx.conversation.go(steps.MENU)
    index = await ctx.catalogue.index(ctx.session)
    town = index.towns.get(data["town"])
    replies = confirmation(turn, appointment, index.offices.get(appointment.office_id), town,
                           plan.moving,
                           index.offices.get(plan.moving.office_id) if plan.moving else None)
    if left_list:
        replies.insert(1, turn.reply(tr._("You are no longer on the waiting list.")))
    # The intake fits best right after a first interview is booked (bot.flows.client.intake).
    offer = None if plan.moving is not None else await intake.after_booking(turn, appointment)
    return Outcome([*replies, offer or menu(turn)])


async def _taken(turn: ClientTurn, data: dict, base: dict, day: date, taken: str) -> Outcome:
    """Someone else was faster: the day's other times, or that the offered time has gone."""
    if "offer" in data:
        return offer_gone(turn)
    return await show_times(turn, base, day, notice=taken)


def confirmation(turn: ClientTurn, appointment: Appointment, office: Office | None,
                 town: Town | None, moved_from: Appointment | None = None,
                 old_office: Office | None = None) -> list[Reply]:
    """The confirmation (replacing the check screen) and the calendar files: for a move, a
    cancellation of the old event (at `old_office`) first."""
    tr, now = turn.tr, turn.ctx.clock.now()
    first = appointment.kind == AppointmentKind.FIRST_INTERVIEW.value
    replies = [turn.reply(confirmation_text(tr, appointment, office, first, town, moved_from),
                          edit=True)]
    if moved_from is not None:
        replies.append(Reply(tr._("Your old time, to remove from your calendar"),
                             document=calendar_file(moved_from, old_office,
                                                    event_title(tr, moved_from), now, tr,
                                                    cancel=True), rtl=tr.rtl))
    replies.append(Reply(tr._("Your appointment for your calendar"),
                         document=calendar_file(appointment, office,
                                                event_title(tr, appointment), now, tr),
                         rtl=tr.rtl))
    return replies


async def buffer(turn: ClientTurn, office_id: str) -> timedelta:
    rules = await turn.ctx.session.get(OfficeBookingRules, office_id) or DEFAULT_RULES
    return timedelta(minutes=rules.buffer_minutes)


async def tell_case_managers(turn: ClientTurn, new: Appointment,
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
