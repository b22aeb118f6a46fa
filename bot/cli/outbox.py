"""`kimbot outbox ...`: send what is due now, outside the running system, and show what waits
and what Telegram refused.

For operators (a system that was stopped for a while: send its reminders, then exit; a case
manager who says she heard nothing) and for the crash tests, which kill this process in the
middle of a batch and start it again.
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


@outbox.command("status")
@click.option("--days", type=click.IntRange(1, 30), default=7, show_default=True,
              help="How far back to list messages Telegram refused.")
def status(days: int) -> None:
    """What waits in the outbox, and every message Telegram refused (chat not found, bot
    blocked) or that was given up after its retries, with the reason."""
    from zoneinfo import ZoneInfo

    from bot.cli.common import on_database
    from scheduler.clock import SystemClock
    from storage import undelivered
    from storage.db import Database

    settings = load_settings()

    async def read(database: Database) -> tuple[dict[str, int], list[undelivered.Refused]]:
        now = SystemClock().now()
        async with database.transaction() as session:
            counts = await undelivered.outbox_counts(session, now)
            refused = await undelivered.since(session, now - timedelta(days=days))
        return counts, refused

    counts, refused = on_database(settings, read)
    click.echo(f"Waiting to be sent: {counts['due'] + counts['later'] + counts['sending']} "
               f"({counts['due']} due now, {counts['later']} waiting for a retry or a later "
               f"time, {counts['sending']} being sent).")
    if not refused:
        click.echo(f"Not delivered in the last {days} days: none.")
        return
    zone = ZoneInfo(settings.timezone)
    click.echo(f"Not delivered in the last {days} days: {len(refused)}")
    for item in refused:
        who = f"{item.bot} chat {item.chat_id}"
        if item.staff_name:
            who += f" ({item.staff_name})"
        click.echo(f"  {item.at.astimezone(zone):%Y-%m-%d %H:%M} {who}: {item.reason} – "
                   f"{item.summary}")
