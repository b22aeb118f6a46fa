"""Accounts that are not (or no longer) registered: they get no data, only a polite answer,
and an invitation code (`/start <code>`, what a t.me deep link sends) registers them.

The invitation may carry the display name; if it does not, the person is asked for one in a
text step (the events carry no Telegram first name). The code is checked when it is opened and
redeemed - atomically, see storage.invitations - when the name is known.
"""

from __future__ import annotations

from bot.flows.context import FlowContext
from bot.flows.events import EventKind, Outcome, Reply
from bot.flows.staff import steps, texts
from bot.flows.staff.towns import town_names
from storage.invitations import check_code, invitation_by_id, redeem
from storage.models import StaffMember
from storage.one_time import CodeProblem

CODE_PROBLEMS = {
    CodeProblem.UNKNOWN: ("Dieser Einladungscode ist leider nicht gültig. Bitte prüfen Sie den "
                          "Link oder bitten Sie Ihre Koordinierungsstelle um eine neue "
                          "Einladung. Es wurde nichts gespeichert."),
    CodeProblem.EXPIRED: ("Diese Einladung ist leider abgelaufen. Bitte bitten Sie Ihre "
                          "Koordinierungsstelle um eine neue Einladung. Es wurde nichts "
                          "gespeichert."),
    CodeProblem.USED: ("Diese Einladung wurde bereits verwendet; jede Einladung gilt nur "
                       "einmal. Bitte bitten Sie Ihre Koordinierungsstelle um eine neue "
                       "Einladung. Es wurde nichts gespeichert."),
}
ASK_NAME = ("Ihre Einladung ist gültig (Rolle: {role}). Wie sollen Sie im Team angezeigt "
            "werden? Schreiben Sie bitte Ihren Namen, z. B. „S. Kaya (KIM Odenthal)“. "
            "/abbrechen beendet die Anmeldung.")
BAD_NAME = ("Bitte schreiben Sie einen Namen mit 2 bis 100 Zeichen in einer Zeile. "
            "Es wurde nichts gespeichert.")
ALREADY_REGISTERED = ("Sie sind bereits angemeldet; die Einladung wurde nicht verwendet und "
                      "bleibt gültig.")
REGISTERED = "Willkommen, {name}! Ihr Konto ist freigeschaltet: {role}."
CANCELLED = "Anmeldung abgebrochen. Es wurde nichts gespeichert."


async def stranger(ctx: FlowContext, member: StaffMember | None) -> Outcome:
    """An event from an account without an active staff row."""
    event = ctx.event
    # Unknown and deactivated accounts get the same answer: it tells nothing about the account.
    refusal = Reply(texts.NOT_REGISTERED.format(telegram_id=event.user_id))
    if member is not None:  # deactivated: an invitation does not bring the account back
        ctx.conversation.go("")
        return Outcome([refusal])
    if event.kind is EventKind.COMMAND and event.command == "start" and event.argument:
        return await _open_code(ctx, event.argument)
    if ctx.conversation.step == steps.REGISTER_NAME:
        if event.kind is EventKind.TEXT:
            return await _typed_name(ctx)
        if event.kind is EventKind.COMMAND and event.command == "abbrechen":
            ctx.conversation.go("")
            return Outcome([Reply(CANCELLED)])
    return Outcome([refusal])


async def _open_code(ctx: FlowContext, code: str) -> Outcome:
    found = await check_code(ctx.session, code.strip(), ctx.clock.now())
    if isinstance(found, CodeProblem):
        ctx.conversation.go("")
        return Outcome([Reply(CODE_PROBLEMS[found])])
    if found.display_name:
        return await _register(ctx, found.id, found.display_name)
    ctx.conversation.go(steps.REGISTER_NAME, invitation=found.id)
    return Outcome([Reply(ASK_NAME.format(role=texts.ROLE_LABELS[found.role]))])


async def _typed_name(ctx: FlowContext) -> Outcome:
    name = " ".join(ctx.event.text.split())
    if not 2 <= len(name) <= 100 or "\n" in ctx.event.text.strip():
        return Outcome([Reply(BAD_NAME)])
    invitation_id = ctx.conversation.data.get("invitation")
    if not isinstance(invitation_id, int):
        ctx.conversation.go("")
        return Outcome([Reply(CODE_PROBLEMS[CodeProblem.UNKNOWN])])
    return await _register(ctx, invitation_id, name)


async def _register(ctx: FlowContext, invitation_id: int, name: str) -> Outcome:
    now = ctx.clock.now()
    ctx.conversation.go("")
    found = await invitation_by_id(ctx.session, invitation_id, now)
    if isinstance(found, CodeProblem):
        return Outcome([Reply(CODE_PROBLEMS[found])])
    member = await redeem(ctx.session, invitation_id, ctx.event.user_id, name, now)
    if member is None:  # someone else was faster, or it expired just now
        return Outcome([Reply(CODE_PROBLEMS[CodeProblem.USED])])
    ctx.person = member
    names = await town_names(ctx.session, member.towns)
    lines = [REGISTERED.format(name=member.display_name, role=texts.ROLE_LABELS[member.role])]
    if member.towns:
        lines.append("Orte: " + ", ".join(names[town] for town in member.towns))
    lines.append("/hilfe zeigt, was Sie jetzt nutzen können.")
    return Outcome([Reply("\n".join(lines))])
