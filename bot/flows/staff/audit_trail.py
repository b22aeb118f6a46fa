"""Writing the access log from the staff flows: one call per screen that shows or changes a
client's data (see storage/audit.py and docs/privacy.md, section 4b)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.flows.context import FlowContext
from storage import audit
from storage.models import StaffMember


def seen(ctx: FlowContext, member: StaffMember, client_ids: Iterable[int], action: str) -> None:
    audit.record(ctx.session, staff_member_id=member.id, client_ids=client_ids, action=action,
                 now=ctx.clock.now())
