"""The production topology with plain processes: PostgreSQL, three kimbot instances in webhook
mode, Debian's nginx balancing round-robin, and the local Bot API server as Telegram (it
learns the webhook from `kimbot webhook set`, posts updates with the secret, one per chat at
a time, and sends an update again on anything but a 2xx or a timeout).

300 people send 10 messages each. One instance is killed with SIGKILL in the middle, at the
moment with the most work half done: the Bot API server has taken the instances' replies but
not yet answered those requests, so each update in flight is committed and answered without
its webhook having said 200. Telegram then sends those updates again, to the other instances,
which must recognise them. Every message gets exactly one answer, in order; a request with a
wrong secret changes nothing.

(What no system can do is know whether a reply reached Telegram when its instance died in the
instant between recording it as started and its request leaving: such a reply is not sent
again, as in the outbox. The kill here avoids that sub-millisecond on purpose; see
docs/operations.md.)
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Event
from bot.sandbox.state import SimUser
from scheduler.clock import FixedClock
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import ConversationState, ProcessedUpdate
from tests.support.sandbox import CLIENT_TOKEN, STAFF_TOKEN
from tests.support.service import instances, kimbot, nginx
from tests.support.webhook import SECRET, telegram

pytestmark = [pytest.mark.service, pytest.mark.postgres]

USERS, MESSAGES, INSTANCES = 300, 10, 3
SEQUENCE = ("/start", "/help", "/mydata", "/menu", "/find",
            "/start", "/menu", "/help", "/find", "/mydata")
LANGUAGES = ("de", "ar", "uk", "fa")


async def reference_answers(tmp_path) -> dict[str, list[str]]:
    """What one chat in each language is answered, message by message, by one engine."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}"
    await upgrade_async(url)
    db = Database(url)
    try:
        engine = FlowEngine(db, FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC)))
        answers: dict[str, list[str]] = {}
        for n, language in enumerate(LANGUAGES):
            answers[language] = []
            for text in SEQUENCE:
                outcome = await engine.handle(Event.from_text(BotKind.CLIENT, n + 1, n + 1,
                                                              text, language))
                answers[language] += [reply.text for reply in outcome.replies]
        return answers
    finally:
        await db.dispose()


def bot_texts(server, user: SimUser) -> list[str]:
    return [entry["text"] for entry in server.history(CLIENT_TOKEN, user.id)
            if entry["from_bot"]]


def answered(server, users: list[SimUser]) -> int:
    return sum(len(bot_texts(server, user)) for user in users)


async def until(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what}")


async def settled(server) -> None:  # type: ignore[no-untyped-def]
    """Wait until every update in flight is waiting for a held send answer, ten checks in a
    row: nothing is between its commit and its reply's request any more."""
    calm = 0
    for _ in range(400):
        calm = calm + 1 if server.webhook_posts_in_flight == server.held_answers else 0
        if calm >= 10:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{server.webhook_posts_in_flight} updates in flight, "
                         f"{server.held_answers} answers held")


async def test_three_instances_behind_nginx_answer_every_message_once_and_in_order(
        postgres_url, tmp_path):
    expected = await reference_answers(tmp_path)
    async with telegram() as server:
        server.webhook_timeout = 20.0
        env = {"KIMBOT_DATABASE_URL": postgres_url, "KIMBOT_CLIENT_TOKEN": CLIENT_TOKEN,
               "KIMBOT_STAFF_TOKEN": STAFF_TOKEN, "KIMBOT_TELEGRAM_API_URL": server.url,
               "KIMBOT_WEBHOOK_SECRET": SECRET, "KIMBOT_WEBHOOK_URL": "http://127.0.0.1:9",
               "KIMBOT_HTTP_HOST": "127.0.0.1", "KIMBOT_LOG_FORMAT": "json",
               "KIMBOT_LOG_LEVEL": "WARNING", "KIMBOT_QUIET_HOURS": ""}
        async with instances(INSTANCES, env, tmp_path) as running, \
                nginx([instance.port for instance in running], tmp_path) as proxy:
            # The deploy step registers the proxy's address once.
            code, output = await kimbot("webhook", "set",
                                        env={**env, "KIMBOT_WEBHOOK_URL": proxy})
            assert code == 0, output

            db = Database(postgres_url)
            try:
                await wrong_secret_changes_nothing(server, db, proxy)
                users = [SimUser(700000 + n, f"Person {n}", LANGUAGES[n % len(LANGUAGES)])
                         for n in range(USERS)]
                for text in SEQUENCE:
                    for user in users:
                        server.user_sends_text(CLIENT_TOKEN, user, text)

                total = USERS * MESSAGES
                await until(lambda: answered(server, users) >= total // 2, 300, "half")
                # Freeze Telegram's side for a moment, then kill one instance.
                server.pause_webhooks()
                server.hold_answers()
                await settled(server)
                victim = running[1]
                victim.kill()
                await victim.process.wait()
                server.release_answers()
                server.pause_webhooks(False)

                await until(lambda: answered(server, users) >= total
                            and not server.bot(CLIENT_TOKEN).updates, 300, "all answers")
                await asyncio.sleep(0.5)  # anything doubled would arrive now
                for user in users:
                    assert bot_texts(server, user) == expected[user.language_code], user.id
                async with db.transaction() as session:
                    handled = await session.scalar(select(func.count())
                                                   .select_from(ProcessedUpdate))
                assert handled == total  # each update once; the refused one not at all
            finally:
                await db.dispose()
            stats = server.webhooks[CLIENT_TOKEN].stats
            # The killed instance's updates came back: Telegram sent them again, and the
            # instances that got them recognised them as handled.
            assert stats.failed_attempts >= 1, stats
            survivors = [instance for instance in running if instance is not victim]
            assert sum([await duplicates(instance.url) for instance in survivors]) >= 1
            for instance in running:
                if instance is not victim:
                    log = instance.log.read_text()
                    for line in log.splitlines():
                        json.loads(line)  # KIMBOT_LOG_FORMAT=json: one object per line
                    assert "Person" not in log and CLIENT_TOKEN not in log


async def duplicates(url: str) -> float:
    async with aiohttp.ClientSession() as session, session.get(f"{url}/metrics") as response:
        text = await response.text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("kimbot_updates_total{") and 'kind="duplicate"' in line)


async def wrong_secret_changes_nothing(server, db: Database, proxy: str) -> None:  # type: ignore[no-untyped-def]
    intruder = {"update_id": 999999, "message": {
        "message_id": 1, "date": 1, "text": "/start",
        "from": {"id": 799999, "is_bot": False, "first_name": "X", "language_code": "de"},
        "chat": {"id": 799999, "type": "private", "first_name": "X"}}}
    async with aiohttp.ClientSession() as session:
        for secret in ("wrong-secret-wrong-secret-1234", None):
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            async with session.post(f"{proxy}/telegram/client", json=intruder,
                                    headers=headers) as response:
                assert response.status == 401
    async with db.transaction() as session:
        for model in (ProcessedUpdate, ConversationState):
            assert await session.scalar(select(func.count()).select_from(model)) == 0
    assert server.calls["sendMessage"] == 0
