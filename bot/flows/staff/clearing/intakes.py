"""/anfragen: the intakes assigned to me. Opening one shows its German summary, with its
clearing history; every opening is written to the access log. The case manager who has an
intake can give it back to coordination."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows import notify
from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.intake_clearing import coordination_for, summary_for
from bot.flows.staff import audit_trail
from bot.flows.staff.clearing.access import COORDINATING, NOT_FOUND, coordinates, openable
from bot.flows.staff.local_days import local_date
from bot.flows.staff.referral import send as referral_send
from bot.intake.hints import deadline_near
from bot.intake.summary_de import day_de
from storage import intakes as store
from storage import referrals
from storage.models import (
    AssignmentReason,
    Client,
    Intake,
    IntakeAssignment,
    IntakeSource,
    IntakeStatus,
    Referral,
    StaffMember,
)

MAX_LISTED = 30
MINE = "📥 Ihnen zugewiesene Anfragen: {count}"
NONE_MINE = "Ihnen ist gerade keine Anfrage zugewiesen."
MORE = "(Die neuesten {shown} von {count} werden angezeigt.)"
ASK_BACK = ("Anfrage Nr. {id} an die Koordination zurückgeben? Sie wartet dann wieder im "
            "Clearing und wird neu zugewiesen.")
GIVEN_BACK = "↩️ Anfrage Nr. {id} ist zurück in der Clearing-Warteschlange."
RETURNED_NOTICE = ("↩️ Anfrage Nr. {id} wurde von {name} an die Koordination zurückgegeben und "
                   "wartet auf Clearing. /clearing zeigt die Warteschlange.")
BUTTON_BACK = "↩️ An Koordination zurückgeben"
BUTTON_ASSIGN = "👥 Zuweisen"
BUTTON_REASSIGN = "👥 Neu zuweisen"
BUTTON_QUEUE = "🗂 Clearing-Warteschlange"
REASONS = {
    AssignmentReason.FIRST_INTERVIEW.value: "Erstgespräch gebucht",
    AssignmentReason.RULE.value: "Clearing-Regel",
    AssignmentReason.TEAM.value: "Clearing-Regel (Team)",
    AssignmentReason.ONLY_CASE_MANAGER.value: "einzige Zuständigkeit für den Ort",
    AssignmentReason.QUEUE.value: "keine eindeutige Zuständigkeit",
    AssignmentReason.COORDINATION.value: "Koordination",
    AssignmentReason.RETURNED.value: "zurückgegeben",
}


async def command(ctx: FlowContext, member: StaffMember) -> Outcome:
    mine = await store.assigned_to(ctx.session, member.id)
    buttons = ([(Button(BUTTON_QUEUE, action("clr_queue")),)]
               if member.role in COORDINATING else [])
    if not mine:
        return Outcome([Reply(NONE_MINE, tuple(buttons))])
    shown = mine[:MAX_LISTED]
    names = await _town_names(ctx, shown)
    today = local_date(ctx.clock.now(), ctx.settings.timezone)
    lines = [MINE.format(count=len(mine)),
             *(list_line(intake, names, today, ctx.settings.timezone) for intake in shown)]
    if len(mine) > len(shown):
        lines.append(MORE.format(shown=len(shown), count=len(mine)))
    audit_trail.seen(ctx, member, (i.client_id for i in shown), "intake.list")
    buttons = [(Button(f"Nr. {i.id} öffnen", action("intake_open", str(i.id))),)
               for i in shown] + buttons
    return Outcome([Reply("\n".join(lines), tuple(buttons))])


async def _town_names(ctx: FlowContext, intakes: list[Intake]) -> dict[str, str]:
    index = await ctx.catalogue.index(ctx.session)
    return {i.town: index.towns[i.town].name for i in intakes if i.town in index.towns}


def list_line(intake: Intake, names: dict[str, str], today: date, timezone: str) -> str:
    """One intake in a list: number, town, day sent, topics, and a near deadline."""
    sent = (intake.submitted_at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.")
            if intake.submitted_at else "–")
    topics = ", ".join(TOPIC_BY_CODE[c].german if c in TOPIC_BY_CODE else c
                       for c in intake.topics or [])
    line = f"• Nr. {intake.id} · {names.get(intake.town or '', intake.town or '–')} · {sent}"
    line += f" · {topics}" if topics else ""
    if deadline_near(intake, today) and intake.letter_deadline is not None:
        line += f" · ⚠️ Frist {day_de(intake.letter_deadline)}"
    return line


async def open_intake(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    intake = await openable(ctx, member, arg)
    if intake is None:
        return Outcome([Reply(NOT_FOUND)])
    client = await ctx.session.get(Client, intake.client_id)
    assert client is not None  # a foreign key with ON DELETE CASCADE
    assignee = (await ctx.session.get(StaffMember, intake.assigned_staff_id)
                if intake.assigned_staff_id else None)
    index = await ctx.catalogue.index(ctx.session)
    text = await summary_for(ctx, index, intake, client, assignee)
    if coordinates(member, intake):
        text += "\n" + await _history(ctx, intake)
    audit_trail.seen(ctx, member, [client.id], "intake.view")
    referral = (await referrals.for_intake(ctx.session, intake.id)
                if intake.source != IntakeSource.CLIENT.value else None)
    return Outcome([Reply(text, _summary_buttons(member, intake, referral))])


def _summary_buttons(member: StaffMember, intake: Intake,
                     referral: Referral | None) -> tuple[tuple[Button, ...], ...]:
    buttons = []
    contact = referral_send.contact_button(intake, referral, member)
    if contact is not None:
        buttons.append(contact)
    if coordinates(member, intake):
        label = BUTTON_REASSIGN if intake.status == IntakeStatus.ASSIGNED.value \
            else BUTTON_ASSIGN
        buttons.append(Button(label, action("clr_pick", str(intake.id))))
    if intake.status == IntakeStatus.ASSIGNED.value and intake.assigned_staff_id == member.id:
        buttons.append(Button(BUTTON_BACK, action("intake_back", str(intake.id))))
    return rows(*([b] for b in buttons))


async def _history(ctx: FlowContext, intake: Intake) -> str:
    entries = await store.history(ctx.session, intake.id)
    ids = {i for e in entries for i in (e.to_staff_id, e.by_staff_id) if i is not None}
    names = {i: m.display_name for i in ids
             if (m := await ctx.session.get(StaffMember, i)) is not None}
    return "\n".join(["🕓 Verlauf:", *(_history_line(e, names, ctx.settings.timezone)
                                        for e in entries)])


def _history_line(entry: IntakeAssignment, names: dict[int, str], timezone: str) -> str:
    when = entry.at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")
    by = names.get(entry.by_staff_id, "?") if entry.by_staff_id else "automatisch"
    to = names.get(entry.to_staff_id, "?") if entry.to_staff_id else "Warteschlange"
    return f"{when} {by} → {to} ({REASONS.get(entry.reason, entry.reason)})"


async def ask_give_back(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    intake = await _own(ctx, member, arg)
    if intake is None:
        return Outcome([Reply(NOT_FOUND)])
    return Outcome([Reply(ASK_BACK.format(id=intake.id), rows(
        [Button("Ja, zurückgeben", action("intake_back_ok", str(intake.id))),
         Button("Nein", action("intake_open", str(intake.id)))]))])


async def give_back(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    intake = await _own(ctx, member, arg)
    if intake is None:
        return Outcome([Reply(NOT_FOUND)])
    store.record_assignment(ctx.session, intake, None, member.id,
                            AssignmentReason.RETURNED.value, ctx.clock.now())
    audit_trail.seen(ctx, member, [intake.client_id], "intake.return")
    for coordinator in await coordination_for(ctx, intake.region_id):
        if coordinator.id != member.id:
            notify.to_staff(ctx, coordinator, RETURNED_NOTICE.format(
                id=intake.id, name=member.display_name))
    return Outcome([Reply(GIVEN_BACK.format(id=intake.id), edit=True)])


async def _own(ctx: FlowContext, member: StaffMember, arg: str) -> Intake | None:
    intake = await openable(ctx, member, arg)
    if intake is None or intake.status != IntakeStatus.ASSIGNED.value \
            or intake.assigned_staff_id != member.id:
        return None
    return intake
