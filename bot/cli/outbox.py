"""`kimbot outbox ...`: send what is due now, outside the running system.

For operators (a system that was stopped for a while: send its reminders, then exit) and for
the crash tests, which kill this process in the middle of a batch and start it again.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import click

from bot.cli.common import configure_logging, load_settings
from bot.config import Settings
from bot.flows.events import BotKind

POLL_SECONDS = 0.2  # --wait: how often to look for retries and claims that ran out


@click.group()
def outbox() -> None:
    """Messages the bots send on their own: reminders, notices, digests."""


@outbox.command("send")
@click.option("--wait/--no-wait", default=False, show_default=True,
              help="Keep going until the outbox is empty: wait for retries and for the "
                   "claims of a stopped process to run out.")
def send(wait: bool) -> None:
    """Queue due reminders and send every due message once, with the bots' tokens."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, settings)
    if settings.sandbox:
        raise click.ClickException("set KIMBOT_CLIENT_TOKEN and KIMBOT_STAFF_TOKEN (and "
                                   "KIMBOT_TELEGRAM_API_URL for another Bot API server)")
    sent = asyncio.run(_send(settings, wait))
    click.echo(f"{sent} message(s) sent.")


async def _send(settings: Settings, wait: bool) -> int:
    from bot.catalogue.cache import CatalogueCache
    from scheduler.bot_api_sender import BotApiSender
    from scheduler.clock import SystemClock
    from scheduler.outbox import OutboxDispatcher, SendLimits
    from scheduler.reminders import queue_due_reminders
    from storage import outbox as table
    from storage.db import Database

    assert settings.client_token is not None and settings.staff_token is not None
    db = Database(settings.database_url)
    clock = SystemClock()
    senders = {
        BotKind.CLIENT.value: BotApiSender(settings.telegram_api_url,
                                           settings.client_token.get_secret_value()),
        BotKind.STAFF.value: BotApiSender(settings.telegram_api_url,
                                          settings.staff_token.get_secret_value()),
    }
    dispatcher = OutboxDispatcher(
        db, clock, senders, SendLimits(settings.send_rate, settings.send_rate_per_chat),
        claim=timedelta(seconds=settings.outbox_claim_seconds))
    try:
        await db.check_migrated()
        await queue_due_reminders(db, clock, CatalogueCache(), settings.timezone)
        sent = await dispatcher.run_once()
        while wait:
            async with db.transaction() as session:
                if not await table.pending_count(session):
                    break
            await asyncio.sleep(POLL_SECONDS)
            sent += await dispatcher.run_once()
        return sent
    finally:
        for sender in senders.values():
            await sender.close()
        await db.dispose()
