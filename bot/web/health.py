"""/healthz and the database figures /metrics reads at scrape time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot import metrics
from scheduler.clock import Clock
from storage import outbox
from storage.db import Database
from storage.migrate import head_revision

TIMEOUT = 5.0  # seconds; a database slower than this counts as down


@dataclass(frozen=True)
class Health:
    ok: bool
    body: dict[str, Any]


class HealthCheck:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.expected = head_revision()  # the code's schema, read once

    async def check(self) -> Health:
        """Healthy when the database answers and its schema is the one this code needs."""
        try:
            current = await asyncio.wait_for(self.db.schema_revision(), TIMEOUT)
        except Exception as exc:  # unreachable, refused, timed out: the reason, no details
            return Health(False, {"status": "unavailable", "database": "unreachable",
                                  "error": type(exc).__name__})
        body = {"status": "ok", "database": "ok", "schema": current,
                "expected_schema": self.expected}
        if current != self.expected:
            body.update(status="unavailable", database="schema not current")
            return Health(False, body)
        return Health(True, body)

    async def refresh_outbox_gauges(self) -> None:
        """Backlog and the oldest due message's age, read now; left as they were if the
        database does not answer (the health check says so)."""
        async def read() -> tuple[int, float]:
            async with self.db.transaction() as session:
                return await outbox.backlog(session, self.clock.now())

        try:
            waiting, oldest_age = await asyncio.wait_for(read(), TIMEOUT)
        except Exception:
            return
        metrics.OUTBOX_BACKLOG.set(waiting)
        metrics.OUTBOX_OLDEST_DUE_AGE.set(oldest_age)
