"""The office finder: topic -> town -> (age group, only when it decides) -> 1 to 3 places.

Works without consent and stores nothing personal: the choices live in the conversation state
(codes only) and every answer adds one anonymous demand count. A consented person's town is
remembered so the next search skips that question.
"""

from __future__ import annotations

from bot.catalogue.keywords import default_matcher, normalize
from bot.catalogue.routing import AgeBracket, Answer, CatalogueIndex
from bot.catalogue.topics import TOPIC_BY_CODE, TOPICS
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.finder.render import render_place
from bot.flows.client.menu import back_to_menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.client.write import flow as write
from bot.flows.context import TOPIC_HINT, TOWN_HINT
from bot.flows.events import Button, Outcome, Reply, in_rows, rows
from bot.i18n import Translator
from storage.demand import count_demand

MAX_TOWN_BUTTONS = 30  # beyond this a list of buttons is no help: the person writes the name
MAX_TOPIC_HINTS = 3  # the finder's latest topics, carried into the intake


def topic_buttons(turn: ClientTurn) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(turn.tr._(topic.label), action("topic", topic.code)) for topic in TOPICS]
    return (*in_rows(buttons, 2), *back_to_menu(turn))


async def ask_topic(turn: ClientTurn) -> Outcome:
    # Keep the town of an earlier search in this conversation: the next question skips it.
    town = turn.ctx.conversation.data.get("town")
    turn.ctx.conversation.go(steps.FINDER_TOPIC, **({"town": town} if town else {}))
    text = turn.tr._("What do you need help with? Tap a topic or write a few words.")
    return Outcome([turn.reply(text, topic_buttons(turn))])


async def choose_topic(turn: ClientTurn, code: str) -> Outcome:
    if code not in TOPIC_BY_CODE:
        return await stale_button(turn)
    _remember_topic(turn, code)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    town = _remembered_town(turn, index)
    if town is None:
        return await _ask_town(turn, index, code)
    return await _answer(turn, index, code, town, age=None)


async def choose_town(turn: ClientTurn, town_id: str) -> Outcome:
    topic = turn.ctx.conversation.data.get("topic")
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if turn.ctx.conversation.step != steps.FINDER_TOWN or topic not in TOPIC_BY_CODE \
            or town_id not in index.towns:
        return await stale_button(turn)
    remember_town(turn, town_id)
    return await _answer(turn, index, topic, town_id, age=None)


async def change_town(turn: ClientTurn) -> Outcome:
    topic = turn.ctx.conversation.data.get("topic")
    if topic not in TOPIC_BY_CODE:
        return await ask_topic(turn)
    return await _ask_town(turn, await turn.ctx.catalogue.index(turn.ctx.session), topic)


async def choose_age(turn: ClientTurn, low: str) -> Outcome:
    data = turn.ctx.conversation.data
    offered = data.get("ages", [])
    if turn.ctx.conversation.step != steps.FINDER_AGE or not low.isdigit() \
            or int(low) not in offered:
        return await stale_button(turn)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    topic, town = data.get("topic"), data.get("town")
    if topic not in TOPIC_BY_CODE or town not in index.towns:
        # A new catalogue import removed the town while the question was open.
        return await ask_topic(turn)
    return await _answer(turn, index, topic, town, age=int(low))


async def free_text(turn: ClientTurn) -> Outcome:
    """A question in the person's own words: the best topic, or the topic list, never a dead end."""
    found = default_matcher().topics(turn.ctx.event.text)
    if not found:
        town = turn.ctx.conversation.data.get("town")
        turn.ctx.conversation.go(steps.FINDER_TOPIC, **({"town": town} if town else {}))
        text = turn.tr._("I found no topic for your words. Please choose one:")
        topics = turn.reply(text, topic_buttons(turn))
        # Perhaps it was meant for a person at KIM ("When will you call me?").
        to_kim = await write.offer(turn)
        return Outcome([topics, *(to_kim.replies if to_kim else [])])
    return await choose_topic(turn, found[0])


def remember_town(turn: ClientTurn, town_id: str) -> None:
    """The person's town: stored with consent, else kept (a code) in the conversation until
    they agree, so the booking and the intake do not ask again."""
    if turn.client is not None:
        turn.client.town = town_id
    else:
        turn.ctx.conversation.keep(TOWN_HINT, town_id)


def _remember_topic(turn: ClientTurn, code: str) -> None:
    """The topic searched, for the intake's topics (a code in the conversation state only)."""
    earlier = turn.ctx.conversation.data.get(TOPIC_HINT)
    known = [topic for topic in earlier if topic != code] if isinstance(earlier, list) else []
    turn.ctx.conversation.keep(TOPIC_HINT, [code, *known][:MAX_TOPIC_HINTS])


