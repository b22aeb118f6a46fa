"""The last step of /termin: book the chosen time for the caller.

The time is checked again for the case manager and office the check showed (the button only
names a start; a booking never lands with someone or somewhere else), the person is created
(without Telegram, with the consent given on the phone) and the appointment booked in one
savepoint: if someone else took the time meanwhile, neither is kept and the
member sees fresh times. A booking that lands with a colleague tells the colleague.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.appointments.availability import DEFAULT_RULES, Option, office_channels, still_free
from bot.flows import appointment_notices, notify
from bot.flows.context import FlowContext
from bot.flows.events import Outcome, Reply
from bot.flows.staff import audit_trail, steps
from bot.flows.staff.phone_booking.ask import ask_time
from bot.flows.staff.phone_booking.flow import at_step, wrong_step
from bot.flows.staff.phone_booking.options import parse_start
from storage.appointments import SlotTaken, book
from storage.models import (
    Appointment,
    AppointmentKind,
    Channel,
    Client,
    OfficeBookingRules,
    StaffMember,
)
from storage.repositories import Clients

TAKEN = "Diese Zeit wurde eben vergeben. Bitte wählen Sie eine andere.\n\n"
BOOKED = "✅ Gebucht."
TELL_BY_PHONE = ("Die Person bekommt keine Nachricht vom Bot: bitte nennen Sie ihr Tag, Uhrzeit "
                 "und Ort noch am Telefon.")
COLLEAGUE = "Der Termin liegt bei {name}; sie oder er wurde im Staff-Bot benachrichtigt."
COLLEAGUE_NO_CHAT = ("Der Termin liegt bei {name}, die oder der den Staff-Bot nicht nutzt – "
                     "bitte informieren Sie sie oder ihn selbst.")
BOOKED_BY = "Telefonisch gebucht von: {name}"


async def confirm(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, steps.PHONE_CONFIRM)
    start = parse_start(str(data.get("start", ""))) if data else None
    if data is None or start is None or arg or "staff" not in data or "office" not in data:
        return wrong_step()
    # The time shown, with the case manager and office shown, or nothing: never another.
    kind = AppointmentKind(data["kind"])
    option = await still_free(ctx.session, data["town"], int(data["staff"]), str(data["office"]),
                              kind, start, ctx.clock.now(), ctx.settings.booking_days,
                              ctx.settings.timezone)
    if option is not None and data.get("channel") not in await office_channels(
            ctx.session, option.office_id, kind):
        option = None  # the office's ways to meet changed meanwhile
    try:
        booked = await _book(ctx, member, data, option) if option is not None else None
    except SlotTaken:
        booked = None
    if booked is None:
        without_start = {k: v for k, v in data.items() if k not in ("start", "staff", "office")}
        return Outcome([await ask_time(ctx, without_start, before=TAKEN)])
    client, appointment = booked
    audit_trail.seen(ctx, member, [client.id], "appointment.book_by_phone")
    ctx.conversation.go("")
    return Outcome([Reply(await _report(ctx, member, appointment, client))])


async def _book(ctx: FlowContext, member: StaffMember, data: dict[str, Any],
                option: Option) -> tuple[Client, Appointment]:
    now = ctx.clock.now()
    rules = await ctx.session.get(OfficeBookingRules, option.office_id) or DEFAULT_RULES
    # One savepoint for both: losing the race must not leave a person without appointment.
    async with ctx.session.begin_nested():
        client = await Clients(ctx.session).add_by_phone(
            data["name"], data["phone"], data["language"], ctx.settings.privacy_notice_version,
            now)
        appointment = await book(
            ctx.session, client_id=client.id, staff_member_id=option.staff_member_id,
            office_id=option.office_id, kind=AppointmentKind(data["kind"]),
            channel=Channel(data["channel"]), starts_at=option.starts_at,
            duration=option.duration, now=now,
            interpreter_language=data["language"] if data["interpreter"] else None,
            max_open=ctx.settings.max_open_appointments,
            buffer=timedelta(minutes=rules.buffer_minutes), booked_by_staff_id=member.id,
            reminder_policy=ctx.settings.reminder_policy)
    return client, appointment


async def _report(ctx: FlowContext, member: StaffMember, appointment: Appointment,
                  client: Client) -> str:
    """The member's confirmation; a colleague who got the appointment is told."""
    index = await ctx.catalogue.index(ctx.session)
    office_name = index.office_name(appointment.office_id)
    timezone = ctx.settings.timezone
    lines = [BOOKED, *appointment_notices.details_de(appointment, client, office_name,
                                                     timezone), "", TELL_BY_PHONE]
    if appointment.staff_member_id != member.id:
        colleague = await ctx.session.get(StaffMember, appointment.staff_member_id)
        assert colleague is not None
        text = "\n".join([appointment_notices.booked(appointment, client, office_name, timezone),
                          BOOKED_BY.format(name=member.display_name)])
        told = notify.to_staff(ctx, colleague, text)
        lines.append((COLLEAGUE if told else COLLEAGUE_NO_CHAT).format(
            name=colleague.display_name))
    return "\n".join(lines)
