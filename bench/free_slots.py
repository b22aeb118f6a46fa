"""Listing free appointment times for 14 days in a Kreis with 100 case managers and 50,000
existing appointments (SQLite by default). Target: median under 20 ms.

Measured: what a person waits for after choosing their town (the case managers serving that
town), and, for comparison, the whole Kreis at once.

    python -m bench.free_slots [--database-url URL] [--runs 50]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.appointments.availability import free_options, workplaces_for_town
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import Appointment, AppointmentKind, CaseManagerWorkplace, Client, StaffMember

MANAGERS, APPOINTMENTS, TOWNS = 100, 50_000, 10
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin
HOURS = ["Mo-Th 08:00-16:00; Fr 08:00-12:00; PH off",
         "Mo-Fr 08:30-12:00,13:00-15:30; PH off", "Tu-Th 09:00-17:00; PH off"]


async def fill(db: Database, rng: random.Random) -> None:
    async with db.transaction() as session:
        await session.execute(insert(StaffMember), [
            {"id": i + 1, "telegram_id": 10_000 + i, "display_name": f"CM {i}",
             "role": "case_manager", "active": True, "created_at": NOW}
            for i in range(MANAGERS)])
        await session.execute(insert(CaseManagerWorkplace), [
            {"staff_member_id": i + 1, "office_id": f"kim-town-{i % TOWNS}",
             "towns": [f"town-{i % TOWNS}"], "working_hours": rng.choice(HOURS),
             "consultation_hours": "Mo 08:00-10:00" if i % 3 == 0 else None}
            for i in range(MANAGERS)])
        await session.execute(insert(Client), [
            {"id": i + 1, "telegram_id": 500_000 + i, "language": "ar", "consent_at": NOW,
             "consent_version": "v1", "created_at": NOW, "last_seen_at": NOW}
            for i in range(5_000)])
        # A year of history and the coming weeks: most appointments lie in the past, and
        # the next 14 days are well booked.
        rows = []
        for n in range(APPOINTMENTS):
            manager = n % MANAGERS + 1
            days = rng.randint(-330, 30)
            start = NOW + timedelta(days=days, hours=rng.randint(1, 7),
                                    minutes=rng.choice([0, 30]))
            rows.append({"client_id": rng.randint(1, 5_000), "staff_member_id": manager,
                         "office_id": f"kim-town-{(manager - 1) % TOWNS}", "kind": "follow_up",
                         "channel": "phone", "starts_at": start,
                         "ends_at": start + timedelta(minutes=30),
                         "status": "booked" if days >= 0 else "attended",
                         "created_at": NOW, "updated_at": NOW})
        for chunk in range(0, len(rows), 5_000):
            await session.execute(insert(Appointment), rows[chunk:chunk + 5_000])


async def measure(db: Database, runs: int, whole_kreis: bool) -> list[float]:
    timings = []
    for run in range(runs):
        started = time.perf_counter()
        async with db.transaction() as session:
            if whole_kreis:
                workplaces = list(await session.scalars(select(CaseManagerWorkplace)))
            else:
                workplaces = await workplaces_for_town(session, f"town-{run % TOWNS}")
            options = await free_options(session, workplaces, AppointmentKind.FIRST_INTERVIEW,
                                         NOW)
        timings.append((time.perf_counter() - started) * 1000)
        assert options, "no free time at all: the data would measure nothing"
    return timings


async def main(database_url: str | None, runs: int) -> None:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'slots.db'}"
        await upgrade_async(url)
        db = Database(url)
        try:
            await fill(db, rng)
            for label, whole in (("one town (10 case managers)", False),
                                 ("whole Kreis (100 case managers)", True)):
                await measure(db, 3, whole)  # warm caches, as a running bot has them
                timings = sorted(await measure(db, runs, whole))
                median = statistics.median(timings)
                print(f"{label:<34} median {median:6.2f} ms  p95 "
                      f"{timings[int(len(timings) * 0.95)]:6.2f} ms")
        finally:
            await db.dispose()
    print(f"{MANAGERS} case managers, {APPOINTMENTS} appointments, 14 days, "
          f"first interviews (60 min); target median < 20 ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.runs))
