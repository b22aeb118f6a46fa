"""JSON endpoints under ``/sandbox/`` that let the chat page act as Telegram users."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.sandbox.core import SandboxCore, SandboxError
from bot.sandbox.state import JSON, BotState, SimUser

STATIC_DIR = Path(__file__).with_name("static")
EVENTS_WAIT = 25.0  # seconds a page long poll may hang (below typical proxy timeouts)


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


def _handler(
    func: Callable[[SandboxCore, web.Request], Awaitable[Any]],
    core: SandboxCore,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Wrap a page endpoint: JSON result on success, ``{"ok": false, "error"}`` otherwise."""

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            result = await func(core, request)
        except PageError as exc:
            return _error(exc.status, str(exc))
        except (SandboxError, ValueError) as exc:
            return _error(400, str(exc))
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(result)

    return handle


def _bot(core: SandboxCore, ref: object) -> BotState:
    bot = core.find_bot(str(ref or ""))
    if bot is None:
        raise PageError(404, f"unknown bot {ref!r}")
    return bot


def _int(value: object, name: str) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise PageError(400, f"{name} must be an integer") from None


async def _json_body(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        raise PageError(400, "body must be JSON") from None
    if not isinstance(body, dict):
        raise PageError(400, "body must be a JSON object")
    return body


# -------------------------------------------------------------- endpoints


async def list_bots(core: SandboxCore, request: web.Request) -> JSON:
    return {
        "bots": [
            {"username": b.username, "first_name": b.first_name, "role": b.role, "id": b.id}
            for b in core.bots
        ],
        "timezone": core.timezone,
        "boot": core.boot_id,
    }


async def list_chats(core: SandboxCore, request: web.Request) -> JSON:
    bot = _bot(core, request.query.get("bot"))
    return {"users": [u.to_api() for u in core.chat_users(bot.token)]}


async def history(core: SandboxCore, request: web.Request) -> JSON:
    bot = _bot(core, request.query.get("bot"))
    chat_id = _int(request.query.get("chat"), "chat")
    return {
        "seq": core.seq,
        "boot": core.boot_id,
        "messages": core.history(bot.token, chat_id),
        "reply_keyboard": core.reply_keyboard(bot.token, chat_id),
    }


async def events(core: SandboxCore, request: web.Request) -> JSON:
    """Long poll: changes in one chat after sequence number ``after``."""
    bot = _bot(core, request.query.get("bot"))
    chat_id = _int(request.query.get("chat"), "chat")
    after = _int(request.query.get("after", 0), "after")
    wait = min(float(request.query.get("timeout", EVENTS_WAIT)), 60.0)
    chat = bot.chat(chat_id)
    assert chat is not None
    # A page that knew an earlier start of the sandbox hears at once that it restarted.
    restarted = (request.query.get("boot") or core.boot_id) != core.boot_id
    if not restarted:
        await chat.changed.wait_until(
            lambda: core.closing or bool(chat.events and chat.events[-1]["seq"] > after), wait
        )
    return {
        "seq": core.seq,
        "boot": core.boot_id,
        "events": core.events_after(bot.token, chat_id, after),
        "reply_keyboard": core.reply_keyboard(bot.token, chat_id),
    }


async def send(core: SandboxCore, request: web.Request) -> JSON:
    """``{bot, user, text[, reply_to]}`` or ``{bot, user, kind: "photo"|...}``."""
    body = await _json_body(request)
    bot = _bot(core, body.get("bot"))
    user = SimUser.from_json(body.get("user") or {})
    if body.get("kind"):
        update = core.user_sends_unsupported(bot.token, user, str(body["kind"]))
    else:
        reply_to = body.get("reply_to")
        update = core.user_sends_text(
            bot.token,
            user,
            str(body.get("text") or ""),
            _int(reply_to, "reply_to") if reply_to is not None else None,
        )
    return {"ok": True, "update_id": update["update_id"], "seq": core.seq}


async def press(core: SandboxCore, request: web.Request) -> JSON:
    """``{bot, user, message_id, data}``: press a real inline button."""
    body = await _json_body(request)
    bot = _bot(core, body.get("bot"))
    user = SimUser.from_json(body.get("user") or {})
    update = core.user_presses(
        bot.token, user, _int(body.get("message_id"), "message_id"), str(body.get("data", ""))
    )
    return {"ok": True, "callback_query_id": update["callback_query"]["id"], "seq": core.seq}


async def download(core: SandboxCore, request: web.Request) -> web.Response:
    record = core.file(request.match_info["file_id"])
    if record is None:
        raise PageError(404, "unknown file")
    name = record.file_name or record.file_path.rsplit("/", 1)[-1]
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'")
    disposition = "inline" if request.query.get("inline") else "attachment"
    return web.Response(
        body=record.data,
        headers={
            "Content-Type": record.mime_type or "application/octet-stream",
            "Content-Disposition": (
                f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
            ),
        },
    )


async def index(request: web.Request) -> web.FileResponse:
    return _static_file("index.html")


async def static(request: web.Request) -> web.FileResponse:
    return _static_file(request.match_info["name"])


def _static_file(name: str) -> web.FileResponse:
    # Flat folder, plain names only (no traversal); no-cache so edits show up on reload.
    path = STATIC_DIR / name
    if not re.fullmatch(r"[\w-]+\.(html|js|css)", name) or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "no-cache"})


def add_routes(app: web.Application, core: SandboxCore) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
    routes: list[tuple[str, str, Callable[[SandboxCore, web.Request], Awaitable[Any]]]] = [
        ("GET", "/sandbox/bots", list_bots),
        ("GET", "/sandbox/chats", list_chats),
        ("GET", "/sandbox/history", history),
        ("GET", "/sandbox/events", events),
        ("POST", "/sandbox/send", send),
        ("POST", "/sandbox/press", press),
        ("GET", "/sandbox/files/{file_id}", download),
    ]
    for verb, path, func in routes:
        app.router.add_route(verb, path, _handler(func, core))
