"""Writing to the KIM team, in the person's language.

After consent only: a person who has not agreed (or agreed to an older notice, which did not
say that message texts are kept) reads the notice first and then goes on writing. While the
chat is in the writing step, every text and every photo, PDF or voice message goes to KIM;
commands and buttons still work. The first message of a conversation is answered with who
will answer and when; the following ones with a short receipt.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.menu import back_to_menu, menu_buttons
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Attachment, Button, Outcome, rows
from bot.flows.talk import receive
from bot.talk.days import ANSWER_WITHIN
from storage import kim_messages
from storage.models import Absence

# Nobody writes 30 messages an hour by accident; a flood stops here, politely.
MAX_PER_HOUR = 30
# The finder's unplaced text, kept in the conversation state (after consent only) until the
# person sends it to KIM or does anything else (a change of step drops it).
DRAFT = "kim_draft"


async def start(turn: ClientTurn) -> Outcome:
    """"✉️ Write to KIM", /write, or "Answer" under a message from KIM."""
    if not _agreed_to_current_notice(turn):
        return _needs_consent(turn)
    turn.ctx.conversation.go(steps.WRITE)
    tr = turn.tr
    text = "\n\n".join([
        tr._("Write your message to the KIM team."),
        tr._("You can also send a photo of a letter, a PDF file or a voice message."),
    ])
    return Outcome([turn.reply(text, _done_button(turn))])


async def offer(turn: ClientTurn) -> Outcome | None:
    """Under free text the finder could not place: "Send this to the KIM team?". Returns None
    for someone who has not agreed yet (they are offered "Write to KIM" in the menu)."""
    if not _agreed_to_current_notice(turn) or len(turn.ctx.event.text) > MAX_DRAFT:
        return None
    turn.ctx.conversation.data[DRAFT] = turn.ctx.event.text
    turn.ctx.conversation.changed = True
    return Outcome([turn.reply(turn.tr._("Do you want to send this message to the KIM team?"),
                               rows([Button(turn.tr._("Yes, send it to KIM"),
                                            action("wsend"))]))])


MAX_DRAFT = 1000


async def send_draft(turn: ClientTurn) -> Outcome:
    """"Yes, send it to KIM" under the finder's answer."""
    draft = turn.ctx.conversation.data.get(DRAFT)
    if not _agreed_to_current_notice(turn) or not isinstance(draft, str) or not draft:
        return await start(turn)
    turn.ctx.conversation.go(steps.WRITE)
    return await _deliver(turn, draft, None)


async def typed(turn: ClientTurn) -> Outcome:
    """Text while writing: to KIM."""
    return await _deliver(turn, turn.ctx.event.text, None)


async def file(turn: ClientTurn) -> Outcome:
    """A photo, file or voice message while writing: passed on if KIM can use it."""
    attachment = turn.ctx.event.attachment
    if attachment is None:
        text = turn.tr._("I can pass on text, photos, PDF files and voice messages. Please "
                         "send one of these.")
        return Outcome([turn.reply(text, _done_button(turn))])
    return await _deliver(turn, None, attachment)


async def file_outside(turn: ClientTurn) -> Outcome:
    """A photo or file sent outside the writing step: how to send it to KIM."""
    text = turn.tr._("Do you want to send this to the KIM team? Tap \"Write to KIM\" and send "
                     "it again.")
    return Outcome([turn.reply(text, rows([Button(turn.tr._("✉️ Write to KIM"),
                                                  action("write"))]) + menu_buttons(turn))])


async def _deliver(turn: ClientTurn, text: str | None,
                   attachment: Attachment | None) -> Outcome:
    ctx, tr = turn.ctx, turn.tr
    assert turn.client is not None
    now = ctx.clock.now()
    sent = await kim_messages.sent_from_client_since(ctx.session, turn.client.id,
                                                     now - timedelta(hours=1))
    if sent >= MAX_PER_HOUR:
        text = tr._("You have sent many messages. Please wait a little: the KIM team reads "
                    "all of them.")
        return Outcome([turn.reply(text, _done_button(turn))])
    delivered = await receive(ctx, turn.client, text, attachment)
    if not delivered.first:
        return Outcome([turn.reply(tr._("✓ Sent to KIM."), _done_button(turn))])
    lines = [tr._("Thank you. Your message has arrived.")]
    if delivered.own_case_manager:
        lines.append(tr.ngettext("Your case manager will answer you, usually within {n} "
                                 "working day.",
                                 "Your case manager will answer you, usually within {n} "
                                 "working days.", ANSWER_WITHIN))
    else:
        lines.append(tr.ngettext("The KIM team will answer you, usually within {n} working "
                                 "day.",
                                 "The KIM team will answer you, usually within {n} working "
                                 "days.", ANSWER_WITHIN))
    if delivered.member is not None:
        back = await _back_on(turn, delivered.member.id)
        if back is not None:
            lines.append(tr._("Your case manager is away until {date}.", date=back))
    lines.append(tr._("You can send more messages here. Working days are Monday to Friday."))
    return Outcome([turn.reply("\n\n".join(lines), _done_button(turn))])


async def _back_on(turn: ClientTurn, member_id: int) -> str | None:
    """The day an absence that covers now ends, in the person's language."""
    now = turn.ctx.clock.now()
    ends = await turn.ctx.session.scalar(
        select(Absence.ends_at).where(Absence.staff_member_id == member_id,
                                      Absence.starts_at <= now, Absence.ends_at > now)
        .order_by(Absence.ends_at.desc()).limit(1))
    return turn.tr.date(ends) if ends is not None else None


def _done_button(turn: ClientTurn) -> tuple[tuple[Button, ...], ...]:
    return back_to_menu(turn)


def _agreed_to_current_notice(turn: ClientTurn) -> bool:
    version = turn.client.consent_version if turn.client is not None else ""
    # Versions are dates; a stand-in's "referral" is no consent of the person's own.
    return version[:4].isdigit() and version >= MESSAGES_NOTICE


# The first privacy notice that says message texts are kept; an older consent is asked again.
MESSAGES_NOTICE = "2026-12-07"


def _needs_consent(turn: ClientTurn) -> Outcome:
    from bot.flows.client.onboarding.flow import needs_consent

    why = turn.tr._("To pass on your messages we must save them. Please read this first:")
    return needs_consent(turn, why, "write")
