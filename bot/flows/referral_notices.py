"""What staff hear when a referral moves on: the referrer only that contact was made (number
and day of their referral), the case manager who holds it that the person is now in the chat.
Used by the client flow (an invitation accepted) and the staff flow (contact marked)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.flows import notify
from bot.flows.context import FlowContext
from bot.flows.intake_clearing import coordination_for
from bot.referral.codes import KIND_LABELS
from storage.models import Intake, IntakeStatus, Referral, StaffMember

CONTACT_MADE = "✅ {kind} Nr. {id} vom {day}: Das KIM-Team hat Kontakt mit der Person."
ACCEPTED = ("📲 {kind} Nr. {id} (Anfrage Nr. {intake}): Die Person hat ihre Einladung "
            "angenommen, selbst zugestimmt und ist jetzt im Chat erreichbar.")


async def tell_referrer(ctx: FlowContext, referral: Referral) -> None:
    if referral.referred_by_staff_id is None:
        return
    referrer = await ctx.session.get(StaffMember, referral.referred_by_staff_id)
    if referrer is None:
        return
    day = referral.created_at.astimezone(ZoneInfo(ctx.settings.timezone)).strftime("%d.%m.%Y")
    notify.to_staff(ctx, referrer, CONTACT_MADE.format(kind=KIND_LABELS[referral.kind],
                                                       id=referral.id, day=day))


async def tell_holder_accepted(ctx: FlowContext, referral: Referral, intake: Intake) -> None:
    """The case manager who has the referral (or, while it waits, coordination) learns the
    person can now be written to; no content, they open the summary for that."""
    holder = (await ctx.session.get(StaffMember, intake.assigned_staff_id)
              if intake.status == IntakeStatus.ASSIGNED.value and intake.assigned_staff_id
              else None)
    recipients = ([holder] if holder is not None and holder.active
                  else await coordination_for(ctx, intake.region_id))
    text = ACCEPTED.format(kind=KIND_LABELS[referral.kind], id=referral.id, intake=intake.id)
    for member in recipients:
        notify.to_staff(ctx, member, text)
