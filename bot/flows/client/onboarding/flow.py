"""First contact: choose a language, read the privacy notice, agree or go on without saving."""

from __future__ import annotations

from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.menu import menu, menu_buttons, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.context import FlowSettings
from bot.flows.events import Button, Outcome, in_rows, rows
from bot.i18n import BY_CODE, LANGUAGES, Translator, is_supported


def language_buttons(suggested: str) -> tuple[tuple[Button, ...], ...]:
    """The suggested language alone on top, then all others by their own names."""
    first = Button(f"✓ {BY_CODE[suggested].native_name}", action("lang", suggested))
    others = [Button(lang.native_name, action("lang", lang.code))
              for lang in LANGUAGES if lang.code != suggested]
    return ((first,), *in_rows(others, 2))


async def ask_language(turn: ClientTurn) -> Outcome:
    turn.ctx.conversation.go(steps.CHOOSE_LANGUAGE)
    text = turn.tr._("Hello! Please choose your language.")
    return Outcome([turn.reply(text, language_buttons(turn.language))])


def privacy_notice(tr: Translator, settings: FlowSettings) -> str:
    """The first layer of the notice: at most 60 words, one idea a line, plain words (A2). The
    full notice (`full_notice`) is one tap away, as the EDPB's transparency guidelines
    recommend."""
    return "\n\n".join([
        tr._("Before we start: about your data."),
        tr._("If you agree, we save your language, appointments and messages to KIM."),
        tr._("Only the KIM team of your district sees them."),
        tr._("Please do not write about your health here."),
        tr._("See your data: /mydata. Delete it: /delete."),
        tr._("Or continue without saving: then we save nothing."),
        tr._("Privacy notice, version {version}", version=settings.privacy_notice_version),
    ])


def full_notice(tr: Translator, settings: FlowSettings) -> str:
    """Everything GDPR Art. 13 asks for, still in short sentences: who is responsible, why and
    on which legal basis, what, who receives it, how long, the person's rights and where to
    complain."""
    return "\n\n".join([
        tr._("Privacy notice in full"),
        tr._("Responsible: {controller}.", controller=settings.controller),
        tr._("Why we save your data: so that the KIM team can advise you, give you "
             "appointments and remind you of them."),
        tr._("Legal basis: your consent (Art. 6(1)(a) GDPR). The KIM team advises you as a "
             "task of your district (Art. 6(1)(e) GDPR with § 3 DSG NRW)."),
        tr._("What we save: your Telegram ID, your language, when you agreed and when you "
             "last wrote. If you use them: your appointments, your answers for KIM and your "
             "messages to KIM. Photos and files go to KIM; we do not keep them."),
        tr._("Who receives it: the KIM team of your district, and the IT staff who run this "
             "service. Telegram carries the messages. Chats with bots are not end-to-end "
             "encrypted."),
        tr.ngettext("How long: we delete your data {n} day after your last message, unless "
                    "you have an appointment.",
                    "How long: we delete your data {n} days after your last message, unless "
                    "you have an appointment.", settings.retention_days),
        tr.ngettext("We delete your messages to KIM {n} day after your question is answered.",
                    "We delete your messages to KIM {n} days after your question is answered.",
                    settings.message_retention_days),
        tr._("Your rights: you can see your data (/mydata), have it corrected, limit its use "
             "and delete it (/delete). You can take back your consent at any time."),
        tr._("You can complain to the data protection authority of North Rhine-Westphalia: "
             "LDI NRW, www.ldi.nrw.de."),
        tr._("Privacy notice, version {version}", version=settings.privacy_notice_version),
    ])


def consent_buttons(tr: Translator) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(tr._("I agree"), action("consent", "yes"))],
                [Button(tr._("Continue without saving"), action("consent", "no"))],
                [Button(tr._("Full privacy notice"), action("privfull"))])


def needs_consent(turn: ClientTurn, why: str, then: str) -> Outcome:
    """Before something that stores data: why, the notice, and the consent buttons; agreeing
    goes on with `then` (see router._answer_consent)."""
    version = turn.ctx.settings.privacy_notice_version
    turn.ctx.conversation.go(steps.PRIVACY, notice=version, then=then)
    text = f"{why}\n\n{privacy_notice(turn.tr, turn.ctx.settings)}"
    return Outcome([turn.reply(text, consent_buttons(turn.tr))])


async def show_full_notice(turn: ClientTurn) -> Outcome:
    """"Full privacy notice": the whole notice, and while the person still decides, the same
    consent buttons again (the step and the version shown stay as they were)."""
    deciding = turn.ctx.conversation.step == steps.PRIVACY and not turn.consented
    buttons = consent_buttons(turn.tr)[:2] if deciding else menu_buttons(turn)
    return Outcome([turn.reply(full_notice(turn.tr, turn.ctx.settings), buttons)])


async def show_privacy(turn: ClientTurn, edit: bool = False) -> Outcome:
    tr = turn.tr
    text = privacy_notice(tr, turn.ctx.settings)
    if turn.consented:
        # Nothing to decide any more: say when they agreed and how to take it back.
        assert turn.client is not None
        agreed = tr._("You agreed on {date} at {time}.", date=tr.date(turn.client.consent_at),
                      time=tr.time(turn.client.consent_at))
        return Outcome([turn.reply(f"{text}\n\n{agreed}", menu_buttons(turn), edit)])
    # Remember which notice was shown: that is the version the person agrees to.
    turn.ctx.conversation.go(steps.PRIVACY, notice=turn.ctx.settings.privacy_notice_version)
    return Outcome([turn.reply(text, consent_buttons(tr), edit)])


async def choose_language(turn: ClientTurn, code: str) -> Outcome:
    if not is_supported(code):
        return await stale_button(turn)
    turn.ctx.conversation.set_language(code)
    if turn.client is not None:
        turn.client.language = code
        tr = turn.tr
        done = turn.reply(tr._("Language: {language}", language=BY_CODE[code].native_name),
                          edit=True)
        return Outcome([done, menu(turn)])
    privacy = await show_privacy(turn)
    return Outcome([turn.reply(BY_CODE[code].native_name, edit=True), *privacy.replies])


async def answer_consent(turn: ClientTurn, answer: str) -> Outcome:
    ctx = turn.ctx
    shown = ctx.conversation.data.get("notice")
    if ctx.conversation.step != steps.PRIVACY or not isinstance(shown, str):
        # Consent counts only as the answer to the notice just shown, never from an old button.
        return await stale_button(turn)
    if turn.consented and (answer == "no" or turn.client.consent_version == shown):
        return Outcome([menu(turn)])
    tr = turn.tr
    if answer == "yes":  # a first consent, or one to a newer notice than agreed before
        turn.client = await turn.clients.record_consent(
            ctx.event.user_id, turn.language, shown, ctx.clock.now())
        text = tr._("Thank you! You can delete your data at any time with /delete.")
    else:
        text = tr._("OK. We save nothing about you.")
    return Outcome([turn.reply(text, edit=True), menu(turn)])
