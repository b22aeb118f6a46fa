"""Who may open which intake. Ids in buttons can be forged, so every handler loads an intake
through these checks, and an intake someone may not see is answered exactly like one that does
not exist.

- the case manager it is assigned to;
- coordination and admin of its Kreis (a member without a Kreis: every Kreis).
Drafts and withdrawn intakes are nobody's on the staff side.
"""

from __future__ import annotations

from bot.flows.context import FlowContext
from storage import intakes as store
from storage.models import Intake, IntakeStatus, StaffMember, StaffRole

COORDINATING = frozenset({StaffRole.COORDINATION.value, StaffRole.ADMIN.value})
NOT_FOUND = ("Diese Anfrage gibt es nicht (mehr), oder sie ist nicht für Sie freigegeben. "
             "Es wurde nichts geändert.")


def coordinates(member: StaffMember, intake: Intake) -> bool:
    """Coordination or admin of the intake's Kreis."""
    return member.role in COORDINATING and member.region_id in (None, intake.region_id)


def may_open(member: StaffMember, intake: Intake) -> bool:
    if coordinates(member, intake):
        return True
    return intake.status == IntakeStatus.ASSIGNED.value and intake.assigned_staff_id == member.id


def parse_id(arg: str) -> int | None:
    return int(arg) if arg.isascii() and arg.isdigit() and len(arg) <= 12 else None


async def openable(ctx: FlowContext, member: StaffMember, arg: str) -> Intake | None:
    intake_id = parse_id(arg)
    intake = await store.sent(ctx.session, intake_id) if intake_id is not None else None
    return intake if intake is not None and may_open(member, intake) else None


async def clearable(ctx: FlowContext, member: StaffMember, arg: str) -> Intake | None:
    intake_id = parse_id(arg)
    intake = await store.sent(ctx.session, intake_id) if intake_id is not None else None
    return intake if intake is not None and coordinates(member, intake) else None
