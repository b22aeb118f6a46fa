"""Sending a referral, and everything the referrer sees afterwards: its number, its personal
invitation (link and QR code, shown once), and in /vermittlungen only the status.

A case manager who reached the person marks "Kontakt hergestellt" on the referral; the
referrer is told that much and nothing else.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot import deep_links
from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Document, Outcome, Reply
from bot.flows.intake_clearing import clear_new
from bot.flows.referral_notices import tell_referrer
from bot.flows.staff import audit_trail, steps
from bot.flows.staff.clearing.access import NOT_FOUND, openable
from bot.flows.staff.referral.flow import at_step, wrong_step
from bot.i18n import BY_CODE
from bot.qr import qr_png
from bot.referral.codes import KIND_LABELS, LEGAL_AREA_BY_CODE, REASON_BY_CODE
from storage import referrals
from storage.models import Intake, IntakeSource, IntakeStatus, ReferralLink, StaffMember

SENT = ("✅ {kind} Nr. {id} ist eingegangen. Das KIM-Team meldet sich bei der Person{how}.\n\n"
        "Ihre Angaben sind jetzt nur noch für das KIM-Team sichtbar. /vermittlungen zeigt "
        "Ihnen den Stand (eingegangen, Kontakt hergestellt).")
BY_PHONE = " telefonisch"
INVITATION = ("📲 Persönliche Einladung für die Person – nur einmal nutzbar, gültig bis "
              "{until}:\n{link}\n\nZeigen Sie der Person diesen QR-Code oder schicken Sie ihr "
              "den Link. Der KIM-Bot startet dann in ihrer Sprache ({language}) und fragt sie "
              "selbst nach ihrem Einverständnis.")
INVITATION_TYPED = ("📲 Persönliche Einladung für die Person – nur einmal nutzbar, gültig bis "
                    "{until}: Die Person schreibt dem KIM-Bot\n/start {payload}\n"
                    "Der Bot startet dann in ihrer Sprache ({language}) und fragt sie selbst "
                    "nach ihrem Einverständnis.")
NONE_YET = "Sie haben noch niemanden vermittelt. /vermitteln beginnt eine Vermittlung."
MINE = ("Ihre Vermittlungen (neueste zuerst). Sie sehen nur den Stand; die Angaben zur Person "
        "liegen beim KIM-Team.")
STATES = {
    referrals.ReferralState.RECEIVED: "📨 eingegangen",
    referrals.ReferralState.CONTACT_MADE: "✅ Kontakt hergestellt",
    referrals.ReferralState.ENDED: "⏹ beendet (von der Person zurückgezogen oder gelöscht)",
}
LINK_EXPIRED = " · Einladungslink abgelaufen, nicht geöffnet"
BUTTON_CONTACT = "✅ Kontakt hergestellt"
CONTACT_SAVED = ("✅ Vermerkt: Kontakt hergestellt. Die vermittelnde Stelle sieht nur diesen "
                 "Stand.")
CONTACT_ALREADY = "Der Kontakt ist schon vermerkt. Es wurde nichts geändert."


async def send(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    data = at_step(ctx, member, steps.REFER_CONFIRM)
    draft = await _draft(ctx, member, data) if data is not None and not arg else None
    if draft is None:
        return wrong_step()
    submitted = await referrals.submit(ctx.session, draft, member, ctx.clock.now(),
                                       ctx.settings.referral_link_validity)
    await clear_new(ctx, submitted.intake, submitted.client)
    ctx.conversation.go("")  # the answers leave the referrer's chat state with the sending
    kind = KIND_LABELS[draft.kind.value]
    how = BY_PHONE if draft.contact == "phone" else ""
    replies = [Reply(SENT.format(kind=kind, id=submitted.referral.id, how=how), edit=True)]
    if submitted.token is not None and submitted.link is not None:
        replies.append(_invitation(ctx, submitted.referral.id, submitted.token, submitted.link))
    return Outcome(replies)


async def _draft(ctx: FlowContext, member: StaffMember,
                 data: dict[str, Any]) -> referrals.ReferralDraft | None:
    """The answers once more checked as a whole: the state is ours, but a day old at most and
    written across several steps; anything odd sends nothing."""
    index = await ctx.catalogue.index(ctx.session)
    town = data.get("town")
    topics, reasons, areas = (data.get(key) or [] for key in ("topics", "reasons", "areas"))
    handover = data.get("kind") == IntakeSource.HANDOVER.value
    if (data.get("agreed") is not True or town not in index.towns
            or (member.region_id is not None and index.town_region.get(town) != member.region_id)
            or data.get("language") not in BY_CODE or not topics
            or not set(topics) <= set(TOPIC_BY_CODE)
            or not set(reasons) <= set(REASON_BY_CODE) or not set(areas) <= set(LEGAL_AREA_BY_CODE)
            or (handover and not reasons)
            or data.get("contact") not in ("chat", "phone")
            or (data["contact"] == "phone") != bool(data.get("phone"))):
        return None
    return referrals.ReferralDraft(
        kind=IntakeSource.HANDOVER if handover else IntakeSource.REFERRAL,
        alias=str(data["alias"]), town=town, region_id=index.town_region.get(town),
        language=data["language"], topics=list(topics), contact=data["contact"],
        phone=data.get("phone"), reasons=list(reasons) if handover else None,
        legal_areas=list(areas) if handover else None,
        note=data.get("note") if handover else None)


def _invitation(ctx: FlowContext, number: int, token: str,
                stored: ReferralLink) -> Reply:
    payload = deep_links.REFERRAL_PREFIX + token
    until = stored.expires_at.astimezone(ZoneInfo(ctx.settings.timezone)).strftime("%d.%m.%Y")
    language_name = BY_CODE[stored.language].native_name
    bot = ctx.settings.client_bot_username
    if not bot:  # not learnt from Telegram yet and not configured: the command still works
        return Reply(INVITATION_TYPED.format(until=until, payload=payload,
                                             language=language_name))
    link = deep_links.start_link(bot, payload)
    picture = Document(f"einladung-{number}.png", qr_png(link), "image/png", photo=True)
    return Reply(INVITATION.format(until=until, link=link, language=language_name),
                 document=picture)


async def show_mine(ctx: FlowContext, member: StaffMember) -> Outcome:
    mine = await referrals.mine(ctx.session, member.id, ctx.clock.now())
    if not mine:
        return Outcome([Reply(NONE_YET)])
    zone = ZoneInfo(ctx.settings.timezone)
    lines = [MINE, ""]
    for entry in mine:
        line = (f"Nr. {entry.id} · {entry.created_at.astimezone(zone):%d.%m.%Y} · "
                f"{KIND_LABELS[entry.kind]} · {STATES[entry.state]}")
        if entry.state == referrals.ReferralState.CONTACT_MADE and entry.since is not None:
            line += f" ({entry.since.astimezone(zone):%d.%m.})"
        if entry.link_expired and entry.state == referrals.ReferralState.RECEIVED:
            line += LINK_EXPIRED
        lines.append(line)
    return Outcome([Reply("\n".join(lines))])


# --- the case manager's side ---------------------------------------------------------------

def contact_button(intake: Intake, referral: referrals.Referral | None,
                   member: StaffMember) -> Button | None:
    """"Kontakt hergestellt" for the case manager who holds a referral not yet marked."""
    if (referral is None or referral.contact_made_at is not None
            or intake.status != IntakeStatus.ASSIGNED.value
            or intake.assigned_staff_id != member.id):
        return None
    return Button(BUTTON_CONTACT, action("intake_contact", str(intake.id)))


async def mark_contact(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    intake = await openable(ctx, member, arg)
    referral = await referrals.for_intake(ctx.session, intake.id) if intake else None
    if intake is None or referral is None or intake.assigned_staff_id != member.id:
        return Outcome([Reply(NOT_FOUND)])
    if not referrals.mark_contact_made(referral, ctx.clock.now()):
        return Outcome([Reply(CONTACT_ALREADY)])
    audit_trail.seen(ctx, member, [intake.client_id], "referral.contact_made")
    await tell_referrer(ctx, referral)
    return Outcome([Reply(CONTACT_SAVED)])
