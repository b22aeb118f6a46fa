"""The sandbox as Telegram for a webhook: posts with the secret, one update per chat at a time,
and the same update again after anything but a 2xx, or after a timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from bot.cli.webhook import call
from bot.sandbox.state import SimUser
from tests.support.sandbox import CLIENT_TOKEN
from tests.support.webhook import drained, telegram


class Receiver:
    """A webhook endpoint that answers as told, recording what it got."""

    def __init__(self) -> None:
        self.got: list[tuple[int, str, str | None]] = []  # update_id, text, secret
        self.answers: list[int] = []  # statuses to give, in turn; then 200
        self.hang_first = False  # never answer the first request (a timeout)
        self.in_flight_per_chat: dict[int, int] = {}
        self.overlaps = 0

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        self.in_flight_per_chat[chat] = self.in_flight_per_chat.get(chat, 0) + 1
        if self.in_flight_per_chat[chat] > 1:
            self.overlaps += 1
        try:
            self.got.append((update["update_id"], update["message"]["text"],
                             request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
            if self.hang_first:
                self.hang_first = False
                await asyncio.Event().wait()  # the sandbox gives up first
            await asyncio.sleep(0)  # let other chats' posts overlap with this one
            status = self.answers.pop(0) if self.answers else 200
            return web.Response(status=status)
        finally:
            self.in_flight_per_chat[chat] -= 1


@contextlib.asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    finally:
        await runner.cleanup()


async def test_updates_are_posted_with_the_secret_and_sent_again_until_accepted():
    receiver = Receiver()
    receiver.answers = [500, 401]
    async with telegram() as server, receiving(receiver) as url:
        await call(server.url, CLIENT_TOKEN, "setWebhook",
                   {"url": url, "secret_token": "s3cret-token"})
        person = SimUser(340001, "Amal", "ar")
        server.user_sends_text(CLIENT_TOKEN, person, "eins")
        server.user_sends_text(CLIENT_TOKEN, person, "zwei")
        assert await drained(server, CLIENT_TOKEN)
    # "eins" three times (500, 401, then 200), and "zwei" only after it: the chat waited.
    assert [text for _, text, _ in receiver.got] == ["eins", "eins", "eins", "zwei"]
    assert {secret for _, _, secret in receiver.got} == {"s3cret-token"}
    assert server.webhooks == {}  # the posting stopped with the server


async def test_a_timeout_counts_as_not_accepted_and_chats_do_not_wait_for_each_other():
    receiver = Receiver()
    receiver.hang_first = True
    async with telegram() as server, receiving(receiver) as url:
        server.webhook_timeout = 0.3
        await call(server.url, CLIENT_TOKEN, "setWebhook", {"url": url})
        people = [SimUser(340010 + n, f"P{n}", "de") for n in range(5)]
        for person in people:
            server.user_sends_text(CLIENT_TOKEN, person, f"hallo {person.id}")
        assert await drained(server, CLIENT_TOKEN)
        info = server.webhook_info(server.bot(CLIENT_TOKEN))
    first = receiver.got[0]
    assert [entry for entry in receiver.got if entry[0] == first[0]] == [first, first]
    assert len(receiver.got) == 6 and receiver.overlaps == 0
    assert "Connection failed" in info["last_error_message"]


async def test_get_updates_is_refused_while_a_webhook_is_set():
    async with telegram() as server:
        await call(server.url, CLIENT_TOKEN, "setWebhook", {"url": "http://127.0.0.1:9/x"})
        try:
            await call(server.url, CLIENT_TOKEN, "getUpdates", {})
        except Exception as refused:
            assert "Conflict" in str(refused)
        else:
            raise AssertionError("getUpdates answered while a webhook was set")
