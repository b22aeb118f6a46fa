"""The intake's questions as the person sees them: text and buttons in their language.

QUESTIONS is the table of them, one entry a question in the order they are asked: its text, how
it is answered, its buttons, where the answer is stored and when it is asked. `ask` renders any
entry the same way.

Every question is answered with buttons (the town, a date and the phone number can also be
written). Questions with several answers show ✓ on what is chosen and a "Done" button.
A question asked to change an answer (from the check screen) offers "Back to the overview"
instead of "Later".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import NamedTuple, Protocol

from babel.dates import format_date

from bot.catalogue.routing import CatalogueIndex
from bot.catalogue.topics import TOPICS
from bot.flows.actions import action
from bot.flows.client.finder.flow import MAX_TOWN_BUTTONS
from bot.flows.client.intake.render import SECTIONS, language_name
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Reply, in_rows
from bot.i18n import LANGUAGES, N_
from bot.intake.codes import (
    AGE_GROUPS,
    CONTACTS,
    GERMAN_LEVELS,
    HELPING,
    HOUSEHOLDS,
    LETTER,
    MAX_CHILDREN_BUTTON,
    NO_INTERPRETER,
    OTHER_LANGUAGE,
    RESIDENCE,
    SERVICES,
    YES,
    real_services,
)
from storage.models import Intake

NOTE_LIMIT = 500
DEADLINE_BUTTON_DAYS = 14
DATE_EXAMPLE = "31.12.2026"
CHECK = "✓ "
STEP_PREFIX = "intake_"
# The languages a person can tick as spoken, in the order they are stored: all but German.
SPOKEN = (*(lang.code for lang in LANGUAGES if lang.code != "de"), OTHER_LANGUAGE)


class Kind(Enum):
    """How a question is answered."""

    ONE = "one"  # one button
    SEVERAL = "several"  # ticking buttons, then "Done"
    NUMBER = "number"  # one button, a number
    DATE = "date"  # a day's button, or the date written
    PHONE = "phone"  # the number written, or a button for another way of contact
    TEXT = "text"  # free text, or the button for nothing


class Option(NamedTuple):
    """A button as shown: the code it answers with, and its label in the person's language."""

    code: str
    label: str


class Listed(Protocol):
    """An entry of a list of bot.intake.codes or bot.catalogue.topics."""

    @property
    def code(self) -> str: ...

    @property
    def label(self) -> str: ...  # English message id


# A list of codes.py (its labels translated when asked), or a function that lists the buttons.
Options = Sequence[Listed] | Callable[[ClientTurn, CatalogueIndex], list[Option]]


@dataclass(frozen=True)
class Question:
    key: str  # the step's name (step) and the first part of its buttons' actions
    prompt: str  # English message id, marked with N_ for extraction; filled with `values`
    kind: Kind
    column: str  # the Intake attribute that stores the answer
    options: Options = ()
    per_row: tuple[int, ...] = (1,)  # buttons to a row, row by row; the last for all the rest
    # A follow-up is numbered like the question it follows and asked after it: when it has no
    # answer (and `asked_if` holds), or only right after the answer `opened_by` to that
    # question, which is then stored together with the follow-up's own.
    follows: str | None = None
    opened_by: str | None = None
    asked_if: Callable[[Intake], bool] | None = None
    skip: tuple[str, str] | None = None  # a last button that answers "none": code, English label
    values: Mapping[str, object] = field(default_factory=dict)
    # With more options than MAX_TOWN_BUTTONS: no buttons, the person is asked this instead.
    write_instead: str | None = None
    warning: str | None = None  # a paragraph below the question, marked ⚠️
    answers: str | None = None  # the question its buttons answer, if another one
    # The code of the button that shows the stored answer, where it is not the answer itself.
    shown: Callable[[Intake, str], str | None] | None = None
    other: Question | None = None  # asked instead after "Yes, in another language"

    def unanswered(self, intake: Intake) -> bool:
        """Without an answer, and due to be asked (see `follows`)."""
        if self.opened_by is not None or (self.asked_if and not self.asked_if(intake)):
            return False
        value = getattr(intake, self.column)
        return not value if self.kind is Kind.SEVERAL else value is None


def deadline_days(today: date) -> list[date]:
    return [today + timedelta(days=n) for n in range(DEADLINE_BUTTON_DAYS)]


def _towns(turn: ClientTurn, index: CatalogueIndex) -> list[Option]:
    return [Option(town.id, town.name)
            for town in sorted(index.towns.values(), key=lambda town: town.name)]


