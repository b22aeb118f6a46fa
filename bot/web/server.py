"""One aiohttp server per process: `/telegram/client` and `/telegram/staff` (webhook mode
only), `/healthz` and `/metrics`.

A webhook request is answered 200 only after the update's transaction committed (the bots'
`feed` says so); a database failure gives 503, so Telegram sends the update again. A request
without Telegram's secret header, or with a wrong one, gets 401 and nothing is handled.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot import metrics
from bot.web.health import HealthCheck

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything near this is not from Telegram.
MAX_BODY = 1024 * 1024
# In-flight updates get this long to finish (and be answered) when the process stops.
SHUTDOWN_SECONDS = 15.0

Feed = Callable[[dict[str, Any]], Awaitable[bool]]


class WebServer:
    def __init__(self, host: str, port: int, health: HealthCheck,
                 feeds: Mapping[str, Feed] | None = None, secret: str | None = None) -> None:
        self.host = host
        self.port = port
        self.health = health
        self.feeds = dict(feeds or {})
        self._secret = (secret or "").encode()
        if self.feeds and not self._secret:
            raise ValueError("webhooks need a secret")
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        if self.feeds:
            app.router.add_post("/telegram/{bot}", self._webhook)
        return app

    async def start(self) -> None:
        runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None,
                               shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        self.port = runner.addresses[0][1]  # the real port when 0 was asked for
        self._runner = runner
        log.info("web server listening on %s:%d (%s)", self.host, self.port,
                 "webhooks, /healthz, /metrics" if self.feeds else "/healthz, /metrics")

    async def stop(self) -> None:
        """Stop taking requests; requests being handled finish first."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _webhook(self, request: web.Request) -> web.Response:
        bot = request.match_info["bot"]
        feed = self.feeds.get(bot)
        if feed is None:
            raise web.HTTPNotFound()
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            metrics.WEBHOOK_REJECTED.labels(bot).inc()
            log.warning("webhook %s: request refused, missing or wrong secret token (from %s)",
                        bot, request.remote)
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            update = await request.json(loads=json.loads)
        except ValueError:
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        if await feed(update):
            return web.json_response({"ok": True})
        return web.json_response({"ok": False, "error": "not handled, send again"},
                                 status=503)

    async def _healthz(self, request: web.Request) -> web.Response:
        health = await self.health.check()
        return web.json_response(health.body, status=200 if health.ok else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        await self.health.refresh_outbox_gauges()
        response = web.Response(body=generate_latest(REGISTRY))
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        response.charset = "utf-8"
        return response
