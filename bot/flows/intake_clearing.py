"""Where a sent intake goes, and who hears of it. Used by the client flow (sending, booking a
first interview, withdrawing, erasure) and the staff flow (coordination assigns, a case
manager gives an intake back).

The assigned case manager gets the German summary at once, through the outbox; a previous
assignee and coordination hear only that something changed, never the answers; the person
hears, in their language, which office will contact them.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from bot.catalogue.routing import CatalogueIndex
from bot.flows import notify
from bot.flows.context import FlowContext
from bot.i18n import translator
from bot.intake.hints import deadline_near
from bot.intake.summary_de import Context, day_de, summary
from bot.referral.summary_de import referral_summary
from storage import audit, referrals
from storage import intakes as store
from storage.clearing import decide
from storage.models import (
    AssignmentReason,
    CaseManagerWorkplace,
    Client,
    Intake,
    IntakeSource,
    IntakeStatus,
    StaffMember,
    StaffRole,
)

KIM_TYPE = "kim_case_management"
NEW_FOR_YOU = "📥 Neue Anfrage für Sie ({why})"
WHY = {
    AssignmentReason.FIRST_INTERVIEW.value: "Erstgespräch bei Ihnen gebucht",
    AssignmentReason.RULE.value: "Clearing-Regel für den Ort",
    AssignmentReason.TEAM.value: "Clearing-Regel: Ihr Team",
    AssignmentReason.ONLY_CASE_MANAGER.value: "einzige Case-Managerin/einziger Case-Manager "
                                              "für den Ort",
    AssignmentReason.COORDINATION.value: "zugewiesen von {by}",
}
HANDED_ON = "↪️ Anfrage Nr. {id} ist jetzt bei {name}. Sie müssen nichts weiter tun."
URGENT_IN_QUEUE = ("⚠️ Neue Anfrage Nr. {id} mit naher Frist ({day}) wartet auf Clearing. "
                   "/clearing zeigt die Warteschlange.")
WITHDRAWN = ("↩️ Anfrage Nr. {id} (eingegangen {day}) wurde von der Person zurückgezogen. "
             "Die Angaben sind gelöscht.")
ERASED = ("↩️ Anfrage Nr. {id} (eingegangen {day}): Die Person hat ihre Daten gelöscht. Die "
          "Anfrage ist damit zurückgezogen.")


async def clear_new(ctx: FlowContext, intake: Intake, client: Client) -> str | None:
    """Send a just-submitted intake on. Returns the office that will contact the person (for
    the reply they see now), or None when it waits for coordination."""
    decision = await decide(ctx.session, intake, ctx.clock.now())
    if decision.staff_member_id is None:
        store.record_assignment(ctx.session, intake, None, None, decision.reason.value,
                                ctx.clock.now())
        await _tell_coordination_if_urgent(ctx, intake, client)
        return None
    member = await ctx.session.get(StaffMember, decision.staff_member_id)
    assert member is not None
    return await assign(ctx, intake, client, member, by=None, reason=decision.reason,
                        tell_client=False)


async def assign(ctx: FlowContext, intake: Intake, client: Client, member: StaffMember,
                 by: StaffMember | None, reason: AssignmentReason,
                 tell_client: bool = True) -> str | None:
    """Give the intake to `member`: history, the summary to them, a word to the previous
    assignee and (if the office changes) to the person. Returns the office's name."""
    index = await ctx.catalogue.index(ctx.session)
    previous = (await ctx.session.get(StaffMember, intake.assigned_staff_id)
                if intake.assigned_staff_id else None)
    before = await office_name(ctx, index, previous, intake.town) if previous else None
    store.record_assignment(ctx.session, intake, member.id, by.id if by else None,
                            reason.value, ctx.clock.now())
    why = WHY[reason.value].format(by=by.display_name if by else "")
    text = NEW_FOR_YOU.format(why=why) + "\n\n" + await summary_for(ctx, index, intake,
                                                                    client, member)
    if notify.to_staff(ctx, member, text):
        # The summary is client data disclosed to this member: logged like an opening.
        audit.record(ctx.session, staff_member_id=member.id, client_ids=[client.id],
                     action="intake.delivered", now=ctx.clock.now())
    if previous is not None and previous.id != member.id:
        notify.to_staff(ctx, previous, HANDED_ON.format(id=intake.id, name=member.display_name))
    office = await office_name(ctx, index, member, intake.town)
    if tell_client and (previous is None or office != before):
        intake_with_office(ctx, client, office)
    return office


