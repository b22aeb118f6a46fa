"""The flow engine's guarantees for one chat: in order, delivered before the next event."""

from __future__ import annotations

import asyncio

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
        key = await engine._key(first)
        held.append(engine._lock(key).locked())

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
