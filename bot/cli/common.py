"""What every `kimbot` command group shares: the settings, logging, and running async work on
the configured database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click
from pydantic import ValidationError

from bot.config import Settings
from storage.db import Database, DatabaseNotMigrated

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def load_settings() -> Settings:
    """The settings from the environment; a configuration problem is a clean command-line
    error."""
    try:
        return Settings()
    except ValidationError as exc:
        messages = "; ".join(err["msg"] for err in exc.errors())
        raise click.ClickException(f"configuration: {messages}") from exc


# Libraries whose logs would carry secrets or message texts below the given level: httpx logs
# every request URL (which contains the bot token) at INFO; python-telegram-bot and aiogram log
# the token URL, call parameters and received updates (people's texts) at DEBUG.
LIBRARY_FLOORS = {
    "httpx": logging.WARNING, "httpcore": logging.WARNING, "aiohttp.access": logging.WARNING,
    "aiohttp.client": logging.WARNING, "apscheduler": logging.WARNING,
    "telegram": logging.INFO, "aiogram": logging.INFO,
}


def configure_logging(level: str, log_format: str = "text",
                      settings: Settings | None = None) -> None:
    """Log at `level`, but never let a library log tokens or message texts, whatever the level.
    `log_format` "json" writes one JSON object per line, with every secret of `settings`
    replaced (bot/log_format.py)."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise click.ClickException(f"unknown log level {level!r}")
    logging.basicConfig(level=numeric, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    root.setLevel(numeric)
    if log_format == "json":
        from bot.log_format import JsonFormatter

        formatter = JsonFormatter(secrets_of(settings) if settings else ())
        for handler in root.handlers:
            handler.setFormatter(formatter)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, numeric))


def secrets_of(settings: Settings) -> list[str]:
    """Everything in the settings that must never appear in a log."""
    from sqlalchemy.engine import make_url

    found = [secret.get_secret_value() for secret in
             (settings.client_token, settings.staff_token, settings.webhook_secret) if secret]
    password = make_url(settings.database_url).password
    if password:
        found.append(str(password))
    return found


def on_database(settings: Settings, work: Callable[[Database], Awaitable[T]],
                errors: tuple[type[Exception], ...] = ()) -> T:
    """Run `work` on the configured database once it is migrated; an unmigrated database and
    the `errors` given become clean command-line errors."""

    async def run() -> T:
        database = Database(settings.database_url)
        try:
            await database.check_migrated()
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except (DatabaseNotMigrated, *errors) as exc:
        raise click.ClickException(str(exc)) from None


def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction on the configured, migrated database; a SetupError
    becomes a clean command-line error and nothing is written."""
    from bot.appointments.setup import SetupError

    async def transact(database: Database) -> T:
        async with database.transaction() as session:
            return await work(session)

    return on_database(settings, transact, (SetupError,))
