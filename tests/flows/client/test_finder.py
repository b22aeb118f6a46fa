"""The office finder in the client conversation, on the sample region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.catalogue.samples import RBK
from bot.flows.client.finder.render import RLM
from bot.flows.engine import FlowEngine
from bot.i18n import FSI, PDI, translator
from scheduler.clock import FixedClock
from storage.catalogue_io import import_catalogue
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, rows_mentioning, text

# Monday 23 November 2026, 10:00 in Berlin (09:00 UTC): Wermelskirchen's open consultation runs.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WERMELSKIRCHEN_DE = ("Zwei KIM Case Manager im Sozialamt (Fachbereich Soziales und Inklusion). "
                     "Offene Sprechstunde Montag bis Freitag 8:30 bis 12:00 Uhr ohne Termin; "
                     "nachmittags Termine nach Vereinbarung im Rathaus. Sprachmittlung über den "
                     "Laien-Sprachmittlungspool des KI möglich.")


@pytest.fixture
async def finder_engine(sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    return FlowEngine(sqlite_db, clock)


async def started(engine: FlowEngine, user_id: int, language: str, consent: bool) -> Chat:
    chat = Chat(engine, user_id, language)
    await chat.send("/start")
    await chat.press(f"lang:{language}")
    await chat.press("consent:yes" if consent else "consent:no")
    return chat


async def test_without_consent_the_finder_answers_and_stores_nothing_personal(finder_engine,
                                                                              sqlite_db):
    chat = await started(finder_engine, 4711, "de", consent=False)
    topics = await chat.press("finder")
    assert len([a for a in actions(topics) if a.startswith("topic:")]) == 18
    towns = await chat.press("topic:housing")
    assert "town:wermelskirchen" in actions(towns)
    answer = await chat.press("town:wermelskirchen")
    de = translator("de")
    assert text(answer).startswith(de._("Here you can get help:"))
    assert "KIM Case Management Stadt Wermelskirchen" in text(answer)
    rows = await all_rows(sqlite_db)
    assert rows["clients"] == []
    assert await rows_mentioning(sqlite_db, 4711) == []
    [demand] = rows["finder_demand"]
    assert (demand["town_id"], demand["topic"], demand["language"], demand["offer_found"],
            demand["count"]) == ("wermelskirchen", "housing", "de", True, 1)
    assert set(demand) == {"id", "day", "region_id", "town_id", "topic", "language",
                           "offer_found", "count"}  # no column that could name a person


async def test_demand_counts_add_up_per_day_and_bucket(finder_engine, sqlite_db):
    for user in (1, 2, 3):
        chat = await started(finder_engine, user, "ar", consent=False)
        await chat.press("topic:housing")
        await chat.press("town:odenthal")
    [demand] = (await all_rows(sqlite_db))["finder_demand"]
    assert (demand["topic"], demand["town_id"], demand["count"]) == ("housing", "odenthal", 3)


async def test_a_consented_persons_town_is_remembered(finder_engine, sqlite_db):
    chat = await started(finder_engine, 77, "uk", consent=True)
    await chat.press("topic:debts")
    await chat.press("town:overath")
    assert (await all_rows(sqlite_db))["clients"][0]["town"] == "overath"
    await chat.send("/menu")
    again = await chat.press("topic:health")  # no town question this time
    assert translator("uk")._("Here you can get help:") in text(again)


async def test_without_consent_the_town_is_kept_only_in_the_conversation(finder_engine,
                                                                         sqlite_db):
    chat = await started(finder_engine, 78, "fa", consent=False)
    await chat.press("topic:debts")
    await chat.press("town:overath")
    again = await chat.press("topic:health")
    assert translator("fa")._("Here you can get help:") in text(again)
    assert (await all_rows(sqlite_db))["clients"] == []


@pytest.mark.parametrize("forged", ["topic:bananas", "town:atlantis", "age:5", "age:abc",
                                    "town:../../etc"])
async def test_forged_finder_buttons_change_nothing(finder_engine, sqlite_db, forged):
    chat = await started(finder_engine, 79, "de", consent=False)
    await chat.press("topic:language_courses")
    await chat.press("town:burscheid")  # now the age question is open
    outcome = await chat.press(forged)
    assert outcome.notice == translator("de")._("This button does not work any more.")
    assert (await all_rows(sqlite_db))["finder_demand"] == []


async def test_the_age_question_then_the_answer_for_that_age(finder_engine):
    chat = await started(finder_engine, 80, "de", consent=False)
    await chat.press("topic:language_courses")
    question = await chat.press("town:burscheid")
    assert text(question) == translator("de")._("How old are you? The right office depends on it.")
    assert "age:27" in actions(question)
    young = text(await chat.press("age:12"))
    assert "Jugendmigrationsdienst" in young


async def test_free_text_finds_the_topic_or_offers_the_list(finder_engine):
    chat = await started(finder_engine, 81, "de", consent=False)
    found = await chat.send("Ich brauche eine Wohnung")
    assert "town:roesrath" in actions(found)  # the topic is known, the town is asked next
    await chat.send("/menu")
    unknown = await chat.send("blablub")
    assert text(unknown) == translator("de")._("I found no topic for your words. Please "
                                               "choose one:")
    assert len([a for a in actions(unknown) if a.startswith("topic:")]) == 18


def wermelskirchen_answer_in(code: str, moment: datetime):
    async def run(sqlite_db):
        engine = FlowEngine(sqlite_db, FixedClock(moment))
        chat = await started(engine, 90 + len(code), code, consent=False)
        await chat.press("topic:housing")
        return await chat.press("town:wermelskirchen")
    return run


@pytest.mark.parametrize("code", ["de", "ar", "ti"])
async def test_the_same_answer_in_german_arabic_and_tigrinya(sqlite_db, clock, code):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    answer = await wermelskirchen_answer_in(code, MONDAY_MORNING)(sqlite_db)
    tr = translator(code)
    body = text(answer)
    assert tr._("Here you can get help:") in body
    assert "KIM Case Management Stadt Wermelskirchen" in body  # names stay as written
    assert tr._("Consultation hours:") in body
    assert tr._("Open now, until {time}.", time="12:00") in body
    assert "08:30" in body and "12:00" in body
    if code == "ar":
        assert all(reply.rtl for reply in answer.replies)
        # Times and phone numbers stay in order inside Arabic text ...
        assert f"{FSI}12:00{PDI}" in body and f"{FSI}02202 13-0{PDI}" in body
        # ... and lines that begin with a Latin office name still read right-to-left.
        places = answer.replies[1:]
        assert all(line.startswith(RLM) for reply in places for line in reply.text.split("\n"))
    if code == "ti":
        # No Tigrinya description in the sample: the German one is shown and labelled.
        assert tr._("In German: {text}", text=WERMELSKIRCHEN_DE) in body


async def test_closed_now_says_when_it_opens_next_across_the_dst_change(sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    # Friday 23 October 2026, 14:00 Berlin; the clocks go back on Sunday 25 October.
    friday = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    body = text(await wermelskirchen_answer_in("en", friday)(sqlite_db))
    assert "Closed now." in body
    assert "Opens on Monday 26 October at 08:30." in body


async def test_a_public_holiday_is_closed(sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    # Wednesday 3 June 2026, 14:00; Thursday 4 June is Fronleichnam, a holiday in NRW.
    wednesday = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
    body = text(await wermelskirchen_answer_in("en", wednesday)(sqlite_db))
    assert "Opens on Friday 5 June at 08:30." in body


async def test_mydata_shows_the_remembered_town_and_delete_removes_it(finder_engine, sqlite_db):
    chat = await started(finder_engine, 82, "de", consent=True)
    await chat.press("topic:debts")
    await chat.press("town:roesrath")
    body = text(await chat.send("/mydata"))
    assert translator("de")._("Town for the office search: {town}", town="Rösrath") in body
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert await rows_mentioning(sqlite_db, 82) == []
    assert (await all_rows(sqlite_db))["clients"] == []


async def test_a_written_town_name_is_understood(finder_engine):
    chat = await started(finder_engine, 83, "de", consent=False)
    await chat.press("topic:debts")
    de = translator("de")
    assert de._("Here you can get help:") in text(await chat.send("Rösrath"))
    await chat.press("topic:health")  # the town is kept now; ask another town by name
    await chat.press("finder_town")
    assert de._("Here you can get help:") in text(await chat.send("wermels"))


async def test_an_unknown_written_town_asks_again_and_does_not_switch_the_topic(finder_engine,
                                                                               sqlite_db):
    chat = await started(finder_engine, 84, "de", consent=False)
    await chat.press("topic:debts")
    again = await chat.send("Odessa")
    de = translator("de")
    assert de._("Please write the name of your town.") in text(again)
    assert "town:odenthal" in actions(again)
    assert de._("Here you can get help:") in text(await chat.send("Odenthal"))
    [demand] = (await all_rows(sqlite_db))["finder_demand"]
    assert demand["topic"] == "debts"  # not housing, which "Odenthal" once matched as "ode"


async def test_the_age_answer_survives_a_catalogue_import_that_removed_the_town(
        finder_engine, sqlite_db, clock, tmp_path):
    chat = await started(finder_engine, 85, "de", consent=False)
    await chat.press("topic:language_courses")
    await chat.press("town:burscheid")  # the age question is open now
    smaller = tmp_path / "rbk.yaml"
    smaller.write_text(
        "region: {id: rbk, name: Rheinisch-Bergischer Kreis}\n"
        "towns:\n  - {id: odenthal, name: Odenthal}\n"
        "offices:\n  - id: kim-odenthal\n    type: kim_case_management\n"
        "    name: KIM Odenthal\n    towns: [odenthal]\n    topics: [letters]\n"
        "    description: {de: Beratung}\n", encoding="utf-8")
    clock.advance(timedelta(minutes=1))
    await import_catalogue(sqlite_db, [smaller], clock.now())
    outcome = await chat.press("age:27")
    assert text(outcome) == translator("de")._(
        "What do you need help with? Tap a topic or write a few words.")


async def test_demand_is_counted_per_week_on_its_monday(finder_engine, sqlite_db):
    chat = await started(finder_engine, 86, "de", consent=False)
    await chat.press("topic:debts")
    await chat.press("town:odenthal")
    [demand] = (await all_rows(sqlite_db))["finder_demand"]
    assert demand["day"].weekday() == 0


async def test_mydata_without_consent_names_the_town_kept_in_the_conversation(finder_engine):
    chat = await started(finder_engine, 87, "de", consent=False)
    await chat.press("topic:debts")
    await chat.press("town:overath")
    body = text(await chat.send("/mydata"))
    assert translator("de")._("Town for the office search: {town}", town="Overath") in body
