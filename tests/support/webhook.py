"""Shared set-up for tests of webhook mode: a sandbox acting as Telegram, a system whose bots
take their updates from its own web server, and the webhook registered as `kimbot webhook set`
registers it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.app import System
from bot.cli.webhook import call
from bot.config import Settings
from bot.sandbox import SandboxServer
from tests.support.sandbox import CLIENT_TOKEN, STAFF_TOKEN

SECRET = "test-secret-0123456789abcdefghij"
TOKENS = {"client": CLIENT_TOKEN, "staff": STAFF_TOKEN}


def webhook_settings(database_url: str, api_url: str, port: int = 0, **extra) -> Settings:
    values = dict(_env_file=None, database_url=database_url, client_token=CLIENT_TOKEN,
                  staff_token=STAFF_TOKEN, telegram_api_url=api_url,
                  webhook_url="http://127.0.0.1:1", webhook_secret=SECRET,
                  http_host="127.0.0.1", http_port=port, quiet_hours="")
    values.update(extra)
    return Settings(**values)


async def register(server: SandboxServer, base_url: str, secret: str = SECRET) -> None:
    """What `kimbot webhook set` does, for a web server whose port is known only now."""
    for bot, token in TOKENS.items():
        await call(server.url, token, "setWebhook",
                   {"url": f"{base_url}/telegram/{bot}", "secret_token": secret,
                    "allowed_updates": ["message", "callback_query"]})


@contextlib.asynccontextmanager
async def webhook_system(server: SandboxServer, database_url: str, clock=None,
                         **extra) -> AsyncIterator[System]:
    """A system in webhook mode on a free port, its webhooks registered with the sandbox."""
    settings = webhook_settings(database_url, server.url, **extra)
    async with System(settings, clock=clock, run_scheduler=False) as system:
        assert system.web is not None
        await register(server, system.web.url)
        yield system


@contextlib.asynccontextmanager
async def telegram() -> AsyncIterator[SandboxServer]:
    """The sandbox as Telegram for both bots, quick to send again in tests."""
    server = SandboxServer()
    server.add_bot(CLIENT_TOKEN, "kim_client_bot", "KIM", role="client")
    server.add_bot(STAFF_TOKEN, "kim_staff_bot", "KIM Staff", role="staff")
    server.webhook_first_retry = 0.05
    server.webhook_max_retry = 0.2
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def drained(server: SandboxServer, token: str, seconds: float = 10.0) -> bool:
    """Wait until the sandbox has no update of the bot left to deliver (each got its 2xx)."""
    bot = server.bot(token)
    return await bot.updates_changed.wait_until(lambda: not bot.updates, seconds)
