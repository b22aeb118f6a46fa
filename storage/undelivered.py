"""Messages Telegram refused for good (chat not found, bot blocked) or that could not be sent
after every retry: kept with the reason for 30 days, so a notice is never only a log line.
Coordination's digest lists the staff ones of its Kreis; `kimbot outbox status` lists all.
Callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, StaffMember, UndeliveredMessage

KEEP = timedelta(days=30)
SUMMARY = 80  # characters of the message's first line


@dataclass(frozen=True)
class Refused:
    """One refused message as lists show it."""

    at: datetime
    bot: str
    chat_id: int
    staff_name: str | None
    region_id: str | None
    reason: str
    summary: str


def summary_of(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= SUMMARY else first[:SUMMARY - 1] + "…"


async def record(session: AsyncSession, message: OutboxMessage, reason: str,
                 now: datetime) -> UndeliveredMessage:
    member = None
    if message.bot == "staff":
        member = await session.scalar(select(StaffMember.id).where(
            StaffMember.telegram_id == message.chat_id))
    row = UndeliveredMessage(bot=message.bot, chat_id=message.chat_id, staff_member_id=member,
                             reason=reason[:200] or "refused", summary=summary_of(message.text),
                             created_at=now)
    session.add(row)
    return row


async def since(session: AsyncSession, start: datetime, *, bot: str | None = None,
                region_id: str | None = None) -> list[Refused]:
    """Refused messages from `start` on, oldest first; `region_id`: only to staff of that
    Kreis (or without one)."""
    query = (select(UndeliveredMessage, StaffMember.display_name, StaffMember.region_id)
             .outerjoin(StaffMember, StaffMember.id == UndeliveredMessage.staff_member_id)
             .where(UndeliveredMessage.created_at >= start)
             .order_by(UndeliveredMessage.created_at, UndeliveredMessage.id))
    if bot is not None:
        query = query.where(UndeliveredMessage.bot == bot)
    if region_id is not None:
        query = query.where(or_(StaffMember.region_id == region_id,
                                StaffMember.region_id.is_(None)))
    return [Refused(row.created_at, row.bot, row.chat_id, name, region, row.reason, row.summary)
            for row, name, region in await session.execute(query)]


async def forget_old(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(UndeliveredMessage).where(
        UndeliveredMessage.created_at < now - KEEP))
    return result.rowcount or 0


async def outbox_counts(session: AsyncSession, now: datetime) -> dict[str, int]:
    """What waits in the outbox: due now, waiting for a retry or a later time, being sent."""
    rows = await session.execute(select(
        func.count(OutboxMessage.id).filter(OutboxMessage.sending_at.is_not(None)),
        func.count(OutboxMessage.id).filter(OutboxMessage.sending_at.is_(None),
                                            OutboxMessage.next_attempt_at <= now),
        func.count(OutboxMessage.id).filter(OutboxMessage.sending_at.is_(None),
                                            OutboxMessage.next_attempt_at > now)))
    sending, due, later = rows.one()
    return {"due": due or 0, "later": later or 0, "sending": sending or 0}
