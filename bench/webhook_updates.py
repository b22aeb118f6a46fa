"""Updates per second in webhook mode, next to a bare python-telegram-bot webhook echo bot; and
one against two kimbot instances (processes behind nginx) on PostgreSQL.

The local Bot API-compatible server plays Telegram: it posts each update to the webhook with the
secret header, one per chat at a time, and the bots answer through its Bot API.

- echo: a bare python-telegram-bot Application without an Updater behind a minimal aiohttp
  server (python-telegram-bot's own "custom webhook" pattern): each POST is fed to
  `Application.process_update`, which answers the text with one sendMessage.
- kimbot: the real system in webhook mode (`bot.app.System`: both bots, the web server with the
  secret check, the flow engine, the database, the update ledger), in this process like the echo
  bot, the scheduler off (as in bench.updates_per_second).

Both run alternately `--repeat` times on the same load, and the ratio is taken per pair of
runs: the target is at least 0.6 in every pair, not only in the median.

    python -m bench.webhook_updates [--users 50] [--rounds 20] [--repeat 5] [--database-url URL]
    python -m bench.webhook_updates --instances 1 --database-url postgresql://...  # processes
    python -m bench.webhook_updates --instances 2 --database-url postgresql://...
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bench.load import (
    TOKEN,
    WORKLOAD,
    Result,
    drive,
    echo_text,
    median,
    onboard,
    options,
    people,
)
from bot.app import System
from bot.cli.webhook import call
from bot.config import Settings
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import SimUser
from storage.migrate import upgrade_async

CLIENT_TOKEN, STAFF_TOKEN = TOKEN, "4343:bench-staff"  # drive() sends with TOKEN
SECRET = "bench-secret-0123456789abcdefghij"
ROOT = Path(__file__).parents[1]
TARGET = 0.6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def telegram() -> SandboxServer:
    server = SandboxServer()
    server.add_bot(CLIENT_TOKEN, "bench_bot", "Bench", role="client")
    server.add_bot(STAFF_TOKEN, "bench_staff_bot", "Bench Staff", role="staff")
    return server


async def register(server: SandboxServer, base: str) -> None:
    for token, path in ((CLIENT_TOKEN, "client"), (STAFF_TOKEN, "staff")):
        await call(server.url, token, "setWebhook", {"url": f"{base}/telegram/{path}",
                                                      "secret_token": SECRET,
                                                      "allowed_updates": ["message",
                                                                          "callback_query"]})


# ------------------------------------------------------------------------ the echo bot

@contextlib.asynccontextmanager
async def echo_bot(api_url: str) -> AsyncIterator[str]:
    app: Application = (ApplicationBuilder().token(CLIENT_TOKEN).base_url(f"{api_url}/bot")
                        .updater(None).concurrent_updates(True).build())
    app.add_handler(MessageHandler(filters.TEXT, echo_text))

    async def webhook(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return web.Response(status=401)
        await app.process_update(Update.de_json(await request.json(), app.bot))
        return web.Response()

    server = web.Application()
    server.router.add_post("/telegram/client", webhook)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with app:
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await runner.cleanup()


async def bench_echo(users: list[SimUser], rounds: int) -> Result:
    server = telegram()
    await server.start()
    try:
        async with echo_bot(server.url) as base:
            await register(server, base)
            await drive(server, users[:1], 2, ("warm-up",))
            seconds = await drive(server, users, rounds, WORKLOAD)
    finally:
        await server.stop()
    return Result("bare PTB webhook echo bot", len(users) * rounds, seconds)


# ------------------------------------------------------------------------- kimbot

def settings(database_url: str, api_url: str, port: int = 0) -> Settings:
    return Settings(_env_file=None, database_url=database_url, client_token=CLIENT_TOKEN,
                    staff_token=STAFF_TOKEN, telegram_api_url=api_url,
                    webhook_url="http://127.0.0.1:1", webhook_secret=SECRET,
                    http_port=port, log_level="WARNING")


async def bench_kimbot(users: list[SimUser], rounds: int, database_url: str) -> Result:
    await upgrade_async(database_url)
    server = telegram()
    await server.start()
    try:
        async with System(settings(database_url, server.url), run_scheduler=False) as system:
            assert system.web is not None
            await register(server, system.web.url)
            await onboard(server, users, CLIENT_TOKEN)
            seconds = await drive(server, users, rounds, WORKLOAD)
    finally:
        await server.stop()
    return Result("kimbot in webhook mode (System, one process)", len(users) * rounds, seconds)


# ------------------------------------------------------- instances as processes

NGINX_CONF = """worker_processes 1; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {d}/b; proxy_temp_path {d}/p;
  fastcgi_temp_path {d}/f; uwsgi_temp_path {d}/u; scgi_temp_path {d}/s;
  upstream kimbot {{ {servers} keepalive 64; }}
  server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://kimbot;
    proxy_http_version 1.1; proxy_set_header Connection ""; }} }} }}
