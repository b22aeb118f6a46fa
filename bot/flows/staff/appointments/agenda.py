"""/heute and /morgen: a case manager's own appointments of one local day, with buttons to
mark them attended or missed (once started) or to cancel them (before)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.flows.actions import action
from bot.flows.appointment_notices import STATUS_LABELS
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply
from bot.flows.staff import audit_trail
from bot.flows.staff.appointments.lines import day_line
from bot.flows.staff.local_days import day_bounds, day_de, hhmm, local_date
from storage.models import OPEN_STATUSES, Appointment, Client, StaffMember
from storage.staff_agenda import appointments_between

RELATIVE = {0: "heute", 1: "morgen"}
EMPTY = "Ihre Termine {when}: keine."
HEADER = "Ihre Termine {when}:"
BAD_DAY = "Diese Schaltfläche ist nicht mehr gültig. /heute oder /morgen zeigt Ihre Termine."


async def show_today(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([await day_reply(ctx, member, _today(ctx))])


async def show_tomorrow(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([await day_reply(ctx, member, _today(ctx) + timedelta(days=1))])


async def switch_day(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """The "Heute"/"Morgen" buttons under a list: day offset 0 or 1, nothing else."""
    if arg not in ("0", "1"):
        return Outcome([Reply(BAD_DAY)])
    day = _today(ctx) + timedelta(days=int(arg))
    return Outcome([await day_reply(ctx, member, day, edit=True)])


async def day_reply(ctx: FlowContext, member: StaffMember, day: date,
                    edit: bool = False) -> Reply:
    """The list of `day` for `member` only: staff see their own appointments here."""
    timezone = ctx.settings.timezone
    start, end = day_bounds(day, timezone)
    found = await appointments_between(ctx.session, member.id, start, end)
    when = _when(ctx, day)
    if not found:
        return Reply(EMPTY.format(when=when), _navigation(), edit=edit)
    audit_trail.seen(ctx, member, (client.id for _, client in found), "appointments.day")
    lines = [HEADER.format(when=when)]
    lines += [day_line(appointment, client, timezone) for appointment, client in found]
    buttons = [row for appointment, client in found
               for row in _appointment_buttons(ctx, appointment, client)]
    return Reply("\n".join(lines), (*buttons, *_navigation()), edit=edit)


def _appointment_buttons(ctx: FlowContext, appointment: Appointment,
                         client: Client) -> list[tuple[Button, ...]]:
    if appointment.status not in OPEN_STATUSES:
        return []
    label = f"{hhmm(appointment.starts_at, ctx.settings.timezone)} {_short(client)}"
    arg = str(appointment.id)
    if appointment.starts_at <= ctx.clock.now():
        return [(Button(f"✅ {label} {STATUS_LABELS['attended']}", action("attended", arg)),
                 Button(f"🚫 {STATUS_LABELS['missed']}", action("missed", arg)))]
    return [(Button(f"{label} absagen", action("cancel", arg)),)]


def _short(client: Client) -> str:
    name = client.alias or f"Nr. {client.id}"
    return name if len(name) <= 20 else name[:19] + "…"


def _navigation() -> tuple[tuple[Button, ...], ...]:
    return ((Button("Heute", action("day", "0")), Button("Morgen", action("day", "1"))),)


def _today(ctx: FlowContext) -> date:
    return local_date(ctx.clock.now(), ctx.settings.timezone)


def _when(ctx: FlowContext, day: date) -> str:
    relative = RELATIVE.get((day - _today(ctx)).days)
    return f"{relative}, {day_de(day)}" if relative else f"am {day_de(day)}"
