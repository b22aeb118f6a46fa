"""The outbox table: messages for other chats, written with the change they report.

A flow that books an appointment adds the case manager's message here in the same transaction;
`scheduler.outbox` sends it after the commit. So a message exists exactly when its change was
committed, and a crash between commit and sending delays it instead of losing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage


def add(session: AsyncSession, *, bot: str, chat_id: int, text: str,
        buttons: Sequence[Sequence[tuple[str, str]]] = (), rtl: bool = False,
        now: datetime) -> OutboxMessage:
    message = OutboxMessage(bot=bot, chat_id=chat_id, text=text,
                            buttons=[[list(button) for button in row] for row in buttons] or None,
                            rtl=rtl, created_at=now, next_attempt_at=now, attempts=0)
    session.add(message)
    return message


async def claim_due(session: AsyncSession, now: datetime, hold: timedelta,
                    limit: int = 50) -> list[OutboxMessage]:
    """Due messages no other sender holds, now held by the caller until `now + hold`.

    The claim is a conditional UPDATE per row: of two instances racing for a row, the one
    whose update matched nothing leaves it to the other.
    """
    candidates = list(await session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
        .order_by(OutboxMessage.id).limit(limit)))
    claimed: list[int] = []
    for message_id in candidates:
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id,
                   or_(OutboxMessage.claimed_until.is_(None),
                       OutboxMessage.claimed_until <= now))
            .values(claimed_until=now + hold, attempts=OutboxMessage.attempts + 1))
        if result.rowcount:
            claimed.append(message_id)
    if not claimed:
        return []
    found = await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                  .order_by(OutboxMessage.id)
                                  .execution_options(populate_existing=True))
    return list(found)


async def done(session: AsyncSession, message_id: int) -> None:
    await session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))


async def retry_at(session: AsyncSession, message_id: int, when: datetime) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                          .values(next_attempt_at=when, claimed_until=None))


async def pending_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count(OutboxMessage.id))) or 0
