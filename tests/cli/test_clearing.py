"""`kimbot clearing set-rule / remove-rule / rules`, and `kimbot audit` showing who opened an
intake."""

from __future__ import annotations

import asyncio

import pytest

from bot.catalogue.samples import RBK
from storage import audit
from storage.db import Database
from storage.models import ClearingRule
from tests.support.cli import invoke, stored


@pytest.fixture
def prepared(tmp_path):
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["offices", "import", str(RBK)], tmp_path).exit_code == 0
    for telegram_id, name, role, towns in ((501, "S. Kaya", "case_manager", "odenthal"),
                                           (502, "T. Berg", "case_manager", "kuerten"),
                                           (503, "M. Lenz", "case_manager", "kuerten"),
                                           (504, "E. Hrenamt", "volunteer", "kuerten")):
        added = invoke(["staff", "add", "--telegram-id", str(telegram_id), "--name", name,
                        "--role", role, "--towns", towns], tmp_path)
        assert added.exit_code == 0, added.output
    return tmp_path


def test_rules_show_where_each_town_goes_today(prepared):
    shown = invoke(["clearing", "rules", "--region", "rbk"], prepared)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "rbk/odenthal: no rule -> its only case manager S. Kaya" in lines
    assert "rbk/kuerten: no rule -> coordination queue (2 case managers)" in lines
    assert "rbk/overath: no rule -> coordination queue (0 case managers)" in lines


def test_set_and_remove_rules(prepared):
    by_person = invoke(["clearing", "set-rule", "--town", "kuerten", "--staff-telegram-id",
                        "503"], prepared)
    assert by_person.exit_code == 0, by_person.output
    assert by_person.output.strip() == "Kürten: new intakes go to M. Lenz."
    team = invoke(["clearing", "set-rule", "--town", "overath", "--office", "kim-ki-sued"],
                  prepared)
    assert "team of kim-ki-sued (0 members" in team.output
    queue = invoke(["clearing", "set-rule", "--town", "odenthal", "--queue"], prepared)
    assert queue.output.strip() == "Odenthal: new intakes always wait for coordination."
    lines = invoke(["clearing", "rules"], prepared).output.splitlines()
    assert "rbk/kuerten: rule -> M. Lenz" in lines
    assert "rbk/odenthal: rule -> coordination queue" in lines
    assert sorted((r.town_id, r.target) for r in stored(prepared, ClearingRule)) == [
        ("kuerten", "staff"), ("odenthal", "queue"), ("overath", "office")]

    removed = invoke(["clearing", "remove-rule", "--town", "odenthal"], prepared)
    assert removed.exit_code == 0 and "removed" in removed.output
    again = invoke(["clearing", "remove-rule", "--town", "odenthal"], prepared)
    assert again.exit_code != 0 and "no clearing rule" in again.output


@pytest.mark.parametrize(("args", "problem"), [
    (["--town", "atlantis", "--queue"], "unknown town 'atlantis'"),
    (["--town", "kuerten"], "exactly one of"),
    (["--town", "kuerten", "--queue", "--office", "kim-kuerten"], "exactly one of"),
    (["--town", "kuerten", "--staff-telegram-id", "999"], "no staff member"),
    (["--town", "kuerten", "--staff-telegram-id", "504"], "does not take cases"),
    (["--town", "kuerten", "--office", "nowhere"], "unknown office 'nowhere'"),
])
def test_bad_rules_are_refused_and_nothing_is_written(prepared, args, problem):
    result = invoke(["clearing", "set-rule", *args], prepared)
    assert result.exit_code != 0 and problem in result.output
    assert stored(prepared, ClearingRule) == []


def test_audit_shows_who_opened_an_intake(tmp_path):
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0

    async def write() -> None:
        from datetime import UTC, datetime

        from storage.models import StaffRole
        from storage.repositories import Staff

        database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
        try:
            async with database.transaction() as session:
                member = await Staff(session).add(501, "S. Kaya", StaffRole.CASE_MANAGER,
                                                  datetime(2026, 11, 23, tzinfo=UTC))
                audit.record(session, staff_member_id=member.id, client_ids=[42],
                             action="intake.view", now=datetime(2026, 11, 23, 9, tzinfo=UTC))
        finally:
            await database.dispose()

    asyncio.run(write())
    shown = invoke(["audit", "--client-id", "42"], tmp_path)
    assert shown.output.strip() == "2026-11-23 09:00:00Z  staff 1  client 42  intake.view"
