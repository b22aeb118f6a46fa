"""/export: a month's statistics as a file, sent as a document in the chat. It replaces the
monthly Excel sheet.

`/export 2026-10` sends the XLSX (sheets "Beratungen" and "Nachfrage"), `/export 2026-10 csv`
the first sheet as CSV; `/export` alone offers last month and this month as buttons, and /stats
has a button for the month shown. Who sees what follows /stats (scope.py): a case manager gets
their own rows and the demand of their own towns - the sheet they used to fill in by hand -,
coordination and admin their Kreis. Volunteers and partner services are refused by the router
like for /stats. The data is anonymous counts only, so no access-log entry is written.
"""

from __future__ import annotations

from datetime import date

from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Document, Outcome, Reply, rows
from bot.flows.staff.export.files import MIME_TYPES, Format, file_name, render
from bot.flows.staff.months import month_bounds, month_title, parse_month, previous_month
from bot.flows.staff.scope import stats_scope
from bot.flows.staff.stats.command import this_month
from storage.models import StaffMember
from storage.stats_export import build_export

ASK_MONTH = ("Welchen Monat als Excel-Datei? Auch direkt: /export 2026-10, "
             "als CSV: /export 2026-10 csv.")
BAD_ARGUMENT = ("Bitte so angeben: /export 2026-10 (Excel-Datei) oder /export 2026-10 csv. "
                "Ohne Angabe: Auswahl zwischen letztem und laufendem Monat. Künftige Monate "
                "gibt es noch nicht.")
CAPTION = "📊 Statistik {month} – {scope}"
SO_FAR = " (bis heute)"
CSV_NOTE = "Die Nachfrage aus dem Angebotsfinder steht nur in der Excel-Datei."
_FORMATS: dict[str, Format] = {"xlsx": "xlsx", "excel": "xlsx", "csv": "csv"}


async def command(ctx: FlowContext, member: StaffMember) -> Outcome:
    words = ctx.event.argument.lower().split()
    if not words:
        return Outcome([_ask_month(ctx)])
    month = parse_month(words[0])
    fmt = _FORMATS.get(words[1]) if len(words) == 2 else "xlsx" if len(words) == 1 else None
    if month is None or fmt is None or month > this_month(ctx):
        return Outcome([Reply(BAD_ARGUMENT)])
    return Outcome([await _document(ctx, member, month, fmt)])


async def send(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """A month button (under /export or /stats): the XLSX of that month."""
    month = parse_month(arg)
    if month is None or month > this_month(ctx):
        return Outcome([Reply(BAD_ARGUMENT)])
    return Outcome([await _document(ctx, member, month, "xlsx")], notice="Excel-Datei")


def _ask_month(ctx: FlowContext) -> Reply:
    current = this_month(ctx)
    last = previous_month(current)
    return Reply(ASK_MONTH, rows([
        Button(month_title(last), action("export", f"{last:%Y-%m}")),
        Button(month_title(current) + SO_FAR, action("export", f"{current:%Y-%m}"))]))


async def _document(ctx: FlowContext, member: StaffMember, month: date, fmt: Format) -> Reply:
    scope = await stats_scope(ctx.session, member)
    start, end = month_bounds(month, ctx.settings.timezone)
    export = await build_export(ctx.session, month=month, start=start, end=end,
                                members=scope.members, title=scope.title,
                                region_id=scope.region_id, demand_towns=scope.demand_towns)
    title = month_title(month) + (SO_FAR if month == this_month(ctx) else "")
    lines = [CAPTION.format(month=title, scope=scope.title)]
    if fmt == "csv":
        lines.append(CSV_NOTE)
    if scope.hint:
        lines.append(scope.hint)
    document = Document(file_name(month, fmt), render(export, fmt), MIME_TYPES[fmt])
    return Reply("\n".join(lines), document=document)
