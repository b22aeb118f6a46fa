"""Who may read and answer a conversation: the case manager it is assigned to, and the
coordination (and administration) of its Kreis. Volunteers and partner services never see
messages; a referrer learns only a referral's status."""

from __future__ import annotations

from bot.flows.context import FlowContext
from storage.models import KimConversation, StaffMember, StaffRole

NOT_YOURS = ("Dieses Gespräch ist nicht bei Ihnen (oder nicht mehr offen). Es wurde nichts "
             "geändert. /nachrichten zeigt Ihre offenen Gespräche.")
COORDINATING = frozenset({StaffRole.COORDINATION.value, StaffRole.ADMIN.value})


def coordinates(member: StaffMember, conversation: KimConversation) -> bool:
    return member.role in COORDINATING and (
        member.region_id is None or conversation.region_id in (None, member.region_id))


def may_answer(member: StaffMember, conversation: KimConversation) -> bool:
    return conversation.closed_at is None and (
        conversation.staff_member_id == member.id or coordinates(member, conversation))


async def own_conversation(ctx: FlowContext, member: StaffMember,
                           raw_id: str) -> KimConversation | None:
    """The open conversation a button names, if this member may act on it; None for a
    forged, stale or foreign id."""
    if not raw_id.isdigit() or len(raw_id) > 12:
        return None
    conversation = await ctx.session.get(KimConversation, int(raw_id))
    if conversation is None or not may_answer(member, conversation):
        return None
    return conversation
