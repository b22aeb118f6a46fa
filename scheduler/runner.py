"""APScheduler as the clock that triggers jobs. The jobs keep their due work in the database,
so a restart loses nothing; APScheduler itself holds no state worth keeping."""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.catalogue.cache import CatalogueCache
from bot.flows.context import FlowSettings
from scheduler.clock import Clock
from scheduler.digests import send_due_digests
from scheduler.jobs import purge_expired_states
from scheduler.outbox import OutboxDispatcher
from scheduler.outcome_questions import ask_after_appointments
from scheduler.reminders import queue_due_reminders
from scheduler.retention import apply_retention
from scheduler.waitlist import offer_freed_times
from storage.db import Database
from storage.retention import RetentionPolicy


def build_scheduler(db: Database, clock: Clock) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(purge_expired_states, "interval", minutes=15, args=[db, clock],
                      id="purge_expired_states", max_instances=1, coalesce=True,
                      next_run_time=clock.now())
    return scheduler


def add_outbox_job(scheduler: AsyncIOScheduler, dispatcher: OutboxDispatcher) -> None:
    """Send what an earlier process left in the outbox, and the retries, every few seconds;
    fresh messages do not wait for this: the engine wakes the dispatcher after its commit."""
    scheduler.add_job(dispatcher.tick, "interval", seconds=5, id="outbox",
                      max_instances=1, coalesce=True)


def add_reminder_job(scheduler: AsyncIOScheduler, db: Database, clock: Clock,
                     catalogue: CatalogueCache, timezone: str,
                     dispatcher: OutboxDispatcher) -> None:
    """Every minute: due reminders become outbox messages, sent at once."""

    async def remind() -> None:
        if await queue_due_reminders(db, clock, catalogue, timezone):
            dispatcher.wake()

    scheduler.add_job(remind, "interval", minutes=1, id="reminders", max_instances=1,
                      coalesce=True, next_run_time=clock.now())


def add_retention_job(scheduler: AsyncIOScheduler, db: Database, clock: Clock,
                      policy: RetentionPolicy, timezone: str) -> None:
    """Every night at 03:15 local time, when nobody is booking."""
    scheduler.add_job(apply_retention, "cron", hour=3, minute=15, timezone=timezone,
                      args=[db, clock, policy], id="retention", max_instances=1,
                      coalesce=True)


def add_digest_jobs(scheduler: AsyncIOScheduler, db: Database, clock: Clock,
                    settings: FlowSettings) -> None:
    """The case manager and coordination digests, and the question after each appointment.
    Both look every minute for what is due in the database, so a digest comes within a minute
    of its time and a question within a minute of the appointment's end."""
    for job, job_id in ((send_due_digests, "digests"),
                        (ask_after_appointments, "outcome_questions")):
        scheduler.add_job(job, "interval", minutes=1, args=[db, clock, settings.timezone],
                          id=job_id, max_instances=1, coalesce=True, next_run_time=clock.now())


def add_waitlist_job(scheduler: AsyncIOScheduler, db: Database, clock: Clock,
                     catalogue: CatalogueCache, settings: FlowSettings,
                     dispatcher: OutboxDispatcher) -> None:
    """Every minute: offers for people waiting where a time became free, and the end of
    entries after 30 days; the messages go out at once."""

    async def offer() -> None:
        if await offer_freed_times(db, clock, catalogue, settings):
            dispatcher.wake()

    scheduler.add_job(offer, "interval", minutes=1, id="waitlist", max_instances=1,
                      coalesce=True, next_run_time=clock.now())
