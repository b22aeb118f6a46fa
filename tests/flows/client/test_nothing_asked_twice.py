"""Nothing asked twice: the finder's town and topic survive "Continue without saving" and a later
agreement, and carry into the booking and the intake together with the booking's interpreter
and a referral's details; the intake asks only what is still unknown."""

from __future__ import annotations

import pytest

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.i18n import translator
from tests.support.booking import TUESDAY, TUESDAY_NINE, book_button, to_time
from tests.support.chat import Chat, consented
from tests.support.common import actions, buttons, text
from tests.support.intake import VOLUNTEER, intakes, kreis, staff_chat
from tests.support.referral import BOT, Referring, add_partner, payload_of, refer

EN, UK = translator("en"), translator("uk")


@pytest.fixture
async def flow(db, clock) -> FlowEngine:
    await kreis(db)
    await add_partner(db)
    return FlowEngine(db, clock, FlowSettings(client_bot_username=BOT))


def ticked(outcome) -> list[str]:
    return [b.action for b in buttons(outcome) if b.label.startswith("✓")]


async def test_the_finders_town_and_topic_survive_saying_no_and_agreeing_later(flow, db):
    chat = Chat(flow, 6001, "uk")
    await chat.send("/start")
    await chat.press("lang:uk")
    await chat.press("consent:no")  # "Continue without saving"
    await chat.press("finder")
    await chat.press("topic:housing")
    answer = await chat.press("town:odenthal")
    assert "book" in actions(answer)

    notice = await chat.press("book")
    assert "consent:yes" in actions(notice)
    days = await chat.press("consent:yes")
    # Straight to the days in Odenthal: the town chosen in the finder was kept.
    assert f"bday:{TUESDAY}" in actions(days) and "btown:odenthal" not in actions(days)
    assert "Odenthal" in text(days)

    await chat.press(f"bday:{TUESDAY}")
    await chat.press(f"btime:{TUESDAY_NINE}")
    await chat.press("bnoname")
    check = await chat.press("binterp:uk")
    done = await chat.press(book_button(check))
    assert "i_go" in actions(done)

    first = await chat.press("i_go")
    filled = UK._("You told us this already, so we filled it in: {answers}. You can change it "
                  "before you send.",
                  answers=", ".join(UK._(name) for name in ("Town", "Topics", "Interpreter")))
    assert filled in text(first)
    # The next unknown question comes first, numbered among the questions still to ask.
    assert UK._("Do you live with a partner?") in text(first)
    assert UK._("Question {n} of {total}", n=1, total=10) in text(first)
    [intake] = await intakes(db)
    assert (intake.town, intake.topics, intake.interpreter) == ("odenthal", ["housing"], "uk")
    assert intake.prefilled == ["town", "topics", "interpreter"]


async def test_the_interpreters_language_is_ticked_as_spoken_and_everything_stays_changeable(
        flow, db):
    chat = await consented(flow, 6002, "en")
    await to_time(chat)
    check = await chat.press_each("bnoname", "binterp:other", "binterp:ti")
    await chat.press(book_button(check))
    current = await chat.press("i_go")
    assert EN._("Which town do you live in?") not in text(current)
    for tap in ("i_tog:topics-work", "i_done:topics", "i_ans:household-alone",
                "i_ans:children-0", "i_ans:age-27_39"):
        current = await chat.press(tap)
    assert EN._("Which languages do you speak? Tap all that fit. Then tap \"Done\".") in text(
        current)
    assert ticked(current) == ["i_tog:languages-en", "i_tog:languages-ti"]
    for tap in ("i_done:languages", "i_ans:german-a1", "i_tog:services-none",
                "i_done:services", "i_ans:letter-no", "i_ans:contact-chat",
                "i_ans:residence-prefer_not"):
        current = await chat.press(tap)
    summary = await chat.press("i_ans:note-none")
    body = text(summary)
    assert EN._("Interpreter") + ": ትግርኛ" in body and EN._("Town") + ": Odenthal" in body
    # A filled-in answer is changed like any other, from the check screen.
    change = await chat.press("i_edit:interpreter")
    assert "i_ans:interpreter-no" in actions(change)
    back = await chat.press("i_ans:interpreter-no")
    assert EN._("Interpreter") + ": " + EN._("Not needed") in text(back)


async def test_a_referrals_town_and_topics_carry_into_the_persons_own_intake(flow, db):
    referral = Referring(town="kuerten", topics=("work", "letters"), language="uk")
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER), referral))
    person = Chat(flow, 6003, "uk")
    await person.send(f"/start {payload}")
    await person.press("consent:yes")
    await person.send("/aboutme")
    first = await person.press("i_go")
    assert UK._("Do you live with a partner?") in text(first)
    own = next(i for i in await intakes(db) if i.source == "client")
    assert (own.town, own.topics) == ("kuerten", ["work", "letters"])
    check_topics = await person.press("i_later")
    assert check_topics.replies  # the answers so far are kept for later


async def test_without_anything_known_every_question_is_asked(flow):
    chat = await consented(flow, 6004, "en")
    await chat.send("/aboutme")
    first = await chat.press("i_go")
    assert EN._("Which town do you live in?") in text(first)
    assert "already" not in text(first)
    assert EN._("Question {n} of {total}", n=1, total=13) in text(first)
