"""Plain language, measured: the first layer of the privacy notice has at most 60 words, every
client message stays under 70 words in English (exceptions below, with the reason), and every
button fits a phone's screen in every language: at most 24 characters when it shares its row,
at most 40 when alone."""

from __future__ import annotations

import re

import pytest

from bot.flows.client.onboarding.flow import privacy_notice
from bot.flows.context import FlowSettings
from bot.flows.events import ALONE_CHARS, SHARED_ROW_CHARS, Outcome
from bot.i18n import LANGUAGES, translator
from tests.support.booking import TUESDAY, TUESDAY_NINE
from tests.support.chat import Chat

# Messages that may be longer, because they are lists the person asked for.
LONG_ON_PURPOSE = {
    "help": "the list of commands, one line each",
    "privfull": "the full privacy notice: everything GDPR Art. 13 asks for, one tap away",
    "mydata": "everything stored about the person, which they asked to see",
    "i_sum": "the intake's check screen: one line per answer",
    "town": "the finder's answer: the offices for the topic, a few short lines each",
}
WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> int:
    return len(WORD.findall(text))


async def journey(chat: Chat) -> list[tuple[str, Outcome]]:
    """The main screens, each with the step that showed it."""
    seen = [("start", await chat.send("/start")),
            ("lang", await chat.press(f"lang:{chat.language_code}")),
            ("privfull", await chat.press("privfull")),
            ("consent", await chat.press("consent:yes")),
            ("help", await chat.send("/help")),
            ("finder", await chat.press("finder")),
            ("topic", await chat.press("topic:housing")),
            ("town", await chat.press("town:odenthal")),
            ("book", await chat.press("book")),
            ("btown", await chat.press("btown:odenthal")),
            ("bday", await chat.press(f"bday:{TUESDAY}")),
            ("btime", await chat.press(f"btime:{TUESDAY_NINE}")),
            ("bnoname", await chat.press("bnoname")),
            ("binterp", await chat.press("binterp:no"))]
    # German speakers are not asked about an interpreter: the check screen came a step earlier.
    book = next(b.action for _, outcome in reversed(seen) for r in outcome.replies
                for row in r.buttons for b in row if b.action.startswith("bok:"))
    seen += [("bok", await chat.press(book)),
             ("appointments", await chat.send("/appointments")),
             ("intake", await chat.send("/aboutme")),
             ("i_go", await chat.press("i_go")),
             ("write", await chat.send("/write")),
             ("mydata", await chat.send("/mydata")),
             ("delete", await chat.send("/delete"))]
    return seen


def test_the_first_layer_of_the_privacy_notice_has_at_most_60_words():
    assert words(privacy_notice(translator("en"), FlowSettings())) <= 60


async def test_every_client_message_stays_under_70_words_in_english(booking_engine):
    long = [(step, words(reply.text), reply.text[:60])
            for step, outcome in await journey(Chat(booking_engine, 7001, "en"))
            for reply in outcome.replies
            if step not in LONG_ON_PURPOSE and words(reply.text) >= 70]
    assert long == []


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
async def test_every_button_fits_a_phone_screen(booking_engine, code):
    too_long = []
    for step, outcome in await journey(Chat(booking_engine, 7002, code)):
        for reply in outcome.replies:
            for row in reply.buttons:
                limit = SHARED_ROW_CHARS if len(row) > 1 else ALONE_CHARS
                too_long += [(step, b.label, len(b.label)) for b in row if len(b.label) > limit]
    assert too_long == []
