"""Messages to a client that the staff side causes (a case manager cancelled), in the
person's own language, sent through the outbox.

They wait for the end of the quiet hours, like every message the person did not ask for just
now (waiting-list offers, reminders). A cancelled appointment also comes with its calendar
file (METHOD:CANCEL, the same UID as the file of the booking), so a calendar app that has the
event removes it, as when the person cancels themselves.
"""

from __future__ import annotations

from datetime import datetime

from bot.flows import notify
from bot.flows.actions import action
from bot.flows.client.booking.render import calendar_file, event_title
from bot.flows.context import FlowContext
from bot.flows.events import Button, rows
from bot.i18n import Translator, translator
from storage.models import Appointment, Client
from storage.reminders import quiet_until


async def cancelled_by_team(ctx: FlowContext, client: Client, appointment: Appointment) -> bool:
    """Tell the person their appointment was cancelled by the team, with a button to book
    again and the calendar file that removes it; False if they have no chat (booked by phone:
    the case manager calls them)."""
    tr = translator(client.language, ctx.settings.timezone)
    text = tr._("Sorry, the KIM team had to cancel your appointment on {date} at {time}. "
                "Please choose a new time.", date=tr.date(appointment.starts_at),
                time=tr.time(appointment.starts_at))
    return await _with_removal(ctx, client, appointment, tr, text)


async def moved_by_team(ctx: FlowContext, client: Client, appointment: Appointment) -> bool:
    """Tell the person the appointment did not take place and is to be moved, with a button to
    choose a new time and the calendar file that removes the old one (the new time, once
    booked, comes with its own); False if they have no chat (the case manager calls them)."""
    tr = translator(client.language, ctx.settings.timezone)
    text = tr._("Your appointment on {date} at {time} is moved. Please choose a new time.",
                date=tr.date(appointment.starts_at), time=tr.time(appointment.starts_at))
    return await _with_removal(ctx, client, appointment, tr, text)


def missed_kindly(ctx: FlowContext, client: Client, appointment: Appointment) -> bool:
    """After a missed appointment: a kind word and a button to book again; missing has no
    consequences in KIM, and the message says nothing that sounds like one. False if they
    have no chat (the case manager calls them)."""
    tr = translator(client.language, ctx.settings.timezone)
    text = "\n".join([
        tr._("We missed you at your appointment on {date} at {time}.",
             date=tr.date(appointment.starts_at), time=tr.time(appointment.starts_at)),
        tr._("That can happen. If you still want help, please choose a new time."),
    ])
    buttons = rows([Button(tr._("Book an appointment"), action("book"))])
    return notify.to_client(ctx, client, text, tr.rtl, buttons, not_before=after_quiet(ctx))


def after_quiet(ctx: FlowContext) -> datetime | None:
    """The end of the quiet hours if they are on now, else None (send at once)."""
    return quiet_until(ctx.settings.reminder_policy.quiet, ctx.clock.now(),
                       ctx.settings.timezone)


async def _with_removal(ctx: FlowContext, client: Client, appointment: Appointment,
                        tr: Translator, text: str) -> bool:
    later = after_quiet(ctx)
    buttons = rows([Button(tr._("Book an appointment"), action("book"))])
    if not notify.to_client(ctx, client, text, tr.rtl, buttons, not_before=later):
        return False
    index = await ctx.catalogue.index(ctx.session)
    removal = calendar_file(appointment, index.offices.get(appointment.office_id),
                            event_title(tr, appointment), ctx.clock.now(), tr, cancel=True)
    notify.to_client(ctx, client, tr._("To remove it from your calendar"), tr.rtl,
                     document=removal, not_before=later)
    return True