def _children(turn: ClientTurn, index: CatalogueIndex) -> list[Option]:
    tr = turn.tr
    labels = [tr._("No children"), *map(str, range(1, MAX_CHILDREN_BUTTON)),
              tr._("{n} or more", n=MAX_CHILDREN_BUTTON)]
    return [Option(str(number), label) for number, label in enumerate(labels)]


def _spoken(turn: ClientTurn, index: CatalogueIndex) -> list[Option]:
    return [Option(code, language_name(code, turn.tr)) for code in SPOKEN]


def _interpreters(turn: ClientTurn, index: CatalogueIndex) -> list[Option]:
    tr = turn.tr
    own = [] if turn.language == "de" else [Option(
        turn.language, tr._("Yes, in {language}", language=language_name(turn.language, tr)))]
    return [*own, Option(OTHER_LANGUAGE, tr._("Yes, in another language")),
            Option(NO_INTERPRETER, tr._("No, not needed"))]


def _interpreter_shown(intake: Intake, language: str) -> str | None:
    """"Yes, in another language" stands for every language but the chat's."""
    code = intake.interpreter
    return code if code in (None, NO_INTERPRETER, language) else OTHER_LANGUAGE


def _all_languages(turn: ClientTurn, index: CatalogueIndex) -> list[Option]:
    return [Option(lang.code, lang.native_name) for lang in LANGUAGES if lang.code != "de"]


def _days(turn: ClientTurn, index: CatalogueIndex) -> list[Option]:
    tr = turn.tr
    today = turn.ctx.clock.now().astimezone(tr.tz).date()
    return [Option(f"{day:%Y%m%d}", format_date(day, "EEE d MMM", locale=tr.locale))
            for day in deadline_days(today)]


def _supported(intake: Intake) -> bool:
    return bool(real_services(intake.services))


_TABLE = (
    Question("town", N_("Which town do you live in?"), Kind.ONE, "town", _towns, per_row=(2,),
             write_instead=N_("Please write the name of your town.")),
    Question("topics",
             N_("What do you need help with? Tap all that fit. Then tap \"Done\"."),
             Kind.SEVERAL, "topics", TOPICS, per_row=(2,)),
    Question("household", N_("Do you live with a partner?"), Kind.ONE, "household",
             HOUSEHOLDS, per_row=(2,)),
    Question("children", N_("How many children live with you?"), Kind.NUMBER, "children",
             _children, per_row=(1, 5), follows="household"),
    Question("age", N_("How old are you?"), Kind.ONE, "age_group", AGE_GROUPS),
    Question("languages",
             N_("Which languages do you speak? Tap all that fit. Then tap \"Done\"."),
             Kind.SEVERAL, "languages", _spoken, per_row=(2,)),
    Question("german", N_("How good is your German?"), Kind.ONE, "german_level",
             GERMAN_LEVELS),
    Question("interpreter", N_("Do you need an interpreter for the meeting with KIM?"),
             Kind.ONE, "interpreter", _interpreters, shown=_interpreter_shown,
             other=Question("interpreter", N_("Which language?"), Kind.ONE, "interpreter",
                            _all_languages, per_row=(2,))),
    Question("services",
             N_("Does another service already help you? Tap all that fit. Then tap "
                "\"Done\"."),
             Kind.SEVERAL, "services", SERVICES),
    Question("helping", N_("Does this help you enough?"), Kind.ONE, "services_helping",
             HELPING, follows="services", asked_if=_supported),
    Question("letter", N_("Do you have a letter from an office with a deadline?"), Kind.ONE,
             "letter", LETTER, per_row=(2,)),
    Question("deadline",
             N_("By when must you answer the letter? Tap the day or write the date, for "
                "example {example}."),
             Kind.DATE, "letter_deadline", _days, per_row=(3,), follows="letter",
             opened_by=YES, skip=("unknown", N_("I do not know the date")),
             values={"example": DATE_EXAMPLE}),
    Question("contact", N_("How should KIM contact you?"), Kind.ONE, "contact", CONTACTS),
    Question("phone", N_("Please write your phone number. Or choose another way:"),
             Kind.PHONE, "phone", tuple(c for c in CONTACTS if c.code != "phone"),
             follows="contact", opened_by="phone", answers="contact"),
    # "I prefer not to say" is one of the answers: a code staff read, not a skipped question.
    Question("residence",
             N_("What is your residence status? You do not have to answer this."),
             Kind.ONE, "residence", RESIDENCE),
    Question("note",
             N_("Is there anything else the case manager should know? Write a short message "
                "(at most {n} characters)."),
             Kind.TEXT, "note", skip=("none", N_("No, nothing to add")),
             values={"n": NOTE_LIMIT},
             warning=N_("Please do not write about your health or your asylum case here.")),
)
QUESTIONS: dict[str, Question] = {question.key: question for question in _TABLE}
MAIN = tuple(question.key for question in _TABLE if question.follows is None)
KEYS = frozenset(QUESTIONS)
MULTI = frozenset(key for key, question in QUESTIONS.items() if question.kind is Kind.SEVERAL)
assert tuple(key for key, _ in SECTIONS) == MAIN  # the check screen lists them in this order


