"""The nightly retention job: deletes personal data no longer needed (storage/retention.py)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from scheduler.clock import Clock
from storage import retention
from storage.db import Database

log = logging.getLogger(__name__)


async def apply_retention(db: Database, clock: Clock,
                          policy: retention.RetentionPolicy) -> retention.Removed:
    async with db.transaction() as session:
        removed = await retention.apply(session, policy, clock.now())
    # Counts only: which people were removed is exactly what must not be kept.
    log.info("retention: removed %s", ", ".join(f"{n} {what}"
                                                for what, n in asdict(removed).items()))
    return removed
