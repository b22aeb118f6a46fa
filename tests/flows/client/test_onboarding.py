"""First contact: language choice, privacy notice, consent or not."""

from __future__ import annotations

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.i18n import LANGUAGES, translator
from tests.support.common import actions, all_rows, buttons, rows_mentioning, text

AR = translator("ar")


async def test_start_suggests_the_apps_language_and_offers_all_fourteen(chat_factory):
    outcome = await chat_factory(language_code="ar").send("/start")

    assert text(outcome) == AR._("Hello! Please choose your language.")
    assert outcome.replies[0].rtl
    first_row = outcome.replies[0].buttons[0]
    assert [b.action for b in first_row] == ["lang:ar"]
    assert first_row[0].label == "✓ العربية"
    assert sorted(actions(outcome)) == sorted(f"lang:{lang.code}" for lang in LANGUAGES)
    labels = {b.label.removeprefix("✓ ") for b in buttons(outcome)}
    assert labels == {lang.native_name for lang in LANGUAGES}


async def test_unknown_app_language_suggests_english(chat_factory):
    outcome = await chat_factory(language_code="pt-br").send("/start")
    assert outcome.replies[0].buttons[0][0].action == "lang:en"
    assert text(outcome) == "Hello! Please choose your language."


async def test_dari_and_regional_tags_map_to_our_languages(chat_factory):
    for tag, code in [("prs", "fa"), ("fa-AF", "fa"), ("kmr", "ku"), ("uk-UA", "uk")]:
        outcome = await chat_factory(user_id=hash(tag) % 10**6, language_code=tag).send("/start")
        assert outcome.replies[0].buttons[0][0].action == f"lang:{code}", tag


async def test_choosing_a_language_shows_the_privacy_notice_in_it(chat_factory, sqlite_db):
    chat = chat_factory(language_code="en")
    await chat.send("/start")
    outcome = await chat.press("lang:ar")

    notice = text(outcome)
    assert AR._("Before we start: about your data.") in notice
    assert "/delete" in notice and "/mydata" in notice
    assert AR._("Please do not write about your health here.") in notice
    assert actions(outcome)[-3:] == ["consent:yes", "consent:no", "privfull"]
    assert outcome.replies[0].edit  # the language list is replaced, not left with buttons
    # The full notice is one tap away, with the same choice under it; nothing is agreed yet.
    full = await chat.press("privfull")
    assert AR._("Responsible: {controller}.", controller=FlowSettings().controller) in text(full)
    assert "LDI NRW" in text(full)
    assert actions(full) == ["consent:yes", "consent:no"]
    # Nothing personal yet: no client row, and no row that names the chat.
    assert (await all_rows(sqlite_db))["clients"] == []
    assert await rows_mentioning(sqlite_db, chat.user_id) == []


async def test_agreeing_records_consent_with_time_and_notice_version(chat_factory, sqlite_db,
                                                                     clock):
    chat = chat_factory()
    await chat.send("/start")
    await chat.press("lang:uk")
    outcome = await chat.press("consent:yes")

    clients = (await all_rows(sqlite_db))["clients"]
    assert len(clients) == 1
    client = clients[0]
    assert client["telegram_id"] == chat.user_id
    assert client["language"] == "uk"
    assert client["consent_version"] == FlowSettings().privacy_notice_version
    assert client["consent_at"].replace(tzinfo=None) == clock.now().replace(tzinfo=None)
    assert "mydata" in actions(outcome) and "delete" in actions(outcome)


async def test_continuing_without_saving_stores_nothing_personal(chat_factory, sqlite_db):
    chat = chat_factory()
    await chat.send("/start")
    await chat.press("lang:fa")
    outcome = await chat.press("consent:no")

    assert text(outcome).startswith(translator("fa")._("OK. We save nothing about you."))
    assert "mydata" in actions(outcome)
    assert (await all_rows(sqlite_db))["clients"] == []
    assert await rows_mentioning(sqlite_db, chat.user_id) == []
    # The language choice is remembered for the conversation all the same.
    menu = await chat.send("/menu")
    assert text(menu) == translator("fa")._("Main menu. What do you want to do?")