def sequence(intake: Intake, current: str) -> list[str]:
    """The questions this person is asked, in order, for numbering them: every main question
    not filled in for them beforehand, and the follow-ups their answers open (`current`, the
    one on screen, always counts). So no two questions share a number; the total grows by one
    when an answer opens a follow-up."""
    given = set(intake.prefilled or ())
    return [question.key for question in _TABLE
            if question.key == current
            or (question.key not in given and _due(question, intake))]


def _due(question: Question, intake: Intake) -> bool:
    if question.follows is None:
        return True
    if question.opened_by is not None:
        parent = QUESTIONS[question.follows]
        return getattr(intake, parent.column) == question.opened_by
    return question.asked_if is None or question.asked_if(intake)


def step(key: str) -> str:
    return STEP_PREFIX + key


def key_of(step_name: str) -> str | None:
    key = step_name.removeprefix(STEP_PREFIX)
    return key if step_name.startswith(STEP_PREFIX) and key in KEYS else None


@dataclass(frozen=True)
class Asked:
    """How a question is shown: changing an answer from the overview, what is ticked so far
    (questions with several answers), and whether the long language list is open."""

    edit: bool = False
    selected: tuple[str, ...] = ()
    all_languages: bool = False


def ask(turn: ClientTurn, intake: Intake, key: str, index: CatalogueIndex, asked: Asked,
        notice: str | None = None) -> Reply:
    tr = turn.tr
    question = QUESTIONS[key]
    if asked.all_languages and question.other is not None:
        question = question.other
    text, buttons = _rendered(question, turn, intake, index, asked)
    order = sequence(intake, key)
    progress = tr._("Question {n} of {total}", n=order.index(key) + 1, total=len(order))
    body = "\n\n".join(part for part in (notice, progress, text) if part)
    footer = (Button(tr._("Back to the overview"), action("i_sum")) if asked.edit
              else Button(tr._("Later"), action("i_later")))
    return turn.reply(body, (*buttons, (footer,)))


Rows = tuple[tuple[Button, ...], ...]


def _rendered(question: Question, turn: ClientTurn, intake: Intake, index: CatalogueIndex,
              asked: Asked) -> tuple[str, Rows]:
    """Any question of the table: its text, and its buttons with ✓ on what is chosen."""
    tr = turn.tr
    paragraphs = [tr._(question.prompt, **question.values)]
    if callable(question.options):
        options = question.options(turn, index)
    else:
        options = [Option(listed.code, tr._(listed.label)) for listed in question.options]
    if question.write_instead and len(options) > MAX_TOWN_BUTTONS:
        paragraphs.append(tr._(question.write_instead))
        options = []
    if question.warning:
        paragraphs.append("⚠️ " + tr._(question.warning))
    several = question.kind is Kind.SEVERAL
    chosen = set(asked.selected) if several else {_answer_code(question, intake, turn)}
    answers = question.answers or question.key
    buttons = [Button(CHECK + option.label if option.code in chosen else option.label,
                      action("i_tog" if several else "i_ans", f"{answers}-{option.code}"))
               for option in options]
    rows = _in_rows(buttons, question.per_row)
    if several:
        rows += ((Button(tr._("Done"), action("i_done", question.key)),),)
    if question.skip:
        code, label = question.skip
        rows += ((Button(tr._(label), action("i_ans", f"{question.key}-{code}")),),)
    return "\n\n".join(paragraphs), rows


def _answer_code(question: Question, intake: Intake, turn: ClientTurn) -> str | None:
    """The code of the button that shows the stored answer."""
    if question.shown is not None:
        return question.shown(intake, turn.language)
    value = getattr(intake, question.column)
    if value is None:
        return None
    return f"{value:%Y%m%d}" if isinstance(value, date) else str(value)


def _in_rows(buttons: list[Button], per_row: tuple[int, ...]) -> Rows:
    """The first row of per_row[0] buttons, the next of per_row[1], ..., the rest of the last."""
    rows: list[tuple[Button, ...]] = []
    for size in per_row[:-1]:
        if buttons:
            rows.append(tuple(buttons[:size]))
            buttons = buttons[size:]
    return (*rows, *in_rows(buttons, per_row[-1]))
