"""Free times for a phone booking, computed afresh from what the conversation chose so far.

Nothing about a time is trusted from a button: the day and the start are looked up again
among the options computed now, and the case manager comes from that option.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.appointments.availability import Option, free_options, workplaces_for_town
from bot.flows.context import FlowContext
from bot.flows.staff.local_days import local_date
from storage.models import AppointmentKind


async def options_for(ctx: FlowContext, data: dict[str, Any]) -> list[Option]:
    workplaces = await workplaces_for_town(ctx.session, data["town"])
    return await free_options(ctx.session, workplaces, AppointmentKind(data["kind"]),
                              ctx.clock.now(), days=ctx.settings.booking_days,
                              timezone=ctx.settings.timezone)


def on_day(options: list[Option], day: date, timezone: str) -> list[Option]:
    return [option for option in options if local_date(option.starts_at, timezone) == day]


def starting_at(options: list[Option], start: datetime) -> Option | None:
    return next((option for option in options if option.starts_at == start), None)


def parse_day(arg: str) -> date | None:
    """A day button's YYYYMMDD, or None for anything we did not build."""
    if len(arg) != 8 or not arg.isdigit():
        return None
    try:
        return date(int(arg[:4]), int(arg[4:6]), int(arg[6:]))
    except ValueError:
        return None


def day_arg(day: date) -> str:
    return f"{day:%Y%m%d}"


def start_arg(option: Option) -> str:
    return str(int(option.starts_at.timestamp()))


def parse_start(arg: str) -> datetime | None:
    """A time button's start (seconds since the epoch), or None for anything else."""
    if not arg.isdigit() or len(arg) > 11:
        return None
    return datetime.fromtimestamp(int(arg), UTC)
