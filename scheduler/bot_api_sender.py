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


# How a relayed file is sent, by its kind: the Bot API method and the field the file goes in.
_FILE_METHODS = {"photo": ("sendPhoto", "photo"), "voice": ("sendVoice", "voice"),
                 "document": ("sendDocument", "document")}


class BotApiSender:
    """`await sender(chat_id, reply)` for one bot token, answering the sent message's id (a
    reply with a document is sent as that file, its text the caption); `relay` passes on a
    file fetched through another bot, `delete` removes a message; `close()` when done."""

    def __init__(self, api_url: str, token: str) -> None:
        self.base = f"{api_url}/bot{token}/"
        self.files = f"{api_url}/file/bot{token}/"
        self.url = f"{self.base}sendMessage"
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS, limit=24)
            self._session = aiohttp.ClientSession(connector=connector, timeout=TIMEOUT,
                                                  json_serialize=_dumps)
        return self._session

    async def __call__(self, chat_id: int, reply: Reply) -> int | None:
        if reply.document is not None:
            return await self._send_document(chat_id, reply)
        return _message_id(await self._post(self.url, json=payload(chat_id, reply)))

    async def _send_document(self, chat_id: int, reply: Reply) -> int | None:
        """A file kimbot made (a calendar file), with `reply.text` as its caption."""
        document = reply.document
        assert document is not None
        method, field = _FILE_METHODS["photo" if document.photo else "document"]
        form = _form(chat_id, reply)
        form.add_field(field, document.content, filename=document.filename,
                       content_type=document.mime_type)
        return _message_id(await self._post(f"{self.base}{method}", data=form))

    async def relay(self, chat_id: int, reply: Reply, file: dict[str, Any],
                    source: BotApiSender) -> int | None:
        """Send a file the person sent to the other bot, with `reply` as caption and buttons.
        The content passes through memory only."""
        content = await source.fetch(str(file["file_id"]))
        method, field = _FILE_METHODS.get(str(file.get("kind")), _FILE_METHODS["document"])
        form = _form(chat_id, reply)
        form.add_field(field, content, filename=str(file.get("file_name") or field),
                       content_type=str(file.get("mime_type") or "application/octet-stream"))
        return _message_id(await self._post(f"{self.base}{method}", data=form))

    async def fetch(self, file_id: str) -> bytes:
        """A file's content through this bot (getFile, then the file URL). Any failure here
        comes before anything was sent on, so it is NotSent (tried again) or Undeliverable."""
        found = await self._post(f"{self.base}getFile", json={"file_id": file_id})
        path = found.get("file_path") if isinstance(found, dict) else None
        if not path:
            raise Undeliverable("the file is no longer available")
        try:
            async with self._client().get(f"{self.files}{path}") as response:
                if response.status != 200:
                    raise Undeliverable(f"file download answered {response.status}")
                return await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise NotSent(type(exc).__name__) from exc

    async def delete(self, chat_id: int, message_id: int) -> None:
        await self._post(f"{self.base}deleteMessage",
                         json={"chat_id": chat_id, "message_id": message_id})

    async def _post(self, url: str, **body: Any) -> Any:
        """The call's result; its failure as RetryLater, Blocked, NotSent, MaybeSent or
        Undeliverable."""
        try:
            async with self._client().post(url, **body) as response:
                status = response.status
                answer = await response.json(content_type=None)
        except aiohttp.ClientConnectorError as exc:
            raise NotSent(type(exc).__name__) from exc  # no connection: nothing was written
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise MaybeSent(type(exc).__name__) from exc
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise refusal(status, answer if isinstance(answer, dict) else {})
        return answer.get("result")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _form(chat_id: int, reply: Reply) -> aiohttp.FormData:
    """The fields of a file upload besides the file: the chat, the caption, the buttons."""
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat_id))
    body = payload(chat_id, reply)
    if reply.text:
        form.add_field("caption", reply.text)
    if "reply_markup" in body:
        form.add_field("reply_markup", _dumps(body["reply_markup"]))
    return form


def _message_id(result: Any) -> int | None:
    return result.get("message_id") if isinstance(result, dict) else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
