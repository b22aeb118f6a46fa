"""Sends outbox messages straight to the Bot API with aiohttp: one small POST per message.

The bots' libraries (python-telegram-bot, aiogram) retry and sleep on their own and describe
failures each in their own types; the outbox needs one answer per attempt and must know whether
a failed request may still have arrived (see scheduler/send_errors.py). Bypassing them here is
also what lets the dispatcher keep up with 1,000 messages a second against the local server.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.flows.events import Reply
from scheduler.send_errors import Blocked, MaybeSent, NotSent, RetryLater, Undeliverable

# Below Telegram's idle timeout for kept-alive connections, so a request is not written into a
# connection the server is just closing (which would leave it "maybe sent").
KEEPALIVE_SECONDS = 10.0
TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)


def payload(chat_id: int, reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = {"chat_id": chat_id, "text": reply.text}
    if reply.buttons:
        body["reply_markup"] = {"inline_keyboard": [
            [{"text": button.label, "callback_data": button.action} for button in row]
            for row in reply.buttons]}
    return body


def refusal(status: int, answer: dict[str, Any]) -> Exception:
    """The exception for a Bot API error answer."""
    code = answer.get("error_code", status)
    description = str(answer.get("description", ""))
    parameters = answer.get("parameters") or {}
    if code == 429:
        seconds = float(parameters.get("retry_after", 1))
        return RetryLater(seconds)
    if code == 403:
        return Blocked(description)
    if code in (400, 404):
        return Undeliverable(description)
    if code >= 500:
        # A gateway error comes before Telegram took the message: sending again is safe.
        return NotSent(f"{code} {description}")
    return Undeliverable(f"{code} {description}")


class BotApiSender:
    """`await sender(chat_id, reply)` for one bot token; `close()` when done."""

    def __init__(self, api_url: str, token: str) -> None:
        self.url = f"{api_url}/bot{token}/sendMessage"
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS, limit=24)
            self._session = aiohttp.ClientSession(connector=connector, timeout=TIMEOUT,
                                                  json_serialize=_dumps)
        return self._session

    async def __call__(self, chat_id: int, reply: Reply) -> None:
        try:
            async with self._client().post(self.url, json=payload(chat_id, reply)) as response:
                status = response.status
                answer = await response.json(content_type=None)
        except aiohttp.ClientConnectorError as exc:
            raise NotSent(type(exc).__name__) from exc  # no connection: nothing was written
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise MaybeSent(type(exc).__name__) from exc
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise refusal(status, answer if isinstance(answer, dict) else {})

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
