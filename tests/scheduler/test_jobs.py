"""The scheduler runs the digest and after-appointment jobs (their rules are tested with the
jobs themselves)."""

from __future__ import annotations

from bot.flows.context import FlowSettings
from scheduler.digests import send_due_digests
from scheduler.outcome_questions import ask_after_appointments
from scheduler.runner import add_digest_jobs, build_scheduler


async def test_the_scheduler_runs_both_jobs_every_minute(sqlite_db, clock):
    scheduler = build_scheduler(sqlite_db, clock)
    add_digest_jobs(scheduler, sqlite_db, clock, FlowSettings(timezone="Europe/Vienna"))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["digests"].func is send_due_digests
    assert jobs["outcome_questions"].func is ask_after_appointments
    for job_id in ("digests", "outcome_questions"):
        assert jobs[job_id].args == (sqlite_db, clock, "Europe/Vienna")
        assert jobs[job_id].trigger.interval.total_seconds() == 60
