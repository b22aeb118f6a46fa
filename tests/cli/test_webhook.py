"""`kimbot webhook set|info|delete` against the local Bot API server, as a deploy step runs it."""

from __future__ import annotations

import asyncio
import os
import sys

from bot.sandbox.state import SimUser
from tests.support.sandbox import CLIENT_TOKEN, STAFF_TOKEN
from tests.support.webhook import SECRET, telegram


async def kimbot(*args: str, **env: str) -> tuple[int, str]:
    environment = {**os.environ, "KIMBOT_CLIENT_TOKEN": CLIENT_TOKEN,
                   "KIMBOT_STAFF_TOKEN": STAFF_TOKEN, "KIMBOT_WEBHOOK_SECRET": SECRET,
                   "KIMBOT_WEBHOOK_URL": "https://kim.example.org/kreis", **env}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_set_info_and_delete_register_both_webhooks_with_secret_and_update_kinds():
    async with telegram() as server:
        code, output = await kimbot("webhook", "set", "--max-connections", "20",
                                    KIMBOT_TELEGRAM_API_URL=server.url)
        assert code == 0, output
        assert "https://kim.example.org/kreis/telegram/client" in output
        for token, path in ((CLIENT_TOKEN, "client"), (STAFF_TOKEN, "staff")):
            pusher = server.webhooks[token]
            assert pusher.config.url == f"https://kim.example.org/kreis/telegram/{path}"
            assert pusher.config.secret == SECRET
            assert pusher.config.allowed_updates == ["message", "callback_query"]
            assert pusher.config.max_connections == 20
        assert CLIENT_TOKEN not in output and SECRET not in output

        server.register_user(CLIENT_TOKEN, SimUser(330001, "Amal", "ar"))
        server.user_sends_text(CLIENT_TOKEN, SimUser(330001, "Amal", "ar"), "/start")
        code, output = await kimbot("webhook", "info", KIMBOT_TELEGRAM_API_URL=server.url)
        assert code == 0, output
        assert "client bot: https://kim.example.org/kreis/telegram/client" in output
        assert "waiting updates: 1" in output  # example.org does not answer: it waits

        code, output = await kimbot("webhook", "delete", KIMBOT_TELEGRAM_API_URL=server.url)
        assert code == 0, output
        assert server.webhooks == {} and server.bot(CLIENT_TOKEN).webhook_url == ""


async def test_set_without_a_webhook_url_or_against_a_refusing_server_says_why():
    async with telegram() as server:
        code, output = await kimbot("webhook", "set", KIMBOT_WEBHOOK_URL="",
                                    KIMBOT_TELEGRAM_API_URL=server.url)
        assert code != 0 and "KIMBOT_WEBHOOK_URL" in output
        code, output = await kimbot("webhook", "set", KIMBOT_CLIENT_TOKEN="99:unknown",
                                    KIMBOT_TELEGRAM_API_URL=server.url)
        assert code != 0 and "setWebhook refused" in output and "99:unknown" not in output
        assert server.webhooks == {}