"""


async def healthy(url: str) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


async def bench_instances(users: list[SimUser], rounds: int, database_url: str,
                          count: int) -> Result:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    await upgrade_async(database_url)
    server = telegram()
    await server.start()
    processes: list[asyncio.subprocess.Process] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            ports = [free_port() for _ in range(count)]
            env = {**os.environ, "KIMBOT_DATABASE_URL": database_url,
                   "KIMBOT_CLIENT_TOKEN": CLIENT_TOKEN, "KIMBOT_STAFF_TOKEN": STAFF_TOKEN,
                   "KIMBOT_TELEGRAM_API_URL": server.url, "KIMBOT_WEBHOOK_URL": "http://127.0.0.1:1",
                   "KIMBOT_WEBHOOK_SECRET": SECRET, "KIMBOT_LOG_LEVEL": "WARNING"}
            for port in ports:
                processes.append(await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot.cli", "run", cwd=ROOT,
                    env={**env, "KIMBOT_HTTP_PORT": str(port)}))
            for port in ports:
                await healthy(f"http://127.0.0.1:{port}")
            proxy_port = free_port()
            conf = Path(folder) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(
                d=folder, port=proxy_port,
                servers=" ".join(f"server 127.0.0.1:{p};" for p in ports)))
            processes.append(await asyncio.create_subprocess_exec(
                nginx, "-p", folder, "-e", f"{folder}/error.log", "-c", str(conf)))
            await healthy(f"http://127.0.0.1:{proxy_port}")
            await register(server, f"http://127.0.0.1:{proxy_port}")
            await onboard(server, users, CLIENT_TOKEN)
            seconds = await drive(server, users, rounds, WORKLOAD)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                await process.wait()
            await server.stop()
    return Result(f"kimbot, {count} instance(s) as processes behind nginx",
                  len(users) * rounds, seconds)


# --------------------------------------------------------------------------- main

async def fresh_postgres(url: str, name: str) -> str:
    """A new database next to the one in `url` (the benchmark fills it)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(url).set(drivername="postgresql")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin.set(database=name).render_as_string(hide_password=False)


async def main(users: int, rounds: int, repeat: int, database_url: str | None,
               instances: int) -> bool:
    if instances:
        assert database_url, "--instances needs --database-url (PostgreSQL)"
        results = []
        for run in range(repeat):
            url = await fresh_postgres(database_url, f"kimbot_bench_{run}")
            results.append(await bench_instances(people(users, 800000), rounds, url, instances))
        rates = ", ".join(f"{r.rate:.0f}" for r in results)
        print(f"{results[0].name}: median {median(results).rate:.0f} updates/s (runs: {rates})")
        return True
    echoes, kimbots = [], []
    for run in range(repeat):
        echoes.append(await bench_echo(people(users, 500000), rounds))
        with tempfile.TemporaryDirectory() as tmp:
            url = (await fresh_postgres(database_url, f"kimbot_bench_{run}") if database_url
                   else f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
            kimbots.append(await bench_kimbot(people(users, 600000), rounds, url))
    ratios = [k.rate / e.rate for e, k in zip(echoes, kimbots, strict=True)]
    kind = "PostgreSQL" if database_url else "SQLite"
    print(f"\n{'setup':<50}{'median updates/s':>18}  all runs")
    for name, runs in (("bare PTB webhook echo bot", echoes), ("kimbot, webhook mode", kimbots)):
        print(f"{name:<50}{median(runs).rate:>18.0f}  "
              + ", ".join(f"{r.rate:.0f}" for r in runs))
    verdict = "met in every run" if min(ratios) >= TARGET else "MISSED"
    print(f"\nkimbot / echo per run: {', '.join(f'{r:.2f}' for r in ratios)} "
          f"(lowest {min(ratios):.2f}; target >= {TARGET} in every run: {verdict}); "
          f"{users} users x {rounds} messages, database: {kind}")
    return min(ratios) >= TARGET


if __name__ == "__main__":
    parser = options(__doc__, repeat=5)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server whose user may create databases; each run "
                             "gets a fresh kimbot_bench_N database. Default: SQLite files")
    parser.add_argument("--instances", type=int, default=0,
                        help="run kimbot as this many processes behind nginx (needs nginx and "
                             "--database-url) instead of comparing with the echo bot")
    args = parser.parse_args()
    ok = asyncio.run(main(args.users, args.rounds, args.repeat, args.database_url,
                          args.instances))
    sys.exit(0 if ok else 1)
