"""First contact: choose a language, read the privacy notice, agree or go on without saving."""

from __future__ import annotations

from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.menu import menu, menu_buttons, stale_button
from bot.flows.client.turn import ClientTurn
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


def privacy_notice(tr: Translator, version: str, message_days: int = 90) -> str:
    """The notice as short lines: one idea each, plain words (A2). `message_days`: how long
    messages to KIM are kept after their conversation is closed (KIMBOT_MESSAGE_RETENTION_DAYS)."""
    return "\n\n".join([
        tr._("Before we start: about your data."),
        tr._("If you agree, we save your Telegram ID, your language, when you agreed and when "
             "you last wrote to us. Later also your appointments and your answers."),
        tr._("If you write to the KIM team here, we keep your messages until {days} days "
             "after your question is answered. Photos and files go to KIM; we do not keep "
             "them.", days=message_days),
        tr._("Why: so that the KIM team can help you and remind you of appointments."),
        tr._("Who sees it: the KIM team of your district and the IT staff who run this "
             "service. We do not give it to other offices without asking you."),
        tr._("Chats with bots in Telegram are not end-to-end encrypted. Please do not write "
             "about your health or your asylum case here."),
        tr._("You can see your data with /mydata. You can delete everything at any time "
             "with /delete."),
        tr._("You can also continue without saving. Then we save nothing about you."),
        tr._("Privacy notice, version {version}", version=version),
    ])


def consent_buttons(tr: Translator) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(tr._("I agree"), action("consent", "yes"))],
                [Button(tr._("Continue without saving"), action("consent", "no"))])


async def show_privacy(turn: ClientTurn, edit: bool = False) -> Outcome:
    tr = turn.tr
    text = privacy_notice(tr, turn.ctx.settings.privacy_notice_version,
                          turn.ctx.settings.message_retention_days)
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
