"""/stats: the month in figures. A case manager sees their own; coordination and admin see
every town and case manager of their Kreis (scope.py says who sees what). Short lines, German,
readable on a phone. `/stats 2026-10` or the arrow buttons choose another month; a button
sends the month as an Excel file (/export)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.staff.kurz.flow import CHANNEL_LABELS
from bot.flows.staff.local_days import local_date
from bot.flows.staff.months import (
    MONTHS,
    month_bounds,
    month_title,
    next_month,
    parse_month,
    previous_month,
)
from bot.flows.staff.scope import Scope, stats_scope
from bot.flows.staff.towns import town_names
from storage.models import StaffMember, StaffRole
from storage.stats import Figures, MonthStats, month_stats

CASELOAD_PER_POST = (50, 60)  # recommended per full-time post, Kurzberatungen included
CM_SHARE = (0.20, 0.30)  # at least this share of running cases should be CM cases
BAD_MONTH = "Bitte den Monat so angeben: /stats 2026-11. Ohne Angabe: der laufende Monat."
NOTHING = "Noch nichts gezählt."
BUTTON_EXPORT = "📥 Excel-Datei"


async def command(ctx: FlowContext, member: StaffMember) -> Outcome:
    argument = ctx.event.argument.strip()
    current = this_month(ctx)
    if not argument:
        return Outcome([await _report(ctx, member, current)])
    month = parse_month(argument)
    if month is None or month > current:
        return Outcome([Reply(BAD_MONTH)])
    return Outcome([await _report(ctx, member, month)])


async def switch(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    month = parse_month(arg)
    if month is None or month > this_month(ctx):
        return Outcome([Reply(BAD_MONTH)])
    report = await _report(ctx, member, month)
    return Outcome([Reply(report.text, report.buttons, edit=True)])


def this_month(ctx: FlowContext) -> date:
    return local_date(ctx.clock.now(), ctx.settings.timezone).replace(day=1)


async def _report(ctx: FlowContext, member: StaffMember, month: date) -> Reply:
    start, end = month_bounds(month, ctx.settings.timezone)
    title = month_title(month)
    scope = await stats_scope(ctx.session, member)
    stats = await month_stats(ctx.session, scope.members, start, end)
    if scope.own:
        lines = [f"📊 {title} – {member.display_name}",
                 *_details(stats.per_member[member.id], member.fte)]
        text = "\n".join(lines + (["", scope.hint] if scope.hint else []))
    else:
        text = await _kreis(ctx, scope, stats, title)
    before, after = previous_month(month), next_month(month)
    buttons = [Button(f"◀ {MONTHS[before.month - 1]}", action("stats", f"{before:%Y-%m}"))]
    if month < this_month(ctx):
        buttons.append(Button(f"{MONTHS[after.month - 1]} ▶", action("stats", f"{after:%Y-%m}")))
    export = Button(BUTTON_EXPORT, action("export", f"{month:%Y-%m}"))
    return Reply(text, rows(buttons, [export]))


async def _kreis(ctx: FlowContext, scope: Scope, stats: MonthStats, title: str) -> str:
    members = scope.members
    names = await town_names(ctx.session, stats.per_town)
    posts = sum(m.fte or 0 for m in members if m.role == StaffRole.CASE_MANAGER.value)
    lines = [f"📊 {title} – {scope.title}", *_details(stats.total, posts or None)]
    if stats.per_town:
        lines.append("")
        lines.append("Nach Ort (Kurzberatungen · CM neu · CM offen):")
        for town, figures in sorted(stats.per_town.items(),
                                    key=lambda item: names.get(item[0], "~")):
            label = names.get(town, "ohne Ort") if town else "ohne Ort"
            lines.append(f"{label}: {figures.short} · {figures.cases_new} · "
                         f"{figures.cases_open_at_end}")
    shown = [m for m in members if m.role == StaffRole.CASE_MANAGER.value
             or stats.per_member[m.id].caseload or stats.per_member[m.id].kept
             or stats.per_member[m.id].missed]
    if shown:
        lines.append("")
        lines.append("Nach Person (KB · CM laufend · Fallzahl · CM-Anteil · Termine +/−):")
        for person in shown:
            figures = stats.per_member[person.id]
            fte = f" ({_number(person.fte)})" if person.fte else ""
            lines.append(f"{person.display_name}{fte}: {figures.short} · "
                         f"{figures.cases_running} · {_caseload(figures, person.fte)} · "
                         f"{_percent(figures.cm_share)} · {figures.kept}/{figures.missed}")
    return "\n".join(lines)


def _details(figures: Figures, fte: float | None) -> list[str]:
    lines = [f"Kurzberatungen: {figures.short}"]
    if figures.short:
        lines.append("Themen: " + _top(figures.by_topic, lambda c: TOPIC_BY_CODE[c].german
                                       if c in TOPIC_BY_CODE else c))
        lines.append("Kanäle: " + _top(figures.by_channel, lambda c: CHANNEL_LABELS.get(c, c)))
    lines.append(f"CM-Fälle: {figures.cases_running} laufend, {figures.cases_new} neu, "
                 f"{figures.cases_closed} abgeschlossen, {figures.cases_open_at_end} offen")
    lines.append(f"Fallzahl: {_caseload(figures, fte)}")
    share = f"CM-Anteil: {_percent(figures.cm_share)} (Empfehlung mind. 20–30 %)"
    lines.append(share)
    lines.append(f"Termine: {figures.kept} wahrgenommen, {figures.missed} verpasst")
    return lines


def _caseload(figures: Figures, fte: float | None) -> str:
    if not fte:
        return f"{figures.caseload} (Stellenanteil nicht eingetragen)"
    low, high = (round(limit * fte) for limit in CASELOAD_PER_POST)
    return f"{figures.caseload} (Empfehlung {low}–{high} bei {_number(fte)} Stellen)"


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _top(counts: Counter[str], label: Callable[[str], str]) -> str:
    return ", ".join(f"{label(code)} {count}" for code, count in counts.most_common())
