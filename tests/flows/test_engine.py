"""The flow engine's guarantees for one chat: in order, delivered before the next event."""

from __future__ import annotations

import asyncio

import bot.flows.engine as engine_module
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Event, Outcome, Reply


def event(text: str, chat: int = 1) -> Event:
    return Event.from_text(BotKind.CLIENT, chat, chat, text, "de")


async def echo(ctx):
    return Outcome([Reply(ctx.event.text)])


async def test_replies_are_delivered_while_the_chat_is_still_locked(sqlite_db, clock):
    # Delivery inside the chat's lock is what keeps one chat's replies in order: the next
    # message of the same chat cannot be handled (or answered) before this reply is out.
    engine = FlowEngine(sqlite_db, clock, handlers={BotKind.CLIENT: echo})
    first = event("first")
    held: list[bool] = []

    async def deliver(outcome: Outcome) -> None:
        # Private on purpose: the lock is the guarantee under test.
        held.append(engine._lock(first).locked())

    await engine.handle(first, deliver=deliver)
    assert held == [True]


async def test_one_chats_replies_keep_their_order_under_concurrency(sqlite_db, clock):
    engine = FlowEngine(sqlite_db, clock, handlers={BotKind.CLIENT: echo})
    delivered: list[str] = []

    async def deliver(outcome: Outcome) -> None:
        await asyncio.sleep(0)  # a network call: other tasks run meanwhile
        delivered.append(outcome.replies[0].text)

    texts = [f"message {i}" for i in range(12)]
    await asyncio.gather(*(engine.handle(event(text), deliver=deliver) for text in texts))
    assert delivered == texts


async def test_a_fresh_engines_first_messages_keep_their_order_while_the_key_loads(
        sqlite_db, clock, monkeypatch):
    # A fresh engine loads its state secret from the database for the first events. Here the
    # earliest arrival's load is the slowest; its messages must still be answered first.
    real_load = engine_module.load_state_key
    calls = 0

    async def slow_then_fast(session):
        nonlocal calls
        calls += 1
        for _ in range(20 - calls):
            await asyncio.sleep(0)
        return await real_load(session)

    monkeypatch.setattr(engine_module, "load_state_key", slow_then_fast)
    engine = FlowEngine(sqlite_db, clock, handlers={BotKind.CLIENT: echo})
    delivered: list[str] = []

    async def deliver(outcome: Outcome) -> None:
        delivered.append(outcome.replies[0].text)

    texts = [f"message {i}" for i in range(6)]
    await asyncio.gather(*(engine.handle(event(text), deliver=deliver) for text in texts))
    assert delivered == texts
