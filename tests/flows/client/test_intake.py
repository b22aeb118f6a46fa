"""The intake in the client bot: every question, changing answers, stopping halfway and coming
back a day later, bad input, taking the answers back, and the offer after booking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.i18n import FSI, PDI, translator
from scheduler.jobs import purge_expired_states
from storage.models import IntakeStatus
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, buttons, text
from tests.support.intake import (
    KAYA,
    Answers,
    answer_town,
    consented,
    fill,
    intakes,
    kreis,
    messages_to,
)

AR, UK, FA = translator("ar"), translator("uk"), translator("fa")


@pytest.fixture
async def flow(db, clock) -> FlowEngine:
    """An engine over SQLite and PostgreSQL, with the sample Kreis set up."""
    await kreis(db)
    return FlowEngine(db, clock, FlowSettings())


def ticked(outcome) -> list[str]:
    return [b.action for b in buttons(outcome) if b.label.startswith("✓")]


async def test_every_question_is_asked_with_buttons_and_stored_as_codes(flow, db):
    chat = await consented(flow, 501, "ar")
    intro = await chat.press("intake")
    assert AR._("You can change every answer before you send it.") in text(intro)
    assert AR._("Please do not write about your health or your asylum case here.") in text(
        intro)
    assert actions(intro) == ["i_go", "menu"]

    def asks(outcome, question: str, number: int, total: int, **values: object) -> None:
        assert AR._(question, **values) in text(outcome), text(outcome)
        assert AR._("Question {n} of {total}", n=number, total=total) in text(outcome)

    town = await chat.press("i_go")
    asks(town, "Which town do you live in?", 1, 13)
    assert "i_ans:town-odenthal" in actions(town) and "i_later" in actions(town)
    topics = await chat.press("i_ans:town-odenthal")
    asks(topics, "What do you need help with? Tap all that fit. Then tap \"Done\".", 2, 13)
    assert len([a for a in actions(topics) if a.startswith("i_tog:topics-")]) == 18
    household = await chat.press_each("i_tog:topics-housing", "i_tog:topics-debts", "i_done:topics")
    asks(household, "Do you live with a partner?", 3, 13)
    children = await chat.press("i_ans:household-alone")
    asks(children, "How many children live with you?", 4, 13)
    age = await chat.press("i_ans:children-1")
    asks(age, "How old are you?", 5, 13)
    languages = await chat.press("i_ans:age-18_26")
    asks(languages, "Which languages do you speak? Tap all that fit. Then tap \"Done\".", 6, 13)
    assert ticked(languages) == ["i_tog:languages-ar"]  # the chat's language, to start with
    await chat.press("i_tog:languages-fr")
    german = await chat.press("i_done:languages")
    asks(german, "How good is your German?", 7, 13)
    interpreter = await chat.press("i_ans:german-none")
    asks(interpreter, "Do you need an interpreter for the meeting with KIM?", 8, 13)
    assert actions(interpreter)[:3] == ["i_ans:interpreter-ar", "i_ans:interpreter-other",
                                        "i_ans:interpreter-no"]
    services = await chat.press("i_ans:interpreter-ar")
    asks(services, "Does another service already help you? Tap all that fit. Then tap "
                   "\"Done\".", 9, 13)
    await chat.press("i_tog:services-jmd")
    helping = await chat.press("i_done:services")
    asks(helping, "Does this help you enough?", 10, 14)
    letter = await chat.press("i_ans:helping-no")
    asks(letter, "Do you have a letter from an office with a deadline?", 11, 14)
    deadline = await chat.press("i_ans:letter-yes")
    asks(deadline, "By when must you answer the letter? Tap the day or write the date, for "
                   "example {example}.", 12, 15, example="31.12.2026")
    assert "i_ans:deadline-20261123" in actions(deadline)  # today, and 13 more days
    assert "i_ans:deadline-20261206" in actions(deadline)
    assert "i_ans:deadline-unknown" in actions(deadline)
    contact = await chat.send("۲۷.۱۱.۲۰۲۶")  # written with Persian digits
    asks(contact, "How should KIM contact you?", 13, 15)
    phone = await chat.press("i_ans:contact-phone")
    asks(phone, "Please write your phone number. Or choose another way:", 14, 16)
    residence = await chat.send("+49 176 1234567")
    asks(residence, "What is your residence status? You do not have to answer this.", 15, 16)
    assert "i_ans:residence-prefer_not" in actions(residence)
    note = await chat.press("i_ans:residence-prefer_not")
    asks(note, "Is there anything else the case manager should know? Write a short message "
               "(at most {n} characters).", 16, 16, n=500)
    assert AR._("Please do not write about your health or your asylum case here.") in text(
        note)
    check = await chat.send("أحتاج مساعدة في رسالة من مكتب العمل")
    assert AR._("Please check your answers:") in text(check)
    assert "i_send" in actions(check) and "i_edit:town" in actions(check)

    [intake] = await intakes(db)
    assert intake.status == IntakeStatus.DRAFT.value
    assert (intake.town, intake.topics, intake.household, intake.children, intake.age_group,
            intake.languages, intake.german_level, intake.interpreter, intake.services,
            intake.services_helping, intake.letter, intake.letter_deadline, intake.contact,
            intake.phone, intake.residence, intake.note, intake.note_language) == (
        "odenthal", ["housing", "debts"], "alone", 1, "18_26", ["ar", "fr"], "none", "ar",
        ["jmd"], "no", "yes", date(2026, 11, 27), "phone", "+49 176 1234567", "prefer_not",
        "أحتاج مساعدة في رسالة من مكتب العمل", "ar")


async def test_the_check_screen_shows_every_answer_in_the_persons_language(flow):
    chat = await consented(flow, 502, "uk")
    check = await fill(chat, Answers(note="Потрібна допомога з листом"))
    body = text(check)
    for line in (UK._("Town") + ": Odenthal",
                 UK._("Topics") + ": " + UK.join(UK._(label) for label in (
                     "Housing", "Residence permit", "Debts")),
                 UK._("Household") + ": " + UK.join([UK._("With a partner"),
                 UK.ngettext("{n} child", "{n} children", 2)]),
                 UK._("German") + ": " + UK._("A1: a few words"),
                 UK._("Interpreter") + ": " + UK._("Not needed"),
                 UK._("Residence status") + ": " + UK._("I prefer not to say"),
                 UK._("Your message") + f": {FSI}Потрібна допомога з листом{PDI}"):
        assert line in body, line
    assert "Wohnen" not in body  # nothing German on the person's side


async def test_several_answers_are_ticked_and_done_needs_one(flow, db):
    chat = await consented(flow, 503, "fa")
    await answer_town(chat, "kuerten")
    empty = await chat.press("i_done:topics")
    assert FA._("Please choose at least one.") in text(empty)
    ticked_once = await chat.press("i_tog:topics-work")
    assert ticked_once.replies[0].edit  # the question's message is updated in place
    assert ticked(ticked_once) == ["i_tog:topics-work"]
    untouched = await chat.press("i_tog:topics-work")
    assert ticked(untouched) == []
    await chat.press("i_tog:topics-health")
    await chat.press("i_done:topics")
    [intake] = await intakes(db)
    assert intake.topics == ["health"]


async def test_none_of_these_services_excludes_the_others_and_skips_the_follow_up(flow, db):
    chat = await consented(flow, 504, "de")
    await fill(chat, Answers(services=("mbe", "none"), helping=None, languages=("en",)))
    [intake] = await intakes(db)
    assert intake.services == ["none"] and intake.services_helping is None


async def test_every_answer_can_be_changed_before_sending(flow, db):
    chat = await consented(flow, 505, "ar")
    await fill(chat)
    question = await chat.press("i_edit:household")
    assert "i_sum" in actions(question) and "i_later" not in actions(question)
    assert "i_ans:household-partner" in ticked(question)  # the current answer is marked
    children = await chat.press("i_ans:household-alone")
    assert AR._("How many children live with you?") in text(children)
    back = await chat.press("i_ans:children-0")
    assert AR._("Please check your answers:") in text(back)

    await chat.press_each("i_edit:services", "i_tog:services-none", "i_done:services",
                          "i_edit:letter", "i_ans:letter-no",
                          "i_edit:contact", "i_ans:contact-chat",
                          "i_edit:town", "i_ans:town-kuerten", "i_edit:note")
    check = await chat.send("Bitte am Vormittag")
    assert AR._("Please check your answers:") in text(check)
    [intake] = await intakes(db)
    assert (intake.household, intake.children, intake.services, intake.services_helping,
            intake.letter, intake.letter_deadline, intake.contact, intake.phone, intake.town,
            intake.note) == ("alone", 0, ["none"], None, "no", None, "chat", None, "kuerten",
                             "Bitte am Vormittag")
    # "Back to the overview" leaves an answer as it was.
    await chat.press("i_edit:age")
    assert AR._("Please check your answers:") in text(await chat.press("i_sum"))
    assert (await intakes(db))[0].age_group == "27_39"


async def test_a_person_who_stops_halfway_continues_after_a_restart_and_a_day_later(
        flow, db, clock):
    chat = await consented(flow, 506, "uk")
    await answer_town(chat)
    await chat.press("i_tog:topics-housing")
    await chat.press("i_done:topics")
    # The process restarts: a new engine on the same database continues the same question.
    clock.advance(timedelta(hours=2))
    restarted = Chat(FlowEngine(db, clock, FlowSettings()), 506, "uk")
    children = await restarted.press("i_ans:household-partner")
    assert UK._("How many children live with you?") in text(children)

    # A day and more later the conversation state is gone; the answers are not.
    clock.advance(timedelta(hours=25))
    await purge_expired_states(db, clock)
    assert [s for s in (await all_rows(db))["conversation_states"]] == []
    again = Chat(FlowEngine(db, clock, FlowSettings()), 506, "uk")
    old = await again.press("i_ans:children-3")  # an old button: changes nothing ...
    assert old.notice == UK._("This button does not work any more.")
    assert UK._("How many children live with you?") in text(old)  # ... and asks again
    assert (await intakes(db))[0].children is None
    welcome = await again.send("/aboutme")
    assert UK._("Welcome back! Your answers so far are saved.") in text(welcome)
    age = await again.press("i_ans:children-3")
    assert UK._("How old are you?") in text(age)
    [intake] = await intakes(db)
    assert (intake.town, intake.topics, intake.household, intake.children) == (
        "odenthal", ["housing"], "partner", 3)


async def test_later_keeps_the_answers_and_the_menu_continues(flow, db):
    chat = await consented(flow, 507, "fa")
    await answer_town(chat, "overath")
    paused = await chat.press("i_later")
    assert FA._("Main menu. What do you want to do?") in text(paused)
    assert "intake" in actions(paused)
    resumed = await chat.press("intake")
    assert FA._("What do you need help with? Tap all that fit. Then tap \"Done\".") in text(
        resumed)


async def test_the_intake_needs_consent_and_goes_on_after_agreeing(flow, db):
    chat = Chat(flow, 508, "ar")
    await chat.send("/start")
    notice = await chat.press_each("lang:ar", "consent:no", "intake")
    assert AR._("To save your answers we must save some data about you. Please read this "
                "first:") in text(notice)
    assert (await all_rows(db))["intakes"] == []
    agreed = await chat.press("consent:yes")
    assert "i_go" in actions(agreed)


async def test_photos_long_texts_and_forged_buttons_change_nothing(flow, db):
    chat = await consented(flow, 509, "ar")
    await answer_town(chat)
    before = await intakes(db)

    photo = await chat.send_unsupported("photo")
    assert AR._("Sorry, I can only read text and buttons. Please write a message or tap a "
                "button.") in text(photo)
    assert AR._("What do you need help with? Tap all that fit. Then tap \"Done\".") in text(
        photo)
    long = await chat.send("ا" * 4000)
    assert AR.ngettext("Your message is too long. Please write at most {n} character.",
                       "Your message is too long. Please write at most {n} characters.",
                       1000) in text(long)
    words = await chat.send("مرحبا")
    assert AR._("Sorry, I did not understand that. Please tap a button.") in text(words)
    for forged in ("i_tog:topics-weapons", "i_ans:town-atlantis", "i_ans:age-99",
                   "i_ans:children-9", "i_done:nothing", "i_edit:town", "i_send",
                   "i_ans:topics-housing", "i_wdok:yes", "i_ans:deadline-20200101"):
        outcome = await chat.press(forged)
        assert outcome.notice == AR._("This button does not work any more."), forged
    after = await intakes(db)
    assert [(i.id, i.town, i.topics, i.age_group, i.status) for i in after] == [
        (i.id, i.town, i.topics, i.age_group, i.status) for i in before]
    # The question is still open and works.
    await chat.press("i_tog:topics-family")
    assert AR._("Do you live with a partner?") in text(await chat.press("i_done:topics"))


async def test_typed_answers_are_checked(flow, db):
    chat = await consented(flow, 510, "uk")
    await fill(chat)
    await chat.press("i_edit:letter")
    await chat.press("i_ans:letter-yes")
    bad = await chat.send("завтра")
    assert UK._("Please write the date like this: {example}.", example="31.12.2026") in text(
        bad)
    await chat.send("31.13.2026")  # no such day
    assert (await intakes(db))[0].letter_deadline == date(2026, 11, 27)
    await chat.send("2.12.")
    assert (await intakes(db))[0].letter_deadline == date(2026, 12, 2)

    await chat.press("i_edit:contact")
    await chat.press("i_ans:contact-phone")
    wrong = await chat.send("call me maybe")
    assert UK._("This does not look like a phone number. Please write only the number, for "
                "example {example}.", example="0176 12345678") in text(wrong)
    await chat.send("0221 / 123 456")
    assert (await intakes(db))[0].phone == "0221 / 123 456"

    await chat.press("i_edit:note")
    too_long = await chat.send("я" * 501)
    assert UK.ngettext("Your message is too long. Please write at most {n} character.",
                       "Your message is too long. Please write at most {n} characters.",
                       500) in text(too_long)
    assert (await intakes(db))[0].note == ""
    await chat.send("я" * 500)
    assert (await intakes(db))[0].note == "я" * 500

    await chat.press("i_edit:town")
    await chat.send("Odent")  # the start of a town's name is enough
    assert (await intakes(db))[0].town == "odenthal"


async def test_sending_hands_the_intake_on_and_shows_what_was_sent(flow, db):
    chat = await consented(flow, 511, "ar")
    await fill(chat)
    done = await chat.press("i_send")
    assert done.replies[0].edit  # the check screen becomes the record of what was sent
    assert AR._("Thank you! We sent your answers to KIM.") in text(done)
    office = "KIM Case Management Gemeinde Odenthal (Team Integration)"
    assert AR._("{office} will contact you soon.", office=office) in text(done)
    [intake] = await intakes(db)
    assert intake.status == IntakeStatus.ASSIGNED.value and intake.submitted_at is not None
    assert intake.region_id == "rbk"
    # Sent answers cannot be changed any more; an old check-screen button changes nothing.
    assert (await chat.press("i_edit:age")).notice == AR._("This button does not work any "
                                                           "more.")
    view = await chat.press("intake")
    assert AR._("Your answers for KIM:") in text(view) and "i_wd" in actions(view)


async def test_taking_the_answers_back_clears_them_and_tells_the_case_manager(flow, db):
    chat = await consented(flow, 512, "fa")
    await fill(chat)
    ask = await chat.press_each("i_send", "intake", "i_wd")
    assert actions(ask) == ["i_wdok:yes", "i_wdok:no"]
    assert FA._("Your answers for KIM:") in text(await chat.press("i_wdok:no"))
    await chat.press("i_wd")
    done = await chat.press("i_wdok:yes")
    assert FA._("Done. We deleted your answers.") in text(done)
    [intake] = await intakes(db)
    assert intake.status == IntakeStatus.WITHDRAWN.value
    assert (intake.town, intake.topics, intake.phone, intake.note) == (None, None, None, None)
    told = (await messages_to(db, "staff", KAYA))[-1]
    assert told.startswith(f"↩️ Anfrage Nr. {intake.id} (eingegangen Mo 23.11.2026) wurde von "
                           "der Person zurückgezogen.")
    assert "Odenthal" not in told and "0176" not in told  # no details
    # A new intake can start; the town the person named stays theirs, so it is filled in.
    again = await chat.press("i_go")
    assert "i_tog:topics-housing" in actions(again)
    assert FA._("Town") in text(again)
    assert len(await intakes(db)) == 2


async def test_booking_a_first_interview_offers_the_intake(db, clock):
    from storage.models import CaseManagerWorkplace
    from tests.support.booking import book_button, to_time

    ids = await kreis(db)
    async with db.transaction() as session:
        workplace = await session.get(CaseManagerWorkplace, 1)
        assert workplace.staff_member_id == ids["kaya"]
    chat = await consented(FlowEngine(db, clock), 513, "fa")
    await to_time(chat)
    check = await chat.press_each("bnoname", "binterp:fa")
    done = await chat.press(book_button(check))
    offer = done.replies[-1]
    assert offer.text == FA._("Before the meeting: do you want to answer a few short "
                              "questions? Then your case manager can prepare.")
    assert [b.action for row in offer.buttons for b in row] == ["i_go", "menu"]
    first = await chat.press("i_go")  # the town and the interpreter come from the booking
    assert FA._("Which town do you live in?") not in text(first)
    assert "i_tog:topics-housing" in actions(first)
    [intake] = await intakes(db)
    assert (intake.town, intake.interpreter, intake.prefilled) == (
        "odenthal", "fa", ["town", "interpreter"])
