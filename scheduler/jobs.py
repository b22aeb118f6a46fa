"""Work the scheduler triggers. Each job is a plain coroutine, testable with an injected clock."""

from __future__ import annotations

import logging

from scheduler.clock import Clock
from storage import processed_updates
from storage.db import Database
from storage.locks import try_lock_job
from storage.repositories import ConversationStates

log = logging.getLogger(__name__)


async def purge_expired_states(db: Database, clock: Clock) -> int:
    """Delete conversation states past their expiry (the short memory kept before consent),
    webhook updates Telegram no longer sends again, and chats' past send times. One instance
    at a time; the others skip the round (the next comes in 15 minutes)."""
    async with db.transaction() as session:
        if not await try_lock_job(session, "purge"):
            return 0
        removed = await ConversationStates(session).purge_expired(clock.now())
        updates = await processed_updates.purge_expired(session, clock.now())
    if removed:
        log.info("purged %d expired conversation states", removed)
    if updates:
        log.info("forgot %d handled webhook updates", updates)
    return removed
