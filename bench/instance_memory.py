"""The memory of one kimbot instance with 100,000 clients and 20,000 upcoming appointments in
the database. Target: max RSS below 250 MB.

What runs: the local Bot API server (as Telegram) in this process, and `kimbot run` as a process
of its own in webhook mode with its scheduler, on a database seeded with the sample Kreis, 100
case managers, 100,000 clients who agreed, and 20,000 appointments over the next 14 days with
their two reminders each (those due now go out through the outbox). Then 2,000 different
clients write `/mydata` and `/menu` through the webhook, 20 at a time, and the 100 case
managers `/start` and `/heute` to the staff bot, while the jobs run. The
figure is the process's peak resident memory (VmHWM from /proc), read at the end, and its
resident memory right after start.

    python -m bench.instance_memory [--clients 100000] [--appointments 20000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.load import LANGUAGES
from bench.webhook_updates import (
    CLIENT_TOKEN,
    ROOT,
    SECRET,
    STAFF_TOKEN,
    free_port,
    fresh_postgres,
    healthy,
    register,
    telegram,
)
from bot.catalogue.samples import RBK
from bot.sandbox.state import SimUser
from storage.catalogue_io import import_catalogue
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import (
    Appointment,
    CaseManagerWorkplace,
    Client,
    Reminder,
    StaffMember,
)

FIRST_CLIENT = 10_000_000
TOWNS = ["bergisch-gladbach", "burscheid", "kuerten", "leichlingen", "odenthal", "overath",
         "roesrath", "wermelskirchen"]


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


async def seed(url: str, clients: int, appointments: int) -> None:
    now = datetime.now(UTC)
    await import_catalogue(Database(url), [RBK], now)
    db = Database(url)
    rng = random.Random(17)
    try:
        async with db.transaction() as session:
            await session.execute(insert(StaffMember), [
                {"telegram_id": 9_000_000 + n, "display_name": f"Case {n}",
                 "role": "case_manager", "active": True, "created_at": now,
                 "region_id": "rbk", "towns": [TOWNS[n % len(TOWNS)]]} for n in range(100)])
        async with db.transaction() as session:
            staff_ids = sorted((await session.execute(
                StaffMember.__table__.select().with_only_columns(StaffMember.id))).scalars())
            await session.execute(insert(CaseManagerWorkplace), [
                {"staff_member_id": sid, "office_id": "kim-odenthal",
                 "towns": [TOWNS[n % len(TOWNS)]], "working_hours": "Mo-Fr 08:00-16:00"}
                for n, sid in enumerate(staff_ids)])
        for start in range(0, clients, 10_000):
            async with db.transaction() as session:
                await session.execute(insert(Client), [
                    {"telegram_id": FIRST_CLIENT + n, "language": LANGUAGES[n % 10],
                     "alias": f"Person {n}", "origin": "telegram", "consent_at": now,
                     "consent_version": "v1", "created_at": now,
                     "last_seen_at": now - timedelta(days=rng.randint(0, 100))}
                    for n in range(start, min(start + 10_000, clients))])
        for start in range(0, appointments, 5_000):
            rows = []
            for n in range(start, min(start + 5_000, appointments)):
                begins = now + timedelta(minutes=30 + n * (14 * 24 * 60 - 60) // appointments)
                rows.append({"client_id": n + 1, "staff_member_id": staff_ids[n % 100],
                             "office_id": "kim-odenthal", "kind": "follow_up",
                             "channel": "phone", "starts_at": begins,
                             "ends_at": begins + timedelta(minutes=30), "status": "booked",
                             "created_at": now, "updated_at": now})
            async with db.transaction() as session:
                result = await session.execute(insert(Appointment).returning(
                    Appointment.id, Appointment.starts_at), rows)
                made = result.all()
                await session.execute(insert(Reminder), [
                    {"appointment_id": aid, "minutes_before": minutes,
                     "due_at": starts - timedelta(minutes=minutes)}
                    for aid, starts in made for minutes in (1440, 120)])
    finally:
        await db.dispose()


async def main(clients: int, appointments: int, database_url: str | None, writers: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        url = (await fresh_postgres(database_url, "kimbot_bench_memory") if database_url
               else f"sqlite+aiosqlite:///{Path(tmp) / 'memory.db'}")
        await upgrade_async(url)
        started = time.perf_counter()
        await seed(url, clients, appointments)
        print(f"seeded {clients:,} clients and {appointments:,} appointments "
              f"in {time.perf_counter() - started:.0f} s")
        server = telegram()
        await server.start()
        for n in range(clients):  # every client has a chat, so reminders can arrive
            server.register_user(CLIENT_TOKEN, SimUser(FIRST_CLIENT + n, f"P{n}",
                                                       LANGUAGES[n % 10]))
        for n in range(100):  # and every case manager, for digests and questions
            server.register_user(STAFF_TOKEN, SimUser(9_000_000 + n, f"Case {n}", "de"))
        port = free_port()
        env = {**os.environ, "KIMBOT_DATABASE_URL": url, "KIMBOT_CLIENT_TOKEN": CLIENT_TOKEN,
               "KIMBOT_STAFF_TOKEN": STAFF_TOKEN, "KIMBOT_TELEGRAM_API_URL": server.url,
               "KIMBOT_WEBHOOK_URL": "http://127.0.0.1:1", "KIMBOT_WEBHOOK_SECRET": SECRET,
               "KIMBOT_HTTP_PORT": str(port), "KIMBOT_LOG_LEVEL": "WARNING",
               "KIMBOT_QUIET_HOURS": "", "KIMBOT_SEND_RATE": "1000"}
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run",
                                                       cwd=ROOT, env=env)
        try:
            await healthy(f"http://127.0.0.1:{port}")
            await asyncio.sleep(2)
            at_start = kib(process.pid, "VmRSS")
            await register(server, f"http://127.0.0.1:{port}")
            people = [SimUser(FIRST_CLIENT + n, f"P{n}", LANGUAGES[n % 10])
                      for n in random.Random(3).sample(range(clients), writers)]
            queue = list(people)

            async def writer() -> None:
                while queue:
                    person = queue.pop()
                    for text in ("/mydata", "/menu"):
                        server.user_sends_text(CLIENT_TOKEN, person, text)
                        await server.wait_for(CLIENT_TOKEN, person.id, timeout=120)

            async def case_manager(n: int) -> None:
                member = SimUser(9_000_000 + n, f"Case {n}", "de")
                for text in ("/start", "/heute"):
                    server.user_sends_text(STAFF_TOKEN, member, text)
                    await server.wait_for(STAFF_TOKEN, member.id, timeout=120)

            began = time.perf_counter()
            await asyncio.gather(*(writer() for _ in range(20)),
                                 *(case_manager(n) for n in range(100)))
            handled = time.perf_counter() - began
            await asyncio.sleep(10)  # the reminder, digest and question jobs run meanwhile
            peak, now_rss = kib(process.pid, "VmHWM"), kib(process.pid, "VmRSS")
            reminders = server.calls_by_token[CLIENT_TOKEN]["sendMessage"] - 2 * writers
        finally:
            process.terminate()
            await process.wait()
            await server.stop()
    kind = "PostgreSQL" if database_url else "SQLite"
    ok = peak / 1024 < 250
    print(f"database: {kind}; {writers} people and 100 case managers wrote twice in "
          f"{handled:.1f} s; about "
          f"{max(reminders, 0)} reminders went out")
    print(f"RSS after start {at_start / 1024:.0f} MiB, at the end {now_rss / 1024:.0f} MiB, "
          f"max RSS {peak / 1024:.0f} MiB (target < 250 MB: {'met' if ok else 'MISSED'})")
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--appointments", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=2_000)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server whose user may create databases (a fresh "
                             "kimbot_bench_memory database is made); default: a SQLite file")
    args = parser.parse_args()
    sys.exit(0 if asyncio.run(main(args.clients, args.appointments, args.database_url,
                                   args.writers)) else 1)
