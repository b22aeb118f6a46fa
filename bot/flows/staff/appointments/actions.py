"""Buttons on one appointment: mark it attended or missed, cancel it (after a confirmation).

The id in the button comes from the chat and can be forged: every handler loads the
appointment only if it belongs to the member who pressed, and answers anything else alike.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.flows.actions import action
from bot.flows.appointment_notices import STATUS_LABELS, bidi_safe, when_de
from bot.flows.client.notices import cancelled_by_team, missed_kindly
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.staff import audit_trail
from bot.flows.staff.appointments.agenda import day_reply
from bot.flows.staff.appointments.lines import client_name, status_de
from bot.flows.staff.local_days import local_date
from storage import waitlist
from storage.appointments import NotCancellable, cancel
from storage.models import OPEN_STATUSES, Appointment, AppointmentStatus, Client, StaffMember
from storage.staff_agenda import NotMarkable, mark_outcome, owned_by_staff

NOT_YOURS = ("Diesen Termin gibt es nicht oder er gehört nicht zu Ihren Terminen. "
             "Es wurde nichts geändert.")
ALREADY = "Dieser Termin ist schon „{status}“. Es wurde nichts geändert."
NOT_STARTED = ("Der Termin hat noch nicht begonnen; erschienen oder nicht erschienen lässt "
               "sich erst ab Beginn vermerken. Es wurde nichts geändert.")
STARTED = ("Der Termin hat schon begonnen und kann nicht mehr abgesagt werden. Bitte vermerken "
           "Sie stattdessen „erschienen“ oder „nicht erschienen“.")
MARKED = "Vermerkt: {status}."
ASK_CANCEL = ("Termin wirklich absagen?\n{when}\n{name}\n\nDie Person wird benachrichtigt, "
              "die Zeit wird wieder frei.")
CANCEL_YES = "Ja, absagen"
CANCEL_NO = "Nein, behalten"
KEPT = "Der Termin bleibt bestehen."
CANCELLED = "Termin abgesagt: {when}, {name}."
TOLD_IN_CHAT = "Die Person wurde im Chat benachrichtigt."
CALL_THEM = "Die Person nutzt den Chat nicht – bitte rufen Sie sie an: Tel. {phone}."
MISSED_TOLD = ("{name} hat im Chat eine freundliche Nachricht mit einem Knopf für einen neuen "
               "Termin bekommen.")
MISSED_CALL = ("{name} nutzt den Chat nicht – wenn Sie mögen, rufen Sie an und bieten einen "
               "neuen Termin an: Tel. {phone}.")
MISSED_NO_CONTACT = ("{name} nutzt den Chat nicht und hat keine Telefonnummer hinterlegt.")
NO_CONTACT = ("Die Person nutzt den Chat nicht und hat keine Telefonnummer hinterlegt – bitte "
              "informieren Sie sie auf anderem Weg.")


async def mark_attended(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return await _mark(ctx, member, arg, AppointmentStatus.ATTENDED)


async def mark_missed(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return await _mark(ctx, member, arg, AppointmentStatus.MISSED)


async def _mark(ctx: FlowContext, member: StaffMember, arg: str,
                outcome: AppointmentStatus) -> Outcome:
    found = await _checked(ctx, member, arg, _not_markable)
    if isinstance(found, Reply):
        return Outcome([found])
    try:
        await mark_outcome(ctx.session, found, outcome, ctx.clock.now())
    except NotMarkable:  # checked above; kept for a status changed under our feet
        return Outcome([Reply(ALREADY.format(status=status_de(found)))])
    audit_trail.seen(ctx, member, [found.client_id], f"appointment.{outcome.value}")
    reply = await _list_of_its_day(ctx, member, found)
    replies = [reply]
    if outcome is AppointmentStatus.MISSED:
        replies.append(Reply(after_missed(ctx, await _client(ctx, found), found)))
    return Outcome(replies, notice=MARKED.format(status=STATUS_LABELS[outcome.value]))


async def ask_cancel(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    found = await _checked(ctx, member, arg, _not_cancellable)
    if isinstance(found, Reply):
        return Outcome([found])
    client = await _client(ctx, found)
    audit_trail.seen(ctx, member, [client.id], "appointment.view")
    text = ASK_CANCEL.format(when=_when(ctx, found), name=client_name(client))
    arg = str(found.id)
    return Outcome([Reply(text, rows([Button(CANCEL_YES, action("cancel_yes", arg)),
                                      Button(CANCEL_NO, action("cancel_no", arg))]))])


async def confirm_cancel(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    found = await _checked(ctx, member, arg, _not_cancellable)
    if isinstance(found, Reply):
        return Outcome([found])
    try:
        await cancel(ctx.session, found, by="staff", now=ctx.clock.now())
    except NotCancellable:
        return Outcome([Reply(ALREADY.format(status=status_de(found)))])
    await waitlist.time_freed(ctx.session, found.staff_member_id, found.office_id,
                              ctx.clock.now())
    client = await _client(ctx, found)
    audit_trail.seen(ctx, member, [client.id], "appointment.cancel")
    lines = [CANCELLED.format(when=_when(ctx, found), name=client_name(client)),
             await _how_told(ctx, client, found)]
    return Outcome([Reply("\n".join(lines), edit=True)])


async def keep(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    appointment = await owned(ctx, member, arg)
    if appointment is None:
        return Outcome([Reply(NOT_YOURS)])
    return Outcome([Reply(KEPT, edit=True)])


async def owned(ctx: FlowContext, member: StaffMember, arg: str) -> Appointment | None:
    """The appointment named by a button, if it is the member's own."""
    if not arg.isdigit() or len(arg) > 12:
        return None
    return await owned_by_staff(ctx.session, int(arg), member.id)