async def test_consent_can_be_given_later_from_the_menu(chat_factory, sqlite_db):
    chat = chat_factory()
    await chat.send("/start")
    await chat.press("lang:tr")
    await chat.press("consent:no")
    outcome = await chat.press("privacy")
    assert actions(outcome)[-3:] == ["consent:yes", "consent:no", "privfull"]
    await chat.press("consent:yes")
    assert len((await all_rows(sqlite_db))["clients"]) == 1


async def test_changing_the_language_updates_a_consented_person(chat_factory, sqlite_db):
    chat = await chat_factory().consent("ar")
    await chat.send("/language")
    outcome = await chat.press("lang:ti")

    assert text(outcome).endswith(translator("ti")._("Main menu. What do you want to do?"))
    assert (await all_rows(sqlite_db))["clients"][0]["language"] == "ti"


async def test_a_restart_continues_the_conversation_at_its_step(sqlite_db, clock):
    from tests.support.chat import Chat

    first = await Chat(FlowEngine(sqlite_db, clock), 77, "en").consent("ro")
    await first.send("/delete")

    # A new engine, as after a crash or on a second instance: the confirmation still works.
    second = Chat(FlowEngine(sqlite_db, clock), 77, "en")
    outcome = await second.press("delete:yes")
    assert text(outcome) == translator("ro")._(
        "Done. We deleted all your data. Write /start if you want to begin again.")
    assert await rows_mentioning(sqlite_db, 77) == []


async def test_text_before_choosing_a_language_gets_the_language_list(chat_factory):
    outcome = await chat_factory(language_code="ru").send("привет")
    assert outcome.replies[0].buttons[0][0].action == "lang:ru"


async def test_consent_counts_only_as_the_answer_to_the_notice_just_shown(chat_factory,
                                                                          sqlite_db):
    chat = chat_factory()
    # A forged "I agree" with no conversation at all records nothing.
    outcome = await chat.press("consent:yes")
    assert outcome.notice == AR._("This button does not work any more.")
    assert (await all_rows(sqlite_db))["clients"] == []

    await chat.send("/start")
    await chat.press("lang:ar")
    await chat.send("/menu")  # the notice is still on screen, but the chat moved on
    await chat.press("consent:yes")
    assert (await all_rows(sqlite_db))["clients"] == []


async def test_an_old_agree_button_after_delete_records_nothing(chat_factory, sqlite_db):
    chat = await chat_factory().consent("ar")
    await chat.send("/delete")
    await chat.press("delete:yes")
    await chat.press("consent:yes")  # the old notice message still has its button
    assert (await all_rows(sqlite_db))["clients"] == []


async def test_consent_records_the_version_that_was_shown(sqlite_db, clock):
    from tests.support.chat import Chat

    shown = Chat(FlowEngine(sqlite_db, clock, FlowSettings(privacy_notice_version="v-old")),
                 5, "ar")
    await shown.send("/start")
    await shown.press("lang:ar")
    # The notice changes (a deployment) while the person reads the old one.
    agreed = Chat(FlowEngine(sqlite_db, clock, FlowSettings(privacy_notice_version="v-new")),
                  5, "ar")
    await agreed.press("consent:yes")
    assert (await all_rows(sqlite_db))["clients"][0]["consent_version"] == "v-old"


async def test_a_consented_person_pressing_continue_without_saving_keeps_their_data(
        chat_factory, sqlite_db):
    chat = await chat_factory().consent("ar")
    await chat.press("privacy")  # shows the notice with the menu, no consent buttons
    await chat.send("/start")
    await chat.press("lang:ar")  # consented: straight to the menu
    outcome = await chat.press("consent:no")
    assert AR._("OK. We save nothing about you.") not in text(outcome)
    assert len((await all_rows(sqlite_db))["clients"]) == 1


async def test_a_command_followed_by_a_new_line_is_still_the_command(chat_factory):
    outcome = await chat_factory(language_code="ar").send("/start\nhallo")
    assert text(outcome) == AR._("Hello! Please choose your language.")
