"""Dispatching 10,000 due reminders against the local Bot API server at 1,000 messages/s.

The server runs in a process of its own (as Telegram would), with 10,000 people registered.
This process seeds 10,000 appointments whose two-hour reminder is due, turns them into outbox
messages with the reminder job, and times the dispatcher sending them with its limit set to
1,000 messages a second. The server then reports what it received, per chat.
Target: at least 90 % of the limit sustained, zero duplicates, zero lost.

    .venv/bin/python -m bench.outbox_dispatch [--reminders 10000] [--rate 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import tempfile
import time
from collections import Counter
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import insert

from bot.catalogue.cache import CatalogueCache
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import SimUser
from scheduler.bot_api_sender import BotApiSender
from scheduler.clock import SystemClock
from scheduler.outbox import OutboxDispatcher, SendLimits
from scheduler.reminders import queue_due_reminders
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import Appointment, Client, Reminder, StaffMember

TOKEN = "4343:bench-reminders"
FIRST_CHAT = 800000


def serve(count: int, pipe: Connection) -> None:
    """The server process: register the people, say where it listens, report on request."""

    async def main() -> None:
        server = SandboxServer()
        server.add_bot(TOKEN, "kim_client_bot", "KIM", role="client")
        for n in range(count):
            server.register_user(TOKEN, SimUser(FIRST_CHAT + n, "Person", "ar"))
        await server.start()
        pipe.send(server.url)
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        received = Counter(chat_id for chat_id, chat in server.bot(TOKEN).chats.items()
                           for message in chat.messages.values() if message.from_bot)
        pipe.send(dict(received))
        await server.stop()

    asyncio.run(main())


async def seed(db: Database, count: int) -> None:
    """`count` people, each with an appointment in 90 minutes booked three hours ago and its
    two-hour reminder due; 100 case managers so the appointments can share times."""
    now = SystemClock().now()
    booked = now - timedelta(hours=3)
    starts = now + timedelta(minutes=90)
    async with db.transaction() as session:
        await session.execute(insert(StaffMember), [
            {"id": n + 1, "telegram_id": 700000 + n, "display_name": f"Case {n}",
             "role": "case_manager", "active": True, "created_at": booked, "towns": []}
            for n in range(100)])
        await session.execute(insert(Client), [
            {"id": n + 1, "telegram_id": FIRST_CHAT + n, "language": "ar", "consent_at": booked,
             "consent_version": "v1", "created_at": booked, "last_seen_at": booked,
             "origin": "telegram"} for n in range(count)])
        await session.execute(insert(Appointment), [
            {"id": n + 1, "client_id": n + 1, "staff_member_id": n % 100 + 1,
             "office_id": "kim-odenthal", "kind": "follow_up", "channel": "phone",
             "starts_at": starts + timedelta(minutes=5 * (n // 100)),
             "ends_at": starts + timedelta(minutes=5 * (n // 100) + 5), "status": "booked",
             "created_at": booked, "updated_at": booked} for n in range(count)])
        await session.execute(insert(Reminder), [
            {"appointment_id": n + 1, "minutes_before": 120,
             "due_at": now - timedelta(minutes=1)} for n in range(count)])


async def run(count: int, rate: float, database_url: str | None) -> None:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(count, child), daemon=True)
    server.start()
    url = parent.recv()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await upgrade_async(db_url)
        db = Database(db_url)
        clock = SystemClock()
        sender = BotApiSender(url, TOKEN)
        try:
            await seed(db, count)
            started = time.perf_counter()
            queued = await queue_due_reminders(db, clock, CatalogueCache(), "Europe/Berlin")
            queue_seconds = time.perf_counter() - started
            dispatcher = OutboxDispatcher(db, clock, {"client": sender},
                                          SendLimits(per_second=rate, per_chat_per_second=1))
            started = time.perf_counter()
            sent = await dispatcher.run_once()
            send_seconds = time.perf_counter() - started
        finally:
            await sender.close()
            await db.dispose()
    parent.send("report")
    received: dict[int, int] = parent.recv()
    server.join(timeout=10)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost = count - len(received)
    sustained = sent / send_seconds
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reminders queued: {queued} in {queue_seconds:.2f} s "
          f"({queued / queue_seconds:,.0f}/s)")
    print(f"sent: {sent} in {send_seconds:.2f} s = {sustained:,.0f} messages/s "
          f"({sustained / rate:.0%} of the {rate:,.0f}/s limit; target >= 90 %)")
    print(f"server received: {sum(received.values())}, duplicates: {duplicates}, "
          f"lost: {lost}")
    print(f"peak memory of the dispatching process (max RSS): {peak_mib:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--database-url", default=None,
                        help="an empty database to use instead of a fresh SQLite file")
    args = parser.parse_args()
    asyncio.run(run(args.reminders, args.rate, args.database_url))


if __name__ == "__main__":
    main()
