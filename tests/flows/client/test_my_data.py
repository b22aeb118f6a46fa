"""The person's rights: /mydata shows what is stored, /delete erases it at once."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import FSI, PDI, translator
from scheduler.jobs import purge_expired_states
from tests.support.common import actions, all_rows, rows_mentioning, text


async def test_mydata_lists_everything_stored(chat_factory, clock):
    chat = await chat_factory(user_id=5550123).consent("ar")
    outcome = await chat.send("/mydata")
    body = text(outcome)
    ar = translator("ar")

    assert ar._("This is everything we store about you:") in body
    assert f"{FSI}5550123{PDI}" in body  # the number stays readable inside Arabic text
    assert "العربية" in body
    assert ar.date(clock.now()) in body and ar.time(clock.now()) in body
    assert outcome.replies[0].rtl


async def test_mydata_without_consent_says_nothing_is_stored(chat_factory):
    chat = chat_factory(language_code="de")
    await chat.send("/start")
    await chat.press("lang:de")
    await chat.press("consent:no")
    body = text(await chat.send("/mydata"))
    de = translator("de")
    assert de._("We store nothing about you.") in body
    assert de.ngettext(
        "We keep your language and your place in this chat for {n} hour after your last "
        "message. Then we delete them automatically.",
        "We keep your language and your place in this chat for {n} hours after your last "
        "message. Then we delete them automatically.", 24) in body


async def test_delete_needs_one_confirmation_then_leaves_no_row(chat_factory, sqlite_db):
    chat = await chat_factory(user_id=9001).consent("ar")
    ask = await chat.send("/delete")
    assert actions(ask) == ["delete:yes", "delete:no"]
    assert await rows_mentioning(sqlite_db, 9001) != []  # still there until confirmed

    done = await chat.press("delete:yes")
    assert text(done) == translator("ar")._(
        "Done. We deleted all your data. Write /start if you want to begin again.")
    rows = await all_rows(sqlite_db)
    assert rows["clients"] == [] and rows["conversation_states"] == []


async def test_saying_no_to_delete_keeps_everything(chat_factory, sqlite_db):
    chat = await chat_factory().consent("ar")
    await chat.send("/delete")
    outcome = await chat.press("delete:no")
    assert translator("ar")._("We deleted nothing.") in text(outcome)
    assert len((await all_rows(sqlite_db))["clients"]) == 1


async def test_an_old_delete_button_erases_nothing(chat_factory, sqlite_db):
    chat = await chat_factory().consent("ar")
    await chat.send("/delete")
    await chat.send("/menu")  # the person moved on; the old confirmation is still on screen
    outcome = await chat.press("delete:yes")
    assert outcome.notice == translator("ar")._("This button does not work any more.")
    assert len((await all_rows(sqlite_db))["clients"]) == 1


async def test_delete_without_consent_removes_the_short_memory(chat_factory, sqlite_db):
    chat = chat_factory()
    await chat.send("/start")
    await chat.press("lang:so")
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert (await all_rows(sqlite_db))["conversation_states"] == []


async def test_expired_short_memory_is_purged(chat_factory, sqlite_db, clock):
    chat = chat_factory()
    await chat.send("/start")
    await chat.press("lang:bg")
    assert len((await all_rows(sqlite_db))["conversation_states"]) == 1

    clock.advance(timedelta(hours=23))
    assert await purge_expired_states(sqlite_db, clock) == 0
    clock.advance(timedelta(hours=2))
    assert await purge_expired_states(sqlite_db, clock) == 1
    assert (await all_rows(sqlite_db))["conversation_states"] == []
    # The conversation starts over: the app's language is suggested again.
    assert (await chat.send("/start")).replies[0].buttons[0][0].action == "lang:ar"


async def test_the_short_memory_lasts_about_a_day_after_the_last_message(chat_factory,
                                                                         sqlite_db, clock):
    chat = chat_factory(language_code="ar")
    await chat.send("/start")
    await chat.press("lang:de")
    clock.advance(timedelta(hours=11, minutes=54))
    await chat.send("/help")  # the last message: the day starts again from here
    clock.advance(timedelta(hours=23))
    assert await purge_expired_states(sqlite_db, clock) == 0
    assert text(await chat.send("/menu")) == translator("de")._(
        "Main menu. What do you want to do?")
    clock.advance(timedelta(hours=24, minutes=1))
    assert await purge_expired_states(sqlite_db, clock) == 1


async def test_after_the_short_memory_expires_a_consented_person_keeps_their_language(
        chat_factory, sqlite_db, clock):
    from bot.flows.context import FlowSettings
    from bot.flows.engine import FlowEngine
    from bot.flows.events import BotKind
    from tests.support.chat import Chat

    chat = await chat_factory(user_id=808, language_code="ar").consent("de")
    clock.advance(timedelta(days=3))
    assert text(await chat.send("/menu")) == translator("de")._(
        "Main menu. What do you want to do?")

    async def broken(ctx):
        raise RuntimeError("boom")

    clock.advance(timedelta(days=3))
    crashing = Chat(FlowEngine(sqlite_db, clock, FlowSettings(),
                               handlers={BotKind.CLIENT: broken}), 808, "ar")
    assert text(await crashing.send("/menu")) == translator("de")._(
        "Sorry, something went wrong on our side. Please try again in a moment.")
