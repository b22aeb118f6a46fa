"""Webhook updates already handled, per bot: Telegram sends an update again when it got no
2xx, and an instance may have died after committing but before answering. Callers own the
transaction (the flow's own, so "handled" and the flow's changes commit together)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatSendPace, ProcessedUpdate

# Telegram stops sending an update again about 23 hours after the first try.
KEEP = timedelta(hours=24)


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def claim(session: AsyncSession, bot: str, update_id: int,
                now: datetime) -> tuple[bool, list[dict[str, Any]] | None]:
    """Record the update as handled. Returns (True, None) the first time; for an update seen
    before (False, the replies still owed for it, or None)."""
    inserted = await session.execute(
        _insert(session)(ProcessedUpdate)
        .values(bot=bot, update_id=update_id, expires_at=now + KEEP)
        .on_conflict_do_nothing(index_elements=["bot", "update_id"]))
    if inserted.rowcount:
        return True, None
    pending = await session.scalar(select(ProcessedUpdate.pending).where(
        ProcessedUpdate.bot == bot, ProcessedUpdate.update_id == update_id))
    return False, pending


async def set_pending(session: AsyncSession, bot: str, update_id: int,
                      pending: list[dict[str, Any]] | None) -> None:
    """The replies of this update not yet started; None once the last one is on its way."""
    await session.execute(update(ProcessedUpdate)
                          .where(ProcessedUpdate.bot == bot,
                                 ProcessedUpdate.update_id == update_id)
                          .values(pending=pending or None))


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Forget updates Telegram no longer sends, and chats' send times long past."""
    result = await session.execute(delete(ProcessedUpdate)
                                   .where(ProcessedUpdate.expires_at <= now))
    await session.execute(delete(ChatSendPace)
                          .where(ChatSendPace.next_at <= now - timedelta(minutes=5)))
    return result.rowcount or 0