def intake_with_office(ctx: FlowContext, client: Client, office: str | None) -> bool:
    """Tell the person, in their language, who has their answers now and will contact them."""
    tr = translator(client.language, ctx.settings.timezone)
    text = (tr._("Good news: {office} has your answers now. They will contact you soon.",
                 office=office) if office
            else tr._("Good news: a KIM case manager has your answers now. They will contact "
                      "you soon."))
    return notify.to_client(ctx, client, text, tr.rtl)


async def summary_for(ctx: FlowContext, index: CatalogueIndex, intake: Intake, client: Client,
                      assignee: StaffMember | None) -> str:
    """The German summary: the person's own intake, or a referral with where it came from."""
    town = index.towns.get(intake.town or "")
    context = Context(town.name if town else None, assignee.display_name if assignee else None,
                      ctx.clock.now(), ctx.settings.timezone)
    if intake.source == IntakeSource.CLIENT.value:
        return summary(intake, client, context)
    return referral_summary(intake, client, await referrals.info_for(ctx.session, intake.id),
                            context)


async def office_name(ctx: FlowContext, index: CatalogueIndex, member: StaffMember | None,
                      town: str | None) -> str | None:
    """The office the person will hear from: the member's workplace for the town, else their
    first workplace, else the town's KIM office in the catalogue."""
    if member is not None:
        places = list(await ctx.session.scalars(
            select(CaseManagerWorkplace).where(CaseManagerWorkplace.staff_member_id == member.id)
            .order_by(CaseManagerWorkplace.id)))
        fitting = [p for p in places if town in p.towns] or places
        if fitting:
            return index.office_name(fitting[0].office_id)
    region = index.town_region.get(town or "")
    kim = [office for office in index.offices.values()
           if office.type == KIM_TYPE and town in office.towns
           and index.town_region.get(town or "") == region]
    return kim[0].name if kim else None


async def coordination_for(ctx: FlowContext, region_id: str | None) -> list[StaffMember]:
    """Active coordination of the Kreis (or without one); if there is none, the admins."""
    for role in (StaffRole.COORDINATION, StaffRole.ADMIN):
        query = select(StaffMember).where(StaffMember.active.is_(True),
                                          StaffMember.role == role.value)
        if region_id is not None:
            query = query.where(or_(StaffMember.region_id == region_id,
                                    StaffMember.region_id.is_(None)))
        found = list(await ctx.session.scalars(query.order_by(StaffMember.id)))
        if found:
            return found
    return []


async def _tell_coordination_if_urgent(ctx: FlowContext, intake: Intake,
                                       client: Client) -> None:
    """The queue is read in the weekly clearing and the digests; a near deadline cannot wait."""
    today = ctx.clock.now().astimezone(ZoneInfo(ctx.settings.timezone)).date()
    if not deadline_near(intake, today) or intake.letter_deadline is None:
        return
    text = URGENT_IN_QUEUE.format(id=intake.id, day=day_de(intake.letter_deadline))
    for member in await coordination_for(ctx, intake.region_id):
        if notify.to_staff(ctx, member, text):
            audit.record(ctx.session, staff_member_id=member.id, client_ids=[client.id],
                         action="intake.urgent_notice", now=ctx.clock.now())


async def tell_withdrawn(ctx: FlowContext, intake: Intake, erased: bool) -> None:
    """Tell whoever holds a sent intake that the person took it back: its number and day,
    nothing else. Call before the answers or the row are gone."""
    if intake.status not in store.SENT_STATUSES or intake.submitted_at is None:
        return
    day = day_de(intake.submitted_at.astimezone(ZoneInfo(ctx.settings.timezone)).date())
    text = (ERASED if erased else WITHDRAWN).format(id=intake.id, day=day)
    holder = (await ctx.session.get(StaffMember, intake.assigned_staff_id)
              if intake.status == IntakeStatus.ASSIGNED.value and intake.assigned_staff_id
              else None)
    recipients = [holder] if holder is not None and holder.active \
        else await coordination_for(ctx, intake.region_id)
    for member in recipients:
        notify.to_staff(ctx, member, text)
