"""`kimbot run`: both bots and the scheduler in one process."""

from __future__ import annotations

import asyncio
import logging
import signal

import click

from bot.cli.common import configure_logging, load_settings
from bot.config import Settings
from storage.db import DatabaseNotMigrated

log = logging.getLogger("kimbot")


@click.command()
def run() -> None:
    """Start both bots and the scheduler; without tokens also the local sandbox."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, settings)
    from bot.app import StartupError
    from storage.instance_lock import AnotherInstanceRunning

    try:
        asyncio.run(_run(settings))
    except (DatabaseNotMigrated, StartupError, AnotherInstanceRunning) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        pass


async def _run(settings: Settings) -> None:
    from bot.app import System

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with System(settings) as system:
        if system.sandbox is not None:
            click.echo(f"\nkimbot sandbox is running. Open {system.sandbox.url}/ in a browser.\n"
                       "Stop with Ctrl+C.\n")
        if settings.webhook:
            # Logged, not printed: with KIMBOT_LOG_FORMAT=json every output line is JSON.
            log.info("running in webhook mode on %s:%s; `kimbot webhook set` registers the "
                     "webhook once", settings.http_host,
                     system.web.port if system.web else settings.listen_port)
        await stop.wait()
