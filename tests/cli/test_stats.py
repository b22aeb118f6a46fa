"""`kimbot stats export`: the monthly file from the command line, both formats, month borders
in local time, and bad input that writes nothing."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from bot.catalogue.samples import RBK
from storage.db import Database
from storage.demand import count_demand
from storage.models import CmCase, ShortConsultation
from storage.repositories import Staff
from tests.support.cli import invoke
from tests.support.export import pick, table


def write(tmp_path, work) -> None:
    async def run() -> None:
        database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
        try:
            async with database.transaction() as session:
                await work(session)
        finally:
            await database.dispose()
    asyncio.run(run())


@pytest.fixture
def prepared(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default output lands in the working directory
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["offices", "import", str(RBK)], tmp_path).exit_code == 0
    assert invoke(["staff", "add", "--telegram-id", "501", "--name", "S. Kaya", "--role",
                   "case_manager", "--towns", "odenthal", "--fte", "0.5"],
                  tmp_path).exit_code == 0

    async def entries(session) -> None:
        member = await Staff(session).by_telegram_id(501)
        for at, topic in ((datetime(2026, 10, 1, 8, tzinfo=UTC), "housing"),
                          (datetime(2026, 10, 20, 8, tzinfo=UTC), "debts"),
                          # 00:30 on 1 November in Berlin: November's, though still October UTC
                          (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), "work")):
            session.add(ShortConsultation(staff_member_id=member.id, town="odenthal",
                                          topic=topic, channel="phone", created_at=at))
        session.add(CmCase(staff_member_id=member.id, town="odenthal",
                           opened_at=datetime(2026, 10, 5, 8, tzinfo=UTC)))
        await count_demand(session, date(2026, 10, 12), "rbk", "odenthal", "housing", "ar",
                           False)

    write(tmp_path, entries)
    return tmp_path


def test_the_xlsx_lands_in_the_working_directory(prepared):
    result = invoke(["stats", "export", "--month", "2026-10"], prepared)
    assert result.exit_code == 0, result.output
    path = prepared / "kimbot-statistik-2026-10.xlsx"
    assert "Wrote kimbot-statistik-2026-10.xlsx: 3 rows, 1 demand rows." in result.output
    book = load_workbook(path)
    rows = table(list(book["Beratungen"].iter_rows(values_only=True)))
    kaya = pick(rows, "Person", "Odenthal", "S. Kaya")
    assert (kaya["Kurzberatungen"], kaya["Thema: Wohnen"], kaya["Thema: Schulden"],
            kaya["Thema: Arbeit und Arbeitserlaubnis"], kaya["CM-Fälle neu"],
            kaya["Fallzahl"], kaya["Fallzahl je Vollzeitstelle"]) == (2, 1, 1, 0, 1, 3, 6)
    assert book.properties.title == "KIM-Statistik Oktober 2026 – alle Kreise"
    [asked, total] = table(list(book["Nachfrage"].iter_rows(values_only=True)))
    assert (asked["Ort"], asked["Thema"], asked["davon ohne passendes Angebot"]) == (
        "Odenthal", "Wohnen", 1)
    assert (total["Thema"], total["Anfragen"]) == ("Gesamt", 1)


def test_the_csv_with_a_region_and_an_output_path(prepared):
    target = prepared / "out" / "november.csv"
    target.parent.mkdir()
    result = invoke(["stats", "export", "--month", "2026-11", "--format", "csv", "--region",
                     "rbk", "--output", str(target)], prepared)
    assert result.exit_code == 0, result.output
    assert "only in the XLSX" in result.output
    content = target.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    header, *body = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    rows = [dict(zip(header, line, strict=True)) for line in body]
    assert [(r["Art"], r["Person"], r["Kurzberatungen"]) for r in rows] == [
        ("Person", "S. Kaya", "1"), ("Summe Ort", "", "1"), ("Gesamt", "", "1")]
    assert rows[0]["Thema: Arbeit und Arbeitserlaubnis"] == "1"
    assert rows[0]["CM-Fälle laufend"] == "1" and rows[0]["CM-Fälle neu"] == "0"


@pytest.mark.parametrize(("args", "problem"), [
    (["--month", "2026-13"], "use YYYY-MM"),
    (["--month", "10/2026"], "use YYYY-MM"),
    (["--month", "2026-10", "--format", "pdf"], "pdf"),
    (["--month", "2026-10", "--region", "nowhere"], "unknown Kreis 'nowhere'"),
])
def test_bad_input_is_refused_and_writes_nothing(prepared, args, problem):
    before = set(prepared.iterdir())
    result = invoke(["stats", "export", *args], prepared)
    assert result.exit_code != 0 and problem in result.output
    assert set(prepared.iterdir()) == before


def test_an_unmigrated_database_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(["stats", "export", "--month", "2026-10"], tmp_path)
    assert result.exit_code != 0 and "kimbot db upgrade" in result.output
    assert not (tmp_path / "kimbot-statistik-2026-10.xlsx").exists()


def test_the_file_writer_imports_on_its_own():
    """The command imports the writer first thing; in this test process the staff flows are
    loaded already and would hide an import cycle, so check it in a fresh interpreter."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[2]
    done = subprocess.run([sys.executable, "-c", "import bot.flows.staff.export.files"],
                          cwd=root, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(root), "PATH": ""})
    assert done.returncode == 0, done.stderr
