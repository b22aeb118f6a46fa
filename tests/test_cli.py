"""The `kimbot` command line."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main
from storage.migrate import head_revision


def invoke(args, tmp_path, **env):
    environment = {"KIMBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                   "KIMBOT_CLIENT_TOKEN": "", "KIMBOT_STAFF_TOKEN": "", **env}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


def test_run_refuses_an_unmigrated_database_and_names_the_fix(tmp_path):
    result = invoke(["run"], tmp_path)
    assert result.exit_code != 0
    assert "kimbot db upgrade" in result.output


def test_upgrade_then_current_shows_the_revision(tmp_path):
    assert invoke(["db", "current"], tmp_path).output.startswith("none")
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["db", "current"], tmp_path).output.strip() == head_revision()


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
