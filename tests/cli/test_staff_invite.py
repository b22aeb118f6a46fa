"""`kimbot staff invite`, `staff update`, `staff deactivate` and `staff add --towns --fte`."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.catalogue.samples import RBK
from storage.db import Database
from storage.models import StaffInvitation, StaffMember
from storage.one_time import hash_code
from tests.support.cli import invoke, stored


@pytest.fixture
def prepared(tmp_path):
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["offices", "import", str(RBK)], tmp_path).exit_code == 0
    return tmp_path


def test_invite_prints_a_code_and_a_link_and_stores_only_its_hash(prepared):
    result = invoke(["staff", "invite", "--role", "case_manager", "--towns", "odenthal,kuerten",
                     "--name", "S. Kaya", "--fte", "0.5", "--days", "3"], prepared,
                    KIMBOT_STAFF_BOT_USERNAME="kim_rbk_staff_bot")
    assert result.exit_code == 0, result.output
    code = re.search(r"Code: (\S+)", result.output).group(1)
    assert f"https://t.me/kim_rbk_staff_bot?start={code}" in result.output
    assert f"/start {code}" in result.output
    [invitation] = stored(prepared, StaffInvitation)
    assert invitation.code_hash == hash_code(code)
    assert (invitation.role, invitation.region_id, invitation.towns, invitation.display_name,
            invitation.fte) == ("case_manager", "rbk", ["odenthal", "kuerten"], "S. Kaya", 0.5)
    assert (invitation.expires_at - invitation.created_at).days == 3


def test_invite_without_a_username_prints_the_start_form(prepared):
    result = invoke(["staff", "invite", "--role", "volunteer"], prepared)
    assert result.exit_code == 0 and "t.me" not in result.output
    assert "/start " in result.output


@pytest.mark.parametrize(("args", "problem"), [
    (["--role", "case_manager", "--towns", "koeln"], "unknown town(s): koeln"),
    (["--role", "case_manager", "--fte", "1.5"], "--fte is a share"),
    (["--role", "volunteer", "--fte", "0.5"], "--fte is for case managers"),
    (["--role", "case_manager", "--region", "nowhere"], "unknown Kreis"),
    (["--role", "boss"], "boss"),
])
def test_invite_refuses_bad_input_and_writes_nothing(prepared, args, problem):
    result = invoke(["staff", "invite", *args], prepared)
    assert result.exit_code != 0 and problem in result.output
    assert stored(prepared, StaffInvitation) == []


def test_add_update_and_deactivate(prepared):
    added = invoke(["staff", "add", "--telegram-id", "501", "--name", "S. Kaya", "--role",
                    "case_manager", "--towns", "odenthal", "--fte", "1.0"], prepared)
    assert added.exit_code == 0, added.output
    updated = invoke(["staff", "update", "--telegram-id", "501", "--fte", "0.5", "--towns",
                      "kuerten,odenthal"], prepared)
    assert updated.exit_code == 0, updated.output
    [member] = stored(prepared, StaffMember)
    assert (member.region_id, member.towns, member.fte) == ("rbk", ["kuerten", "odenthal"], 0.5)
    off = invoke(["staff", "deactivate", "--telegram-id", "501"], prepared)
    assert off.exit_code == 0 and "is deactivated" in off.output
    [member] = stored(prepared, StaffMember)
    assert not member.active and member.deactivated_at is not None
    missing = invoke(["staff", "deactivate", "--telegram-id", "999"], prepared)
    assert missing.exit_code != 0 and "no staff member" in missing.output


def test_an_invitation_from_the_command_line_works_in_the_bot(prepared):
    from datetime import UTC, timedelta

    from bot.flows.engine import FlowEngine
    from bot.flows.events import BotKind, Event
    from scheduler.clock import FixedClock

    result = invoke(["staff", "invite", "--role", "coordination", "--name", "K. Ordination",
                     "--towns", "odenthal"], prepared)
    code = re.search(r"Code: (\S+)", result.output).group(1)
    # The command stamped the code with the real time; the bot redeems it a minute later.
    [invitation] = stored(prepared, StaffInvitation)
    a_minute_later = invitation.created_at.replace(tzinfo=UTC) + timedelta(minutes=1)

    async def redeem() -> str:
        database = Database(f"sqlite+aiosqlite:///{prepared / 'cli.db'}")
        try:
            engine = FlowEngine(database, FixedClock(a_minute_later))
            outcome = await engine.handle(Event.from_text(BotKind.STAFF, 77, 77,
                                                          f"/start {code}"))
            return outcome.replies[0].text
        finally:
            await database.dispose()

    answer = asyncio.run(redeem())
    assert answer.startswith("Willkommen, K. Ordination! Ihr Konto ist freigeschaltet: "
                             "Koordination.\nOrte: Odenthal")
    [member] = stored(prepared, StaffMember)
    assert (member.telegram_id, member.role, member.towns) == (77, "coordination", ["odenthal"])
