"""Which client handler answers an event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.flows.actions import parse_action
from bot.flows.client import menu, steps
from bot.flows.client.appointments import mine as my_appointments
from bot.flows.client.appointments import reminders
from bot.flows.client.booking import book as booking_book
from bot.flows.client.booking import flow as booking
from bot.flows.client.finder import flow as finder
from bot.flows.client.intake import answers as intake_answers
from bot.flows.client.intake import flow as intake
from bot.flows.client.intake.questions import key_of
from bot.flows.client.my_data import flow as personal_data
from bot.flows.client.onboarding import flow as onboarding
from bot.flows.client.onboarding import invitation
from bot.flows.client.turn import ClientTurn
from bot.flows.client.waitlist import flow as waiting
from bot.flows.client.write import flow as write
from bot.flows.context import FlowContext
from bot.flows.events import EventKind, Outcome

Simple = Callable[[ClientTurn], Awaitable[Outcome]]


async def _answer_consent(turn: ClientTurn, answer: str) -> Outcome:
    """The privacy answer; agreeing from the booking goes straight on with the booking."""
    conversation = turn.ctx.conversation
    then = conversation.data.get("then") if conversation.step == steps.PRIVACY else None
    answered_notice = conversation.step == steps.PRIVACY
    outcome = await onboarding.answer_consent(turn, answer)
    linked = await invitation.after_consent(turn, answer) if answered_notice else []
    continue_with = {"book": booking.start, "intake": intake.open_intake,
                     "write": write.start}.get(then or "")
    if continue_with is not None and answer == "yes" and turn.consented:
        following = await continue_with(turn)
        return Outcome([outcome.replies[0], *linked, *following.replies])
    if not linked:
        return outcome
    return replace(outcome, replies=[outcome.replies[0], *linked, *outcome.replies[1:]])


_COMMANDS: dict[str, Simple] = {
    "start": invitation.start,
    "language": onboarding.ask_language,
    "menu": menu.show_menu,
    "help": menu.show_help,
    "mydata": personal_data.show_my_data,
    "delete": personal_data.ask_delete,
    "privacy": onboarding.show_privacy,
    "find": finder.ask_topic,
    "book": booking.start,
    "appointments": my_appointments.show,
    "aboutme": intake.open_intake,
    "write": write.start,
}

# Buttons without an argument mirror the commands; those with one are listed separately.
_PLAIN_ACTIONS: dict[str, Simple] = {
    **{name: handler for name, handler in _COMMANDS.items() if name not in ("start", "find")},
    "finder": finder.ask_topic,
    "wsend": write.send_draft,
    "privfull": onboarding.show_full_notice,
    "finder_town": finder.change_town,
    "btowns": booking.change_town,
    "bplaces": booking.change_place,
    "bdays": booking.show_days_again,
    "bchans": booking.channels_again,
    "bnoname": booking.skip_name,
    "bnone": waiting.none_suits,
    "wl_join": waiting.join,
    "wl_leave": waiting.leave,
    "intake": intake.open_intake,
    "i_go": intake.go,
    "i_later": intake.later,
    "i_sum": intake.back_to_summary,
    "i_send": intake.send,
    "i_wd": intake.ask_withdraw,
}
_ARG_ACTIONS: dict[str, Callable[[ClientTurn, str], Awaitable[Outcome]]] = {
    "lang": onboarding.choose_language,
    "consent": _answer_consent,
    "delete": personal_data.confirm_delete,
    "topic": finder.choose_topic,
    "town": finder.choose_town,
    "age": finder.choose_age,
    "btown": booking.choose_town,
    "bplace": booking.choose_place,
    "bday": booking.choose_day,
    "btime": booking.choose_time,
    "bchan": booking.choose_channel,
    "bok": booking_book.confirm,
    "binterp": booking.choose_interpreter,
    "acancel": my_appointments.ask_cancel,
    "acancelok": my_appointments.confirm_cancel,
    "alate": my_appointments.cancel_late,
    "amove": my_appointments.ask_move,
    "rcome": reminders.will_come,
    "wl_interp": waiting.choose_interpreter,
    "wl_take": waiting.take,
    "i_ans": intake_answers.answer,
    "i_tog": intake_answers.toggle,
    "i_done": intake_answers.done,
    "i_edit": intake.edit,
    "i_wdok": intake.confirm_withdraw,
    "invite": invitation.answer,
}
_YES_NO = {"yes", "no"}
_YES_NO_ACTIONS = ("consent", "delete", "i_wdok", "invite")


async def handle(ctx: FlowContext) -> Outcome:
    turn = await ClientTurn.load(ctx)
    event = ctx.event
    match event.kind:
        case EventKind.UNSUPPORTED:
            if _in_intake(turn):
                return await intake_answers.unsupported(turn)
            if _writing(turn):
                return await write.file(turn)
            if event.attachment is not None and turn.consented:
                return await write.file_outside(turn)
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
    if handler is None or (parsed.name in _YES_NO_ACTIONS and parsed.arg not in _YES_NO):
        return await menu.stale_button(turn)
    return await handler(turn, parsed.arg)


def _writing(turn: ClientTurn) -> bool:
    return turn.consented and turn.ctx.conversation.step == steps.WRITE


def _in_intake(turn: ClientTurn) -> bool:
    step = turn.ctx.conversation.step
    return turn.consented and (step == steps.INTAKE_SUMMARY or key_of(step) is not None)


async def _on_text(turn: ClientTurn) -> Outcome:
    if _in_intake(turn):
        # The intake answers over-long text itself, keeping its question on screen.
        return await intake_answers.typed(turn)
    limit = turn.ctx.settings.max_text_length
    if len(turn.ctx.event.text) > limit:
        return await menu.too_long(turn, limit)
    if _writing(turn):
        return await write.typed(turn)
    if turn.ctx.conversation.step in ("", steps.CHOOSE_LANGUAGE) and not turn.consented:
        # Someone who writes "hello" before choosing a language gets the language list.
        return await onboarding.ask_language(turn)
    if turn.ctx.conversation.step == steps.FINDER_TOWN:
        return await finder.typed_town(turn)
    if turn.ctx.conversation.step == steps.BOOK_NAME and turn.consented:
        return await booking.typed_name(turn)
    if turn.ctx.conversation.step == steps.BOOK_PHONE and turn.consented:
        return await booking.typed_phone(turn)
    # Anything else written is a question for the office finder; no match shows the topics.
    return await finder.free_text(turn)
