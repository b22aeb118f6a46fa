"""The sandbox as Telegram for a bot in webhook mode: after `setWebhook` it POSTs each update to
the URL with the secret header, and sends it again on anything but a 2xx or on a timeout, as
Telegram does.

Like Telegram's own Bot API server, updates of one chat wait for each other (the next goes only
once the previous one was accepted), while different chats are sent at once, up to the
webhook's `max_connections`. A failed update is tried again after a pause that grows with each
failure; its chat waits meanwhile, so the order within a chat holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.sandbox.state import JSON, BotState

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookConfig:
    url: str
    secret: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None


@dataclass
class WebhookStats:
    delivered: int = 0  # updates answered with a 2xx
    failed_attempts: int = 0  # POSTs answered otherwise, or not at all
    last_error_date: int | None = None
    last_error_message: str | None = None
    statuses: dict[int, int] = field(default_factory=dict)  # HTTP status -> how often


def queue_of(update: JSON) -> int:
    """The chat an update belongs to: its updates are delivered one after another."""
    if "message" in update:
        return int(update["message"]["chat"]["id"])
    if "callback_query" in update:
        query = update["callback_query"]
        message = query.get("message") or {}
        return int((message.get("chat") or {}).get("id") or query["from"]["id"])
    return -int(update["update_id"])  # anything else: a queue of its own


def kind_of(update: JSON) -> str:
    return next(key for key in update if key != "update_id")


class WebhookPusher:
    """Delivers one bot's updates to its webhook until `stop()`."""

    def __init__(self, bot: BotState, config: WebhookConfig, *,
                 timeout: float = 10.0, first_retry: float = 0.2,
                 max_retry: float = 5.0) -> None:
        self.bot = bot
        self.config = config
        self.timeout = timeout
        self.first_retry = first_retry
        self.max_retry = max_retry
        self.stats = WebhookStats()
        self._busy: set[int] = set()  # chats with an update on its way
        self._retry_at: dict[int, float] = {}  # update_id -> monotonic time
        self._failures: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._posts: set[asyncio.Task[None]] = set()
        # Each chat's updates not yet accepted, oldest first (bot.updates stays the list
        # getWebhookInfo counts).
        self._queues: dict[int, deque[JSON]] = {}
        self._last_taken = 0
        self.paused = False  # SandboxCore.pause_webhooks: no new posts while set

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for post in list(self._posts):
            post.cancel()
        await asyncio.gather(*self._posts, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def in_flight(self) -> set[asyncio.Task[None]]:
        return self._posts

    @property
    def pending(self) -> int:
        return len(self.bot.updates)

    def _take_new(self) -> None:
        """Queue the updates that arrived since the last look (newest at the end); kinds the
        webhook did not ask for are dropped, as Telegram never sends them."""
        allowed = self.config.allowed_updates
        updates = self.bot.updates
        if not updates or updates[-1]["update_id"] <= self._last_taken:
            return
        fresh = []
        for update in reversed(updates):
            if update["update_id"] <= self._last_taken:
                break
            fresh.append(update)
        unwanted = []
        for update in reversed(fresh):  # oldest first, after what each chat already holds
            if allowed and kind_of(update) not in allowed:
                unwanted.append(update)
            else:
                self._queues.setdefault(queue_of(update), deque()).append(update)
        self._last_taken = updates[-1]["update_id"]
        if unwanted:
            self.bot.updates = [u for u in updates if not any(u is x for x in unwanted)]

    def _due(self) -> list[JSON]:
        """Each free chat's first update, oldest first, as far as connections allow."""
        self._take_new()
        if self.paused:
            return []
        now = time.monotonic()
        room = self.config.max_connections - len(self._posts)
        heads = sorted((queue[0] for chat, queue in self._queues.items()
                        if queue and chat not in self._busy
                        and self._retry_at.get(queue[0]["update_id"], 0.0) <= now),
                       key=lambda update: update["update_id"])
        return heads[:max(room, 0)]

    def _next_retry(self) -> float:
        waiting = list(self._retry_at.values())
        return max(min(waiting) - time.monotonic(), 0.01) if waiting else 3600.0

    async def _run(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            connector=aiohttp.TCPConnector(limit=self.config.max_connections))
        while True:
            for update in self._due():
                self._busy.add(queue_of(update))
                post = asyncio.get_running_loop().create_task(self._post(update))
                self._posts.add(post)
                post.add_done_callback(self._posts.discard)
            # Wake for a due update, or when a failure set a new retry time: the timeout
            # computed here would not know it.
            failures = self.stats.failed_attempts
            await self.bot.updates_changed.wait_until(
                lambda seen=failures: bool(self._due()) or self.stats.failed_attempts != seen,
                self._next_retry())

    async def _post(self, update: JSON) -> None:
        headers = {SECRET_HEADER: self.config.secret} if self.config.secret else {}
        error: str | None = None
        try:
            assert self._session is not None
            async with self._session.post(self.config.url, json=update,
                                          headers=headers) as response:
                await response.read()
                self.stats.statuses[response.status] = (
                    self.stats.statuses.get(response.status, 0) + 1)
                if not 200 <= response.status < 300:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        finally:
            self._busy.discard(queue_of(update))
        if error is None:
            self.stats.delivered += 1
            self._retry_at.pop(update["update_id"], None)
            self._failures.pop(update["update_id"], None)
            chat = self._queues.get(queue_of(update))
            if chat and chat[0] is update:
                chat.popleft()
            for index, waiting in enumerate(self.bot.updates):
                if waiting is update:
                    del self.bot.updates[index]
                    break
        else:
            self._failed(update, error)
        self.bot.updates_changed.notify()

    def _failed(self, update: JSON, error: str) -> None:
        update_id = update["update_id"]
        failures = self._failures[update_id] = self._failures.get(update_id, 0) + 1
        pause = min(self.first_retry * 2 ** (failures - 1), self.max_retry)
        self._retry_at[update_id] = time.monotonic() + pause
        self.stats.failed_attempts += 1
        self.stats.last_error_date = int(time.time())
        self.stats.last_error_message = error
        log.info("sandbox webhook: update %d not accepted (%s), again in %.1fs", update_id,
                 error, pause)

    def info(self) -> dict[str, Any]:
        body: dict[str, Any] = {"url": self.config.url, "has_custom_certificate": False,
                                "pending_update_count": self.pending,
                                "max_connections": self.config.max_connections}
        if self.config.allowed_updates:
            body["allowed_updates"] = list(self.config.allowed_updates)
        if self.stats.last_error_date is not None:
            body["last_error_date"] = self.stats.last_error_date
            body["last_error_message"] = self.stats.last_error_message
        return body
