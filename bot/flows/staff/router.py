"""The staff conversation. Every event first checks that the account is registered and active;
the appointment features then check the member's role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.flows.actions import parse_action
from bot.flows.context import FlowContext
from bot.flows.events import EventKind, Outcome, Reply
from bot.flows.staff import (
    absence,
    agenda,
    appointment_actions,
    phone_booking,
    phone_booking_book,
    steps,
    texts,
)
from bot.flows.staff.access import may_use_appointments
from storage.models import StaffMember

Command = Callable[[FlowContext, StaffMember], Awaitable[Outcome]]
ActionHandler = Callable[[FlowContext, StaffMember, str], Awaitable[Outcome]]

_APPOINTMENT_COMMANDS: dict[str, Command] = {
    "heute": agenda.show_today,
    "morgen": agenda.show_tomorrow,
    "abwesend": absence.start,
    "termin": phone_booking.start,
}
# Every button belongs to an appointment feature, so every one needs the role.
_ACTIONS: dict[str, ActionHandler] = {
    "day": agenda.switch_day,
    "attended": appointment_actions.mark_attended,
    "missed": appointment_actions.mark_missed,
    "cancel": appointment_actions.ask_cancel,
    "cancel_yes": appointment_actions.confirm_cancel,
    "cancel_no": appointment_actions.keep,
    "absence_day": absence.quick_day,
    "absence_del": absence.remove,
    "no_phone": phone_booking.no_phone,
    "pb_language": phone_booking.choose_language,
    "pb_town": phone_booking.choose_town,
    "pb_kind": phone_booking.choose_kind,
    "pb_channel": phone_booking.choose_channel,
    "pb_interpreter": phone_booking.choose_interpreter,
    "pb_day": phone_booking.choose_day,
    "pb_time": phone_booking.choose_time,
    "pb_other_day": phone_booking.other_day,
    "pb_other_time": phone_booking.other_time,
    "pb_book": phone_booking_book.confirm,
}
_TEXT_STEPS: dict[str, Command] = {
    steps.ABSENCE_PERIOD: absence.typed_period,
    **{step: phone_booking.typed for step in phone_booking.ALL_STEPS},
}
assert set(_APPOINTMENT_COMMANDS) == texts.APPOINTMENT_COMMANDS


async def handle(ctx: FlowContext) -> Outcome:
    member = ctx.person
    if not isinstance(member, StaffMember) or not member.active:
        # An unknown or deactivated account learns nothing but how to get access, and its own
        # Telegram id, which the admin needs to register it.
        return Outcome([Reply(texts.NOT_REGISTERED.format(telegram_id=ctx.event.user_id))])
    match ctx.event.kind:
        case EventKind.UNSUPPORTED:
            return Outcome([Reply(texts.UNSUPPORTED)])
        case EventKind.COMMAND:
            return await _on_command(ctx, member, ctx.event.command)
        case EventKind.ACTION:
            return await _on_action(ctx, member, ctx.event.action)
        case EventKind.TEXT:
            return await _on_text(ctx, member)
    return Outcome([Reply(texts.UNKNOWN)])


async def _on_command(ctx: FlowContext, member: StaffMember, command: str) -> Outcome:
    running = ctx.conversation.step
    ctx.conversation.go("")  # any command leaves a running input; a new one may start below
    if command == "start":
        return Outcome([_welcome(member)])
    if command in ("hilfe", "help"):
        return Outcome([_help(member)])
    if command == "ich":
        return Outcome([_me(member, ctx.settings.timezone)])
    if command == "abbrechen":
        return Outcome([Reply(texts.CANCELLED_FLOW if running else texts.NOTHING_TO_CANCEL)])
    handler = _APPOINTMENT_COMMANDS.get(command)
    if handler is None:
        return Outcome([Reply(texts.UNKNOWN)])
    if not may_use_appointments(member):
        return _not_for_role(member)
    return await handler(ctx, member)


async def _on_action(ctx: FlowContext, member: StaffMember, data: str) -> Outcome:
    parsed = parse_action(data)
    if parsed is not None and parsed.name == "abort" and not parsed.arg:
        return await _on_command(ctx, member, "abbrechen")
    handler = _ACTIONS.get(parsed.name) if parsed is not None else None
    if parsed is None or handler is None:
        return Outcome([Reply(texts.STALE_BUTTON)])
    if not may_use_appointments(member):
        return _not_for_role(member)
    return await handler(ctx, member, parsed.arg)


async def _on_text(ctx: FlowContext, member: StaffMember) -> Outcome:
    limit = ctx.settings.max_text_length
    if len(ctx.event.text) > limit:
        return Outcome([Reply(texts.TOO_LONG.format(limit=limit))])
    handler = _TEXT_STEPS.get(ctx.conversation.step)
    if handler is None:
        return Outcome([Reply(texts.UNKNOWN)])
    if not may_use_appointments(member):  # the role changed while an input was open
        ctx.conversation.go("")
        return _not_for_role(member)
    return await handler(ctx, member)


def _not_for_role(member: StaffMember) -> Outcome:
    return Outcome([Reply(texts.NOT_FOR_ROLE.format(role=texts.ROLE_LABELS[member.role]))])


def _welcome(member: StaffMember) -> Reply:
    role = texts.ROLE_LABELS[member.role]
    return Reply(texts.WELCOME.format(name=member.display_name, role=role) + "\n\n"
                 + _help(member).text)


def _help(member: StaffMember) -> Reply:
    allowed = may_use_appointments(member)
    lines = [texts.HELP_INTRO] + [f"/{name} – {text}" for name, text in texts.COMMANDS
                                  if allowed or name not in texts.APPOINTMENT_COMMANDS]
    return Reply("\n".join(lines))


def _me(member: StaffMember, timezone: str) -> Reply:
    since = member.created_at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")
    return Reply(texts.ME.format(name=member.display_name, role=texts.ROLE_LABELS[member.role],
                                 telegram_id=member.telegram_id, since=since))
