"""The staff conversation. Every event first checks that the account is registered and active."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.flows.context import FlowContext
from bot.flows.events import EventKind, Outcome, Reply
from bot.flows.staff import texts
from storage.models import StaffMember


async def handle(ctx: FlowContext) -> Outcome:
    member = ctx.person
    if not isinstance(member, StaffMember) or not member.active:
        # An unknown or deactivated account learns nothing but how to get access, and its own
        # Telegram id, which the admin needs to register it.
        return Outcome([Reply(texts.NOT_REGISTERED.format(telegram_id=ctx.event.user_id))])
    event = ctx.event
    if event.kind is EventKind.UNSUPPORTED:
        return Outcome([Reply(texts.UNSUPPORTED)])
    if event.kind is EventKind.COMMAND:
        if event.command == "start":
            return Outcome([_welcome(member)])
        if event.command in ("hilfe", "help"):
            return Outcome([_help()])
        if event.command == "ich":
            return Outcome([_me(member, ctx.settings.timezone)])
    return Outcome([Reply(texts.UNKNOWN)])


def _welcome(member: StaffMember) -> Reply:
    role = texts.ROLE_LABELS[member.role]
    return Reply(texts.WELCOME.format(name=member.display_name, role=role) + "\n\n"
                 + _help().text)


def _help() -> Reply:
    lines = [texts.HELP_INTRO] + [f"/{name} – {text}" for name, text in texts.COMMANDS]
    return Reply("\n".join(lines))


def _me(member: StaffMember, timezone: str) -> Reply:
    since = member.created_at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")
    return Reply(texts.ME.format(name=member.display_name, role=texts.ROLE_LABELS[member.role],
                                 telegram_id=member.telegram_id, since=since))
