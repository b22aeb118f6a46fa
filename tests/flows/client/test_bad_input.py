"""Bad input gets a clear answer in the person's language and changes nothing."""

from __future__ import annotations

import pytest

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.i18n import translator
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, text

TI = translator("ti")


@pytest.mark.parametrize("kind", ["photo", "voice", "sticker", "document", "location"])
async def test_unsupported_content_gets_a_polite_answer_and_stores_nothing(
        chat_factory, sqlite_db, kind):
    chat = chat_factory(language_code="ti")
    outcome = await chat.send_unsupported(kind)
    assert text(outcome) == TI._(
        "Sorry, I can only read text and buttons. Please write a message or tap a button.")
    rows = await all_rows(sqlite_db)
    assert rows["clients"] == [] and rows["conversation_states"] == []


@pytest.mark.parametrize("forged", [
    "lang:xx", "consent:maybe", "delete:everything", "mydata:1", "'; DROP TABLE clients; --",
    "x" * 300, "", "lang:ar:extra", "LANG:ar",
])
async def test_forged_buttons_change_nothing(chat_factory, sqlite_db, forged):
    chat = await chat_factory().consent("ti")
    before = await all_rows(sqlite_db)
    outcome = await chat.press(forged)
    assert outcome.notice == TI._("This button does not work any more.")
    after = await all_rows(sqlite_db)
    assert after["clients"] == before["clients"]
    assert [s["step"] for s in after["conversation_states"]] == [
        s["step"] for s in before["conversation_states"]]


async def test_a_very_long_message_is_refused_without_changing_the_step(chat_factory,
                                                                       sqlite_db):
    chat = await chat_factory().consent("ti")
    await chat.send("/delete")
    outcome = await chat.send("ሀ" * 4000)
    assert text(outcome) == TI.ngettext(
        "Your message is too long. Please write at most {n} character.",
        "Your message is too long. Please write at most {n} characters.", 1000)
    # The pending confirmation still works: the long message changed nothing.
    await chat.press("delete:yes")
    assert (await all_rows(sqlite_db))["clients"] == []


async def test_unknown_command_points_to_help(chat_factory):
    chat = await chat_factory().consent("ti")
    outcome = await chat.send("/launch_rockets now")
    assert text(outcome) == TI._("I do not know this command. Write /help to see what I can do.")


async def test_a_crashing_flow_apologises_in_the_chosen_language_and_rolls_back(
        chat_factory, sqlite_db, clock):
    chat = await chat_factory(user_id=31).consent("ti")

    async def broken(ctx):
        ctx.conversation.go("somewhere")
        raise RuntimeError("boom")

    crashing = Chat(FlowEngine(sqlite_db, clock, FlowSettings(),
                               handlers={BotKind.CLIENT: broken}), 31, "en")
    outcome = await crashing.send("/menu")
    assert text(outcome) == TI._(
        "Sorry, something went wrong on our side. Please try again in a moment.")
    steps = [s["step"] for s in (await all_rows(sqlite_db))["conversation_states"]]
    assert "somewhere" not in steps
    # And the next message is handled normally again.
    assert "mydata" in actions(await chat.send("/menu"))
