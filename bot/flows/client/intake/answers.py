"""Answering the intake's questions: buttons (one answer, or ticking several and "Done") and
typed text (the town, a date, a phone number, the message).

Every answer is checked against the question the chat is at and against the allowed codes; a
button from another question or a forged one changes nothing and brings the open question
back. Each answer is written to the draft at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.client.intake.flow import (
    ask_question,
    asked_from,
    draft_in_step,
    not_now,
    resume,
    show_summary,
)
from bot.flows.client.intake.input import find_town, parse_deadline, parse_phone
from bot.flows.client.intake.questions import DATE_EXAMPLE, MULTI, NOTE_LIMIT, QUESTIONS, SPOKEN
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Outcome
from bot.i18n import BY_CODE
from bot.intake.codes import (
    CHOICES,
    MAX_CHILDREN_BUTTON,
    NO_INTERPRETER,
    NO_SERVICE,
    YES,
    real_services,
)
from storage.models import Intake


class _Refused(Exception):
    """Not an answer this question allows."""


# --- buttons ------------------------------------------------------------------------------

async def answer(turn: ClientTurn, arg: str) -> Outcome:
    """One answer by button: "<question>-<code>"."""
    key, _, value = arg.partition("-")
    state = await draft_in_step(turn)
    # At the phone question the other ways of contact stay on offer.
    if state is None or key not in (state[1], "contact" if state[1] == "phone" else state[1]):
        return await _stale(turn)
    intake, _, data = state
    if key == "interpreter" and value == "other":
        return await ask_question(turn, intake, key, replace(asked_from(data),
                                                             all_languages=True))
    try:
        follow = await _apply(turn, intake, key, value)
    except _Refused:
        return await _stale(turn)
    return await _after(turn, intake, follow, data)


async def toggle(turn: ClientTurn, arg: str) -> Outcome:
    """Tick or untick one of several answers; the question's message is updated in place."""
    key, _, value = arg.partition("-")
    state = await draft_in_step(turn)
    if state is None or key != state[1] or key not in MULTI or value not in _ORDER[key]():
        return await _stale(turn)
    intake, _, data = state
    asked = asked_from(data)
    selected = [code for code in asked.selected if code != value]
    if len(selected) == len(asked.selected):
        selected.append(value)
        if key == "services":  # "none of these" and a service exclude each other
            selected = [value] if value == NO_SERVICE else [
                code for code in selected if code != NO_SERVICE]
    return await ask_question(turn, intake, key, replace(asked, selected=tuple(selected)),
                              replace_message=True)


async def done(turn: ClientTurn, key: str) -> Outcome:
    state = await draft_in_step(turn)
    if state is None or key != state[1] or key not in MULTI:
        return await _stale(turn)
    intake, _, data = state
    asked = asked_from(data)
    if not asked.selected:
        return await ask_question(turn, intake, key, asked,
                                  notice=turn.tr._("Please choose at least one."))
    # Stored in the order of the lists, not of the taps: every summary reads alike.
    chosen = [code for code in _ORDER[key]() if code in asked.selected]
    setattr(intake, QUESTIONS[key].column, chosen)
    follow = None
    if key == "services":
        if real_services(chosen):
            follow = "helping"
        else:
            intake.services_helping = None
    return await _after(turn, intake, follow, data)


_ORDER = {
    "topics": lambda: list(TOPIC_BY_CODE),
    "languages": lambda: list(SPOKEN),
    "services": lambda: list(CHOICES["services"]),
}


async def _apply(turn: ClientTurn, intake: Intake, key: str, value: str) -> str | None:
    """Write one answer; returns the follow-up question it opens, if any."""
    if key == "town":
        return await _set_town(turn, intake, value)
    if key in ("household", "age", "german", "helping", "residence"):  # stored as they come
        _check(value in CHOICES[key])
        setattr(intake, QUESTIONS[key].column, value)
        return "children" if key == "household" else None
    if key == "children":
        _check(value.isascii() and value.isdigit() and int(value) <= MAX_CHILDREN_BUTTON)
        intake.children = int(value)
    elif key == "interpreter":
        _check(value == NO_INTERPRETER or (value in BY_CODE and value != "de"))
        intake.interpreter = value
    elif key == "letter":
        _check(value in CHOICES["letter"])
        if value == YES:
            return "deadline"  # written with its date
        intake.letter, intake.letter_deadline = "no", None
    elif key == "deadline":
        _set_deadline(turn, intake, value)
    elif key == "contact":
        _check(value in CHOICES["contact"])
        if value == "phone":
            return "phone"  # written with the number
        intake.contact, intake.phone = value, None
    elif key == "note":
        _check(value == "none")
        intake.note, intake.note_language = "", None
    else:
        raise _Refused
    return None


