"""Updates per second through the full client stack, next to a bare echo bot.

Both bots are python-telegram-bot Applications configured the same way (long polling against
the local Bot API-compatible server, concurrent updates). The echo bot answers each text with
one sendMessage; the full stack runs the real adapter, flow engine and database for every update.
Target: the full stack reaches at least half the echo bot's rate.

    make bench            # or: .venv/bin/python -m bench.updates_per_second --users 50 --rounds 20
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bench.load import TOKEN, WORKLOAD, Result, drive, echo_text, median, onboard, options, people
from bot.flows.engine import FlowEngine
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import SimUser
from bot.telegram.client_bot import ClientBot
from scheduler.clock import SystemClock
from storage.db import Database
from storage.migrate import upgrade_async


def echo_application(api_url: str) -> Application:
    app = (ApplicationBuilder().token(TOKEN).base_url(f"{api_url}/bot")
           .concurrent_updates(True).build())
    app.add_handler(MessageHandler(filters.TEXT, echo_text))
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
        await onboard(server, users)
        seconds = await drive(server, users, rounds, WORKLOAD)
    finally:
        await client.stop()
        await server.stop()
        await db.dispose()
    return Result("kimbot client stack (PTB adapter + flow + database)", len(users) * rounds,
                  seconds)


async def main(users: int, rounds: int, repeat: int, database_url: str | None) -> bool:
    simulated = people(users, 500000)
    echoes, fulls = [], []
    # Alternate the two, so a slow moment of the machine hits both alike; compare medians.
    for _ in range(repeat):
        echoes.append(await bench_echo(simulated, rounds))
        with tempfile.TemporaryDirectory() as tmp:
            url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            fulls.append(await bench_full_stack(simulated, rounds, url))
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
    parser = options(__doc__, repeat=3)
    parser.add_argument("--database-url", default=None,
                        help="default: a fresh SQLite file in a temporary folder")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.rounds, args.repeat, args.database_url))
