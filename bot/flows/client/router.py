"""Which client handler answers an event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.flows.actions import parse_action
from bot.flows.client import finder, menu, onboarding, personal_data, steps
from bot.flows.client.turn import ClientTurn
from bot.flows.context import FlowContext
from bot.flows.events import EventKind, Outcome

Simple = Callable[[ClientTurn], Awaitable[Outcome]]

_COMMANDS: dict[str, Simple] = {
    "start": onboarding.ask_language,
    "language": onboarding.ask_language,
    "menu": menu.show_menu,
    "help": menu.show_help,
    "mydata": personal_data.show_my_data,
    "delete": personal_data.ask_delete,
    "privacy": onboarding.show_privacy,
    "find": finder.ask_topic,
}

# Buttons without an argument mirror the commands; those with one are listed separately.
_PLAIN_ACTIONS: dict[str, Simple] = {
    **{name: handler for name, handler in _COMMANDS.items() if name not in ("start", "find")},
    "finder": finder.ask_topic,
    "finder_town": finder.change_town,
}
_ARG_ACTIONS: dict[str, Callable[[ClientTurn, str], Awaitable[Outcome]]] = {
    "lang": onboarding.choose_language,
    "consent": onboarding.answer_consent,
    "delete": personal_data.confirm_delete,
    "topic": finder.choose_topic,
    "town": finder.choose_town,
    "age": finder.choose_age,
}
_YES_NO = {"yes", "no"}


async def handle(ctx: FlowContext) -> Outcome:
    turn = await ClientTurn.load(ctx)
    event = ctx.event
    match event.kind:
        case EventKind.UNSUPPORTED:
            return await menu.unsupported_content(turn)
        case EventKind.COMMAND:
            handler = _COMMANDS.get(event.command)
            return await handler(turn) if handler else await menu.unknown_command(turn)
        case EventKind.ACTION:
            return await _on_action(turn, event.action)
        case EventKind.TEXT:
            return await _on_text(turn)
    return await menu.not_understood(turn)


async def _on_action(turn: ClientTurn, data: str) -> Outcome:
    parsed = parse_action(data)
    if parsed is None:
        return await menu.stale_button(turn)
    if not parsed.arg and parsed.name in _PLAIN_ACTIONS:
        return await _PLAIN_ACTIONS[parsed.name](turn)
    handler = _ARG_ACTIONS.get(parsed.name)
    if handler is None or (parsed.name in ("consent", "delete") and parsed.arg not in _YES_NO):
        return await menu.stale_button(turn)
    return await handler(turn, parsed.arg)


async def _on_text(turn: ClientTurn) -> Outcome:
    limit = turn.ctx.settings.max_text_length
    if len(turn.ctx.event.text) > limit:
        return await menu.too_long(turn, limit)
    if turn.ctx.conversation.step in ("", steps.CHOOSE_LANGUAGE) and not turn.consented:
        # Someone who writes "hello" before choosing a language gets the language list.
        return await onboarding.ask_language(turn)
    if turn.ctx.conversation.step == steps.FINDER_TOWN:
        return await finder.typed_town(turn)
    # Anything else written is a question for the office finder; no match shows the topics.
    return await finder.free_text(turn)
