"""/healthz and /metrics, in webhook mode and in polling mode with KIMBOT_HTTP_PORT set."""

from __future__ import annotations

import aiohttp

from bot.app import System
from bot.sandbox.state import SimUser
from storage.db import Database
from storage.migrate import head_revision, upgrade_async
from tests.support.sandbox import CLIENT_TOKEN, sandbox_settings, say
from tests.support.webhook import telegram, webhook_system


async def get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.content_type, await response.text()


def sample(metrics_text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format; 0 if absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    for line in metrics_text.splitlines():
        head, _, value = line.rpartition(" ")
        if head == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return 0.0


async def test_health_is_ok_with_json_and_metrics_count_updates_and_sends(sqlite_url, clock):
    async with telegram() as server, webhook_system(server, sqlite_url, clock) as system:
        assert system.web is not None
        status, kind, body = await get(f"{system.web.url}/healthz")
        assert status == 200 and kind == "application/json"
        assert '"status": "ok"' in body and f'"schema": "{head_revision()}"' in body
        _, _, before = await get(f"{system.web.url}/metrics")
        await say(server, CLIENT_TOKEN, SimUser(320001, "Amal", "ar"), "/start")
        status, kind, after = await get(f"{system.web.url}/metrics")
        assert status == 200 and kind == "text/plain"
        for name, labels in (("kimbot_updates_total", {"bot": "client", "kind": "command"}),
                             ("kimbot_sends_total", {"bot": "client", "result": "ok"}),
                             ("kimbot_flow_duration_seconds_count", {"bot": "client"})):
            assert sample(after, name, **labels) == sample(before, name, **labels) + 1, name
        for name in ("kimbot_outbox_backlog", "kimbot_outbox_oldest_due_age_seconds",
                     "kimbot_flows_failed_total", "kimbot_reminders_sent_total"):
            assert f"# TYPE {name.removesuffix('_total')}" in after, name


async def test_polling_mode_serves_health_and_metrics_when_a_port_is_set(sqlite_url, clock):
    settings = sandbox_settings(sqlite_url).model_copy(update={"http_port": 0})
    async with System(settings, clock=clock, run_scheduler=False) as system:
        assert system.web is not None and system.sandbox is not None
        status, _, _ = await get(f"{system.web.url}/healthz")
        assert status == 200
        # No webhook paths in polling mode.
        async with aiohttp.ClientSession() as session, \
                session.post(f"{system.web.url}/telegram/client", json={}) as response:
            assert response.status in (404, 405)
        await say(system.sandbox, system.client_bot.app.bot.token,  # polling still answers
                  SimUser(320002, "Olena", "uk"), "/start")


async def test_no_web_server_in_polling_mode_without_a_port(sqlite_url, clock):
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False) as system:
        assert system.web is None


async def test_health_is_503_when_the_schema_is_behind_or_the_database_is_gone(tmp_path, clock):
    from bot.web.health import HealthCheck

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade_async(url, "0008")
    old = Database(url)
    try:
        health = await HealthCheck(old, clock).check()
        assert not health.ok and health.body["database"] == "schema not current"
        assert health.body["schema"] == "0008"
    finally:
        await old.dispose()
    gone = Database("postgresql://nobody:wrong@127.0.0.1:1/none")
    try:
        health = await HealthCheck(gone, clock).check()
        assert not health.ok and health.body["database"] == "unreachable"
    finally:
        await gone.dispose()
