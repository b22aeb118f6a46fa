"""APScheduler as the clock that triggers jobs. The jobs keep their due work in the database,
so a restart loses nothing; APScheduler itself holds no state worth keeping."""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.clock import Clock
from scheduler.jobs import purge_expired_states
from storage.db import Database


def build_scheduler(db: Database, clock: Clock) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(purge_expired_states, "interval", minutes=15, args=[db, clock],
                      id="purge_expired_states", max_instances=1, coalesce=True,
                      next_run_time=clock.now())
    return scheduler
