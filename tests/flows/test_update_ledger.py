"""A webhook update Telegram sends again is handled once, and gets exactly the replies that
never started, whatever moment the instance handling it died at."""

from __future__ import annotations

import asyncio

import pytest

from bot.flows.engine import FlowEngine, UpdateNotHandled
from bot.flows.events import BotKind, Document, Event, Outcome, Reply
from bot.telegram.delivery import deliver
from storage.db import Database

CHAT = 5151


class Died(Exception):
    """The instance was killed here."""


class Api:
    """A ChatApi that records what reached Telegram."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_text(self, chat_id, reply):
        self.sent.append(reply.text)

    async def send_document(self, chat_id, document, reply):
        self.sent.append(f"{reply.text} [{document.filename}]")

    async def edit_text(self, chat_id, message_id, reply):
        self.sent.append(f"edit: {reply.text}")


def engine_with(db: Database, clock, replies: list[Reply]) -> tuple[FlowEngine, list[int]]:
    runs: list[int] = []

    async def handler(ctx):
        runs.append(1)
        return Outcome(list(replies))

    return FlowEngine(db, clock, handlers={BotKind.CLIENT: handler}), runs


def event() -> Event:
    return Event.from_text(BotKind.CLIENT, CHAT, CHAT, "hallo", "de")


THREE = [Reply("eins"), Reply("zwei", document=Document("termin.ics", b"BEGIN:VCALENDAR")),
         Reply("drei")]


async def test_died_after_the_first_reply_the_update_sent_again_gets_the_rest(db, clock):
    engine, runs = engine_with(db, clock, THREE)
    api = Api()

    async def dies_after_first(outcome: Outcome) -> None:
        await api.send_text(CHAT, outcome.replies[0])
        raise Died

    with pytest.raises(Died):
        await engine.handle(event(), deliver=dies_after_first, update_id=41)
    # Telegram got no 200 and sends the update again, to another instance.
    again = await engine.handle(event(), deliver=lambda o: deliver(api, event(), o),
                                update_id=41)
    assert api.sent == ["eins", "zwei [termin.ics]", "drei"]
    assert runs == [1] and len(again.replies) == 2
    # A third time: everything has started, nothing goes again.
    await engine.handle(event(), deliver=lambda o: deliver(api, event(), o), update_id=41)
    assert api.sent == ["eins", "zwei [termin.ics]", "drei"]


async def test_a_reply_recorded_as_started_is_never_sent_twice(db, clock):
    engine, runs = engine_with(db, clock, THREE)
    api = Api()

    async def dies_while_sending_the_second(outcome: Outcome) -> None:
        await api.send_text(CHAT, outcome.replies[0])
        assert outcome.progress is not None
        await outcome.progress(1)  # "zwei" is on its way when the process is killed
        raise Died

    with pytest.raises(Died):
        await engine.handle(event(), deliver=dies_while_sending_the_second, update_id=42)
    await engine.handle(event(), deliver=lambda o: deliver(api, event(), o), update_id=42)
    # "zwei" may or may not have arrived; it is not repeated (at most once), "drei" goes.
    assert api.sent == ["eins", "drei"] and runs == [1]


async def test_the_whole_answer_delivered_leaves_nothing_owed(db, clock):
    engine, runs = engine_with(db, clock, THREE)
    api = Api()
    await engine.handle(event(), deliver=lambda o: deliver(api, event(), o), update_id=43)
    await engine.handle(event(), deliver=lambda o: deliver(api, event(), o), update_id=43)
    assert api.sent == ["eins", "zwei [termin.ics]", "drei"] and runs == [1]
    async with db.transaction() as session:
        from sqlalchemy import select

        from storage.models import ProcessedUpdate
        [row] = await session.scalars(select(ProcessedUpdate))
    assert row.pending is None  # no reply text is kept once all are on their way


async def test_updates_are_per_bot(db, clock):
    engine, runs = engine_with(db, clock, [Reply("eins")])
    engine._handlers[BotKind.STAFF] = engine._handlers[BotKind.CLIENT]
    await engine.handle(event(), update_id=44)
    await engine.handle(Event.from_text(BotKind.STAFF, CHAT, CHAT, "hallo"), update_id=44)
    assert runs == [1, 1]


async def test_a_failing_flow_is_apologised_for_once(db, clock):
    runs: list[int] = []

    async def broken(ctx):
        runs.append(1)
        raise RuntimeError("bug")

    engine = FlowEngine(db, clock, handlers={BotKind.CLIENT: broken})
    first = await engine.handle(event(), update_id=45)
    again = await engine.handle(event(), update_id=45)
    assert len(first.replies) == 1  # the apology
    assert again.replies == [] and runs == [1]


async def test_a_database_that_fails_leaves_the_update_for_telegram_to_send_again(clock):
    gone = Database("postgresql://nobody:wrong@127.0.0.1:1/none")
    engine, runs = engine_with(gone, clock, [Reply("eins")])
    try:
        with pytest.raises(UpdateNotHandled):
            await engine.handle(event(), update_id=46)
        # Polling mode has no second chance from Telegram: the person gets an apology.
        outcome = await engine.handle(event())
        assert len(outcome.replies) == 1 and runs == []
    finally:
        await gone.dispose()


async def test_a_slow_instance_and_the_one_that_got_the_update_again_share_the_rest(db, clock):
    # Instance A sent the first reply, then hung (Telegram gave up waiting for its 200 and sent
    # the update to instance B). B sends the rest; when A wakes up, nothing is left for it.
    a, runs = engine_with(db, clock, THREE)
    b = FlowEngine(db, clock, handlers=a._handlers)
    api = Api()
    hung, wake = asyncio.Event(), asyncio.Event()

    class SlowApi(Api):
        async def send_text(self, chat_id, reply):
            await api.send_text(chat_id, reply)
            if reply.text == "eins":
                hung.set()
                await wake.wait()

        async def send_document(self, chat_id, document, reply):
            await api.send_document(chat_id, document, reply)

    first = asyncio.create_task(a.handle(event(), deliver=lambda o: deliver(SlowApi(), event(), o),
                                         update_id=47))
    await hung.wait()
    await b.handle(event(), deliver=lambda o: deliver(api, event(), o), update_id=47)
    wake.set()
    await first
    assert api.sent == ["eins", "zwei [termin.ics]", "drei"] and runs == [1]
