"""The monthly statistics export as files: XLSX (openpyxl) with the sheets "Beratungen" and
"Nachfrage", or CSV with the first sheet only. storage/stats_export.py assembles the rows and
explains their order; this module puts German labels on them and writes the bytes, for /export
and for `kimbot stats export`. No flow logic here; it sits in the staff package because its
labels (channels, months) do.

The CSV is for tools and for Excel users who want a plain file; the finder demand is left out
of it (a second table in one CSV breaks every parser that expects one header), and
`kimbot offices demand` prints the demand in full detail as CSV instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Literal

from bot.catalogue.topics import TOPIC_BY_CODE, TOPICS
from bot.flows.staff.kurz.flow import CHANNEL_LABELS
from bot.flows.staff.months import month_title
from storage.stats_export import DemandLine, ExportRow, MonthExport, RowKind

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Format = Literal["xlsx", "csv"]
Cell = str | int | float | None
MIME_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
MAIN_SHEET = "Beratungen"
DEMAND_SHEET = "Nachfrage"
KIND_LABELS = {
    RowKind.PERSON: "Person",
    RowKind.PERSON_TOTAL: "Person, alle Orte",
    RowKind.TOWN_TOTAL: "Summe Ort",
    RowKind.TOTAL: "Gesamt",
}
NO_TOWN = "ohne Ort"
ALL_TOWNS = "alle Orte"
HEAD = ["Monat", "Art", "Ort", "Person", "Stellenanteil", "Kurzberatungen"]
TAIL = ["CM-Fälle laufend", "CM-Fälle neu", "CM-Fälle abgeschlossen",
        "CM-Fälle offen am Monatsende", "Fallzahl", "CM-Anteil in %",
        "Fallzahl je Vollzeitstelle", "Termine wahrgenommen", "Termine verpasst"]
DEMAND_HEAD = ["Monat", "Ort", "Thema", "Anfragen", "davon ohne passendes Angebot"]
MAIN_NOTES = (
    "Fallzahl = laufende CM-Fälle + Kurzberatungen; CM-Anteil = laufende CM-Fälle / Fallzahl "
    "(Empfehlung mindestens 20–30 %); Empfehlung 50–60 Fälle je Vollzeitstelle.",
    "Eine Kurzberatung kann zwei Themen haben: die Themenspalten ergeben zusammen mehr als die "
    "Kurzberatungen.",
    "Stellenanteil und Termine gehören zur Person, nicht zum Ort: bei Personen mit mehreren "
    "Orten stehen sie in der Zeile „Person, alle Orte“.",
    "Alle Zahlen sind anonym: keine Angaben zu Ratsuchenden.",
)
DEMAND_NOTES = (
    "Anonyme Zählung des Angebotsfinders im Bot für Ratsuchende: eine Zählung je Suche; "
    "Wochen zählen zum Monat ihres Montags.",
    "„Ohne passendes Angebot“: für Thema und Ort war kein Angebot im Katalog – ein Hinweis "
    "auf Lücken für die Systemebene.",
    "Kleine Zahlen in kleinen Orten können auf Personen hindeuten: vor einer Veröffentlichung "
    "zusammenfassen.",
)


def file_name(month: date, fmt: Format) -> str:
    return f"kimbot-statistik-{month:%Y-%m}.{fmt}"


def render(export: MonthExport, fmt: Format) -> bytes:
    return to_xlsx(export) if fmt == "xlsx" else to_csv(export)


def headers() -> list[str]:
    return (HEAD + [f"Thema: {topic.german}" for topic in TOPICS]
            + [f"Kanal: {label}" for label in CHANNEL_LABELS.values()] + TAIL)


def row_values(export: MonthExport, row: ExportRow) -> list[Cell]:
    figures, whole = row.figures, row.person_level
    caseload = figures.caseload
    per_post = round(caseload / row.fte, 1) if whole and row.fte else None
    share = round(figures.cm_share * 100, 1) if figures.cm_share is not None else None
    return ([f"{export.month:%Y-%m}", KIND_LABELS[row.kind], _town(export, row),
             row.member_name, row.fte if whole else None, figures.short]
            + [figures.by_topic[topic.code] for topic in TOPICS]
            + [figures.by_channel[code] for code in CHANNEL_LABELS]
            + [figures.cases_running, figures.cases_new, figures.cases_closed,
               figures.cases_open_at_end, caseload, share, per_post,
               figures.kept if whole else None, figures.missed if whole else None])


def _town(export: MonthExport, row: ExportRow) -> str:
    if row.kind is RowKind.TOTAL:
        return ""
    if row.kind is RowKind.PERSON_TOTAL:
        return ALL_TOWNS
    return export.town_names.get(row.town_id, row.town_id) if row.town_id else NO_TOWN


def demand_values(export: MonthExport, line: DemandLine) -> list[Cell]:
    topic = TOPIC_BY_CODE[line.topic].german if line.topic in TOPIC_BY_CODE else line.topic
    return [f"{export.month:%Y-%m}", export.town_names.get(line.town_id, line.town_id), topic,
            line.asked, line.no_offer]


def to_csv(export: MonthExport) -> bytes:
    """Semicolons and decimal commas, UTF-8 with a byte order mark: what Excel in German
    expects when the file is opened by double-click (without the BOM it reads the umlauts as
    Windows-1252, with commas it puts every row into one cell)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in export.rows:
        writer.writerow([_csv_cell(value) for value in row_values(export, row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return _inert(value)


def _inert(text: str) -> str:
    """Names are typed by staff; a leading = + - @ would make a spreadsheet run a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_xlsx(export: MonthExport) -> bytes:
    # Imported here: openpyxl costs every instance about 9 MB of memory, for a monthly file.
    from openpyxl import Workbook

    book = Workbook()
    book.properties.creator = "kimbot"
    book.properties.title = f"KIM-Statistik {month_title(export.month)} – {export.title}"
    main = book.active
    assert main is not None
    main.title = MAIN_SHEET
    totals = [row.kind is not RowKind.PERSON for row in export.rows]
    _table(main, headers(), (row_values(export, row) for row in export.rows), totals,
           frozen="E2")
    _notes(main, [book.properties.title, *MAIN_NOTES])
    demand = book.create_sheet(DEMAND_SHEET)
    lines = [demand_values(export, line) for line in export.demand]
    lines.append([f"{export.month:%Y-%m}", "", "Gesamt", sum(line.asked for line in export.demand),
                  sum(line.no_offer for line in export.demand)])
    _table(demand, DEMAND_HEAD, lines, [False] * (len(lines) - 1) + [True], frozen="A2")
    _notes(demand, [book.properties.title, *DEMAND_NOTES])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(sheet: Worksheet, head: list[str], lines: Iterable[list[Cell]], bold: list[bool],
           frozen: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line, strong in zip(lines, bold, strict=True):
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a name, never a formula (see _inert)
            if strong:
                cell.font = Font(bold=True)
    sheet.freeze_panes = frozen
    for index, title in enumerate(head, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(len(title), 30))


def _notes(sheet: Worksheet, notes: list[str]) -> None:
    """Below the table after an empty row, so a filter or a parser stops before them."""
    sheet.append([])
    for note in notes:
        sheet.append([note])
