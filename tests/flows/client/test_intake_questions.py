"""The intake's table of questions, rendered without a chat: every question in every language,
and the layouts and ticks the walk through the flow (test_client_intake) does not look at."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from bot.flows.actions import parse_action
from bot.flows.client.intake.flow import next_open
from bot.flows.client.intake.questions import (
    KEYS,
    MAIN,
    MULTI,
    QUESTIONS,
    Asked,
    ask,
    sequence,
)
from bot.flows.client.intake.render import SECTIONS
from bot.flows.events import Reply
from bot.i18n import LANGUAGES, translator
from storage.models import Intake

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


class Turn:
    """What a question needs of a client turn: the language, its translator, the clock."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.tr = translator(language)
        self.ctx = SimpleNamespace(clock=SimpleNamespace(now=lambda: NOW))

    def reply(self, text: str, buttons=(), edit: bool = False) -> Reply:
        return Reply(text, buttons, edit=edit, rtl=self.tr.rtl)


def towns(count: int) -> SimpleNamespace:
    return SimpleNamespace(towns={f"t{n:02d}": SimpleNamespace(id=f"t{n:02d}", name=f"Ort {n:02d}")
                                  for n in range(count)})


def asked(language: str, key: str, intake: Intake | None = None, towns_count: int = 5,
          **how: object) -> Reply:
    return ask(Turn(language), intake or Intake(), key, towns(towns_count), Asked(**how))


def action_rows(reply: Reply) -> list[list[str]]:
    return [[button.action for button in row] for row in reply.buttons]


def ticked(reply: Reply) -> list[str]:
    return [b.action for row in reply.buttons for b in row if b.label.startswith("✓ ")]


def test_the_table_holds_the_questions_in_the_order_of_the_check_screen():
    assert tuple(key for key, _ in SECTIONS) == MAIN
    assert list(QUESTIONS) == ["town", "topics", "household", "children", "age", "languages",
                               "german", "interpreter", "services", "helping", "letter",
                               "deadline", "contact", "phone", "residence", "note"]
    assert set(QUESTIONS) == KEYS and sorted(MULTI) == ["languages", "services", "topics"]
    follow_ups = {key: q.follows for key, q in QUESTIONS.items() if q.follows}
    assert follow_ups == {"children": "household", "helping": "services", "deadline": "letter",
                          "phone": "contact"}
    assert next_open(Intake()) == "town"


# Each question's number and the total for a person who has answered nothing yet: every
# question its own number; a follow-up on screen counts, and the one about children always.
NUMBERED = {"town": (1, 13), "topics": (2, 13), "household": (3, 13), "children": (4, 13),
            "age": (5, 13), "languages": (6, 13), "german": (7, 13), "interpreter": (8, 13),
            "services": (9, 13), "helping": (10, 14), "letter": (10, 13), "deadline": (11, 14),
            "contact": (11, 13), "phone": (12, 14), "residence": (12, 13), "note": (13, 13)}


def test_questions_are_numbered_without_repeats_and_skip_what_was_filled_in():
    answered = Intake(household="alone", services=["jmd"], letter="yes", contact="phone",
                      prefilled=["town", "interpreter"])
    assert sequence(answered, "note") == [
        "topics", "household", "children", "age", "languages", "german", "services",
        "helping", "letter", "deadline", "contact", "phone", "residence", "note"]
    tr = translator("en")
    reply = asked("en", "helping", answered)
    assert reply.text.startswith(tr._("Question {n} of {total}", n=8, total=14))


@pytest.mark.parametrize("language", [lang.code for lang in LANGUAGES])
def test_every_question_is_asked_in_every_language(language):
    tr = translator(language)
    for key in QUESTIONS:
        reply = asked(language, key)
        number, total = NUMBERED[key]
        assert reply.text.startswith(tr._("Question {n} of {total}", n=number, total=total))
        *answers, footer = action_rows(reply)
        assert footer == ["i_later"]
        for action in (a for row in answers for a in row):
            parsed = parse_action(action)
            assert parsed is not None and parsed.name in ("i_ans", "i_tog", "i_done"), action
            target = key if parsed.name == "i_done" else parsed.arg.partition("-")[0]
            assert target == ("contact" if key == "phone" else key), action


def test_no_children_stands_alone_and_the_numbers_five_to_a_row():
    reply = asked("uk", "children", Intake(children=5))
    assert action_rows(reply) == [["i_ans:children-0"],
                                  [f"i_ans:children-{n}" for n in range(1, 6)], ["i_later"]]
    assert ticked(reply) == ["i_ans:children-5"]
    assert reply.buttons[1][-1].label == "✓ " + translator("uk")._("{n} or more", n=5)


def test_another_interpreter_language_is_ticked_and_the_long_list_names_them_natively():
    intake = Intake(interpreter="fr")
    short = asked("ar", "interpreter", intake)
    assert action_rows(short)[:3] == [["i_ans:interpreter-ar"], ["i_ans:interpreter-other"],
                                      ["i_ans:interpreter-no"]]
    assert ticked(short) == ["i_ans:interpreter-other"]
    assert [row[0].action for row in asked("de", "interpreter").buttons] == [
        "i_ans:interpreter-other", "i_ans:interpreter-no", "i_later"]  # no "Yes, in German"

    long = asked("ar", "interpreter", intake, all_languages=True, edit=True)
    ar = translator("ar")
    assert ar._("Which language?") in long.text
    assert ar._("Question {n} of {total}", n=8, total=13) in long.text
    assert [len(row) for row in long.buttons] == [2] * 6 + [1, 1]  # 13 languages, then back
    assert long.buttons[0][0].label == "English" and ticked(long) == ["i_ans:interpreter-fr"]
    assert long.buttons[-1][0].action == "i_sum"


def test_with_more_towns_than_buttons_the_person_writes_the_name():
    de = translator("de")
    few = asked("de", "town", Intake(town="t03"), towns_count=30)
    assert [len(row) for row in few.buttons] == [2] * 15 + [1]
    assert ticked(few) == ["i_ans:town-t03"]
    many = asked("de", "town", towns_count=31)
    assert many.text.endswith(de._("Which town do you live in?") + "\n\n"
                              + de._("Please write the name of your town."))
    assert action_rows(many) == [["i_later"]]


def test_the_deadline_offers_two_weeks_three_to_a_row_and_not_knowing_the_date():
    reply = asked("tr", "deadline", Intake(letter="yes", letter_deadline=date(2026, 11, 27)))
    rows = action_rows(reply)
    assert [len(row) for row in rows] == [3, 3, 3, 3, 2, 1, 1]
    assert rows[0][0] == "i_ans:deadline-20261123" and rows[4][-1] == "i_ans:deadline-20261206"
    assert rows[-2] == ["i_ans:deadline-unknown"]
    assert ticked(reply) == ["i_ans:deadline-20261127"]
    assert translator("tr")._("By when must you answer the letter? Tap the day or write the "
                              "date, for example {example}.", example="31.12.2026") in reply.text


def test_the_phone_question_offers_the_other_ways_of_contact_unticked():
    reply = asked("fa", "phone", Intake(contact="phone", phone="0176 1234567"))
    assert action_rows(reply) == [["i_ans:contact-chat"], ["i_ans:contact-in_person"],
                                  ["i_later"]]
    assert ticked(reply) == []
