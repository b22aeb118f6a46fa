"""The nightly retention job: deletes personal data no longer needed (storage/retention.py)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from scheduler.clock import Clock
from storage import retention
from storage.db import Database
from storage.locks import try_lock_job

log = logging.getLogger(__name__)


async def apply_retention(db: Database, clock: Clock,
                          policy: retention.RetentionPolicy) -> retention.Removed:
    async with db.transaction() as session:
        # Every instance wakes at 03:15; one deletes, the others find it running and skip
        # (deleting the same rows at once could only deadlock).
        if not await try_lock_job(session, "retention"):
            log.info("retention: another instance is running it")
            return retention.Removed()
        removed = await retention.apply(session, policy, clock.now())
    # Counts only: which people were removed is exactly what must not be kept.
    log.info("retention: removed %s", ", ".join(f"{n} {what}"
                                                for what, n in asdict(removed).items()))
    return removed
