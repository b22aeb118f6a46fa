"""Updates per second through the full client stack, next to a bare echo bot.

Both bots are python-telegram-bot Applications configured the same way (long polling against
the local Bot API-compatible server, concurrent updates). The echo bot answers each text with
one sendMessage; the full stack runs the real adapter, flow engine and database for every update.
Target: the full stack reaches at least half the echo bot's rate.

    make bench            # or: .venv/bin/python -m bench.updates_per_second --users 50 --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.flows.engine import FlowEngine
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import SimUser
from bot.telegram.client_bot import ClientBot
from scheduler.clock import SystemClock
from storage.db import Database
from storage.migrate import upgrade_async

TOKEN = "4242:bench-bot"


@dataclass
class Result:
    name: str
    updates: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


# What people do most: open the menu, read help or their data, switch language. Half of these
# change the conversation's step, so half the updates write to the database.
WORKLOAD = ("/menu", "/help", "/language", "/mydata")


async def drive(server: SandboxServer, users: list[SimUser], rounds: int,
                texts: tuple[str, ...]) -> float:
    """Send `rounds` messages from every user (each waits for its answer) and time it all."""

    async def one_user(user: SimUser) -> None:
        for i in range(rounds):
            server.user_sends_text(TOKEN, user, texts[i % len(texts)])
            await server.wait_for(TOKEN, user.id, timeout=60)

    started = time.perf_counter()
    await asyncio.gather(*(one_user(u) for u in users))
    return time.perf_counter() - started


def echo_application(api_url: str) -> Application:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = (ApplicationBuilder().token(TOKEN).base_url(f"{api_url}/bot")
           .concurrent_updates(True).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def run_app(app: Application, body: Callable[[], Awaitable[float]]) -> float:
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10)
        try:
            return await body()
        finally:
            await app.updater.stop()
            await app.stop()


async def bench_echo(users: list[SimUser], rounds: int) -> Result:
    server = SandboxServer()
    server.add_bot(TOKEN, "bench_bot", "Bench", role="client")
    await server.start()
    try:
        app = echo_application(server.url)
        await run_app(app, lambda: drive(server, users[:1], 2, ("warm-up",)))
        seconds = await run_app(app, lambda: drive(server, users, rounds, WORKLOAD))
    finally:
        await server.stop()
    return Result("bare PTB echo bot", len(users) * rounds, seconds)


async def bench_full_stack(users: list[SimUser], rounds: int, database_url: str) -> Result:
    await upgrade_async(database_url)
    db = Database(database_url)
    server = SandboxServer()
    server.add_bot(TOKEN, "bench_bot", "Bench", role="client")
    await server.start()
    client = ClientBot(TOKEN, server.url, FlowEngine(db, SystemClock()))
    try:
        await client.start()
        # Every simulated person has chosen a language and agreed, as a regular user would.
        async def onboard(user: SimUser) -> None:
            server.user_sends_text(TOKEN, user, "/start")
            [hello] = await server.wait_for(TOKEN, user.id, timeout=60)
            server.user_presses(TOKEN, user, hello["message_id"], f"lang:{user.language_code}")
            [_, notice] = await server.wait_for(TOKEN, user.id, count=2, timeout=60)
            server.user_presses(TOKEN, user, notice["message_id"], "consent:yes")
            await server.wait_for(TOKEN, user.id, count=2, timeout=60)

        await asyncio.gather(*(onboard(u) for u in users))
        seconds = await drive(server, users, rounds, WORKLOAD)
    finally:
        await client.stop()
        await server.stop()
        await db.dispose()
    return Result("kimbot client stack (PTB adapter + flow + database)", len(users) * rounds,
                  seconds)


def median(results: list[Result]) -> Result:
    ordered = sorted(results, key=lambda r: r.rate)
    return ordered[len(ordered) // 2]


async def main(users: int, rounds: int, repeat: int, database_url: str | None) -> bool:
    languages = ["ar", "uk", "fa", "de", "ti", "ps", "tr", "ru", "so", "ro"]
    people = [SimUser(500000 + i, f"Bench {i}", languages[i % len(languages)])
              for i in range(users)]
    echoes, fulls = [], []
    # Alternate the two, so a slow moment of the machine hits both alike; compare medians.
    for _ in range(repeat):
        echoes.append(await bench_echo(people, rounds))
        with tempfile.TemporaryDirectory() as tmp:
            url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            fulls.append(await bench_full_stack(people, rounds, url))
        if database_url:
            break  # a given database is not reset between runs
    echo, full = median(echoes), median(fulls)
    ratio = full.rate / echo.rate
    print(f"\n{'setup (median of runs)':<56}{'updates':>9}{'seconds':>10}{'updates/s':>11}"
          f"  all runs, updates/s")
    for result, runs in ((echo, echoes), (full, fulls)):
        all_rates = ", ".join(f"{r.rate:.0f}" for r in runs)
        print(f"{result.name:<56}{result.updates:>9}{result.seconds:>10.2f}{result.rate:>11.1f}"
              f"  {all_rates}")
    db_kind = "PostgreSQL" if database_url and "postgres" in database_url else "SQLite"
    verdict = "met" if ratio >= 0.5 else "MISSED"
    print(f"\nfull stack / echo = {ratio:.2f} (target >= 0.50: {verdict}); "
          f"{users} users x {rounds} messages, {len(fulls)} run(s), database: {db_kind}")
    return ratio >= 0.5


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None,
                        help="default: a fresh SQLite file in a temporary folder")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.rounds, args.repeat, args.database_url))
