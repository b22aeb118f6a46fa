""""My appointments": the person's upcoming appointments, each with cancel and another time,
within the office's notice rule (notice.py); later, the person is asked to phone instead, and
may still cancel where the office allows it."""

from __future__ import annotations

from bot.catalogue.routing import CatalogueIndex
from bot.flows import appointment_notices, notify
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.appointments import notice
from bot.flows.client.booking import flow as booking_flow
from bot.flows.client.booking import state as booking
from bot.flows.client.booking.render import (
    calendar_file,
    directed,
    event_title,
    summary_lines,
)
from bot.flows.client.menu import back_to_menu, menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, Reply, rows
from storage import appointments as store
from storage import waitlist
from storage.models import Appointment, StaffMember


async def show(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    if turn.client is None:
        text = tr._("You have no appointments. To book one, we must save your data first.")
        return Outcome([turn.reply(text, rows(
            [Button(tr._("Book an appointment"), action("book"))], *back_to_menu(turn)))])
    ctx = turn.ctx
    upcoming = await store.upcoming_for_client(ctx.session, turn.client.id, ctx.clock.now())
    ctx.conversation.go(steps.MENU)
    index = await ctx.catalogue.index(ctx.session)
    waiting = await _waiting(turn, index)
    if not upcoming:
        return Outcome([*waiting, turn.reply(tr._("You have no appointments."), rows(
            [Button(tr._("Book an appointment"), action("book"))], *back_to_menu(turn)))])
    replies = [turn.reply(tr.ngettext("You have {n} appointment:", "You have {n} appointments:",
                                      len(upcoming)))]
    for appointment in upcoming:
        lines = summary_lines(tr, appointment.starts_at, appointment.ends_at,
                              index.offices.get(appointment.office_id),
                              appointment.interpreter_language, channel=appointment.channel)
        buttons = rows([Button(tr._("Cancel"), action("acancel", str(appointment.id))),
                        Button(tr._("Another time"), action("amove", str(appointment.id)))])
        replies.append(turn.reply(directed(lines, tr), buttons))
    replies += waiting
    replies.append(menu(turn))
    return Outcome(replies)


async def _waiting(turn: ClientTurn, index: CatalogueIndex) -> list[Reply]:
    """The person's place on the waiting list, with the way to leave it."""
    assert turn.client is not None
    entry = await waitlist.active_for_client(turn.ctx.session, turn.client.id)
    if entry is None:
        return []
    tr = turn.tr
    town = index.towns[entry.town].name if entry.town in index.towns else entry.town
    text = tr._("You are on the waiting list for {town} until {date}.", town=town,
                date=tr.date(entry.expires_at))
    return [turn.reply(text, rows([Button(tr._("Leave the waiting list"),
                                          action("wl_leave"))]))]


async def _in_notice(turn: ClientTurn, appointment_id: str,
                     moving: bool) -> Appointment | Outcome:
    """The person's open appointment while there is still the notice to cancel or move it
    here; else the answer: not in their list, or too late (phone the office)."""
    appointment = await booking.own_open(turn, appointment_id)
    if appointment is None:
        return await booking.not_found(turn)
    late = await notice.too_late(turn, appointment)
    if late is not None:
        return await notice.late_screen(turn, appointment, late, moving=moving)
    return appointment


async def _confirming(turn: ClientTurn, step: str, appointment_id: str) -> Appointment | Outcome:
    """The appointment a confirming button names, if the conversation is still at `step` for
    that very appointment and it is still the person's and open; else the answer."""
    conversation = turn.ctx.conversation
    if conversation.step != step or str(conversation.data.get("appointment")) != appointment_id:
        return await stale_button(turn)
    appointment = await booking.own_open(turn, appointment_id)
    if appointment is None:
        return await booking.not_found(turn)
    return appointment


async def ask_cancel(turn: ClientTurn, appointment_id: str) -> Outcome:
    appointment = await _in_notice(turn, appointment_id, moving=False)
    if isinstance(appointment, Outcome):
        return appointment
    tr = turn.tr
    turn.ctx.conversation.go(steps.CONFIRM_CANCEL, appointment=appointment.id)
    text = tr._("Do you really want to cancel your appointment on {date} at {time}?",
                date=tr.date(appointment.starts_at), time=tr.time(appointment.starts_at))
    return Outcome([turn.reply(text, rows(
        [Button(tr._("Yes, cancel it"), action("acancelok", str(appointment.id)))],
        [Button(tr._("No, keep it"), action("appointments"))]))])


async def confirm_cancel(turn: ClientTurn, appointment_id: str) -> Outcome:
    appointment = await _confirming(turn, steps.CONFIRM_CANCEL, appointment_id)
    if isinstance(appointment, Outcome):
        return appointment
    late = await notice.too_late(turn, appointment)
    if late is not None and not late.late_cancel:  # the time ran out while they decided
        return await notice.late_screen(turn, appointment, late, moving=False)
    return await _cancel(turn, appointment, late=late is not None)


async def cancel_late(turn: ClientTurn, appointment_id: str) -> Outcome:
    """"Cancel anyway", where the office takes cancellations at short notice."""
    appointment = await _confirming(turn, steps.LATE_CANCEL, appointment_id)
    if isinstance(appointment, Outcome):
        return appointment
    rules = await notice.rules_of(turn, appointment)
    if not rules.late_cancel:
        return await stale_button(turn)
    return await _cancel(turn, appointment, late=await notice.too_late(turn, appointment)
                         is not None)


async def ask_move(turn: ClientTurn, appointment_id: str) -> Outcome:
    """"Another time": the booking steps, while there is still enough notice."""
    appointment = await _in_notice(turn, appointment_id, moving=True)
    if isinstance(appointment, Outcome):
        return appointment
    return await booking_flow.start_moving(turn, appointment_id)


async def _cancel(turn: ClientTurn, appointment: Appointment, late: bool) -> Outcome:
    ctx = turn.ctx
    assert turn.client is not None
    now = ctx.clock.now()
    await store.cancel(ctx.session, appointment, by="client", now=now, late=late)
    await waitlist.time_freed(ctx.session, appointment.staff_member_id, appointment.office_id,
                              now)
    index = await ctx.catalogue.index(ctx.session)
    member = await ctx.session.get(StaffMember, appointment.staff_member_id)
    if member is not None:
        notify.to_staff(ctx, member, appointment_notices.cancelled(
            appointment, turn.client, index.office_name(appointment.office_id),
            ctx.settings.timezone))
    tr = turn.tr
    done = turn.reply(tr._("Your appointment on {date} at {time} is cancelled.",
                           date=tr.date(appointment.starts_at),
                           time=tr.time(appointment.starts_at)), edit=True)
    # Calendar apps that have the event remove it when they open this (METHOD:CANCEL).
    removal = Reply(tr._("To remove it from your calendar"), rtl=tr.rtl,
                    document=calendar_file(appointment, index.offices.get(appointment.office_id),
                                           event_title(tr, appointment), now, tr, cancel=True))
    return Outcome([done, removal, menu(turn)])
