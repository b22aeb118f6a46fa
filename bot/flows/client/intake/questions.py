"""The intake's questions as the person sees them: text and buttons in their language.

Every question is answered with buttons (the town, a date and the phone number can also be
written). Questions with several answers show ✓ on what is chosen and a "Done" button.
A question asked to change an answer (from the check screen) offers "Back to the overview"
instead of "Later".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date

from bot.catalogue.routing import CatalogueIndex
from bot.catalogue.topics import TOPICS
from bot.flows.actions import action
from bot.flows.client.finder.flow import MAX_TOWN_BUTTONS
from bot.flows.client.intake.render import SECTIONS, language_name
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Reply, in_rows, rows
from bot.i18n import LANGUAGES, Translator
from bot.intake.codes import (
    AGE_GROUPS,
    CONTACTS,
    GERMAN_LEVELS,
    HELPING,
    HOUSEHOLDS,
    MAX_CHILDREN_BUTTON,
    NO_INTERPRETER,
    OTHER_LANGUAGE,
    RESIDENCE,
    SERVICES,
    YES,
    Choice,
)
from storage.models import Intake

MAIN = tuple(key for key, _ in SECTIONS)
# Follow-up questions, numbered like the question they belong to.
PARENT = {"children": "household", "helping": "services", "deadline": "letter",
          "phone": "contact"}
KEYS = frozenset(MAIN) | frozenset(PARENT)
MULTI = frozenset({"topics", "languages", "services"})
NOTE_LIMIT = 500
DEADLINE_BUTTON_DAYS = 14
DATE_EXAMPLE = "31.12.2026"
CHECK = "✓ "
STEP_PREFIX = "intake_"


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
    text, buttons = _QUESTIONS[key](turn, intake, index, asked)
    number = MAIN.index(PARENT.get(key, key)) + 1
    progress = tr._("Question {n} of {total}", n=number, total=len(MAIN))
    body = "\n\n".join(part for part in (notice, progress, text) if part)
    footer = (Button(tr._("Back to the overview"), action("i_sum")) if asked.edit
              else Button(tr._("Later"), action("i_later")))
    return turn.reply(body, (*buttons, (footer,)))


Rows = tuple[tuple[Button, ...], ...]


def _choices(tr: Translator, key: str, choices: tuple[Choice, ...], current: str | None,
             per_row: int = 1) -> Rows:
    buttons = [Button(_ticked(tr._(c.label), c.code == current), action("i_ans", f"{key}-{c.code}"))
               for c in choices]
    return in_rows(buttons, per_row)


def _ticked(label: str, chosen: bool) -> str:
    return CHECK + label if chosen else label


def _done(tr: Translator, key: str) -> tuple[Button, ...]:
    return (Button(tr._("Done"), action("i_done", key)),)


def _town(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    towns = sorted(index.towns.values(), key=lambda town: town.name)
    question = tr._("Which town do you live in?")
    if len(towns) > MAX_TOWN_BUTTONS:
        return question + "\n\n" + tr._("Please write the name of your town."), ()
    buttons = [Button(_ticked(town.name, town.id == intake.town),
                      action("i_ans", f"town-{town.id}")) for town in towns]
    return question, in_rows(buttons, 2)


def _topics(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    buttons = [Button(_ticked(tr._(t.label), t.code in asked.selected),
                      action("i_tog", f"topics-{t.code}")) for t in TOPICS]
    text = tr._("What do you need help with? Tap all that fit. Then tap \"Done\".")
    return text, (*in_rows(buttons, 2), _done(tr, "topics"))


def _household(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    return (tr._("Do you live with a partner?"),
            _choices(tr, "household", HOUSEHOLDS, intake.household, per_row=2))


def _children(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    labels = [tr._("No children"), *map(str, range(1, MAX_CHILDREN_BUTTON)),
              tr._("{n} or more", n=MAX_CHILDREN_BUTTON)]
    buttons = [Button(_ticked(label, number == intake.children),
                      action("i_ans", f"children-{number}"))
               for number, label in enumerate(labels)]
    return tr._("How many children live with you?"), (tuple(buttons[:1]),
                                                        *in_rows(buttons[1:], 5))


def _age(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    return tr._("How old are you?"), _choices(tr, "age", AGE_GROUPS, intake.age_group)


def _languages(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    codes = [lang.code for lang in LANGUAGES if lang.code != "de"] + [OTHER_LANGUAGE]
    buttons = [Button(_ticked(language_name(code, tr), code in asked.selected),
                      action("i_tog", f"languages-{code}")) for code in codes]
    text = tr._("Which languages do you speak? Tap all that fit. Then tap \"Done\".")
    return text, (*in_rows(buttons, 2), _done(tr, "languages"))


def _german(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    return (tr._("How good is your German?"),
            _choices(tr, "german", GERMAN_LEVELS, intake.german_level))


def _interpreter(turn: ClientTurn, intake: Intake, index: CatalogueIndex,
                 asked: Asked) -> tuple:
    tr = turn.tr
    if asked.all_languages:
        buttons = [Button(_ticked(lang.native_name, lang.code == intake.interpreter),
                          action("i_ans", f"interpreter-{lang.code}"))
                   for lang in LANGUAGES if lang.code != "de"]
        return tr._("Which language?"), in_rows(buttons, 2)
    own = [] if turn.language == "de" else [Button(
        _ticked(tr._("Yes, in {language}", language=language_name(turn.language, tr)),
                intake.interpreter == turn.language),
        action("i_ans", f"interpreter-{turn.language}"))]
    other = intake.interpreter not in (None, NO_INTERPRETER, turn.language)
    return tr._("Do you need an interpreter for the meeting with KIM?"), rows(
        own,
        [Button(_ticked(tr._("Yes, in another language"), other),
                action("i_ans", "interpreter-other"))],
        [Button(_ticked(tr._("No, not needed"), intake.interpreter == NO_INTERPRETER),
                action("i_ans", f"interpreter-{NO_INTERPRETER}"))])


def _services(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    buttons = [Button(_ticked(tr._(s.label), s.code in asked.selected),
                      action("i_tog", f"services-{s.code}")) for s in SERVICES]
    text = tr._("Does another service already help you? Tap all that fit. Then tap \"Done\".")
    return text, (*in_rows(buttons, 1), _done(tr, "services"))


def _helping(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    return (tr._("Does this help you enough?"),
            _choices(tr, "helping", HELPING, intake.services_helping))


def _letter(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    return tr._("Do you have a letter from an office with a deadline?"), rows(
        [Button(_ticked(tr._("Yes"), intake.letter == YES), action("i_ans", "letter-yes")),
         Button(_ticked(tr._("No"), intake.letter == "no"), action("i_ans", "letter-no"))])


def deadline_days(today: date) -> list[date]:
    return [today + timedelta(days=n) for n in range(DEADLINE_BUTTON_DAYS)]


def _deadline(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    today = turn.ctx.clock.now().astimezone(tr.tz).date()
    buttons = [Button(_ticked(format_date(day, "EEE d MMM", locale=tr.locale),
                              day == intake.letter_deadline),
                      action("i_ans", f"deadline-{day:%Y%m%d}")) for day in deadline_days(today)]
    unknown = Button(tr._("I do not know the date"), action("i_ans", "deadline-unknown"))
    text = tr._("By when must you answer the letter? Tap the day or write the date, for "
                "example {example}.", example=DATE_EXAMPLE)
    return text, (*in_rows(buttons, 3), (unknown,))


def _contact(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    return (tr._("How should KIM contact you?"),
            _choices(tr, "contact", CONTACTS, intake.contact))


def _phone(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    others = tuple(c for c in CONTACTS if c.code != "phone")
    text = tr._("Please write your phone number. Or choose another way:")
    return text, _choices(tr, "contact", others, None)


def _residence(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    text = tr._("What is your residence status? You do not have to answer this.")
    return text, _choices(tr, "residence", RESIDENCE, intake.residence)


def _note(turn: ClientTurn, intake: Intake, index: CatalogueIndex, asked: Asked) -> tuple:
    tr = turn.tr
    text = "\n\n".join([
        tr._("Is there anything else the case manager should know? Write a short message "
             "(at most {n} characters).", n=NOTE_LIMIT),
        "⚠️ " + tr._("Please do not write about your health or your asylum case here."),
    ])
    return text, rows([Button(tr._("No, nothing to add"), action("i_ans", "note-none"))])


_QUESTIONS = {
    "town": _town, "topics": _topics, "household": _household, "children": _children,
    "age": _age, "languages": _languages, "german": _german, "interpreter": _interpreter,
    "services": _services, "helping": _helping, "letter": _letter, "deadline": _deadline,
    "contact": _contact, "phone": _phone, "residence": _residence, "note": _note,
}
assert set(_QUESTIONS) == KEYS
