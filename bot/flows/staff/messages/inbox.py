"""/nachrichten: the open conversations a member answers (coordination: also those nobody has
yet), the longest waiting first, and one conversation opened with its latest messages. Every
opening is written to the access log."""

from __future__ import annotations

from sqlalchemy import select

from bot.flows.actions import action
from bot.flows.appointment_notices import language_de
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply
from bot.flows.staff import audit_trail
from bot.flows.staff.local_days import day_de, hhmm, local_date
from bot.flows.staff.messages.access import COORDINATING, NOT_YOURS, own_conversation
from bot.flows.talk import ATTACHMENT_DE, staff_buttons, town_name, waiting_de
from bot.intake.summary_de import isolated, person_de
from storage import kim_messages
from storage.models import Client, KimConversation, StaffMember

MAX_LISTED = 20
SHOWN_MESSAGES = 10
HEAD = "✉️ Offene Gespräche ({count}), am längsten wartend zuerst:"
EMPTY = "✉️ Keine offenen Gespräche. Neue Nachrichten kommen direkt hier an."
MORE = "… und {count} weitere."
UNASSIGNED = "Koordination"


async def command(ctx: FlowContext, member: StaffMember) -> Outcome:
    regions = [member.region_id] if member.role in COORDINATING else None
    found = await kim_messages.open_conversations(ctx.session, [member.id], regions)
    if member.role in COORDINATING and member.region_id is None:
        # Coordination without a Kreis sees every queue.
        found = await _all_open(ctx, member)
    if not found:
        return Outcome([Reply(EMPTY)])
    now = ctx.clock.now()
    lines, buttons = [HEAD.format(count=len(found))], []
    for conversation in found[:MAX_LISTED]:
        client = await ctx.session.get(Client, conversation.client_id)
        if client is None:
            continue
        holder = "" if conversation.staff_member_id == member.id else \
            f" · {await _holder(ctx, conversation)}"
        lines.append(f"• Nr. {conversation.id} · {person_de(client)} · "
                     f"{language_de(client.language)} · "
                     f"{waiting_de(conversation.waiting_since, now)}{holder}")
        buttons.append(Button(f"Öffnen Nr. {conversation.id}",
                              action("km_open", str(conversation.id))))
    if len(found) > MAX_LISTED:
        lines.append(MORE.format(count=len(found) - MAX_LISTED))
    return Outcome([Reply("\n".join(lines), tuple((b,) for b in buttons))])


async def _all_open(ctx: FlowContext, member: StaffMember) -> list[KimConversation]:
    found = await ctx.session.scalars(select(KimConversation.staff_member_id).where(
        KimConversation.closed_at.is_(None)).distinct())
    members = [staff_id for staff_id in found if staff_id is not None]
    return await kim_messages.open_conversations(ctx.session, [member.id, *members], [None])


async def _holder(ctx: FlowContext, conversation: KimConversation) -> str:
    if conversation.staff_member_id is None:
        return UNASSIGNED
    holder = await ctx.session.get(StaffMember, conversation.staff_member_id)
    return holder.display_name if holder else UNASSIGNED


async def open_conversation(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    conversation = await own_conversation(ctx, member, arg)
    client = (await ctx.session.get(Client, conversation.client_id)
              if conversation is not None else None)
    if conversation is None or client is None:
        return Outcome([Reply(NOT_YOURS)])
    audit_trail.seen(ctx, member, [client.id], "messages.open")
    timezone = ctx.settings.timezone
    lines = [f"✉️ Gespräch Nr. {conversation.id} · {person_de(client)} · "
             f"{language_de(client.language)} · {await town_name(ctx, client) or 'Ort unbekannt'}",
             f"Bei: {await _holder(ctx, conversation)} · "
             f"{waiting_de(conversation.waiting_since, ctx.clock.now())}", ""]
    for message in await kim_messages.messages(ctx.session, conversation.id, SHOWN_MESSAGES):
        when = f"{day_de(local_date(message.at, timezone))} {hhmm(message.at, timezone)}"
        who = "Person" if message.from_client else "KIM"
        if message.attachment:
            content = ATTACHMENT_DE.get(message.attachment, message.attachment)
        elif message.from_client:
            content = isolated(message.text or "")
        else:
            content = message.text or ""
        lines.append(f"{when} {who}: {content}")
    return Outcome([Reply("\n".join(lines), staff_buttons(conversation.id))])
