"""Logs never carry bot tokens or what people wrote, even at DEBUG."""

from __future__ import annotations

import logging

import pytest

from bot.app import SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN, System
from bot.cli.common import LIBRARY_FLOORS, configure_logging
from bot.sandbox.state import SimUser
from tests.support.sandbox import sandbox_settings

SECRET_TEXT = "mein-asylbescheid-geheim-4711"


@pytest.fixture
def restore_levels():
    names = ["", *LIBRARY_FLOORS]
    saved = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


async def test_debug_logs_hold_no_token_and_no_message_text(sqlite_url, clock, caplog,
                                                            restore_levels):
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG")
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False) as system:
        server = system.sandbox
        person = SimUser(100077, "Test", "de")
        server.user_sends_text(SANDBOX_CLIENT_TOKEN, person, "/start")
        await server.wait_for(SANDBOX_CLIENT_TOKEN, person.id, timeout=10)
        server.user_sends_text(SANDBOX_CLIENT_TOKEN, person, SECRET_TEXT)
        await server.wait_for(SANDBOX_CLIENT_TOKEN, person.id, timeout=10)
        server.user_sends_text(SANDBOX_CLIENT_TOKEN, person, f"/{SECRET_TEXT.replace('-', '_')}")
        await server.wait_for(SANDBOX_CLIENT_TOKEN, person.id, timeout=10)
        server.user_sends_text(SANDBOX_STAFF_TOKEN, person, SECRET_TEXT)
        await server.wait_for(SANDBOX_STAFF_TOKEN, person.id, timeout=10)
    logged = caplog.text
    assert logged, "nothing was logged at all: the test would prove nothing"
    for secret in (SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN, "geheim"):
        assert secret not in logged


async def test_crash_log_names_no_command(sqlite_db, clock, caplog):
    from bot.flows.engine import FlowEngine
    from bot.flows.events import BotKind, Event

    async def broken(ctx):
        raise RuntimeError("boom")

    engine = FlowEngine(sqlite_db, clock, handlers={BotKind.CLIENT: broken})
    with caplog.at_level(logging.ERROR):
        await engine.handle(Event.from_text(BotKind.CLIENT, 1, 1,
                                            "/ich_habe_einen_ablehnungsbescheid", "de"))
    assert "flow failed" in caplog.text
    assert "ablehnungsbescheid" not in caplog.text


async def test_json_logs_are_one_object_per_line_without_texts_names_or_tokens(sqlite_url,
                                                                               clock,
                                                                               restore_levels):
    import io
    import json

    from bot.cli.common import secrets_of
    from bot.log_format import JsonFormatter
    from tests.support.sandbox import CLIENT_TOKEN, STAFF_TOKEN
    from tests.support.webhook import SECRET, telegram, webhook_settings, webhook_system

    configure_logging("DEBUG")  # the libraries' floors, as `kimbot run` sets them
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    handler.setFormatter(JsonFormatter(secrets_of(webhook_settings(sqlite_url, "http://x"))))
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        async with telegram() as server, webhook_system(server, sqlite_url, clock):
            person = SimUser(100078, "Samira Haddad", "de")
            for text in ("/start", SECRET_TEXT, "Samira Haddad"):
                server.user_sends_text(CLIENT_TOKEN, person, text)
                await server.wait_for(CLIENT_TOKEN, person.id, timeout=10)
            server.user_sends_text(STAFF_TOKEN, person, SECRET_TEXT)
            await server.wait_for(STAFF_TOKEN, person.id, timeout=10)
            # A library that quotes a token in an exception: the token never reaches the log.
            problem = f"refused {CLIENT_TOKEN} for {person.first_name}"
            try:
                raise ValueError(problem)
            except ValueError:
                logging.getLogger("kimbot.test").exception("call failed for %s", CLIENT_TOKEN)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) > 5
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    [failure] = [entry for entry in entries if entry["logger"] == "kimbot.test"]
    assert failure["exception"] == "ValueError" and "<secret>" in failure["message"]
    for secret in (CLIENT_TOKEN, STAFF_TOKEN, SECRET, "geheim", "Samira", "Haddad"):
        assert secret not in stream.getvalue(), [line for line in lines if secret in line]
