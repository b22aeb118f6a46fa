"""A local, offline Telegram Bot API server for the demo and end-to-end tests.

Bots talk to it exactly as to api.telegram.org (``{url}/bot{token}/{method}``, files under
``{url}/file/bot{token}/{path}``); the chat page (``GET /``) and tests act as the users.

    server = SandboxServer()
    server.add_bot("123456:sandbox-client", "kim_client_bot", "KIM", role="client")
    await server.start()          # server.url -> "http://127.0.0.1:<port>"
    ...
    await server.stop()
"""

from __future__ import annotations

import functools
import json
import logging

from aiohttp import web

from bot.sandbox import pageapi
from bot.sandbox.botapi import METHODS
from bot.sandbox.core import SandboxCore
from bot.sandbox.params import read_params
from bot.sandbox.state import ApiError

log = logging.getLogger(__name__)

MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for bot uploads
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def api_response(payload: object, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=_dumps)


class SandboxServer(SandboxCore):
    """Bot API-compatible HTTP server plus the simulation API of :class:`SandboxCore`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL for bots and the page; with port=0 only known after :meth:`start`."""
        if self._runner is None and self.port == 0:
            raise RuntimeError("SandboxServer(port=0) has no URL before start()")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        pageapi.add_routes(app, self)
        return app

    async def start(self) -> None:
        if self._runner is not None:
            return
        self._closing = False
        # handler_cancellation: a long poll whose client went away must not linger.
        runner = web.AppRunner(
            self.make_app(),
            handle_signals=False,
            shutdown_timeout=1.0,
            handler_cancellation=True,
            access_log=None,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.port = runner.addresses[0][1]  # the real port when port=0
        self._runner = runner
        log.info("Telegram sandbox listening on %s", self.url)

    async def stop(self) -> None:
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        self._closing = True
        await self.stop_webhooks()
        self._wake_everyone()  # end long polls now instead of at their timeout
        await runner.cleanup()

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------- handlers

    async def _handle_api(self, request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info["method"]
        bot = self._bots.get(token)
        if bot is None:
            return api_response(ApiError(401, "Unauthorized").payload(), 401)
        handler = METHODS.get(name.lower())
        if handler is None:
            return api_response(ApiError(404, "Not Found").payload(), 404)
        try:
            params = await read_params(request)
            self._record_call(bot, name, params.values)
            result = await handler(self, bot, params)
            if self.answers_released is not None and name.lower().startswith("send"):
                released = self.answers_released
                self.held_answers += 1
                try:
                    await released.wait()
                finally:
                    self.held_answers -= 1
        except ApiError as error:
            log.debug("sandbox %s -> %s", name, error)
            return api_response(error.payload(), error.code)
        return api_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        record = self.file_by_path(request.match_info["token"], request.match_info["path"])
        if record is None:
            return api_response(ApiError(404, "Not Found").payload(), 404)
        content_type = record.mime_type or "application/octet-stream"
        return web.Response(body=record.data, headers={"Content-Type": content_type})
