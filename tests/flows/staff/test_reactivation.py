"""/aktivieren and `kimbot staff reactivate`: a deactivated account gets its access back, by
the same people who may deactivate it, and then sees data again."""

from __future__ import annotations

import pytest

from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.accounts import manage as accounts
from bot.flows.staff.kurz import flow as kurz
from storage.models import StaffMember, StaffRole
from tests.support.chat import Chat
from tests.support.cli import invoke, stored
from tests.support.common import actions, text
from tests.support.staff import add_member


def staff(flow: FlowEngine, telegram_id: int) -> Chat:
    return Chat(flow, telegram_id, "de", BotKind.STAFF)


async def place(db, member_id: int, region: str | None, active: bool = True) -> None:
    async with db.transaction() as session:
        member = await session.get(StaffMember, member_id)
        member.region_id, member.active = region, active


async def state(db, member_id: int) -> tuple[bool, object]:
    async with db.transaction() as session:
        member = await session.get(StaffMember, member_id)
        return member.active, member.deactivated_at


async def test_coordination_reactivates_a_case_manager_of_its_kreis(db, flow):
    await place(db, await add_member(db, 20, "Koordination", StaffRole.COORDINATION), "rbk")
    kaya = await add_member(db, 30, "S. Kaya")
    await place(db, kaya, "rbk")
    elsewhere = await add_member(db, 31, "Anderer Kreis")
    await place(db, elsewhere, "other", active=False)
    admin = await add_member(db, 32, "Admin", StaffRole.ADMIN)
    await place(db, admin, "rbk", active=False)
    chat = staff(flow, 20)
    assert text(await chat.send("/aktivieren")) == accounts.NOBODY_INACTIVE

    listed = await chat.send("/deaktivieren")
    await chat.press(next(a for a in actions(listed) if a == f"deact:{kaya}"))
    await chat.press(f"deact_yes:{kaya}")
    active, since = await state(db, kaya)
    assert not active and since is not None
    assert text(await staff(flow, 30).send("/kurz")) == texts.NOT_REGISTERED.format(
        telegram_id=30)

    listed = await chat.send("/aktivieren")
    assert text(listed) == accounts.CHOOSE_INACTIVE
    assert actions(listed) == [f"react:{kaya}"]  # not another Kreis, not an admin
    for forged in (f"react:{elsewhere}", f"react_yes:{elsewhere}", f"react_yes:{admin}",
                   "react_yes:x"):
        assert text(await chat.press(forged)) == accounts.NOT_ALLOWED_REACTIVATE
    asked = await chat.press(f"react:{kaya}")
    assert "S. Kaya (Case Management) wieder freischalten?" in text(asked)
    assert actions(asked) == [f"react_yes:{kaya}", "react_no"]
    assert text(await chat.press("react_no")) == accounts.KEPT_INACTIVE
    assert (await state(db, kaya))[0] is False
    assert text(await chat.press(f"react_yes:{kaya}")) == "S. Kaya ist wieder freigeschaltet."
    assert await state(db, kaya) == (True, None)
    assert text(await chat.press(f"react_yes:{kaya}")) == accounts.NOT_ALLOWED_REACTIVATE
    # Back in: the account gets data again.
    assert text(await staff(flow, 30).send("/kurz")) == kurz.ASK_TOPIC
    assert (await state(db, elsewhere))[0] is False and (await state(db, admin))[0] is False


async def test_an_admin_reactivates_any_role_but_not_itself(db, flow):
    admin = await add_member(db, 40, "Admin", StaffRole.ADMIN)
    other = await add_member(db, 41, "Koordination", StaffRole.COORDINATION)
    await place(db, other, "rbk", active=False)
    listed = await staff(flow, 40).send("/aktivieren")
    assert actions(listed) == [f"react:{other}"]
    assert text(await staff(flow, 40).press(f"react_yes:{admin}")) == (
        accounts.NOT_ALLOWED_REACTIVATE)
    await staff(flow, 40).press(f"react_yes:{other}")
    assert (await state(db, other))[0] is True


@pytest.mark.parametrize("role", [StaffRole.CASE_MANAGER, StaffRole.VOLUNTEER,
                                  StaffRole.PARTNER])
async def test_only_admin_and_coordination_reactivate(db, flow, role):
    await add_member(db, 50, "Jemand", role)
    gone = await add_member(db, 51, "Weg", StaffRole.VOLUNTEER)
    await place(db, gone, None, active=False)
    chat = staff(flow, 50)
    refusal = texts.NOT_FOR_ROLE_STAFF.format(role=texts.ROLE_LABELS[role.value])
    assert text(await chat.send("/aktivieren")) == refusal
    for data in (f"react:{gone}", f"react_yes:{gone}", "react_no"):
        assert text(await chat.press(data)) == refusal
    assert (await state(db, gone))[0] is False
    assert "/aktivieren" not in text(await chat.send("/hilfe"))


def test_reactivate_at_the_command_line(tmp_path):
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["staff", "add", "--telegram-id", "501", "--name", "S. Kaya", "--role",
                   "case_manager"], tmp_path).exit_code == 0
    assert invoke(["staff", "deactivate", "--telegram-id", "501"], tmp_path).exit_code == 0
    [member] = stored(tmp_path, StaffMember)
    assert not member.active
    on = invoke(["staff", "reactivate", "--telegram-id", "501"], tmp_path)
    assert on.exit_code == 0 and "S. Kaya (Telegram id 501) is active." in on.output
    [member] = stored(tmp_path, StaffMember)
    assert member.active and member.deactivated_at is None
    again = invoke(["staff", "reactivate", "--telegram-id", "501"], tmp_path)
    assert again.exit_code == 0  # already active: nothing to do, no error
    missing = invoke(["staff", "reactivate", "--telegram-id", "999"], tmp_path)
    assert missing.exit_code != 0 and "no staff member" in missing.output
