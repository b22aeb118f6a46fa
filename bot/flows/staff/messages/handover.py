"""Closing a conversation ("Erledigt") and handing it on ("Weitergeben") to a colleague of the
Kreis or to coordination; coordination assigns conversations nobody has the same way. The new
holder gets the latest messages at once; everything is written to the access log."""

from __future__ import annotations

from sqlalchemy import select

from bot.flows import notify
from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, in_rows
from bot.flows.intake_clearing import coordination_for
from bot.flows.staff import audit_trail
from bot.flows.staff.messages.access import NOT_YOURS, own_conversation
from bot.flows.staff.messages.inbox import open_conversation
from bot.flows.talk import staff_buttons
from storage import kim_messages
from storage.clearing import takes_cases
from storage.models import Client, KimConversation, StaffMember, StaffRole

DONE = ("✅ Gespräch Nr. {id} ist erledigt. Schreibt die Person wieder, beginnt ein neues "
        "Gespräch.")
PICK = "An wen geht Gespräch Nr. {id}?"
TO_QUEUE = "An die Koordination"
HANDED = "↪️ Gespräch Nr. {id} ist jetzt bei {name}."
QUEUED = "↪️ Gespräch Nr. {id} liegt jetzt bei der Koordination."
FOR_YOU = "↪️ Gespräch Nr. {id} wurde an Sie weitergegeben ({by})."
IN_QUEUE = "↪️ Gespräch Nr. {id} wartet auf Zuweisung ({by} hat es an die Koordination gegeben)."
NOBODY = "Es gibt im Kreis niemanden, an den das Gespräch gehen könnte."
MAX_COLLEAGUES = 20


async def done(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    conversation = await own_conversation(ctx, member, arg)
    if conversation is None:
        return Outcome([Reply(NOT_YOURS)])
    kim_messages.close(conversation, ctx.clock.now())
    audit_trail.seen(ctx, member, [conversation.client_id], "messages.done")
    return Outcome([Reply(DONE.format(id=conversation.id))])


async def ask_whom(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    conversation = await own_conversation(ctx, member, arg)
    if conversation is None:
        return Outcome([Reply(NOT_YOURS)])
    buttons = [Button(colleague.display_name,
                      action("km_to", f"{conversation.id}_{colleague.id}"))
               for colleague in await _colleagues(ctx, conversation, member)]
    if conversation.staff_member_id is not None:
        buttons.append(Button(TO_QUEUE, action("km_to", f"{conversation.id}_q")))
    if not buttons:
        return Outcome([Reply(NOBODY)])
    return Outcome([Reply(PICK.format(id=conversation.id), in_rows(buttons, 2))])


async def _colleagues(ctx: FlowContext, conversation: KimConversation,
                      member: StaffMember) -> list[StaffMember]:
    query = select(StaffMember).where(
        StaffMember.active.is_(True), StaffMember.telegram_id.is_not(None),
        StaffMember.role == StaffRole.CASE_MANAGER.value)
    if conversation.region_id is not None:
        query = query.where(StaffMember.region_id == conversation.region_id)
    found = await ctx.session.scalars(query.order_by(StaffMember.display_name))
    return [m for m in found if m.id not in (member.id, conversation.staff_member_id)
            ][:MAX_COLLEAGUES]


async def hand_to(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    raw_id, _, target = arg.partition("_")
    conversation = await own_conversation(ctx, member, raw_id)
    if conversation is None:
        return Outcome([Reply(NOT_YOURS)])
    if target == "q":
        conversation.staff_member_id = None
        for coordinator in await coordination_for(ctx, conversation.region_id):
            if coordinator.id != member.id:
                notify.to_staff(ctx, coordinator, IN_QUEUE.format(
                    id=conversation.id, by=member.display_name), staff_buttons(conversation.id))
        audit_trail.seen(ctx, member, [conversation.client_id], "messages.hand_on")
        return Outcome([Reply(QUEUED.format(id=conversation.id))])
    new = await ctx.session.get(StaffMember, int(target)) if target.isdigit() else None
    allowed = await _colleagues(ctx, conversation, member)
    if new is None or not takes_cases(new) or new.id not in {m.id for m in allowed}:
        return Outcome([Reply(NOT_YOURS)])
    conversation.staff_member_id = new.id
    audit_trail.seen(ctx, member, [conversation.client_id], "messages.hand_on")
    await _brief(ctx, new, conversation, member)
    return Outcome([Reply(HANDED.format(id=conversation.id, name=new.display_name))])


async def _brief(ctx: FlowContext, new: StaffMember, conversation: KimConversation,
                 by: StaffMember) -> None:
    """The new holder gets the conversation as /nachrichten would open it."""
    client = await ctx.session.get(Client, conversation.client_id)
    if client is None:
        return
    view = await open_conversation(ctx, new, str(conversation.id))
    text = FOR_YOU.format(id=conversation.id, by=by.display_name)
    notify.to_staff(ctx, new, f"{text}\n\n{view.replies[0].text}", staff_buttons(conversation.id))