def _check(condition: bool) -> None:
    if not condition:
        raise _Refused


async def _set_town(turn: ClientTurn, intake: Intake, town: str) -> None:
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    _check(town in index.towns)
    intake.town = town
    assert turn.client is not None
    turn.client.town = town  # the finder and booking skip the question next time


def _set_deadline(turn: ClientTurn, intake: Intake, value: str) -> None:
    if value == "unknown":
        intake.letter, intake.letter_deadline = YES, None
        return
    _check(len(value) == 8 and value.isascii() and value.isdigit())
    try:
        day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _Refused from None
    _check(parse_deadline(f"{day:%d.%m.%Y}", _today(turn)) == day)
    intake.letter, intake.letter_deadline = YES, day


def _today(turn: ClientTurn) -> date:
    return turn.ctx.clock.now().astimezone(turn.tr.tz).date()


async def _after(turn: ClientTurn, intake: Intake, follow: str | None,
                 data: dict[str, Any]) -> Outcome:
    intake.updated_at = turn.ctx.clock.now()
    edit = bool(data.get("edit"))
    if follow is not None:
        return await ask_question(turn, intake, follow, edit=edit)
    if edit:
        return await show_summary(turn, intake)
    return await resume(turn, intake)


async def _stale(turn: ClientTurn) -> Outcome:
    return await not_now(turn, turn.tr._("This button does not work any more."))


# --- typed text ---------------------------------------------------------------------------

async def typed(turn: ClientTurn) -> Outcome:
    """Text written while a question of the intake is open."""
    state = await draft_in_step(turn)
    text = turn.ctx.event.text
    tr = turn.tr
    if state is None:
        return await not_now(turn, tr._("Sorry, I did not understand that. Please tap a "
                                         "button."), toast=False)
    intake, key, data = state
    limit = NOTE_LIMIT if key == "note" else turn.ctx.settings.max_text_length
    if len(text) > limit:
        return await not_now(turn, tr.ngettext(
            "Your message is too long. Please write at most {n} character.",
            "Your message is too long. Please write at most {n} characters.", limit),
            toast=False)
    if key == "note" and text.strip():
        intake.note, intake.note_language = text.strip(), turn.language
    elif key == "town" and (town := find_town(text, await turn.ctx.catalogue.index(
            turn.ctx.session))) is not None:
        await _set_town(turn, intake, town)
    elif key == "deadline" and (day := parse_deadline(text, _today(turn))) is not None:
        intake.letter, intake.letter_deadline = YES, day
    elif key == "phone" and (phone := parse_phone(text)) is not None:
        intake.contact, intake.phone = "phone", phone
    else:
        return await not_now(turn, _typed_refusal(turn, key), toast=False)
    return await _after(turn, intake, None, data)


def _typed_refusal(turn: ClientTurn, key: str) -> str:
    tr = turn.tr
    if key == "deadline":
        return tr._("Please write the date like this: {example}.", example=DATE_EXAMPLE)
    if key == "phone":
        return tr._("This does not look like a phone number. Please write only the number, "
                    "for example {example}.", example="0176 12345678")
    if key == "town":
        return tr._("I did not find this town. Please tap your town.")
    return tr._("Sorry, I did not understand that. Please tap a button.")


async def unsupported(turn: ClientTurn) -> Outcome:
    """A photo or a voice note during the intake: nothing changes, the question comes again."""
    return await not_now(turn, turn.tr._("Sorry, I can only read text and buttons. Please "
                                         "write a message or tap a button."), toast=False)