def _remembered_town(turn: ClientTurn, index: CatalogueIndex) -> str | None:
    data = turn.ctx.conversation.data
    town = data.get("town") or (turn.client and turn.client.town) or data.get(TOWN_HINT)
    if town in index.towns:
        return town
    if len(index.towns) == 1:
        return next(iter(index.towns))
    return None


async def _ask_town(turn: ClientTurn, index: CatalogueIndex, topic: str,
                    ask_to_write: bool = False) -> Outcome:
    tr = turn.tr
    if index.empty:
        return Outcome([turn.reply(tr._("The list of offices is not ready yet. Please try "
                                         "again later."), back_to_menu(turn))])
    turn.ctx.conversation.go(steps.FINDER_TOWN, topic=topic)
    towns = sorted(index.towns.values(), key=lambda town: town.name)
    text = tr._("Which town do you live in?")
    if len(towns) > MAX_TOWN_BUTTONS or ask_to_write:
        text += "\n\n" + tr._("Please write the name of your town.")
    if len(towns) > MAX_TOWN_BUTTONS:
        return Outcome([turn.reply(text, back_to_menu(turn))])
    buttons = [Button(town.name, action("town", town.id)) for town in towns]
    return Outcome([turn.reply(text, (*in_rows(buttons, 2), *back_to_menu(turn)))])


async def typed_town(turn: ClientTurn) -> Outcome:
    """A town name written at the town question: found, or the question once more."""
    topic = turn.ctx.conversation.data.get("topic")
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if topic not in TOPIC_BY_CODE:
        return await free_text(turn)
    wanted = normalize(turn.ctx.event.text)
    names = {town.id: normalize(town.name) for town in index.towns.values()}
    found = [town for town, name in names.items() if name == wanted]
    if not found and len(wanted) >= 3:
        found = [town for town, name in names.items() if name.startswith(wanted)]
    if len(found) != 1:
        return await _ask_town(turn, index, topic, ask_to_write=True)
    remember_town(turn, found[0])
    return await _answer(turn, index, topic, found[0], age=None)


async def _answer(turn: ClientTurn, index: CatalogueIndex, topic: str, town: str,
                  age: int | None) -> Outcome:
    answer = index.route(topic, town, age)
    if answer.ask_age:
        return _ask_age(turn, topic, town, answer.ask_age)
    ctx = turn.ctx
    ctx.conversation.go(steps.MENU, topic=topic, town=town)
    now = ctx.clock.now()
    await count_demand(ctx.session, now.astimezone(turn.tr.tz).date(), index.town_region[town],
                       town, topic, turn.language, answer.found)
    return Outcome(_answer_replies(turn, answer, index, town))


def _answer_replies(turn: ClientTurn, answer: Answer, index: CatalogueIndex,
                    town: str) -> list[Reply]:
    tr, ctx = turn.tr, turn.ctx
    book = ([Button(tr._("Book an appointment with KIM"), action("book"))]
            if answer.offers_kim and not answer.referred_on else [])
    buttons = rows(book,
                   [Button(tr._("Another topic"), action("finder")),
                    Button(tr._("Another town"), action("finder_town"))],
                   [Button(tr._("Back to the menu"), action("menu"))])
    town_name = index.towns[town].name
    if not answer.found:
        text = tr._("Sorry, we know no fitting office in {town} yet. The KIM team of your "
                    "district can help you find one.", town=town_name)
        return [turn.reply(text, buttons)]
    intro = (tr._("KIM does not do this itself. These services help you:") if answer.referred_on
             else tr._("Here you can get help:"))
    replies = [turn.reply(intro)]
    now = ctx.clock.now()
    places = [render_place(place, now, tr, ctx.settings.timezone) for place in answer.places]
    replies += [turn.reply(text) for text in places[:-1]]
    replies.append(turn.reply(places[-1], buttons))
    return replies


def _ask_age(turn: ClientTurn, topic: str, town: str,
             brackets: tuple[AgeBracket, ...]) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.FINDER_AGE, topic=topic, town=town,
                             ages=[bracket.low for bracket in brackets])
    buttons = [Button(_bracket_label(tr, bracket), action("age", str(bracket.low)))
               for bracket in brackets]
    text = tr._("How old are you? The right office depends on it.")
    return Outcome([turn.reply(text, (*in_rows(buttons, 1), *back_to_menu(turn)))])


def _bracket_label(tr: Translator, bracket: AgeBracket) -> str:
    if bracket.low == 0 and bracket.high is not None:
        return tr._("Younger than {n}", n=bracket.high + 1)
    if bracket.high is None:
        return tr._("{n} or older", n=bracket.low)
    return tr._("{low} to {high}", low=bracket.low, high=bracket.high)
