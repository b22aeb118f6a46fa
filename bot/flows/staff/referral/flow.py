"""/vermitteln and /meldung: volunteers and partner services refer a person to KIM; partner
services hand over a complex case with its reasons (the Ennepe-Ruhr reporting procedure).

Agreement -> first name or alias -> town -> language -> topics -> (hand-over: reasons, legal
areas, a short description) -> how the person is reached (an invitation link they open
themselves, or a phone number) -> check and send. Every button is checked against the step it
belongs to, so a forged or old button changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.context import FlowContext
from bot.flows.events import Outcome, Reply
from bot.flows.staff import steps, texts
from bot.flows.staff.access import Permission, allowed
from bot.flows.staff.phone_input import InputError, clean_name, clean_phone
from bot.flows.staff.referral import ask
from bot.i18n import BY_CODE
from bot.referral.codes import LEGAL_AREA_BY_CODE, REASON_BY_CODE
from storage.models import IntakeSource, StaffMember

WRONG_STEP = ("Diese Schaltfläche gehört nicht zum aktuellen Schritt der Vermittlung. Es wurde "
              "nichts gespeichert. /vermitteln beginnt neu.")
TRY_AGAIN = "{problem} Bitte noch einmal – oder /abbrechen."
NOTE_EMPTY = "Bitte schreiben Sie eine kurze Beschreibung – oder „Ohne Beschreibung“."
NOTE_TOO_LONG = f"Die Beschreibung ist zu lang: höchstens {ask.MAX_NOTE} Zeichen."


async def start_referral(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([ask.ask_agreed(ctx, IntakeSource.REFERRAL.value)])


async def start_handover(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([ask.ask_agreed(ctx, IntakeSource.HANDOVER.value)])


def at_step(ctx: FlowContext, member: StaffMember, step: str) -> dict[str, Any] | None:
    """A copy of the answers so far if the conversation is at `step` and the member may make
    this kind of referral (a role can change while a referral is open), else None."""
    data = dict(ctx.conversation.data)
    if ctx.conversation.step != step or data.get("kind") not in ask.ASK_AGREED:
        return None
    if data["kind"] == IntakeSource.HANDOVER.value and not allowed(member, Permission.HANDOVER):
        return None
    if step != steps.REFER_AGREED and data.get("agreed") is not True:
        return None
    return data


def wrong_step() -> Outcome:
    return Outcome([Reply(WRONG_STEP)])


async def agree(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_AGREED)
    if data is None or arg not in ("yes", "no"):
        return wrong_step()
    if arg == "no":
        ctx.conversation.go("")
        return Outcome([Reply(ask.REFUSED, edit=True)])
    return Outcome([ask.ask_alias(ctx, {"kind": data["kind"], "agreed": True})])


async def typed(ctx: FlowContext, member: StaffMember) -> Outcome:
    """Text during a referral: the name, the description or the phone number; at a button
    step, a hint."""
    step = ctx.conversation.step
    data = at_step(ctx, member, step)
    if data is None:
        return wrong_step()
    text = ctx.event.text
    try:
        if step == steps.REFER_ALIAS:
            return Outcome([await ask.ask_town(ctx, {**data, "alias": clean_name(text)},
                                               member.region_id)])
        if step == steps.REFER_NOTE:
            return Outcome([ask.ask_reach(ctx, {**data, "note": _clean_note(text)})])
        if step == steps.REFER_PHONE:
            return Outcome([await ask.ask_confirm(ctx, {**data, "contact": "phone",
                                                        "phone": clean_phone(text)})])
    except InputError as problem:
        return Outcome([Reply(TRY_AGAIN.format(problem=problem))])
    return Outcome([Reply(texts.CHOOSE_A_BUTTON)])


def _clean_note(text: str) -> str:
    note = text.strip()
    if not note:
        raise InputError(NOTE_EMPTY)
    if len(note) > ask.MAX_NOTE:
        raise InputError(NOTE_TOO_LONG)
    return note


async def choose_town(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_TOWN)
    index = await ctx.catalogue.index(ctx.session)
    if data is None or arg not in index.towns or (
            member.region_id is not None and index.town_region.get(arg) != member.region_id):
        return wrong_step()
    return Outcome([ask.ask_language(ctx, {**data, "town": arg})])


async def choose_language(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_LANGUAGE)
    if data is None or arg not in BY_CODE:
        return wrong_step()
    return Outcome([ask.ask_topics(ctx, {**data, "language": arg, "topics": []})])


async def toggle_topic(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return _toggle(ctx, member, arg, steps.REFER_TOPICS, "topics", TOPIC_BY_CODE, ask.ask_topics)


async def topics_done(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = _ticked(ctx, member, arg, steps.REFER_TOPICS, "topics", ask.ask_topics,
                   ask.TOPICS_NEEDED)
    if isinstance(data, Outcome):
        return data
    if data["kind"] == IntakeSource.HANDOVER.value:
        return Outcome([ask.ask_reasons(ctx, {**data, "reasons": []})])
    return Outcome([ask.ask_reach(ctx, data)])


async def toggle_reason(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return _toggle(ctx, member, arg, steps.REFER_REASONS, "reasons", REASON_BY_CODE,
                   ask.ask_reasons)


async def reasons_done(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = _ticked(ctx, member, arg, steps.REFER_REASONS, "reasons", ask.ask_reasons,
                   ask.REASONS_NEEDED)
    if isinstance(data, Outcome):
        return data
    return Outcome([ask.ask_areas(ctx, {**data, "areas": []})])


async def toggle_area(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return _toggle(ctx, member, arg, steps.REFER_AREAS, "areas", LEGAL_AREA_BY_CODE,
                   ask.ask_areas)


async def areas_done(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_AREAS)
    if data is None or arg:
        return wrong_step()
    return Outcome([ask.ask_note(ctx, data)])


async def no_note(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_NOTE)
    if data is None or arg:
        return wrong_step()
    return Outcome([ask.ask_reach(ctx, {**data, "note": None})])


async def choose_reach(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_REACH)
    if data is None or arg not in ("chat", "phone"):
        return wrong_step()
    if arg == "phone":
        return Outcome([ask.ask_phone(ctx, data)])
    return Outcome([await ask.ask_confirm(ctx, {**data, "contact": "chat", "phone": None})])


def _toggle(ctx: FlowContext, member: StaffMember, arg: str, step: str, key: str,
            known: Mapping[str, object],
            question: Callable[[FlowContext, dict[str, Any]], Reply]) -> Outcome:
    """Tick or untick one code of a multiple choice and show the question again in place."""
    data = at_step(ctx, member, step)
    if data is None or arg not in known:
        return wrong_step()
    data[key] = _toggled(data.get(key), arg)
    return Outcome([replace(question(ctx, data), edit=True)])


def _ticked(ctx: FlowContext, member: StaffMember, arg: str, step: str, key: str,
            question: Callable[[FlowContext, dict[str, Any], str], Reply],
            needed: str) -> dict[str, Any] | Outcome:
    """The conversation's data at "Fertig" of a multiple choice where one tick at least is
    needed; else the answer: a wrong step, or the question again in place, saying so."""
    data = at_step(ctx, member, step)
    if data is None or arg:
        return wrong_step()
    if not data.get(key):
        return Outcome([replace(question(ctx, data, needed + "\n"), edit=True)])
    return data


def _toggled(chosen: object, code: str) -> list[str]:
    codes = [c for c in chosen if isinstance(c, str)] if isinstance(chosen, list) else []
    return [c for c in codes if c != code] if code in codes else [*codes, code]
