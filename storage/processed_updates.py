"""Webhook updates already handled, per bot: Telegram sends an update again when it got no
2xx, and an instance may have died after committing but before answering. Callers own the
transaction (the flow's own, so "handled" and the flow's changes commit together)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatSendPace, ProcessedUpdate

# Telegram stops sending an update again about 23 hours after the first try.
KEEP = timedelta(hours=24)


def _claim_statement(insert):  # type: ignore[no-untyped-def]
    return (insert(ProcessedUpdate)
            .values(bot=bindparam("bot"), update_id=bindparam("update_id"),
                    expires_at=bindparam("expires_at"))
            .on_conflict_do_nothing(index_elements=["bot", "update_id"]))


# Built once: this runs for every webhook update, and building the statement (and its cache
# key) cost more than running it.
_CLAIM = {"postgresql": _claim_statement(pg_insert), "sqlite": _claim_statement(sqlite_insert)}
_OWED = (select(ProcessedUpdate.pending, ProcessedUpdate.started)
         .where(ProcessedUpdate.bot == bindparam("bot"),
                ProcessedUpdate.update_id == bindparam("update_id")))


async def claim(session: AsyncSession, bot: str, update_id: int,
                now: datetime) -> tuple[bool, list[dict[str, Any]] | None, int]:
    """Record the update as handled. Returns (True, None, 0) the first time; for an update
    seen before (False, the replies of its answer if it had several, how many have started)."""
    params = {"bot": bot, "update_id": update_id}
    # On the connection, not the session: the session would take an INSERT with parameters
    # for an ORM bulk insert, whose result has no rowcount.
    connection = await session.connection()
    inserted = await connection.execute(_CLAIM[session.bind.dialect.name],
                                        {**params, "expires_at": now + KEEP})
    if inserted.rowcount:
        return True, None, 0
    row = (await connection.execute(_OWED, params)).first()
    return (False, None, 0) if row is None else (False, row.pending, row.started)


async def keep_replies(session: AsyncSession, bot: str, update_id: int,
                       replies: list[dict[str, Any]]) -> None:
    """An answer of several messages: keep them all, the first counted as started."""
    await session.execute(update(ProcessedUpdate)
                          .where(ProcessedUpdate.bot == bot,
                                 ProcessedUpdate.update_id == update_id)
                          .values(pending=replies, started=1))


async def start_reply(session: AsyncSession, bot: str, update_id: int, index: int,
                      last: bool) -> bool:
    """Count reply `index` as started, unless somebody else has: True means send it now. Of
    two instances sending the rest of one answer (a slow one, and the one Telegram sent the
    update to again), exactly one gets each reply. With the last one the texts are dropped."""
    values: dict[str, Any] = {"started": index + 1}
    if last:
        values["pending"] = None
    result = await session.execute(update(ProcessedUpdate)
                                   .where(ProcessedUpdate.bot == bot,
                                          ProcessedUpdate.update_id == update_id,
                                          ProcessedUpdate.started == index)
                                   .values(**values))
    return bool(result.rowcount)


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Forget updates Telegram no longer sends, and chats' send times long past."""
    result = await session.execute(delete(ProcessedUpdate)
                                   .where(ProcessedUpdate.expires_at <= now))
    await session.execute(delete(ChatSendPace)
                          .where(ChatSendPace.next_at <= now - timedelta(minutes=5)))
    return result.rowcount or 0
