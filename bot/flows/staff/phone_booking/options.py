"""Places and free times for a phone booking, computed afresh from what the conversation chose
so far: the places of the town with free times, the ways to meet the chosen place allows, and
its free times.

Nothing about a time is trusted from a button: the day and the start are looked up again
among the options computed now, and the case manager comes from that option.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.appointments.availability import (
    Option,
    free_options,
    office_channels,
    workplaces_for_town,
)
from bot.flows.context import FlowContext
from bot.flows.staff.local_days import local_date
from storage.models import AppointmentKind, CaseManagerWorkplace, Channel

ANY = "any"  # the place choice "every place in the town"


async def places_for(ctx: FlowContext, data: dict[str, Any]) -> list[CaseManagerWorkplace]:
    """The workplaces (a case manager at an office) serving the town that have a free time
    of the chosen kind, in the order the place question lists them."""
    found = []
    for workplace in await workplaces_for_town(ctx.session, data["town"]):
        if await free_options(ctx.session, [workplace], AppointmentKind(data["kind"]),
                              ctx.clock.now(), days=ctx.settings.booking_days,
                              timezone=ctx.settings.timezone):
            found.append(workplace)
    return found


async def chosen_places(ctx: FlowContext, data: dict[str, Any]) -> list[CaseManagerWorkplace]:
    """The chosen place (a workplace id), or every place of the town for "any"."""
    workplaces = await workplaces_for_town(ctx.session, data["town"])
    place = str(data.get("place", ANY))
    return workplaces if place == ANY else [w for w in workplaces if str(w.id) == place]


async def channels_for(ctx: FlowContext, data: dict[str, Any]) -> list[str]:
    """The ways to meet the chosen place offers (for "any": those of at least one place)."""
    kind = AppointmentKind(data["kind"])
    offered: set[str] = set()
    for workplace in await chosen_places(ctx, data):
        offered.update(await office_channels(ctx.session, workplace.office_id, kind))
    return [channel.value for channel in Channel if channel.value in offered]


async def options_for(ctx: FlowContext, data: dict[str, Any]) -> list[Option]:
    """The free times at the chosen place (or any), at offices that allow the chosen way to
    meet."""
    kind = AppointmentKind(data["kind"])
    workplaces = [workplace for workplace in await chosen_places(ctx, data)
                  if "channel" not in data
                  or data["channel"] in await office_channels(ctx.session, workplace.office_id,
                                                              kind)]
    return await free_options(ctx.session, workplaces, kind, ctx.clock.now(),
                              days=ctx.settings.booking_days, timezone=ctx.settings.timezone)


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
