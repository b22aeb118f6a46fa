"""The `kimbot` command line."""

from __future__ import annotations

from importlib.metadata import version

from click.testing import CliRunner

from bot.cli import main
from bot.cli.db import upgrade_report
from storage.migrate import head_revision, upgrade
from tests.support.cli import invoke


def test_run_refuses_an_unmigrated_database_and_names_the_fix(tmp_path):
    result = invoke(["run"], tmp_path)
    assert result.exit_code != 0
    assert "kimbot db upgrade" in result.output


def test_upgrade_then_current_shows_the_revision(tmp_path):
    assert invoke(["db", "current"], tmp_path).output.startswith("none")
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["db", "current"], tmp_path).output.strip() == head_revision()


def test_upgrade_says_what_it_did(tmp_path):
    created = invoke(["db", "upgrade"], tmp_path).output
    assert created.startswith(f"Created the database at revision {head_revision()}")
    assert "cli.db" in created
    again = invoke(["db", "upgrade"], tmp_path).output
    assert again.strip() == f"Database is up to date (revision {head_revision()})."


def test_upgrade_from_an_older_revision_names_both(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url, "0007")
    result = invoke(["db", "upgrade"], tmp_path)
    expected = f"Upgraded the database from revision 0007 to {head_revision()}."
    assert result.output.strip() == expected


def test_the_url_in_the_report_hides_the_password():
    report = upgrade_report(None, "0008", "postgresql+asyncpg://kim:secret@127.0.0.1/kimbot")
    assert "secret" not in report and "127.0.0.1/kimbot" in report


def test_version_is_printed():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"kimbot, version {version('kimbot')}"


def test_add_admin_registers_once(tmp_path):
    invoke(["db", "upgrade"], tmp_path)
    first = invoke(["staff", "add-admin", "--telegram-id", "4711", "--name", "A. Admin"],
                   tmp_path)
    assert first.exit_code == 0, first.output
    assert "A. Admin registered" in first.output
    again = invoke(["staff", "add-admin", "--telegram-id", "4711", "--name", "B"], tmp_path)
    assert again.exit_code != 0 and "already registered" in again.output


def test_add_admin_rejects_bad_input(tmp_path):
    invoke(["db", "upgrade"], tmp_path)
    result = invoke(["staff", "add-admin", "--telegram-id", "-5", "--name", " "], tmp_path)
    assert result.exit_code != 0


def test_half_configured_tokens_are_refused(tmp_path):
    result = invoke(["run"], tmp_path, KIMBOT_CLIENT_TOKEN="123:abc")
    assert result.exit_code != 0
    assert "KIMBOT_STAFF_TOKEN" in result.output


def test_offices_import_reports_every_problem_and_imports_nothing(tmp_path):
    invoke(["db", "upgrade"], tmp_path)
    broken = tmp_path / "kreis.yaml"
    broken.write_text("region: {id: x, name: X}\ntowns:\n  - {id: a, name: A}\noffices:\n"
                      "  - id: o1\n    type: jobcenter\n    name: O\n    towns: [b]\n"
                      "    topics: [nope]\n    description: {de: D}\n", encoding="utf-8")
    result = invoke(["offices", "import", str(broken)], tmp_path)
    assert result.exit_code != 0
    assert f"{broken}:8: towns: unknown town 'b'" in result.output
    assert f"{broken}:9: topics: unknown topic 'nope'" in result.output
    assert "nothing imported" in result.output
    assert "choose a region" in invoke(["offices", "export"], tmp_path).output


def test_offices_import_export_round_trip_and_demand(tmp_path):
    from bot.catalogue.samples import RBK

    invoke(["db", "upgrade"], tmp_path)
    imported = invoke(["offices", "import", str(RBK)], tmp_path)
    assert imported.exit_code == 0
    assert "rbk (Rheinisch-Bergischer Kreis): 8 towns" in imported.output
    exported = tmp_path / "rbk-export.yaml"
    assert invoke(["offices", "export", "--output", str(exported)], tmp_path).exit_code == 0
    again = invoke(["offices", "import", str(exported)], tmp_path)
    assert again.exit_code == 0, again.output
    demand = invoke(["offices", "demand", "--month", "2026-11"], tmp_path)
    assert demand.output.splitlines()[0] == "month,region,town,topic,language,offer_found,count"
    assert invoke(["offices", "demand", "--month", "11/2026"], tmp_path).exit_code != 0


def test_audit_prints_the_access_log_filtered_by_client(tmp_path):
    import asyncio
    from datetime import UTC, datetime

    from storage import audit
    from storage.db import Database

    invoke(["db", "upgrade"], tmp_path)

    async def log_two() -> None:
        db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
        try:
            async with db.transaction() as session:
                audit.record(session, staff_member_id=None, client_ids=[7, 8],  # type: ignore[arg-type]
                             action="appointments.day",
                             now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        finally:
            await db.dispose()

    assert invoke(["audit"], tmp_path).output.strip() == "No entries."
    asyncio.run(log_two())
    printed = invoke(["audit", "--client-id", "8"], tmp_path).output
    assert printed.strip() == "2026-11-23 09:00:00Z  staff -  client 8  appointments.day"
    assert invoke(["audit", "--since", "2026-11-24"], tmp_path).output.strip() == "No entries."
    assert invoke(["audit", "--since", "yesterday"], tmp_path).exit_code != 0
