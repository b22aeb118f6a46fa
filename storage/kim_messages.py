"""Conversations between a person and the KIM team, and their messages. Callers own the
transaction.

A person has at most one open conversation: what they write joins it until staff mark it done.
Texts are kept as written; a file the person sent is passed on through the outbox and only
its kind is recorded here. An erasure deletes everything (the rows hang off the client) and
asks the staff bot to delete the relayed messages Telegram still lets it delete.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.models import Client, KimConversation, KimMessage, OutboxMessage, StaffMember

# Telegram lets a bot delete its own messages for 48 hours.
DELETABLE_FOR = timedelta(hours=48)


async def open_conversation(session: AsyncSession, client_id: int) -> KimConversation | None:
    return await session.scalar(
        select(KimConversation).where(KimConversation.client_id == client_id,
                                      KimConversation.closed_at.is_(None))
        .order_by(KimConversation.id.desc()).limit(1))


def start(session: AsyncSession, client: Client, staff_member_id: int | None,
          region_id: str | None, now: datetime) -> KimConversation:
    conversation = KimConversation(client_id=client.id, staff_member_id=staff_member_id,
                                   region_id=region_id, opened_at=now, last_message_at=now)
    session.add(conversation)
    return conversation


async def add_from_client(session: AsyncSession, conversation: KimConversation,
                          text: str | None, attachment: str | None,
                          now: datetime) -> KimMessage:
    message = KimMessage(conversation_id=conversation.id, from_client=True, text=text,
                         attachment=attachment, at=now)
    session.add(message)
    conversation.last_message_at = now
    if conversation.waiting_since is None:
        conversation.waiting_since = now
    await session.flush()
    return message


async def add_answer(session: AsyncSession, conversation: KimConversation, staff_member_id: int,
                     text: str, template: str | None, now: datetime) -> KimMessage:
    message = KimMessage(conversation_id=conversation.id, from_client=False, text=text,
                         template=template, staff_member_id=staff_member_id, at=now)
    session.add(message)
    conversation.last_message_at = now
    conversation.waiting_since = None  # answered: nobody waits any more
    await session.flush()
    return message


async def sent_from_client_since(session: AsyncSession, client_id: int, since: datetime) -> int:
    """How many messages the person sent since then (the flood cap)."""
    return await session.scalar(
        select(func.count(KimMessage.id))
        .join(KimConversation, KimConversation.id == KimMessage.conversation_id)
        .where(KimConversation.client_id == client_id, KimMessage.from_client.is_(True),
               KimMessage.at > since)) or 0


async def messages(session: AsyncSession, conversation_id: int,
                   last: int | None = None) -> list[KimMessage]:
    query = (select(KimMessage).where(KimMessage.conversation_id == conversation_id)
             .order_by(KimMessage.at.desc(), KimMessage.id.desc()))
    if last is not None:
        query = query.limit(last)
    return list(reversed(list(await session.scalars(query))))


async def of_client(session: AsyncSession, client_id: int) -> list[KimMessage]:
    return list(await session.scalars(
        select(KimMessage)
        .join(KimConversation, KimConversation.id == KimMessage.conversation_id)
        .where(KimConversation.client_id == client_id)
        .order_by(KimMessage.at, KimMessage.id)))


async def by_staff_message(session: AsyncSession, chat_id: int,
                           message_id: int) -> KimConversation | None:
    """The conversation whose relayed message that was (a staff member's reply to it)."""
    return await session.scalar(
        select(KimConversation)
        .join(KimMessage, KimMessage.conversation_id == KimConversation.id)
        .where(KimMessage.staff_chat_id == chat_id, KimMessage.staff_message_id == message_id)
        .limit(1))


async def open_conversations(session: AsyncSession, staff_member_ids: Sequence[int] | None,
                             queue_regions: Sequence[str | None] | None
                             ) -> list[KimConversation]:
    """Open conversations of these members, and those waiting in these regions' queue; the
    longest waiting first, then the answered ones by their last message."""
    wanted = []
    if staff_member_ids:
        wanted.append(KimConversation.staff_member_id.in_(staff_member_ids))
    if queue_regions is not None:
        regions = [r for r in queue_regions if r is not None]
        in_queue = KimConversation.staff_member_id.is_(None)
        wanted.append(in_queue & (KimConversation.region_id.in_(regions)
                                  | KimConversation.region_id.is_(None)))
    if not wanted:
        return []
    found = await session.scalars(
        select(KimConversation).where(KimConversation.closed_at.is_(None), or_(*wanted)))
    return sorted(found, key=lambda c: (c.waiting_since is None,
                                        c.waiting_since or c.last_message_at, c.id))


async def waiting_longer_than(session: AsyncSession, staff_member_id: int | None,
                              region_id: str | None, before: datetime) -> int:
    """Open conversations of a member (or, with None, the region's queue) whose oldest
    unanswered message came before `before`."""
    query = select(func.count(KimConversation.id)).where(
        KimConversation.closed_at.is_(None), KimConversation.waiting_since < before)
    if staff_member_id is not None:
        query = query.where(KimConversation.staff_member_id == staff_member_id)
    else:
        query = query.where(KimConversation.staff_member_id.is_(None),
                            or_(KimConversation.region_id == region_id,
                                KimConversation.region_id.is_(None)))
    return await session.scalar(query) or 0


def close(conversation: KimConversation, now: datetime) -> None:
    conversation.closed_at = now
    conversation.waiting_since = None


async def record_relayed(session: AsyncSession, kim_message_id: int, chat_id: int,
                         message_id: int) -> None:
    """The outbox sent a person's message to a staff chat: remember where, so a reply to it
    is known and an erasure can delete it."""
    await session.execute(update(KimMessage).where(KimMessage.id == kim_message_id)
                          .values(staff_chat_id=chat_id, staff_message_id=message_id))


NOT_DELIVERED = ("⚠️ Gespräch Nr. {id}: Ihre Antwort kam nicht an – die Person hat den Bot "
                 "blockiert. Bitte nehmen Sie auf anderem Weg Kontakt auf (Telefon, Termin).")


async def answer_not_delivered(session: AsyncSession, kim_message_id: int,
                               now: datetime) -> None:
    """Telegram refused an answer because the person blocked the bot: its author hears so."""
    found = await session.execute(
        select(KimMessage.conversation_id, StaffMember.telegram_id)
        .join(StaffMember, StaffMember.id == KimMessage.staff_member_id)
        .where(KimMessage.id == kim_message_id))
    row = found.first()
    if row is not None and row.telegram_id is not None:
        outbox.add(session, bot="staff", chat_id=row.telegram_id,
                   text=NOT_DELIVERED.format(id=row.conversation_id), now=now)


async def forget_client(session: AsyncSession, client_id: int, now: datetime) -> int:
    """Before a person's rows are deleted: drop what still waits to be relayed to staff, and
    queue the deletion of relayed messages Telegram still allows deleting. Returns how many
    deletions were queued."""
    mine = (select(KimMessage.id)
            .join(KimConversation, KimConversation.id == KimMessage.conversation_id)
            .where(KimConversation.client_id == client_id))
    await session.execute(delete(OutboxMessage).where(
        OutboxMessage.kim_message_id.in_(mine.scalar_subquery()),
        OutboxMessage.sending_at.is_(None)))
    relayed = await session.execute(
        select(KimMessage.staff_chat_id, KimMessage.staff_message_id)
        .join(KimConversation, KimConversation.id == KimMessage.conversation_id)
        .where(KimConversation.client_id == client_id,
               KimMessage.staff_message_id.is_not(None), KimMessage.at > now - DELETABLE_FOR))
    queued = 0
    for chat_id, message_id in relayed:
        outbox.delete_later(session, bot="staff", chat_id=chat_id, message_id=message_id,
                            now=now)
        queued += 1
    return queued


async def purge_closed(session: AsyncSession, closed_before: datetime) -> int:
    """Delete conversations (and their texts) closed before then."""
    result = await session.execute(delete(KimConversation).where(
        KimConversation.closed_at.is_not(None), KimConversation.closed_at < closed_before))
    return result.rowcount or 0