def after_missed(ctx: FlowContext, client: Client, appointment: Appointment) -> str:
    """The person is invited kindly to book again; what the case manager is told about it."""
    name = client_name(client)
    if missed_kindly(ctx, client, appointment):
        return MISSED_TOLD.format(name=name)
    if client.phone:
        return MISSED_CALL.format(name=name, phone=client.phone)
    return MISSED_NO_CONTACT.format(name=name)


async def _how_told(ctx: FlowContext, client: Client, appointment: Appointment) -> str:
    if await cancelled_by_team(ctx, client, appointment):
        return TOLD_IN_CHAT
    return CALL_THEM.format(phone=bidi_safe(client.phone)) if client.phone else NO_CONTACT


Check = Callable[[FlowContext, Appointment], str | None]


async def _checked(ctx: FlowContext, member: StaffMember, arg: str,
                   check: Check) -> Appointment | Reply:
    """The member's own appointment named by `arg` if `check` finds nothing against it;
    otherwise the reply that explains why nothing changes."""
    appointment = await owned(ctx, member, arg)
    if appointment is None:
        return Reply(NOT_YOURS)
    refusal = check(ctx, appointment)
    return Reply(refusal) if refusal is not None else appointment


def _not_open(appointment: Appointment) -> str | None:
    if appointment.status in OPEN_STATUSES:
        return None
    return ALREADY.format(status=status_de(appointment))


def _not_markable(ctx: FlowContext, appointment: Appointment) -> str | None:
    refusal = _not_open(appointment)
    if refusal is None and appointment.starts_at > ctx.clock.now():
        refusal = NOT_STARTED
    return refusal


def _not_cancellable(ctx: FlowContext, appointment: Appointment) -> str | None:
    refusal = _not_open(appointment)
    if refusal is None and appointment.starts_at <= ctx.clock.now():
        refusal = STARTED
    return refusal


async def _client(ctx: FlowContext, appointment: Appointment) -> Client:
    client = await ctx.session.get(Client, appointment.client_id)
    assert client is not None  # a foreign key with ON DELETE CASCADE
    return client


def _when(ctx: FlowContext, appointment: Appointment) -> str:
    return when_de(appointment.starts_at, appointment.ends_at, ctx.settings.timezone)


async def _list_of_its_day(ctx: FlowContext, member: StaffMember,
                           appointment: Appointment) -> Reply:
    day = local_date(appointment.starts_at, ctx.settings.timezone)
    return await day_reply(ctx, member, day, edit=True)
