"""The outbox table: messages for other chats, written with the change they report.

A flow that books an appointment adds the case manager's message here in the same transaction;
`scheduler.outbox` sends it after the commit. So a message exists exactly when its change was
committed, and a crash between commit and sending delays it instead of losing it.

A sender claims a few rows at a time with a random token and a deadline, renews the claim right
before each send, and deletes or reschedules a row only while its token still holds it: a sender
that was slow (Telegram made it wait) cannot send or delete what another sender took over.
"""

from __future__ import annotations

import secrets
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


def new_token() -> str:
    return secrets.token_hex(16)


def _free(now: datetime):  # type: ignore[no-untyped-def]
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now)


async def claim_due(session: AsyncSession, now: datetime, hold: timedelta, token: str,
                    limit: int = 10) -> list[OutboxMessage]:
    """Due messages no other sender holds, now held with `token` until `now + hold`.

    The claim is a conditional UPDATE per row: of two instances racing for a row, the one
    whose update matched nothing leaves it to the other.
    """
    candidates = list(await session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.next_attempt_at <= now, _free(now))
        .order_by(OutboxMessage.id).limit(limit)))
    claimed: list[int] = []
    for message_id in candidates:
        result = await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, _free(now))
            .values(claimed_until=now + hold, claim_token=token,
                    attempts=OutboxMessage.attempts + 1))
        if result.rowcount:
            claimed.append(message_id)
    if not claimed:
        return []
    found = await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                  .order_by(OutboxMessage.id)
                                  .execution_options(populate_existing=True))
    return list(found)


async def renew(session: AsyncSession, message_id: int, token: str, now: datetime,
                hold: timedelta) -> bool:
    """Extend our claim right before sending; False if it ran out and someone else has it."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token,
               OutboxMessage.claimed_until > now)
        .values(claimed_until=now + hold))
    return bool(result.rowcount)


async def done(session: AsyncSession, message_id: int, token: str) -> None:
    await session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id,
                                                      OutboxMessage.claim_token == token))


async def retry_at(session: AsyncSession, message_id: int, token: str, when: datetime) -> None:
    await session.execute(update(OutboxMessage)
                          .where(OutboxMessage.id == message_id,
                                 OutboxMessage.claim_token == token)
                          .values(next_attempt_at=when, claimed_until=None, claim_token=None))


async def forget_chat(session: AsyncSession, bot: str, chat_id: int) -> None:
    """Drop every message waiting for a chat: the person asked for erasure."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.bot == bot,
                                                      OutboxMessage.chat_id == chat_id))


async def pending_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count(OutboxMessage.id))) or 0
