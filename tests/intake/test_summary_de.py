"""The German summary: rendered from codes, the same whatever language the person used, with
the free text shown as written, a hint that is never a decision, and a deadline warning."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.flows.client.intake.input import parse_deadline, parse_phone
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.i18n import FSI, PDI
from bot.intake.hints import DEADLINE_WARNING_DAYS, suggested_criteria
from bot.intake.summary_de import Context, summary
from storage.models import Client, Intake
from tests.support.common import actions, text
from tests.support.intake import COORD, Answers, consented, fill, kreis, staff_chat

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SAME = Answers(town="kuerten", letter="yes", deadline="20261130",
               languages=("ar", "uk", "ru"), interpreter="ru", note=None)


@pytest.fixture
async def flow(sqlite_db, clock) -> FlowEngine:
    await kreis(sqlite_db)
    return FlowEngine(sqlite_db, clock, FlowSettings())


async def summary_of(flow: FlowEngine, user_id: int, language: str) -> str:
    chat = await consented(flow, user_id, language)
    await fill(chat, SAME)
    await chat.press("i_send")
    # Kürten has two case managers: the intake waits for coordination, who opens it.
    coordination = staff_chat(flow, COORD)
    opens = [a for a in actions(await coordination.send("/clearing"))
             if a.startswith("intake_open:")]
    return text(await coordination.press(opens[-1]))


async def test_the_same_answers_in_arabic_and_ukrainian_give_the_same_german_summary(flow):
    arabic = await summary_of(flow, 701, "ar")
    ukrainian = await summary_of(flow, 702, "uk")
    # The first lines name the intake and the person (number, chat language); the answers
    # and the hint below them are the same to the character.
    assert arabic.splitlines()[1].endswith("Chat-Sprache: Arabisch")
    assert ukrainian.splitlines()[1].endswith("Chat-Sprache: Ukrainisch")
    answers = arabic.splitlines()[2:arabic.splitlines().index("🕓 Verlauf:")]
    assert answers == ukrainian.splitlines()[2:ukrainian.splitlines().index("🕓 Verlauf:")]
    assert answers[:12] == [
        "📍 Wohnort: Kürten",
        "📋 Themen: Wohnen, Aufenthalt, Schulden",
        "🏠 Haushalt: mit Partner:in, 2 Kinder",
        "🎂 Alter: 27–39 Jahre",
        "🗣 Sprachen: Arabisch, Ukrainisch, Russisch · Deutsch: A1 · Dolmetschung: ja, Russisch",
        "🤝 Andere Dienste: Migrationsberatung für Erwachsene (MBE), Fallmanagement im "
        "Jobcenter – hilft: teilweise",
        "✉️ Brief mit Frist: ja, Frist Mo 30.11.2026",
        "⚠️ FRIST in 7 Tagen (Mo 30.11.2026)",
        f"☎️ Kontakt gewünscht: per Telefon: {FSI}0176 1234567{PDI}",
        "🪪 Aufenthalt: keine Angabe gewünscht",
        "💬 Freitext: –",
        "",
    ]
    assert answers[12].startswith("💡 HINWEIS, keine Entscheidung: Die Angaben deuten auf 4 von "
                                  "4 aus den Antworten erkennbaren KIM-Kriterien hin:")
    assert "entscheidet das Case Management im Gespräch" in "\n".join(answers)


def intake(**answers) -> Intake:
    base = dict(id=7, client_id=3, status="queued", town="odenthal", region_id="rbk",
                topics=["housing"], household="partner", children=0, age_group="40_59",
                languages=["tr"], german_level="b1", interpreter="no", services=["none"],
                services_helping=None, letter="no", letter_deadline=None, contact="chat",
                phone=None, residence="permit", note="", note_language=None,
                submitted_at=NOW, assigned_staff_id=None, assigned_at=None)
    return Intake(**{**base, **answers})


def render(found: Intake, now: datetime = NOW) -> str:
    client = Client(id=3, telegram_id=1, language="tr", alias=None)
    return summary(found, client, Context("Odenthal", None, now, "Europe/Berlin"))


def test_the_hint_counts_only_what_the_answers_show():
    assert suggested_criteria(intake()) == []
    assert "auf 0 von 4 aus den Antworten erkennbaren KIM-Kriterien hin." in render(intake())
    several = intake(topics=["housing", "work", "debts"], services=["mbe", "jmd"],
                     services_helping="yes", german_level="none")
    assert [c.code for c in suggested_criteria(several)] == [
        "complex_needs", "many_actors", "missing_resources"]
    # A service that helps does not count as "not working"; one that does not help does.
    assert "services_not_working" in [c.code for c in suggested_criteria(
        intake(services=["jobcenter"], services_helping="no"))]
    single_parent = intake(household="alone", children=3)
    assert [c.german for c in suggested_criteria(single_parent)] == [
        "fehlende Ressourcen (allein mit Kind(ern))"]


@pytest.mark.parametrize(("deadline", "warning"), [
    (date(2026, 12, 1), None),  # 8 days: no warning
    (date(2026, 11, 30), "⚠️ FRIST in 7 Tagen (Mo 30.11.2026)"),
    (date(2026, 11, 24), "⚠️ FRIST MORGEN (Di 24.11.2026)"),
    (date(2026, 11, 23), "⚠️ FRIST HEUTE (Mo 23.11.2026)"),
    (date(2026, 11, 20), "⚠️ FRIST ABGELAUFEN seit 3 Tagen (Fr 20.11.2026)"),
])
def test_the_deadline_warning_window(deadline, warning):
    assert DEADLINE_WARNING_DAYS == 7
    lines = render(intake(letter="yes", letter_deadline=deadline)).splitlines()
    found = [line for line in lines if line.startswith("⚠️")]
    assert found == ([warning] if warning else [])


def test_the_free_text_is_shown_as_written_and_labelled_with_its_language():
    lines = render(intake(note="سلام\nنامه از اداره", note_language="fa")).splitlines()
    start = lines.index("💬 Freitext (Persisch, wie geschrieben):")
    # Right-to-left text is isolated line by line, so it cannot turn the German around.
    assert lines[start + 1:start + 3] == [f"{FSI}سلام{PDI}", f"{FSI}نامه از اداره{PDI}"]
    latin = render(intake(note="Hallo", note_language="tr")).splitlines()
    # Isolated even without a right-to-left letter: the line keeps its order in any paragraph.
    assert latin[latin.index("💬 Freitext (Türkisch, wie geschrieben):") + 1] == \
        f"{FSI}Hallo{PDI}"


@pytest.mark.parametrize(("written", "expected"), [
    ("27.11.2026", date(2026, 11, 27)), ("27/11/26", date(2026, 11, 27)),
    ("2026-11-27", date(2026, 11, 27)), ("27.11.", date(2026, 11, 27)),
    ("٢٧.١١.٢٠٢٦", date(2026, 11, 27)), ("۲۷/۱۱/۲۰۲۶", date(2026, 11, 27)),
    ("5.1.", date(2027, 1, 5)),  # early January: next year's
    ("1405/09/06", None),  # a Solar Hijri date: refused rather than misread
    ("31.02.2027", None), ("27.11.2030", None), ("tomorrow", None), ("", None),
])
def test_dates_are_read_as_people_write_them(written, expected):
    assert parse_deadline(written, date(2026, 11, 23)) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("0176 1234567", "0176 1234567"), ("+49 (221) 123-456", "+49 (221) 123-456"),
    ("۰۱۷۶۱۲۳۴۵۶۷", "01761234567"), ("12345", None), ("call me", None),
    ("0" * 16, None), ("+49 176 1234567; DROP TABLE", None),
])
def test_phone_numbers_are_checked(written, expected):
    assert parse_phone(written) == expected
