"""What the booking steps share: what is being booked (`Plan`, from the person's history, never
from button data), the free times and the places that have them, the conversation data the
steps pass on, and the person's own open appointment named by a button."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.appointments.availability import Option, free_options, workplaces_for_town
from bot.catalogue.model import Office
from bot.catalogue.routing import CatalogueIndex
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.menu import back_to_menu
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, rows
from storage import appointments as store
from storage.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    CaseManagerWorkplace,
    Channel,
    StaffMember,
)

DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also accepts "²", which int() refuses
ANY = "any"  # the place choice "any place in the town"
BOOKING_STEPS = frozenset({steps.BOOK_TOWN, steps.BOOK_PLACE, steps.BOOK_DAY, steps.BOOK_TIME,
                           steps.BOOK_CHANNEL, steps.BOOK_PHONE, steps.BOOK_NAME,
                           steps.BOOK_INTERPRETER, steps.BOOK_CONFIRM, steps.WAITLIST_ASK,
                           steps.WAITLIST_INTERPRETER})
# Numbers that tell places apart in "any place" lists and on time buttons.
MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass(frozen=True)
class Plan:
    """What the person is booking: derived from their history, never from button data."""

    kind: AppointmentKind
    channel: Channel
    prefer: int | None  # their own case manager, if they have one
    moving: Appointment | None


@dataclass(frozen=True)
class Place:
    """A case manager at an office who serves the town and has free times."""

    workplace_id: int
    staff_member_id: int
    office_id: str
    office: Office | None
    # Shown when one office has several case managers, so the person can tell them apart.
    staff_name: str | None

    @property
    def key(self) -> str:
        return str(self.workplace_id)

    def label(self) -> str:
        name = self.office.name if self.office else self.office_id
        return f"{name} – {self.staff_name}" if self.staff_name else name


async def plan_for(turn: ClientTurn, data: dict) -> Plan | None:
    """None when the appointment being moved is no longer the person's open appointment."""
    assert turn.client is not None
    if "moving" in data:
        moving = await own_open(turn, str(data["moving"]))
        if moving is None:
            return None
        return Plan(AppointmentKind(moving.kind), Channel(moving.channel),
                    moving.staff_member_id, moving)
    own = await store.last_attended_staff(turn.ctx.session, turn.client.id)
    kind = AppointmentKind.FOLLOW_UP if own is not None else AppointmentKind.FIRST_INTERVIEW
    return Plan(kind, Channel.IN_PERSON, own, None)


async def _workplaces(turn: ClientTurn, town: str,
                      place: str | None) -> list[CaseManagerWorkplace]:
    workplaces = await workplaces_for_town(turn.ctx.session, town)
    if place is None or place == ANY:
        return workplaces
    return [workplace for workplace in workplaces if str(workplace.id) == place]


async def options(turn: ClientTurn, town: str, plan: Plan,
                  place: str | None = ANY) -> list[Option]:
    """The free times in the town, at one place (a workplace id) or at any."""
    ctx = turn.ctx
    found = await free_options(ctx.session, await _workplaces(turn, town, place), plan.kind,
                               ctx.clock.now(), days=ctx.settings.booking_days,
                               timezone=ctx.settings.timezone, prefer=plan.prefer)
    if plan.moving is not None:
        # The old appointment still holds its time: moving by a few minutes is not offered,
        # and the time it frees is not shown as free until it is cancelled.
        found = [o for o in found if o.starts_at != plan.moving.starts_at]
    return found


async def places(turn: ClientTurn, index: CatalogueIndex, town: str,
                 plan: Plan) -> list[Place]:
    """The places in the town with at least one free time, by office name. Kept for the
    rest of this event: a screen asks more than once (the list, the legend, "another place")."""
    key = ("places", town, plan.kind, plan.prefer, plan.moving.id if plan.moving else None)
    found = turn.memo.get(key)
    if not isinstance(found, list):
        found = turn.memo[key] = await _places(turn, index, town, plan)
    return found


async def _places(turn: ClientTurn, index: CatalogueIndex, town: str,
                  plan: Plan) -> list[Place]:
    ctx = turn.ctx
    found: list[Place] = []
    for workplace in await workplaces_for_town(ctx.session, town):
        if await options(turn, town, plan, str(workplace.id)):
            found.append(Place(workplace.id, workplace.staff_member_id, workplace.office_id,
                               index.offices.get(workplace.office_id), None))
    per_office: dict[str, int] = {}
    for place in found:
        per_office[place.office_id] = per_office.get(place.office_id, 0) + 1
    named = []
    for place in found:
        name = None
        if per_office[place.office_id] > 1:
            member = await ctx.session.get(StaffMember, place.staff_member_id)
            name = member.display_name if member is not None else None
        named.append(Place(place.workplace_id, place.staff_member_id, place.office_id,
                           place.office, name))
    return sorted(named, key=lambda p: (p.label(), p.workplace_id))


def marker(index: int) -> str:
    return MARKERS[index] if index < len(MARKERS) else f"({index + 1})"


def booking_data(turn: ClientTurn, *allowed_steps: str) -> dict | None:
    """The booking's data if the chat is in one of `allowed_steps` (any booking step when none
    are named) and the person has agreed; None for a button from an old or other step."""
    step = turn.ctx.conversation.step
    if turn.client is None or step not in (allowed_steps or BOOKING_STEPS):
        return None
    return dict(turn.ctx.conversation.data)


def keep(data: dict, *keys: str) -> dict:
    return {key: data[key] for key in keys if key in data}


def parse_day(text: str) -> date | None:
    if len(text) != 8 or not DIGITS.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def minutes(moment: datetime) -> int:
    """A start time as whole minutes since the epoch: short enough for button data."""
    return int(moment.timestamp()) // 60


def from_minutes(value: int) -> datetime:
    return datetime.fromtimestamp(value * 60, UTC)


def find(found: list[Option], value: int) -> Option | None:
    return next((o for o in found if minutes(o.starts_at) == value), None)


async def own_open(turn: ClientTurn, appointment_id: str) -> Appointment | None:
    """The person's own, still open and upcoming appointment with this id, else None: ids in
    buttons can be forged."""
    if turn.client is None or not DIGITS.fullmatch(appointment_id) or len(appointment_id) > 12:
        return None
    appointment = await store.owned(turn.ctx.session, int(appointment_id), turn.client.id)
    # Once it has started, it can no longer be cancelled or moved here: the case manager
    # records what happened.
    if appointment is None or appointment.status not in OPEN_STATUSES \
            or appointment.starts_at <= turn.ctx.clock.now():
        return None
    return appointment


async def not_found(turn: ClientTurn) -> Outcome:
    notice = turn.tr._("This appointment is not in your list (any more).")
    return Outcome([turn.reply(notice, my_appointments_button(turn))], notice=notice)


def my_appointments_button(turn: ClientTurn) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(turn.tr._("My appointments"), action("appointments"))],
                *back_to_menu(turn))
