"""Messages to a client that the staff side causes (a case manager cancelled), in the
person's own language, sent through the outbox."""

from __future__ import annotations

from bot.flows import notify
from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, rows
from bot.i18n import translator
from storage.models import Appointment, Client


def cancelled_by_team(ctx: FlowContext, client: Client, appointment: Appointment) -> bool:
    """Tell the person their appointment was cancelled by the team, with a button to book
    again; False if they have no chat (booked by phone: the case manager calls them)."""
    tr = translator(client.language, ctx.settings.timezone)
    text = tr._("Sorry, the KIM team had to cancel your appointment on {date} at {time}. "
                "Please choose a new time.", date=tr.date(appointment.starts_at),
                time=tr.time(appointment.starts_at))
    buttons = rows([Button(tr._("Book an appointment"), action("book"))])
    return notify.to_client(ctx, client, text, tr.rtl, buttons)


def moved_by_team(ctx: FlowContext, client: Client, appointment: Appointment) -> bool:
    """Tell the person the appointment did not take place and is to be moved, with a button to
    choose a new time; False if they have no chat (the case manager calls them)."""
    tr = translator(client.language, ctx.settings.timezone)
    text = tr._("Your appointment on {date} at {time} is moved. Please choose a new time.",
                date=tr.date(appointment.starts_at), time=tr.time(appointment.starts_at))
    buttons = rows([Button(tr._("Book an appointment"), action("book"))])
    return notify.to_client(ctx, client, text, tr.rtl, buttons)


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
    return notify.to_client(ctx, client, text, tr.rtl, buttons)
