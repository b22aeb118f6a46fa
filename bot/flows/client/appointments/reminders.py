"""Reminders before an appointment, in the person's language, and their one-tap answers:
*I will come* confirms (the case manager is told), *Cancel* and *Another time* lead into the
usual cancel and move steps."""

from __future__ import annotations

from datetime import datetime

from bot.catalogue.model import Office
from bot.flows import appointment_notices, notify
from bot.flows.actions import action
from bot.flows.client.booking import state as booking
from bot.flows.client.booking.render import directed, summary_lines
from bot.flows.client.menu import menu
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, Reply, rows
from bot.i18n import Translator, translator
from storage import appointments as store
from storage.models import Appointment, Client, StaffMember


def reminder(client: Client, appointment: Appointment, office: Office | None, now: datetime,
             timezone: str) -> Reply:
    """The reminder message with its three answers."""
    tr = translator(client.language, timezone)
    lines = [_headline(tr, appointment.starts_at, now),
             *summary_lines(tr, appointment.starts_at, appointment.ends_at, office,
                            appointment.interpreter_language, channel=appointment.channel),
             "", tr._("Can you come?")]
    number = str(appointment.id)
    buttons = rows([Button(tr._("I will come"), action("rcome", number))],
                   [Button(tr._("Cancel"), action("acancel", number)),
                    Button(tr._("Another time"), action("amove", number))])
    return Reply(directed(lines, tr), buttons, rtl=tr.rtl)


def _headline(tr: Translator, starts_at: datetime, now: datetime) -> str:
    days = (starts_at.astimezone(tr.tz).date() - now.astimezone(tr.tz).date()).days
    time = tr.time(starts_at)
    if days == 0:
        return "⏰ " + tr._("Reminder: your KIM appointment is today at {time}.", time=time)
    if days == 1:
        return "⏰ " + tr._("Reminder: your KIM appointment is tomorrow at {time}.", time=time)
    return "⏰ " + tr._("Reminder: your KIM appointment is on {date} at {time}.",
                        date=tr.date(starts_at), time=time)


async def will_come(turn: ClientTurn, appointment_id: str) -> Outcome:
    """*I will come*: confirmed once, the case manager told once; pressing again only thanks."""
    appointment = await booking.own_open(turn, appointment_id)
    if appointment is None:
        return await booking.not_found(turn)
    ctx = turn.ctx
    assert turn.client is not None
    if await store.confirm(ctx.session, appointment, ctx.clock.now()):
        member = await ctx.session.get(StaffMember, appointment.staff_member_id)
        if member is not None:
            index = await ctx.catalogue.index(ctx.session)
            notify.to_staff(ctx, member, appointment_notices.confirmed(
                appointment, turn.client, index.office_name(appointment.office_id),
                ctx.settings.timezone))
    tr = turn.tr
    thanks = tr._("Thank you! See you on {date} at {time}.", date=tr.date(appointment.starts_at),
                  time=tr.time(appointment.starts_at))
    return Outcome([turn.reply(thanks), menu(turn)], notice=thanks)
