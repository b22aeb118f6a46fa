"""/fall: KIM case management cases, counted anonymously per case manager - when a case was
opened and closed and why (DOMAIN.md), so the share of CM cases can be computed. The list is
numbered by opening date; nothing names or links the person."""

from __future__ import annotations

from datetime import timedelta

from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.staff.local_days import local_date
from bot.flows.staff.towns import town_names
from storage.counting import close_case, default_town, open_case, open_cases
from storage.models import CaseCloseReason, CmCase, StaffMember

REASON_LABELS = {
    CaseCloseReason.GOALS_REACHED.value: "Ziele erreicht",
    CaseCloseReason.ENDED_BY_CLIENT.value: "Beendet durch die Person",
    CaseCloseReason.ENDED_BY_KIM.value: "Beendet durch KIM",
    CaseCloseReason.CONSENT_WITHDRAWN.value: "Einwilligung widerrufen",
    CaseCloseReason.UNREACHABLE.value: "Nicht mehr erreichbar",
}
UNDO_WINDOW = timedelta(minutes=10)
MAX_LISTED = 40  # buttons on one keyboard; a full-time caseload is 50-60 including Kurzberatung
OVERVIEW = "KIM-Case-Management: {count} offene(r) Fall/Fälle."
NONE_OPEN = "KIM-Case-Management: Sie haben keine offenen Fälle."
MORE = "(Die ältesten {shown} von {count} werden angezeigt.)"
OPENED = "✅ Fall eröffnet{town}. Offene Fälle: {count}."
ASK_REASON = "Fall vom {day} abschließen. Warum endet er?"
CLOSED = "✅ Fall vom {day} abgeschlossen: {reason}. Offene Fälle: {count}."
UNDONE = "↩️ Eröffnung zurückgenommen. Offene Fälle: {count}."
GONE = ("Diesen offenen Fall gibt es nicht (mehr) oder er gehört nicht zu Ihnen. "
        "Es wurde nichts geändert. /fall zeigt Ihre offenen Fälle.")
TOO_LATE = "Zurücknehmen geht nur 10 Minuten lang. Schließen Sie den Fall über /fall ab."
BUTTON_OPEN = "➕ Neuen Fall eröffnen"
BUTTON_UNDO = "↩️ Rückgängig"
BUTTON_LIST = "📋 Offene Fälle"


async def show(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([await _overview(ctx, member)])


async def list_again(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    if arg:
        return Outcome([Reply(GONE)])
    return Outcome([await _overview(ctx, member)])


async def open_new(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    if arg:
        return Outcome([Reply(GONE)])
    town = await default_town(ctx.session, member)
    case = await open_case(ctx.session, member, town, ctx.clock.now())
    count = len(await open_cases(ctx.session, member))
    where = f" ({(await town_names(ctx.session, [town]))[town]})" if town else ""
    return Outcome([Reply(OPENED.format(town=where, count=count), rows(
        [Button(BUTTON_UNDO, action("case_undo", str(case.id))),
         Button(BUTTON_LIST, action("case_list"))]))], notice="Eröffnet")


async def undo_open(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    case = await _own_open(ctx, member, arg)
    if case is None:
        return Outcome([Reply(GONE)])
    if case.opened_at < ctx.clock.now() - UNDO_WINDOW:
        return Outcome([Reply(TOO_LATE)])
    await ctx.session.delete(case)
    await ctx.session.flush()
    count = len(await open_cases(ctx.session, member))
    return Outcome([Reply(UNDONE.format(count=count), edit=True)])


async def ask_reason(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    case = await _own_open(ctx, member, arg)
    if case is None:
        return Outcome([Reply(GONE)])
    buttons = [(Button(label, action("case_reason", f"{case.id}_{code}")),)
               for code, label in REASON_LABELS.items()]
    buttons.append((Button("Nicht abschließen", action("case_list")),))
    return Outcome([Reply(ASK_REASON.format(day=_day(ctx, case)), tuple(buttons), edit=True)])


async def close(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    case_id, _, reason = arg.partition("_")
    case = await _own_open(ctx, member, case_id)
    if case is None or reason not in REASON_LABELS:
        return Outcome([Reply(GONE)])
    day = _day(ctx, case)
    if not await close_case(ctx.session, case.id, member, reason, ctx.clock.now()):
        return Outcome([Reply(GONE)])
    count = len(await open_cases(ctx.session, member))
    return Outcome([Reply(CLOSED.format(day=day, reason=REASON_LABELS[reason], count=count),
                          rows([Button(BUTTON_LIST, action("case_list"))]), edit=True)],
                   notice="Abgeschlossen")


async def _own_open(ctx: FlowContext, member: StaffMember, arg: str) -> CmCase | None:
    if not arg.isdigit() or len(arg) > 12:
        return None
    case = await ctx.session.get(CmCase, int(arg))
    if case is None or case.staff_member_id != member.id or case.closed_at is not None:
        return None
    return case


def _day(ctx: FlowContext, case: CmCase) -> str:
    return f"{local_date(case.opened_at, ctx.settings.timezone):%d.%m.%Y}"


async def _overview(ctx: FlowContext, member: StaffMember) -> Reply:
    cases = await open_cases(ctx.session, member)
    names = await town_names(ctx.session, (case.town for case in cases))
    shown = cases[:MAX_LISTED]
    if not cases:
        return Reply(NONE_OPEN, rows([Button(BUTTON_OPEN, action("case_new"))]))
    lines = [OVERVIEW.format(count=len(cases))]
    for number, case in enumerate(shown, start=1):
        where = f" ({names[case.town]})" if case.town else ""
        lines.append(f"{number}. eröffnet {_day(ctx, case)}{where}")
    if len(cases) > len(shown):
        lines.append(MORE.format(shown=len(shown), count=len(cases)))
    buttons = [(Button(BUTTON_OPEN, action("case_new")),)]
    buttons += [(Button(f"Fall {number} abschließen", action("case_close", str(case.id))),)
                for number, case in enumerate(shown, start=1)]
    return Reply("\n".join(lines), tuple(buttons))
