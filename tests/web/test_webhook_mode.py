"""Webhook mode: both bots take their updates from the process's own web server, with
Telegram's secret header, answered 200 only once handled; an update Telegram sends again is
answered once, and the instances never register or remove the webhook themselves."""

from __future__ import annotations

import aiohttp

from bot.sandbox.state import SimUser
from tests.support.common import all_rows
from tests.support.sandbox import CLIENT_TOKEN, STAFF_TOKEN, say
from tests.support.webhook import SECRET, drained, telegram, webhook_system

HEADER = "X-Telegram-Bot-Api-Secret-Token"


def text_update(update_id: int, user_id: int, text: str) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "de"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1, "text": text, "from": user,
        "chat": {"id": user_id, "type": "private", "first_name": "Test"}}}


async def post(url: str, update: dict, secret: str | None = SECRET) -> int:
    headers = {HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session, \
            session.post(url, json=update, headers=headers) as response:
        return response.status


async def test_both_bots_answer_through_the_webhook_and_nobody_polls(sqlite_url, clock):
    async with telegram() as server, webhook_system(server, sqlite_url, clock) as system:
        person, member = SimUser(310001, "Amal", "ar"), SimUser(310002, "Kaya", "de")
        [hello] = await say(server, CLIENT_TOKEN, person, "/start")
        assert hello["buttons"]  # the language keyboard: the real client flow answered
        [staff_answer] = await say(server, STAFF_TOKEN, member, "/start")
        assert str(member.id) in staff_answer["text"]  # unregistered: told their own id
        for token in (CLIENT_TOKEN, STAFF_TOKEN):
            assert await drained(server, token)  # every update answered with a 2xx
            assert server.webhook_info(server.bot(token))["pending_update_count"] == 0
    # Neither bot polled, and the instance neither set nor removed a webhook itself (the
    # two setWebhook calls per bot are the test's own `register`).
    assert server.calls["getUpdates"] == 0
    assert server.calls["setWebhook"] == 2 and server.calls["deleteWebhook"] == 0
    assert system.web is not None


async def test_a_wrong_or_missing_secret_gets_401_and_changes_nothing(sqlite_url, clock):
    async with telegram() as server, webhook_system(server, sqlite_url, clock) as system:
        assert system.web is not None
        url = f"{system.web.url}/telegram/client"
        before = await all_rows(system.db)
        assert await post(url, text_update(9001, 310003, "/start"), "wrong-secret") == 401
        assert await post(url, text_update(9002, 310003, "/start"), None) == 401
        assert await all_rows(system.db) == before
        assert server.history(CLIENT_TOKEN, 310003) == []
        assert server.calls["sendMessage"] == 0


async def test_an_update_sent_again_is_answered_once(sqlite_url, clock):
    async with telegram() as server, webhook_system(server, sqlite_url, clock) as system:
        assert system.web is not None
        person = SimUser(310004, "Olena", "uk")
        server.register_user(CLIENT_TOKEN, person)
        url = f"{system.web.url}/telegram/client"
        update = text_update(7001, person.id, "/start")
        assert await post(url, update) == 200
        assert await post(url, update) == 200  # Telegram did not get the first 200
        assert len(server.history(CLIENT_TOKEN, person.id)) == 1
        assert len((await all_rows(system.db))["processed_updates"]) == 1


async def test_an_unknown_path_or_a_non_update_is_refused(sqlite_url, clock):
    async with telegram() as server, webhook_system(server, sqlite_url, clock) as system:
        assert system.web is not None
        assert await post(f"{system.web.url}/telegram/other", text_update(1, 2, "x")) == 404
        assert await post(f"{system.web.url}/telegram/client", {"hello": 1}) == 400
