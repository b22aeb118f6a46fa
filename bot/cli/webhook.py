"""`kimbot webhook set|info|delete`: register both bots' webhooks once, as a deploy step.

Instances never register or remove the webhook themselves, not even when they stop: one
instance restarting must not unregister the others. Each command talks to the Bot API
(`KIMBOT_TELEGRAM_API_URL`) with the configured tokens and prints what Telegram answered,
never a token.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import click

from bot.cli.common import load_settings
from bot.config import Settings
from bot.telegram.delivery import ALLOWED_UPDATES

BOTS = ("client", "staff")
TIMEOUT = aiohttp.ClientTimeout(total=30)


class BotApiRefused(click.ClickException):
    pass


@click.group()
def webhook() -> None:
    """Telegram's webhooks for both bots (webhook mode, see docs/operations.md)."""


def _tokens(settings: Settings) -> dict[str, str]:
    if settings.sandbox:
        raise click.ClickException("set KIMBOT_CLIENT_TOKEN and KIMBOT_STAFF_TOKEN first")
    assert settings.client_token is not None and settings.staff_token is not None
    return {"client": settings.client_token.get_secret_value(),
            "staff": settings.staff_token.get_secret_value()}


async def call(api_url: str, token: str, method: str, params: dict[str, Any]) -> Any:
    """One Bot API call; its `result`, or BotApiRefused with Telegram's description."""
    url = f"{api_url}/bot{token}/{method}"
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session, \
                session.post(url, json=params) as response:
            answer = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise BotApiRefused(f"{method}: no answer from the Bot API at {api_url} "
                            f"({type(exc).__name__})") from None
    if not isinstance(answer, dict) or not answer.get("ok"):
        description = answer.get("description") if isinstance(answer, dict) else answer
        raise BotApiRefused(f"{method} refused: {str(description).replace(token, '<token>')}")
    return answer.get("result")


def _each(settings: Settings, method: str, params_of) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    tokens = _tokens(settings)

    async def run() -> dict[str, Any]:
        return {bot: await call(settings.telegram_api_url, tokens[bot], method, params_of(bot))
                for bot in BOTS}

    return asyncio.run(run())


@webhook.command("set")
@click.option("--max-connections", type=click.IntRange(1, 100), default=40, show_default=True,
              help="Updates Telegram sends at once, per bot (Telegram allows 1-100).")
@click.option("--drop-pending-updates", is_flag=True,
              help="Forget the updates Telegram holds (after a long outage, say).")
def set_(max_connections: int, drop_pending_updates: bool) -> None:
    """Register KIMBOT_WEBHOOK_URL/telegram/{client,staff} with the secret token and the
    update kinds the bots take."""
    settings = load_settings()
    if not settings.webhook:
        raise click.ClickException("set KIMBOT_WEBHOOK_URL (the public https base URL) and "
                                   "KIMBOT_WEBHOOK_SECRET first")
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()

    def params(bot: str) -> dict[str, Any]:
        return {"url": settings.webhook_endpoint(bot), "secret_token": secret,
                "allowed_updates": list(ALLOWED_UPDATES), "max_connections": max_connections,
                "drop_pending_updates": drop_pending_updates}

    _each(settings, "setWebhook", params)
    for bot in BOTS:
        click.echo(f"{bot} bot: webhook set to {settings.webhook_endpoint(bot)} "
                   f"(updates: {', '.join(ALLOWED_UPDATES)}; at most {max_connections} at once)")


@webhook.command("info")
@click.option("--json", "as_json", is_flag=True, help="Telegram's answers as JSON.")
def info(as_json: bool) -> None:
    """What Telegram has registered for both bots: URL, waiting updates, the last error."""
    settings = load_settings()
    answers = _each(settings, "getWebhookInfo", lambda bot: {})
    if as_json:
        click.echo(json.dumps(answers, indent=2, ensure_ascii=False))
        return
    for bot in BOTS:
        answer = answers[bot] or {}
        url = answer.get("url") or "(none: the bot uses long polling)"
        click.echo(f"{bot} bot: {url}")
        click.echo(f"  waiting updates: {answer.get('pending_update_count', 0)}")
        if answer.get("allowed_updates"):
            click.echo(f"  update kinds: {', '.join(answer['allowed_updates'])}")
        if answer.get("max_connections"):
            click.echo(f"  at most {answer['max_connections']} at once")
        if answer.get("last_error_message"):
            click.echo(f"  last error: {answer['last_error_message']} "
                       f"(at {answer.get('last_error_date', '?')}, Unix time)")
        if settings.webhook and answer.get("url") and \
                answer["url"] != settings.webhook_endpoint(bot):
            click.echo(f"  NOTE: KIMBOT_WEBHOOK_URL gives {settings.webhook_endpoint(bot)}; "
                       "run `kimbot webhook set`")


@webhook.command("delete")
@click.option("--drop-pending-updates", is_flag=True,
              help="Forget the updates Telegram holds.")
def delete(drop_pending_updates: bool) -> None:
    """Remove both webhooks (to go back to long polling: unset KIMBOT_WEBHOOK_URL too)."""
    settings = load_settings()
    _each(settings, "deleteWebhook", lambda bot: {"drop_pending_updates": drop_pending_updates})
    for bot in BOTS:
        click.echo(f"{bot} bot: webhook removed")
