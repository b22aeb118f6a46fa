"""/start with a payload: a personal invitation from a referral, or a flyer's town link.

An invitation starts the chat in the language the referrer chose and asks for the person's
own agreement, like any first contact: the referrer's word lets KIM contact them, but what is
stored in the bot is their own decision. Only when they agree is the link spent and the
referral joined to their data. A link that is unknown, spent or expired is explained, and the
chat starts as usual.
"""

from __future__ import annotations

from bot import deep_links
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.menu import menu, stale_button
from bot.flows.client.onboarding import flow as onboarding
from bot.flows.client.turn import ClientTurn
from bot.flows.context import INVITATION, TOWN_HINT
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.referral_notices import tell_holder_accepted, tell_referrer
from bot.i18n import N_, is_supported
from storage import referrals
from storage.one_time import CodeProblem

PROBLEMS = {
    CodeProblem.UNKNOWN: N_("This link does not work. Please ask the person who gave it to you "
                            "for a new one."),
    CodeProblem.USED: N_("This link was already used. If that was not you, please ask the "
                         "person who gave it to you."),
    CodeProblem.EXPIRED: N_("This link is too old. Please ask the person who gave it to you "
                            "for a new one."),
}


async def start(turn: ClientTurn) -> Outcome:
    """/start, with whatever a link carried."""
    payload = deep_links.parse(turn.ctx.event.argument)
    if payload is not None and payload.kind == "referral":
        return await _invitation(turn, payload.value)
    if payload is not None and payload.kind == "town":
        await _remember_town(turn, payload.value)
    return await onboarding.ask_language(turn)


async def _remember_town(turn: ClientTurn, town_id: str) -> None:
    """A flyer names its town: the office search need not ask for it."""
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    if town_id not in index.towns:
        return
    if turn.client is not None:
        turn.client.town = turn.client.town or town_id
    else:
        turn.ctx.conversation.keep(TOWN_HINT, town_id)


async def _invitation(turn: ClientTurn, token: str) -> Outcome:
    ctx = turn.ctx
    found = await referrals.find_link(ctx.session, token, ctx.clock.now())
    if isinstance(found, CodeProblem):
        problem = turn.reply(turn.tr._(PROBLEMS[found]))
        following = Outcome([menu(turn)]) if turn.consented else await onboarding.ask_language(turn)
        return Outcome([problem, *following.replies])
    if turn.consented:
        ctx.conversation.go(steps.INVITATION, **{INVITATION: found.id})
        tr = turn.tr
        return Outcome([turn.reply(
            tr._("Someone who helps you told the KIM team about you. May we add this to your "
                 "data? Then the KIM team can help you and write to you here."),
            rows([Button(tr._("Yes, please"), action("invite", "yes"))],
                 [Button(tr._("No"), action("invite", "no"))]))])
    if is_supported(found.language):
        ctx.conversation.set_language(found.language)
    notice = await onboarding.show_privacy(turn)
    ctx.conversation.keep(INVITATION, found.id)
    intro = turn.reply(turn.tr._("Hello! Someone who helps you told the KIM team about you. "
                                 "The KIM team helps people who are new in Germany."))
    other = Button("🌐 " + turn.tr._("Other language"), action("language"))
    shown = notice.replies[0]
    return Outcome([intro, Reply(shown.text, (*shown.buttons, (other,)), rtl=shown.rtl)])


async def answer(turn: ClientTurn, answer: str) -> Outcome:
    """Yes or no from a person who had agreed to the privacy notice before."""
    conversation = turn.ctx.conversation
    if conversation.step != steps.INVITATION or not turn.consented:
        return await stale_button(turn)
    link_id = conversation.drop(INVITATION)
    conversation.go(steps.MENU)
    if answer != "yes":
        return Outcome([turn.reply(turn.tr._("OK. We did not add anything."), edit=True),
                        menu(turn)])
    return Outcome([await accept(turn, link_id, edit=True), menu(turn)])


async def accept(turn: ClientTurn, link_id: object, edit: bool = False) -> Reply:
    """Spend the link for the person who has just agreed, and join the referral to them."""
    ctx, tr = turn.ctx, turn.tr
    assert turn.client is not None
    found = await referrals.link_by_id(ctx.session, link_id, ctx.clock.now())
    redeemed = (await referrals.redeem(ctx.session, found.id, turn.client, ctx.clock.now())
                if not isinstance(found, CodeProblem) else None)
    if redeemed is None:
        problem = found if isinstance(found, CodeProblem) else CodeProblem.USED
        return turn.reply(tr._(PROBLEMS[problem]), edit=edit)
    await tell_referrer(ctx, redeemed.referral)
    if redeemed.intake is not None:
        await tell_holder_accepted(ctx, redeemed.referral, redeemed.intake)
    return turn.reply(tr._("Thank you! The KIM team will contact you here soon. If you like, "
                           "you can already tell us more about you: /aboutme"), edit=edit)


async def after_consent(turn: ClientTurn, answer: str) -> list[Reply]:
    """What a link started, finished once the person answered the privacy notice: the
    invitation is accepted, and the town of the flyer or the finder becomes theirs. Without
    agreement the town stays in the conversation (a code, gone with it), so agreeing later
    does not ask for it again."""
    conversation = turn.ctx.conversation
    link_id = conversation.drop(INVITATION)
    if answer != "yes" or turn.client is None:
        return []
    town = conversation.drop(TOWN_HINT)
    if isinstance(town, str):
        turn.client.town = turn.client.town or town
    return [await accept(turn, link_id)] if link_id is not None else []
