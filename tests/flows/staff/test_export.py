"""/export: the month as XLSX (sheets Beratungen and Nachfrage) or CSV, with numbers checked
against entries made through /kurz and /fall; who gets which rows; and /stats for coordination
without a Kreis."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.catalogue.samples import RBK
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Outcome
from bot.flows.staff import scope
from bot.flows.staff.export import command as export
from bot.flows.staff.export.files import MIME_TYPES
from storage.catalogue_io import import_catalogue
from storage.demand import count_demand
from storage.models import CmCase, StaffRole
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.export import Row, pick, table
from tests.support.staff import (
    NOW,
    add_member,
    attended_and_missed,
    count,
    not_counting,
    set_member,
)


def staff(flow: FlowEngine, telegram_id: int) -> Chat:
    return Chat(flow, telegram_id, "de", BotKind.STAFF)


async def demand(db, region: str, town: str, topic: str, language: str, found: bool,
                 times: int) -> None:
    async with db.transaction() as session:
        for _ in range(times):
            await count_demand(session, date(2026, 11, 17), region, town, topic, language, found)


@pytest.fixture
async def kreis(db, clock, flow):
    """November 2026 in the RBK: S. Kaya (Odenthal, half a post) counts two Kurzberatungen,
    opens two CM cases and closes one, keeps one appointment and misses one; T. Berg (Kürten
    and Odenthal, a full post) counts one in each town. Someone in another Kreis counts too,
    Kaya counted once in October, and the finder counted demand in both Kreise."""
    await import_catalogue(db, [RBK], clock.now())
    kaya = await add_member(db, 800, "S. Kaya")
    await set_member(db, kaya, ["odenthal"], 0.5)
    berg = await add_member(db, 801, "T. Berg")
    await set_member(db, berg, ["kuerten", "odenthal"], 1.0)
    elsewhere = await add_member(db, 802, "Anderer Kreis")
    await set_member(db, elsewhere, ["x"], 1.0, region="other")
    await set_member(db, await add_member(db, 810, "K. Oordination", StaffRole.COORDINATION),
                     [], None)
    await add_member(db, 811, "Ohne Kreis", StaffRole.COORDINATION)  # no Kreis, no towns
    await add_member(db, 820, "A. Admin", StaffRole.ADMIN)  # no Kreis: the operator
    await add_member(db, 900, "Eva Ehrenamt", StaffRole.VOLUNTEER)

    kaya_chat, berg_chat = staff(flow, 800), staff(flow, 801)
    clock.set(NOW - timedelta(days=40))  # 14 October
    await count(kaya_chat, "health", "phone")
    clock.set(NOW)
    await count(kaya_chat, "housing", "phone")
    await count(kaya_chat, "housing", "in_person", second="debts")
    await kaya_chat.press("case_new")
    await kaya_chat.press("case_new")
    async with db.transaction() as session:
        first = (await session.scalars(select(CmCase).order_by(CmCase.id))).first()
    await kaya_chat.press(f"case_reason:{first.id}_goals_reached")
    await count(berg_chat, "residence", "email")  # Kürten, Berg's first town
    await berg_chat.send("/kurz")
    await berg_chat.press("kurz_town:odenthal")
    await berg_chat.press("kurz_topic:work")
    await berg_chat.press("kurz_chan:phone")
    await count(staff(flow, 802), "health", "phone")
    await attended_and_missed(db, kaya)
    await demand(db, "rbk", "odenthal", "housing", "ar", True, 3)
    await demand(db, "rbk", "odenthal", "housing", "uk", False, 1)
    await demand(db, "rbk", "kuerten", "debts", "ar", False, 2)
    await demand(db, "other", "x", "health", "ar", True, 1)


def document(outcome: Outcome) -> tuple[str, bytes, str]:
    [reply] = outcome.replies
    assert reply.document is not None, reply.text
    return reply.document.filename, reply.document.content, reply.document.mime_type


def workbook(content: bytes) -> dict[str, list[Row]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: table(list(sheet.iter_rows(values_only=True))) for sheet in book}


async def test_the_xlsx_holds_the_kreis_month_as_counted(kreis, flow):
    name, content, mime = document(await staff(flow, 810).send("/export 2026-11"))
    assert (name, mime) == ("kimbot-statistik-2026-11.xlsx", MIME_TYPES["xlsx"])
    sheets = workbook(content)
    assert list(sheets) == ["Beratungen", "Nachfrage"]
    rows = sheets["Beratungen"]
    assert [(r["Art"], r.get("Ort"), r.get("Person")) for r in rows] == [
        ("Person", "Kürten", "T. Berg"),
        ("Summe Ort", "Kürten", None),
        ("Person", "Odenthal", "S. Kaya"),
        ("Person", "Odenthal", "T. Berg"),
        ("Summe Ort", "Odenthal", None),
        ("Person, alle Orte", "alle Orte", "T. Berg"),
        ("Gesamt", None, None),
    ]
    assert all(r["Monat"] == "2026-11" for r in rows)
    # Kaya's one town: every figure on one row; zeros are written, blanks mean "not here".
    assert pick(rows, "Person", "Odenthal", "S. Kaya") == {
        "Monat": "2026-11", "Art": "Person", "Ort": "Odenthal", "Person": "S. Kaya",
        "Stellenanteil": 0.5, "Kurzberatungen": 2,
        **{f"Thema: {t}": 0 for t in TOPIC_NAMES}, "Thema: Wohnen": 2, "Thema: Schulden": 1,
        **{f"Kanal: {c}": 0 for c in CHANNEL_NAMES}, "Kanal: Telefon": 1,
        "Kanal: persönlich": 1,
        "CM-Fälle laufend": 2, "CM-Fälle neu": 2, "CM-Fälle abgeschlossen": 1,
        "CM-Fälle offen am Monatsende": 1, "Fallzahl": 4, "CM-Anteil in %": 50,
        "Fallzahl je Vollzeitstelle": 8, "Termine wahrgenommen": 1, "Termine verpasst": 1}
    # Berg's two towns: counts per town, post and appointments on "Person, alle Orte".
    kuerten = pick(rows, "Person", "Kürten", "T. Berg")
    assert (kuerten["Kurzberatungen"], kuerten["Thema: Aufenthalt"], kuerten["Kanal: E-Mail"],
            kuerten["CM-Anteil in %"]) == (1, 1, 1, 0)
    assert not {"Stellenanteil", "Fallzahl je Vollzeitstelle", "Termine wahrgenommen",
                "Termine verpasst"} & set(kuerten)
    berg = pick(rows, "Person, alle Orte", "alle Orte", "T. Berg")
    assert (berg["Kurzberatungen"], berg["Thema: Arbeit und Arbeitserlaubnis"],
            berg["Stellenanteil"], berg["Fallzahl je Vollzeitstelle"],
            berg["Termine wahrgenommen"]) == (2, 1, 1, 2, 0)
    odenthal = pick(rows, "Summe Ort", "Odenthal")
    assert (odenthal["Kurzberatungen"], odenthal["Thema: Wohnen"], odenthal["Kanal: Telefon"],
            odenthal["CM-Fälle laufend"]) == (3, 2, 2, 2)
    total = pick(rows, "Gesamt")
    assert (total["Kurzberatungen"], total["Stellenanteil"], total["Fallzahl"],
            total["CM-Anteil in %"], total["Fallzahl je Vollzeitstelle"],
            total["Termine wahrgenommen"], total["Termine verpasst"]) == (4, 1.5, 6, 33.3, 4, 1, 1)
    # The person rows add up to the total in every counted column.
    people = [r for r in rows if r["Art"] == "Person"]
    for column in ("Kurzberatungen", "Thema: Wohnen", "Kanal: Telefon", "CM-Fälle neu",
                   "Fallzahl"):
        assert sum(r.get(column, 0) for r in people) == total[column]
    # Nothing from the other Kreis, nothing from October.
    assert "Anderer Kreis" not in str(rows) and total["Thema: Gesundheit"] == 0
    assert sheets["Nachfrage"] == [
        {"Monat": "2026-11", "Ort": "Kürten", "Thema": "Schulden", "Anfragen": 2,
         "davon ohne passendes Angebot": 2},
        {"Monat": "2026-11", "Ort": "Odenthal", "Thema": "Wohnen", "Anfragen": 4,
         "davon ohne passendes Angebot": 1},
        {"Monat": "2026-11", "Thema": "Gesamt", "Anfragen": 6,
         "davon ohne passendes Angebot": 3},
    ]


TOPIC_NAMES = ("Einkommen und Leistungen", "Wohnen", "Aufenthalt", "Einbürgerung",
               "Arbeit und Arbeitserlaubnis", "Ausbildung und Studium",
               "Sprach- und Integrationskurse", "Kita und Schule", "Gesundheit",
               "Psychische Gesundheit und Trauma", "Familie", "Familiennachzug", "Schulden",
               "Anerkennung von Abschlüssen", "Rechtsberatung", "Rückkehrberatung",
               "Behördenbriefe", "Soziale Teilhabe")
CHANNEL_NAMES = ("persönlich", "Telefon", "E-Mail", "Messenger", "aufsuchend")


async def test_the_csv_is_the_first_sheet_for_german_excel(kreis, flow):
    outcome = await staff(flow, 810).send("/export 2026-11 csv")
    name, content, mime = document(outcome)
    assert (name, mime) == ("kimbot-statistik-2026-11.csv", "text/csv")
    assert export.CSV_NOTE in text(outcome)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM German Excel needs for UTF-8
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, *body = lines
    assert header[:6] == ["Monat", "Art", "Ort", "Person", "Stellenanteil", "Kurzberatungen"]
    assert len(header) == 6 + 18 + 5 + 9 and all(len(line) == len(header) for line in body)
    rows = [dict(zip(header, line, strict=True)) for line in body]
    kaya = next(r for r in rows if r["Person"] == "S. Kaya")
    assert (kaya["Stellenanteil"], kaya["Kurzberatungen"], kaya["Thema: Wohnen"],
            kaya["CM-Anteil in %"], kaya["Fallzahl je Vollzeitstelle"]) == (
        "0,5", "2", "2", "50", "8")
    kuerten = next(r for r in rows if r["Person"] == "T. Berg" and r["Ort"] == "Kürten")
    assert kuerten["Stellenanteil"] == "" and kuerten["Termine verpasst"] == ""
    assert rows[-1]["Art"] == "Gesamt" and rows[-1]["CM-Anteil in %"] == "33,3"
    assert "Nachfrage" not in content.decode("utf-8-sig")  # the demand is in the XLSX only


async def test_a_case_manager_exports_only_their_own_figures_and_towns(kreis, flow):
    outcome = await staff(flow, 800).send("/export 2026-11")
    assert text(outcome) == "📊 Statistik November 2026 (bis heute) – S. Kaya"
    sheets = workbook(document(outcome)[1])
    assert [(r["Art"], r.get("Person")) for r in sheets["Beratungen"]] == [
        ("Person", "S. Kaya"), ("Summe Ort", None), ("Gesamt", None)]
    assert [r["Ort"] for r in sheets["Nachfrage"][:-1]] == ["Odenthal"]
    october = workbook(document(await staff(flow, 800).send("/export 2026-10"))[1])
    assert pick(october["Beratungen"], "Gesamt")["Thema: Gesundheit"] == 1


async def test_coordination_exports_only_its_kreis_and_an_admin_without_one_all(kreis, flow):
    coordination = workbook(document(await staff(flow, 810).send("/export 2026-11"))[1])
    assert "Anderer Kreis" not in str(coordination)
    assert all(r.get("Ort") != "x" for r in coordination["Nachfrage"])
    admin = await staff(flow, 820).send("/export 2026-11")
    assert text(admin) == "📊 Statistik November 2026 (bis heute) – alle Kreise"
    everything = workbook(document(admin)[1])
    assert pick(everything["Beratungen"], "Person", "x", "Anderer Kreis")["Kurzberatungen"] == 1
    assert pick(everything["Beratungen"], "Gesamt")["Kurzberatungen"] == 5
    assert everything["Nachfrage"][-1]["Anfragen"] == 7


async def test_coordination_without_a_kreis_gets_its_own_figures_and_a_hint(kreis, flow):
    chat = staff(flow, 811)
    hint = scope.NO_KREIS.format(telegram_id=811)
    report = text(await chat.send("/stats"))
    assert report.startswith("📊 November 2026 – Ohne Kreis\nKurzberatungen: 0\n")
    assert report.endswith("\n\n" + hint)
    assert "S. Kaya" not in report and "Nach Ort" not in report
    outcome = await chat.send("/export 2026-11")
    assert hint in text(outcome)
    sheets = workbook(document(outcome)[1])
    assert [r["Art"] for r in sheets["Beratungen"]] == ["Gesamt"]
    assert pick(sheets["Beratungen"], "Gesamt")["Kurzberatungen"] == 0
    assert [r["Thema"] for r in sheets["Nachfrage"]] == ["Gesamt"]


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_get_no_export(db, flow, role):
    chat, refusal = await not_counting(db, flow, role, 901)
    for outcome in (await chat.send("/export 2026-11"), await chat.send("/export"),
                    await chat.press("export:2026-11")):
        assert text(outcome) == refusal and outcome.replies[0].document is None
    assert "/export" not in text(await chat.send("/hilfe"))


async def test_months_are_chosen_by_button_or_argument(kreis, flow):
    chat = staff(flow, 810)
    asked = await chat.send("/export")
    assert text(asked) == export.ASK_MONTH
    assert actions(asked) == ["export:2026-10", "export:2026-11"]
    assert [b.label for row in asked.replies[0].buttons for b in row] == [
        "Oktober 2026", "November 2026 (bis heute)"]
    pressed = await chat.press("export:2026-10")
    assert document(pressed)[0] == "kimbot-statistik-2026-10.xlsx"
    assert text(pressed) == "📊 Statistik Oktober 2026 – Rheinisch-Bergischer Kreis"
    for wrong in ("/export 2026-12", "/export 11/2026", "/export 2026-11 pdf",
                  "/export 2026-11 csv extra"):
        assert text(await chat.send(wrong)) == export.BAD_ARGUMENT
    assert text(await chat.press("export:2026-12")) == export.BAD_ARGUMENT
    # The button under /stats sends the month shown.
    shown = await chat.send("/stats 2026-10")
    assert "export:2026-10" in actions(shown)
    assert document(await chat.press("export:2026-10"))[1][:2] == b"PK"  # a zip: XLSX


async def test_names_never_become_formulas(db, flow, clock):
    await import_catalogue(db, [RBK], clock.now())
    member = await add_member(db, 830, "=HYPERLINK(\"http://x\")")
    await set_member(db, member, ["odenthal"], 1.0)
    await count(staff(flow, 830), "housing", "phone")
    chat = staff(flow, 830)
    book = load_workbook(io.BytesIO(document(await chat.send("/export 2026-11"))[1]))
    cell = book["Beratungen"]["D2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\")", "s")
    content = document(await chat.send("/export 2026-11 csv"))[1].decode("utf-8-sig")
    [_, person, *_] = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert person[3] == "'=HYPERLINK(\"http://x\")"
