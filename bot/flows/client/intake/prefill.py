"""What the intake already knows before it asks: the town and topics the person chose in the
office finder or when booking, the interpreter they asked for when booking, and the town and
topics of a referral about them. Such answers are filled in, marked as given
(`Intake.prefilled`), not asked again, and shown on the check screen, where they can be
changed like any other.
"""

from __future__ import annotations

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.client.turn import ClientTurn
from bot.flows.context import TOPIC_HINT, TOWN_HINT
from bot.i18n import BY_CODE
from bot.intake.codes import NO_INTERPRETER
from storage import appointments as appointment_store
from storage import intakes as store
from storage.models import Appointment, Intake


async def prefill(turn: ClientTurn, intake: Intake) -> list[str]:
    """Fill the draft's unanswered questions from what the person told us elsewhere; returns
    the questions filled now, in the order they are asked."""
    assert turn.client is not None
    ctx = turn.ctx
    index = await ctx.catalogue.index(ctx.session)
    referrals = await store.referrals_for_client(ctx.session, turn.client.id)
    filled: list[str] = []

    if intake.town is None:
        hint = ctx.conversation.data.get(TOWN_HINT)
        known = [turn.client.town, hint, *(r.town for r in referrals)]
        town = next((t for t in known if isinstance(t, str) and t in index.towns), None)
        if town is not None:
            intake.town = town
            filled.append("town")

    if not intake.topics:
        hint = ctx.conversation.data.get(TOPIC_HINT)
        named = [*(hint if isinstance(hint, list) else []),
                 *(code for r in referrals for code in r.topics or [])]
        topics = [code for code in TOPIC_BY_CODE if code in named]  # in the list's order
        if topics:
            intake.topics = topics
            filled.append("topics")

    if intake.interpreter is None:
        booked = await _booked_by_the_person(turn)
        # A German chat books without the question, so nothing was said about it there.
        if booked is not None and turn.language != "de":
            language = booked.interpreter_language
            intake.interpreter = (language if language in BY_CODE and language != "de"
                                  else NO_INTERPRETER)
            filled.append("interpreter")

    if filled:
        intake.prefilled = [*(intake.prefilled or []),
                            *(key for key in filled if key not in (intake.prefilled or []))]
        intake.updated_at = ctx.clock.now()
    return filled


async def _booked_by_the_person(turn: ClientTurn) -> Appointment | None:
    """The person's next appointment they booked themselves in this chat, if any."""
    assert turn.client is not None
    upcoming = await appointment_store.upcoming_for_client(turn.ctx.session, turn.client.id,
                                                           turn.ctx.clock.now())
    return next((a for a in upcoming if a.booked_by_staff_id is None), None)


def interpreter_language(intake: Intake) -> str | None:
    """The language an interpreter was asked for: the person speaks it."""
    code = intake.interpreter
    return code if code is not None and code != NO_INTERPRETER else None
