"""Work the scheduler triggers. Each job is a plain coroutine, testable with an injected clock."""

from __future__ import annotations

import logging

from scheduler.clock import Clock
from storage.db import Database
from storage.repositories import ConversationStates

log = logging.getLogger(__name__)


async def purge_expired_states(db: Database, clock: Clock) -> int:
    """Delete conversation states past their expiry: the short memory kept before consent."""
    async with db.transaction() as session:
        removed = await ConversationStates(session).purge_expired(clock.now())
    if removed:
        log.info("purged %d expired conversation states", removed)
    return removed
