"""The staff conversation. Every event first checks that the account is registered and active
(anything else goes to registration: an invitation code, or a polite refusal); every command
and every button then checks the member's role for its feature (access.Permission)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.flows.actions import action, parse_action
from bot.flows.context import FlowContext
from bot.flows.events import Button, EventKind, Outcome, Reply, rows
from bot.flows.staff import steps, texts
from bot.flows.staff.access import Permission, allowed
from bot.flows.staff.accounts import manage as accounts
from bot.flows.staff.accounts import registration
from bot.flows.staff.appointments import absence, agenda
from bot.flows.staff.appointments import actions as appointment_actions
from bot.flows.staff.cases import flow as cases
from bot.flows.staff.clearing import command as clearing
from bot.flows.staff.clearing import intakes
from bot.flows.staff.digest import command as digest
from bot.flows.staff.export import command as export
from bot.flows.staff.hours import flow as hours
from bot.flows.staff.kurz import flow as kurz
from bot.flows.staff.messages import answer as message_answer
from bot.flows.staff.messages import handover as message_handover
from bot.flows.staff.messages import inbox
from bot.flows.staff.outcomes import answers as outcome_answers
from bot.flows.staff.phone_booking import book as phone_booking_book
from bot.flows.staff.phone_booking import flow as phone_booking
from bot.flows.staff.referral import flow as referral
from bot.flows.staff.referral import send as referral_send
from bot.flows.staff.stats import command as stats
from storage.models import StaffMember

Command = Callable[[FlowContext, StaffMember], Awaitable[Outcome]]
ActionHandler = Callable[[FlowContext, StaffMember, str], Awaitable[Outcome]]

_APPOINTMENT_COMMANDS: dict[str, Command] = {
    "heute": agenda.show_today,
    "morgen": agenda.show_tomorrow,
    "digest": digest.command,
    "zeiten": hours.show,
    "abwesend": absence.start,
    "termin": phone_booking.start,
}
_COUNTING_COMMANDS: dict[str, Command] = {
    "kurz": kurz.start,
    "fall": cases.show,
    "stats": stats.command,
    "export": export.command,
}
_STAFF_COMMANDS: dict[str, Command] = {
    "einladen": accounts.start_invite,
    "deaktivieren": accounts.start_deactivate,
    "aktivieren": accounts.start_reactivate,
}
_INTAKE_COMMANDS: dict[str, Command] = {"anfragen": intakes.command}
_CLEARING_COMMANDS: dict[str, Command] = {"clearing": clearing.command}
_REFER_COMMANDS: dict[str, Command] = {
    "vermitteln": referral.start_referral,
    "vermittlungen": referral_send.show_mine,
}
_HANDOVER_COMMANDS: dict[str, Command] = {"meldung": referral.start_handover}
_MESSAGES_COMMANDS: dict[str, Command] = {"nachrichten": inbox.command}
_COMMANDS: dict[str, tuple[Command, Permission]] = {
    **{name: (handler, Permission.APPOINTMENTS) for name, handler
       in _APPOINTMENT_COMMANDS.items()},
    **{name: (handler, Permission.COUNTING) for name, handler in _COUNTING_COMMANDS.items()},
    **{name: (handler, Permission.STAFF) for name, handler in _STAFF_COMMANDS.items()},
    **{name: (handler, Permission.INTAKES) for name, handler in _INTAKE_COMMANDS.items()},
    **{name: (handler, Permission.CLEARING) for name, handler in _CLEARING_COMMANDS.items()},
    **{name: (handler, Permission.REFER) for name, handler in _REFER_COMMANDS.items()},
    **{name: (handler, Permission.HANDOVER) for name, handler in _HANDOVER_COMMANDS.items()},
    **{name: (handler, Permission.MESSAGES) for name, handler in _MESSAGES_COMMANDS.items()},
}
_APPOINTMENT_ACTIONS: dict[str, ActionHandler] = {
    "day": agenda.switch_day,
    "attended": appointment_actions.mark_attended,
    "missed": appointment_actions.mark_missed,
    "cancel": appointment_actions.ask_cancel,
    "cancel_yes": appointment_actions.confirm_cancel,
    "cancel_no": appointment_actions.keep,
    # The question after an appointment (outcomes/answers.py).
    "oc_ask": outcome_answers.ask_again,
    "oc_att": outcome_answers.attended,
    "oc_miss": outcome_answers.missed,
    "oc_move": outcome_answers.moved,
    "oc_only": outcome_answers.attended_only,
    "oc_kurz": outcome_answers.ask_topic,
    "oc_topic": outcome_answers.short_consultation,
    "oc_case": outcome_answers.cm_case,
    "zt_edit": hours.edit,
    "zt_new": hours.new,
    "zt_office": hours.choose_office,
    "zt_again": hours.again,
    "zt_save": hours.save,
    "absence_day": absence.quick_day,
    "absence_del": absence.remove,
    "no_phone": phone_booking.no_phone,
    "pb_language": phone_booking.choose_language,
    "pb_town": phone_booking.choose_town,
    "pb_kind": phone_booking.choose_kind,
    "pb_place": phone_booking.choose_place,
    "pb_channel": phone_booking.choose_channel,
    "pb_interpreter": phone_booking.choose_interpreter,
    "pb_day": phone_booking.choose_day,
    "pb_time": phone_booking.choose_time,
    "pb_other_day": phone_booking.other_day,
    "pb_other_time": phone_booking.other_time,
    "pb_book": phone_booking_book.confirm,
}
_COUNTING_ACTIONS: dict[str, ActionHandler] = {
    "kurz_new": kurz.new,
    "kurz_topic": kurz.topic,
    "kurz_more": kurz.more,
    "kurz_second": kurz.second_topic,
    "kurz_chan": kurz.channel,
    "kurz_undo": kurz.undo,
    "kurz_again": kurz.again,
    "kurz_langs": kurz.ask_language,
    "kurz_lang": kurz.set_language,
    "kurz_towns": kurz.ask_town,
    "kurz_town": kurz.choose_town,
    "case_new": cases.open_new,
    "case_undo": cases.undo_open,
    "case_list": cases.list_again,
    "case_close": cases.ask_reason,
    "case_reason": cases.close,
    "stats": stats.switch,
    "export": export.send,
}
_STAFF_ACTIONS: dict[str, ActionHandler] = {
    "inv_role": accounts.choose_role,
    "inv_region": accounts.choose_region,
    "inv_town": accounts.toggle_town,
    "inv_done": accounts.create,
    "deact": accounts.ask_deactivate,
    "deact_yes": accounts.confirm_deactivate,
    "deact_no": accounts.keep,
    "react": accounts.ask_reactivate,
    "react_yes": accounts.confirm_reactivate,
    "react_no": accounts.keep_inactive,
}
_INTAKE_ACTIONS: dict[str, ActionHandler] = {
    "intake_open": intakes.open_intake,
    "intake_back": intakes.ask_give_back,
    "intake_back_ok": intakes.give_back,
    "intake_contact": referral_send.mark_contact,
}
_CLEARING_ACTIONS: dict[str, ActionHandler] = {
    "clr_queue": clearing.show_queue,
    "clr_assigned": clearing.show_assigned,
    "clr_pick": clearing.pick,
    "clr_to": clearing.assign_to,
}
# Hand-over steps check the hand-over permission themselves (referral.at_step).
_REFER_ACTIONS: dict[str, ActionHandler] = {
    "ref_agree": referral.agree,
    "ref_town": referral.choose_town,
    "ref_lang": referral.choose_language,
    "ref_topic": referral.toggle_topic,
    "ref_topics": referral.topics_done,
    "ref_reason": referral.toggle_reason,
    "ref_reasons": referral.reasons_done,
    "ref_area": referral.toggle_area,
    "ref_areas": referral.areas_done,
    "ref_nonote": referral.no_note,
    "ref_reach": referral.choose_reach,
    "ref_send": referral_send.send,
}
_MESSAGES_ACTIONS: dict[str, ActionHandler] = {
    "km_open": inbox.open_conversation,
    "km_re": message_answer.ask_reply,
    "km_tpl": message_answer.choose_template,
    "km_t": message_answer.template,
    "km_v": message_answer.field_value,
    "km_done": message_handover.done,
    "km_fwd": message_handover.ask_whom,
    "km_to": message_handover.hand_to,
}
# Every button belongs to a feature and needs its role, whatever the keyboard on screen.
_ACTIONS: dict[str, tuple[ActionHandler, Permission]] = {
    **{name: (handler, Permission.APPOINTMENTS) for name, handler
       in _APPOINTMENT_ACTIONS.items()},
    **{name: (handler, Permission.COUNTING) for name, handler in _COUNTING_ACTIONS.items()},
    **{name: (handler, Permission.STAFF) for name, handler in _STAFF_ACTIONS.items()},
    **{name: (handler, Permission.INTAKES) for name, handler in _INTAKE_ACTIONS.items()},
    **{name: (handler, Permission.CLEARING) for name, handler in _CLEARING_ACTIONS.items()},
    **{name: (handler, Permission.REFER) for name, handler in _REFER_ACTIONS.items()},
    **{name: (handler, Permission.MESSAGES) for name, handler in _MESSAGES_ACTIONS.items()},
}
_TEXT_STEPS: dict[str, tuple[Command, Permission]] = {
    steps.ABSENCE_PERIOD: (absence.typed_period, Permission.APPOINTMENTS),
    steps.HOURS_TEXT: (hours.typed, Permission.APPOINTMENTS),
    **{step: (phone_booking.typed, Permission.APPOINTMENTS)
       for step in phone_booking.ALL_STEPS},
    **{step: (referral.typed, Permission.REFER) for step in steps.REFER_STEPS},
    steps.MSG_REPLY: (message_answer.typed_reply, Permission.MESSAGES),
    steps.MSG_FIELD: (message_answer.typed_field, Permission.MESSAGES),
}
_REFUSALS = {
    Permission.APPOINTMENTS: texts.NOT_FOR_ROLE,
    Permission.COUNTING: texts.NOT_FOR_ROLE_COUNTING,
    Permission.STAFF: texts.NOT_FOR_ROLE_STAFF,
    Permission.INTAKES: texts.NOT_FOR_ROLE_INTAKES,
    Permission.CLEARING: texts.NOT_FOR_ROLE_CLEARING,
    Permission.REFER: texts.NOT_FOR_ROLE_REFER,
    Permission.HANDOVER: texts.NOT_FOR_ROLE_HANDOVER,
    Permission.MESSAGES: texts.NOT_FOR_ROLE_MESSAGES,
}
assert set(_APPOINTMENT_COMMANDS) == texts.APPOINTMENT_COMMANDS
assert set(_COUNTING_COMMANDS) == texts.COUNTING_COMMANDS
assert set(_STAFF_COMMANDS) == texts.STAFF_COMMANDS
assert set(_INTAKE_COMMANDS) == texts.INTAKE_COMMANDS
assert set(_CLEARING_COMMANDS) == texts.CLEARING_COMMANDS
assert set(_REFER_COMMANDS) == texts.REFER_COMMANDS
assert set(_HANDOVER_COMMANDS) == texts.HANDOVER_COMMANDS
assert set(_MESSAGES_COMMANDS) == texts.MESSAGES_COMMANDS


async def handle(ctx: FlowContext) -> Outcome:
    member = ctx.person
    if not isinstance(member, StaffMember) or not member.active:
        # An unknown or deactivated account learns nothing but how to get access (an
        # invitation) and its own Telegram id.
        return await registration.stranger(ctx, member)
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
        replies = [_welcome(member)]
        if ctx.event.argument:  # an invitation opened by an account that is already in
            replies.insert(0, Reply(registration.ALREADY_REGISTERED))
        return Outcome(replies)
    if command in ("hilfe", "help"):
        return Outcome([_help(member)])
    if command == "ich":
        return Outcome([_me(member, ctx.settings.timezone)])
    if command == "abbrechen":
        return Outcome([Reply(texts.CANCELLED_FLOW if running else texts.NOTHING_TO_CANCEL)])
    found = _COMMANDS.get(command)
    if found is None:
        return Outcome([Reply(texts.UNKNOWN)])
    handler, permission = found
    if not allowed(member, permission):
        return _not_for_role(member, permission)
    return await handler(ctx, member)


async def _on_action(ctx: FlowContext, member: StaffMember, data: str) -> Outcome:
    parsed = parse_action(data)
    if parsed is not None and parsed.name == "abort" and not parsed.arg:
        return await _on_command(ctx, member, "abbrechen")
    found = _ACTIONS.get(parsed.name) if parsed is not None else None
    if parsed is None or found is None:
        return Outcome([Reply(texts.STALE_BUTTON)])
    handler, permission = found
    if not allowed(member, permission):
        return _not_for_role(member, permission)
    return await handler(ctx, member, parsed.arg)


async def _on_text(ctx: FlowContext, member: StaffMember) -> Outcome:
    limit = ctx.settings.max_text_length
    if len(ctx.event.text) > limit:
        return Outcome([Reply(texts.TOO_LONG.format(limit=limit))])
    if ctx.event.reply_to is not None and allowed(member, Permission.MESSAGES):
        # Telegram's own reply to a person's relayed message answers that person.
        answered = await message_answer.telegram_reply(ctx, member)
        if answered is not None:
            return answered
    if ctx.conversation.step in (steps.KURZ, steps.INVITE):
        return Outcome([Reply(texts.CHOOSE_A_BUTTON)])
    found = _TEXT_STEPS.get(ctx.conversation.step)
    if found is None:
        return Outcome([Reply(texts.UNKNOWN)])
    handler, permission = found
    if not allowed(member, permission):  # the role changed while an input was open
        ctx.conversation.go("")
        return _not_for_role(member, permission)
    return await handler(ctx, member)


def _not_for_role(member: StaffMember, permission: Permission) -> Outcome:
    refusal = _REFUSALS[permission]
    return Outcome([Reply(refusal.format(role=texts.ROLE_LABELS[member.role]))])


def _welcome(member: StaffMember) -> Reply:
    role = texts.ROLE_LABELS[member.role]
    buttons = (rows([Button(kurz.BUTTON_NEW, action("kurz_new"))])
               if allowed(member, Permission.COUNTING) else ())
    return Reply(texts.WELCOME.format(name=member.display_name, role=role) + "\n\n"
                 + _help(member).text, buttons)


def _help(member: StaffMember) -> Reply:
    lines = [texts.HELP_INTRO] + [f"/{name} – {text}" for name, text in texts.COMMANDS
                                  if name not in _COMMANDS
                                  or allowed(member, _COMMANDS[name][1])]
    return Reply("\n".join(lines))


def _me(member: StaffMember, timezone: str) -> Reply:
    since = member.created_at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")
    return Reply(texts.ME.format(name=member.display_name, role=texts.ROLE_LABELS[member.role],
                                 telegram_id=member.telegram_id, since=since))
