"""/kurz: count a Kurzberatung in three taps, anonymously.

From an idle chat: /kurz (or the "Kurzberatung" button under the last confirmation) -> a topic
-> a channel, and it is saved. A second topic is optional ("Zweites Thema", at most two: the
ministry's definition of a Kurzberatung). The confirmation is one line with *Rückgängig* (for
UNDO_WINDOW), *Noch einmal* (the same entry again, one tap), a new Kurzberatung and the
optional language of the consultation. The town is the case manager's first town; a member
with several towns has a button "Ort ändern" on the topic list, and the town chosen there stays
the default of the chat (context.STICKY_KEYS) until changed again, so the three taps stay
three for every later entry.

Nothing here identifies the person who was advised: no client id, no name, no free text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from bot.catalogue.topics import TOPIC_BY_CODE, TOPICS
from bot.flows.actions import action, fits
from bot.flows.context import KURZ_TOWN, FlowContext
from bot.flows.events import Button, Outcome, Reply, in_rows, rows
from bot.flows.staff import steps
from bot.flows.staff.local_days import day_bounds, hhmm, local_date
from bot.flows.staff.towns import town_names
from bot.i18n import BY_CODE, LANGUAGES
from storage.counting import (
    add_short_consultation,
    delete_short_consultation,
    member_towns,
    own_short_consultation,
)
from storage.models import ConsultationChannel, ShortConsultation, StaffMember

UNDO_WINDOW = timedelta(minutes=10)
CHANNEL_LABELS = {
    ConsultationChannel.IN_PERSON.value: "persönlich",
    ConsultationChannel.PHONE.value: "Telefon",
    ConsultationChannel.EMAIL.value: "E-Mail",
    ConsultationChannel.MESSENGER.value: "Messenger",
    ConsultationChannel.OUTREACH.value: "aufsuchend",
}
ASK_TOPIC = "Kurzberatung zählen: Worum ging es?"
ASK_SECOND = "Zweites Thema zu „{first}“:"
ASK_CHANNEL = "Kurzberatung: {topics}. Wie fand sie statt?"
SAVED = "✅ Kurzberatung gezählt: {summary} ({time} Uhr). Heute: {today}."
UNDONE = "↩️ Gelöscht: Kurzberatung {summary}. Heute: {today}."
UNDO_TOO_LATE = ("Rückgängig geht nur {minutes} Minuten lang. Der Eintrag bleibt gezählt; "
                 "es wurde nichts geändert.")
GONE = "Diesen Eintrag gibt es nicht (mehr). Es wurde nichts geändert."
WRONG_STEP = ("Diese Schaltfläche gehört zu einer früheren Eingabe. Es wurde nichts gezählt. "
              "/kurz beginnt eine neue Kurzberatung.")
ASK_LANGUAGE = "In welcher Sprache fand die Kurzberatung statt? ({summary})"
BUTTON_UNDO = "↩️ Rückgängig"
BUTTON_AGAIN = "🔁 Noch einmal"
BUTTON_NEW = "➕ Kurzberatung"
BUTTON_LANGUAGE = "🌐 Sprache"
BUTTON_SECOND = "➕ Zweites Thema"
BUTTON_TOWN = "📍 {town} · Ort ändern"
ASK_TOWN = "Für welchen Ort zählen Sie? Die Wahl gilt auch für die nächsten Kurzberatungen."


async def start(ctx: FlowContext, member: StaffMember) -> Outcome:
    ctx.conversation.go(steps.KURZ, topics=[])
    return Outcome([await _topic_picker(ctx, member)])


async def new(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """The "Kurzberatung" button under a confirmation: the same as /kurz."""
    if arg:
        return Outcome([Reply(WRONG_STEP)])
    return await start(ctx, member)


async def topic(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """A first topic. Pressed on any topic list, it begins a new entry with that topic: the
    list carries no other state, so an older list is as good as a fresh one."""
    if arg not in TOPIC_BY_CODE:
        return Outcome([Reply(WRONG_STEP)])
    ctx.conversation.go(steps.KURZ, topics=[arg])
    return Outcome([_channel_picker([arg], second_allowed=True)])


async def ask_town(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """"Ort ändern" on the topic list: the member's towns, the current one ticked."""
    towns = await member_towns(ctx.session, member)
    if arg or len(towns) < 2:
        return Outcome([Reply(WRONG_STEP)])
    current = _current_town(ctx, towns)
    names = await town_names(ctx.session, towns)
    buttons = [Button(("✓ " if town == current else "") + names[town],
                      action("kurz_town", town))
               for town in towns if fits("kurz_town", town)]
    ctx.conversation.go(steps.KURZ, topics=[])
    return Outcome([Reply(ASK_TOWN, in_rows(buttons, 2), edit=True)])


