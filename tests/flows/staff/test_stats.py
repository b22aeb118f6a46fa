"""/stats: a case manager's month, and coordination's view of the Kreis."""

from __future__ import annotations

import pytest

from bot.catalogue.samples import RBK
from bot.flows.events import BotKind
from bot.flows.staff.stats import command as stats
from storage.catalogue_io import import_catalogue
from storage.models import StaffRole
from storage.repositories import Staff
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.staff import (
    add_member,
    attended_and_missed,
    count,
    local,
    not_counting,
    set_member,
)


@pytest.fixture
async def team(db, clock, flow):
    await import_catalogue(db, [RBK], clock.now())
    kaya = await add_member(db, 800, "S. Kaya")
    await set_member(db, kaya, ["odenthal"], 0.5)
    berg = await add_member(db, 801, "T. Berg")
    await set_member(db, berg, ["kuerten"], 1.0)
    elsewhere = await add_member(db, 802, "Anderer Kreis")
    await set_member(db, elsewhere, ["x"], 1.0, region="other")
    await add_member(db, 810, "K. Oordination", StaffRole.COORDINATION)
    await set_member(db, (await _id(db, 810)), [], None)
    kaya_chat, berg_chat = (Chat(flow, n, "de", BotKind.STAFF) for n in (800, 801))
    await count(kaya_chat, "housing", "phone")
    await count(kaya_chat, "housing", "in_person", second="debts")
    await count(berg_chat, "residence", "email")
    await kaya_chat.press("case_new")  # a CM case opened this month
    await count(Chat(flow, 802, "de", BotKind.STAFF), "health", "phone")
    await attended_and_missed(db, kaya)
    return kaya_chat


async def _id(db, telegram_id: int) -> int:
    async with db.transaction() as session:
        return (await Staff(session).by_telegram_id(telegram_id)).id


async def test_a_case_manager_sees_their_own_month(team):
    report = await team.send("/stats")
    lines = text(report).splitlines()
    assert lines == [
        "📊 November 2026 – S. Kaya",
        "Kurzberatungen: 2",
        "Themen: Wohnen 2, Schulden 1",
        "Kanäle: Telefon 1, persönlich 1",
        "CM-Fälle: 1 laufend, 1 neu, 0 abgeschlossen, 1 offen",
        "Fallzahl: 3 (Empfehlung 25–30 bei 0,5 Stellen)",
        "CM-Anteil: 33 % (Empfehlung mind. 20–30 %)",
        "Termine: 1 wahrgenommen, 1 verpasst",
    ]
    # No month after the current one; the month shown as an Excel file.
    assert actions(report) == ["stats:2026-10", "export:2026-11"]
    october = await team.press("stats:2026-10")
    assert "Kurzberatungen: 0" in text(october) and "stats:2026-11" in actions(october)
    assert text(await team.press("stats:2026-12")) == stats.BAD_MONTH
    assert text(await team.send("/stats 11/2026")) == stats.BAD_MONTH
    assert "Oktober 2026" in text(await team.send("/stats 2026-10"))


async def test_coordination_sees_every_town_and_case_manager_of_the_kreis(team, flow):
    report = text(await Chat(flow, 810, "de", BotKind.STAFF).send("/stats"))
    assert report.startswith("📊 November 2026 – Rheinisch-Bergischer Kreis\nKurzberatungen: 3\n")
    assert "Fallzahl: 4 (Empfehlung 75–90 bei 1,5 Stellen)" in report
    assert "Kürten: 1 · 0 · 0" in report and "Odenthal: 2 · 1 · 1" in report
    assert "S. Kaya (0,5): 2 · 1 · 3 (Empfehlung 25–30 bei 0,5 Stellen) · 33 % · 1/1" in report
    assert "T. Berg (1): 1 · 0 · 1 (Empfehlung 50–60 bei 1 Stellen) · 0 % · 0/0" in report
    assert "Anderer Kreis" not in report and "Gesundheit" not in report


async def test_a_case_manager_sees_nothing_of_colleagues(team, flow, clock):
    report = text(await Chat(flow, 801, "de", BotKind.STAFF).send("/stats"))
    assert "S. Kaya" not in report and "Kurzberatungen: 1" in report


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_see_no_statistics(db, flow, role):
    chat, refusal = await not_counting(db, flow, role)
    assert text(await chat.send("/stats")) == refusal
    assert text(await chat.press("stats:2026-11")) == refusal


async def test_month_borders_follow_local_time(db, flow, clock, team):
    clock.set(local(1, 0, 30, month=12))  # 00:30 on 1 December in Berlin = still 30.11. UTC
    await count(team, "work", "phone")
    assert "Kurzberatungen: 1" in text(await team.send("/stats"))
    assert "Kurzberatungen: 2\n" in text(await team.send("/stats 2026-11"))
