"""Locks the database holds, so several instances on one PostgreSQL database agree.

- `lock_chat`: one chat's updates are handled one after another, whichever instance got them.
- `try_lock_job`: a periodic job runs in one instance at a time; the others skip that round.

Both are transaction-level advisory locks: released at commit or rollback, and by the server
when an instance dies, so a crash never leaves a chat or a job locked. SQLite needs neither:
one instance per database file (storage/instance_lock.py) and one writer at a time.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


def lock_key(*parts: object) -> int:
    """A signed 64-bit key for pg_advisory_*: a hash of the parts, stable across processes
    (Python's own hash() is salted per process)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _postgres(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "postgresql"


async def lock_chat(session: AsyncSession, bot: str, chat_id: int) -> None:
    """Wait until no other transaction holds this chat, then hold it until this one ends."""
    if _postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                              {"key": lock_key("chat", bot, chat_id)})


async def try_lock_job(session: AsyncSession, job: str) -> bool:
    """Hold the job for this transaction; False if another instance is running it now."""
    if not _postgres(session):
        return True
    return bool(await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                     {"key": lock_key("job", job)}))