async def choose_town(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """A town of the member's: the chat's town from now on; back to the topic list."""
    if arg not in await member_towns(ctx.session, member):
        return Outcome([Reply(WRONG_STEP)])
    ctx.conversation.go(steps.KURZ, topics=[], **{KURZ_TOWN: arg})
    picker = await _topic_picker(ctx, member)
    name = (await town_names(ctx.session, [arg]))[arg]
    return Outcome([Reply(picker.text, picker.buttons, edit=True)], notice=f"Ort: {name}")


async def more(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    chosen = _chosen(ctx)
    if arg or chosen is None or len(chosen) != 1:
        return Outcome([Reply(WRONG_STEP)])
    first = chosen[0]
    buttons = [Button(t.german, action("kurz_second", t.code)) for t in TOPICS if t.code != first]
    return Outcome([Reply(ASK_SECOND.format(first=TOPIC_BY_CODE[first].german),
                          in_rows(buttons, 2), edit=True)])


async def second_topic(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    chosen = _chosen(ctx)
    if chosen is None or len(chosen) != 1 or arg not in TOPIC_BY_CODE or arg == chosen[0]:
        return Outcome([Reply(WRONG_STEP)])
    topics = [chosen[0], arg]
    ctx.conversation.go(steps.KURZ, topics=topics)
    return Outcome([_channel_picker(topics, second_allowed=False)])


async def channel(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    chosen = _chosen(ctx)
    if not chosen or arg not in CHANNEL_LABELS:
        return Outcome([Reply(WRONG_STEP)])
    ctx.conversation.go("")
    town = _current_town(ctx, await member_towns(ctx.session, member))
    entry = await add_short_consultation(ctx.session, member, town, tuple(chosen), arg, None,
                                         ctx.clock.now())
    return Outcome([await confirmation(ctx, member, entry, edit=True)], notice="Gezählt")


async def again(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """*Noch einmal*: a new entry like the member's own entry `arg`."""
    previous = await _own(ctx, member, arg)
    if previous is None:
        return Outcome([Reply(GONE)])
    ctx.conversation.go("")
    topics = (previous.topic,) + ((previous.second_topic,) if previous.second_topic else ())
    entry = await add_short_consultation(ctx.session, member, previous.town, topics,
                                         previous.channel, previous.language, ctx.clock.now())
    return Outcome([await confirmation(ctx, member, entry, edit=False)], notice="Gezählt")


async def undo(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    entry = await _own(ctx, member, arg)
    if entry is None:
        return Outcome([Reply(GONE)])
    now = ctx.clock.now()
    summary = await _summary(ctx, entry)
    if not await delete_short_consultation(ctx.session, entry.id, member, now - UNDO_WINDOW):
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        return Outcome([Reply(UNDO_TOO_LATE.format(minutes=minutes))])
    today = await _today(ctx, member)
    return Outcome([Reply(UNDONE.format(summary=summary, today=today),
                          rows([Button(BUTTON_NEW, action("kurz_new"))]), edit=True)],
                   notice="Gelöscht")


async def ask_language(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    entry = await _own(ctx, member, arg)
    if entry is None or not _undoable(ctx, entry):
        return Outcome([Reply(GONE if entry is None else UNDO_TOO_LATE.format(
            minutes=int(UNDO_WINDOW.total_seconds() // 60)))])
    buttons = [Button(lang.native_name, action("kurz_lang", f"{entry.id}_{lang.code}"))
               for lang in LANGUAGES]
    return Outcome([Reply(ASK_LANGUAGE.format(summary=await _summary(ctx, entry)),
                          in_rows(buttons, 3), edit=True)])


async def set_language(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    entry_id, _, code = arg.partition("_")
    entry = await _own(ctx, member, entry_id)
    if entry is None or code not in BY_CODE:
        return Outcome([Reply(GONE)])
    if not _undoable(ctx, entry):
        return Outcome([Reply(UNDO_TOO_LATE.format(
            minutes=int(UNDO_WINDOW.total_seconds() // 60)))])
    entry.language = code
    await ctx.session.flush()
    return Outcome([await confirmation(ctx, member, entry, edit=True)])


def _chosen(ctx: FlowContext) -> list[str] | None:
    """The topics of the running /kurz, or None if the chat is not in it (or the data is off)."""
    if ctx.conversation.step != steps.KURZ:
        return None
    topics = ctx.conversation.data.get("topics")
    if (not isinstance(topics, list) or len(topics) > 2
            or not all(isinstance(t, str) and t in TOPIC_BY_CODE for t in topics)):
        return None
    return topics


async def _own(ctx: FlowContext, member: StaffMember, arg: str) -> ShortConsultation | None:
    if not arg.isdigit() or len(arg) > 12:
        return None
    return await own_short_consultation(ctx.session, int(arg), member)


def _undoable(ctx: FlowContext, entry: ShortConsultation) -> bool:
    return entry.created_at >= ctx.clock.now() - UNDO_WINDOW


def _current_town(ctx: FlowContext, towns: list[str]) -> str | None:
    """The town chosen in this chat if it is still one of the member's, else their first."""
    chosen = ctx.conversation.data.get(KURZ_TOWN)
    if chosen in towns:
        return str(chosen)
    return towns[0] if towns else None


async def _topic_picker(ctx: FlowContext, member: StaffMember) -> Reply:
    keyboard = _TOPIC_BUTTONS
    towns = await member_towns(ctx.session, member)
    current = _current_town(ctx, towns)
    if len(towns) > 1 and current is not None:
        name = (await town_names(ctx.session, [current]))[current]
        keyboard += rows([Button(BUTTON_TOWN.format(town=name), action("kurz_towns"))])
    return Reply(ASK_TOPIC, keyboard)


def topic_keyboard(make_action: Callable[[str], str]) -> tuple[tuple[Button, ...], ...]:
    """The topics, two to a row; `make_action` turns a topic code into the button's data
    (the question after a first interview uses the same keyboard with its own actions)."""
    return in_rows([Button(t.german, make_action(t.code)) for t in TOPICS], 2)


_TOPIC_BUTTONS = topic_keyboard(lambda code: action("kurz_topic", code))


def _topics_text(topics: list[str] | tuple[str, ...]) -> str:
    return " + ".join(TOPIC_BY_CODE[t].german for t in topics)


def _channel_picker(topics: list[str], second_allowed: bool) -> Reply:
    channel_buttons = [Button(label, action("kurz_chan", code))
                       for code, label in CHANNEL_LABELS.items()]
    keyboard = in_rows(channel_buttons, 3)
    if second_allowed:
        keyboard += rows([Button(BUTTON_SECOND, action("kurz_more"))])
    return Reply(ASK_CHANNEL.format(topics=_topics_text(topics)), keyboard, edit=True)


async def _summary(ctx: FlowContext, entry: ShortConsultation) -> str:
    topics = (entry.topic,) + ((entry.second_topic,) if entry.second_topic else ())
    parts = [_topics_text(topics), CHANNEL_LABELS[entry.channel]]
    if entry.town:
        parts.append((await town_names(ctx.session, [entry.town]))[entry.town])
    if entry.language and entry.language in BY_CODE:
        parts.append(BY_CODE[entry.language].native_name)
    return " · ".join(parts)


async def _today(ctx: FlowContext, member: StaffMember) -> int:
    start, end = day_bounds(local_date(ctx.clock.now(), ctx.settings.timezone),
                            ctx.settings.timezone)
    return await ctx.session.scalar(
        select(func.count()).select_from(ShortConsultation).where(
            ShortConsultation.staff_member_id == member.id,
            ShortConsultation.created_at >= start, ShortConsultation.created_at < end)) or 0


async def confirmation(ctx: FlowContext, member: StaffMember, entry: ShortConsultation,
                        edit: bool) -> Reply:
    text = SAVED.format(summary=await _summary(ctx, entry),
                        time=hhmm(entry.created_at, ctx.settings.timezone),
                        today=await _today(ctx, member))
    keyboard = rows([Button(BUTTON_UNDO, action("kurz_undo", str(entry.id))),
                     Button(BUTTON_AGAIN, action("kurz_again", str(entry.id)))],
                    [Button(BUTTON_NEW, action("kurz_new")),
                     Button(BUTTON_LANGUAGE, action("kurz_langs", str(entry.id)))])
    return Reply(text, keyboard, edit=edit)
