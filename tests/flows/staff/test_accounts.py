"""Invitations: one-time codes that register staff accounts; expiry, single use (also when two
accounts race for one code), forged codes, who may invite whom, and deactivation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.catalogue.samples import RBK
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.accounts import manage as accounts
from bot.flows.staff.accounts import registration
from storage.catalogue_io import import_catalogue
from storage.invitations import CODE_BYTES, create_invitation, may_invite, redeem
from storage.models import StaffInvitation, StaffMember, StaffRole
from storage.one_time import CodeProblem, hash_code
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, rows_of, text
from tests.support.staff import add_member

USED = registration.CODE_PROBLEMS[CodeProblem.USED]
EXPIRED = registration.CODE_PROBLEMS[CodeProblem.EXPIRED]
UNKNOWN = registration.CODE_PROBLEMS[CodeProblem.UNKNOWN]


async def invite(db, clock, role=StaffRole.CASE_MANAGER, name: str | None = "S. Kaya",
                 towns: tuple[str, ...] = ("odenthal",), days: int = 7) -> str:
    async with db.transaction() as session:
        made = await create_invitation(session, role=role, now=clock.now(), region_id="rbk",
                                       towns=towns, display_name=name, fte=None,
                                       validity=timedelta(days=days))
        return made.code


async def members(db) -> list[StaffMember]:
    return await rows_of(db, StaffMember)


def staff_chat(engine, user_id: int) -> Chat:
    return Chat(engine, user_id, "de", BotKind.STAFF)


@pytest.fixture
def flow(db, clock) -> FlowEngine:
    return FlowEngine(db, clock, FlowSettings(staff_bot_username="kim_staff_bot"))


async def test_codes_are_unguessable_fit_a_start_link_and_only_a_hash_is_stored(db, clock):
    code = await invite(db, clock)
    assert len(code) == 32 and len(code) <= 64 and CODE_BYTES >= 16
    assert code.replace("-", "").replace("_", "").isalnum()
    [stored] = (await all_rows(db))["staff_invitations"]
    assert stored["code_hash"] == hash_code(code)
    assert code not in str(await all_rows(db))


async def test_opening_an_invitation_registers_the_account_once(db, clock, flow):
    code = await invite(db, clock)
    welcome = text(await staff_chat(flow, 501).send(f"/start {code}"))
    assert welcome.startswith("Willkommen, S. Kaya! Ihr Konto ist freigeschaltet: "
                              "Case Management.")
    [member] = await members(db)
    assert (member.telegram_id, member.role, member.region_id, member.towns) == (
        501, "case_manager", "rbk", ["odenthal"])
    [stored] = (await all_rows(db))["staff_invitations"]
    assert stored["used_at"] == clock.now() and stored["used_by_staff_id"] == member.id
    # The same link again, by someone else: used, and nothing changes.
    assert text(await staff_chat(flow, 502).send(f"/start {code}")) == USED
    assert len(await members(db)) == 1
    # The new member now gets what their role allows.
    assert "/kurz" in text(await staff_chat(flow, 501).send("/hilfe"))


async def test_without_a_name_in_the_invitation_the_person_is_asked_for_one(db, clock, flow):
    code = await invite(db, clock, role=StaffRole.VOLUNTEER, name=None, towns=())
    chat = staff_chat(flow, 601)
    assert text(await chat.send(f"/start {code}")) == registration.ASK_NAME.format(
        role="Ehrenamt")
    assert await members(db) == []
    assert text(await chat.send("x")) == registration.BAD_NAME
    assert text(await chat.send("  Maria   Ehrenamt ")).startswith(
        "Willkommen, Maria Ehrenamt! Ihr Konto ist freigeschaltet: Ehrenamt.")
    [member] = await members(db)
    assert member.display_name == "Maria Ehrenamt" and member.role == "volunteer"


async def test_cancelling_the_name_step_keeps_the_code_unused(db, clock, flow):
    code = await invite(db, clock, name=None)
    chat = staff_chat(flow, 602)
    await chat.send(f"/start {code}")
    assert text(await chat.send("/abbrechen")) == registration.CANCELLED
    assert text(await chat.send("Jemand")) == texts.NOT_REGISTERED.format(telegram_id=602)
    [stored] = (await all_rows(db))["staff_invitations"]
    assert stored["used_at"] is None and await members(db) == []


async def test_expired_codes_are_refused_politely(db, clock, flow):
    code = await invite(db, clock, days=7)
    clock.advance(timedelta(days=7))  # exactly at the end: no longer valid
    assert text(await staff_chat(flow, 503).send(f"/start {code}")) == EXPIRED
    assert await members(db) == []
    [stored] = (await all_rows(db))["staff_invitations"]
    assert stored["used_at"] is None


async def test_a_code_that_expires_while_the_name_is_typed_registers_nobody(db, clock, flow):
    code = await invite(db, clock, name=None, days=1)
    chat = staff_chat(flow, 504)
    clock.advance(timedelta(hours=23, minutes=59))
    await chat.send(f"/start {code}")
    clock.advance(timedelta(minutes=2))
    assert text(await chat.send("Herr Spät")) == EXPIRED
    assert await members(db) == []


@pytest.mark.parametrize("forged", ["abc", "A" * 32, "x" * 65, "../../etc", "' OR 1=1 --",
                                    "Ä" * 32])
async def test_forged_codes_change_nothing(db, clock, flow, forged):
    await invite(db, clock)
    before = await all_rows(db)
    assert text(await staff_chat(flow, 505).send(f"/start {forged}")) == UNKNOWN
    after = await all_rows(db)
    assert after["staff_members"] == before["staff_members"]
    assert after["staff_invitations"] == before["staff_invitations"]


async def test_two_accounts_redeeming_one_code_at_once_get_one_registration(db, clock, flow):
    code = await invite(db, clock)
    chats = [staff_chat(flow, 700 + i) for i in range(4)]
    answers = await asyncio.gather(*(chat.send(f"/start {code}") for chat in chats))
    welcomed = [a for a in answers if text(a).startswith("Willkommen")]
    assert len(welcomed) == 1
    assert all(text(a) == USED for a in answers if a not in welcomed)
    assert len(await members(db)) == 1


async def test_redeem_is_guarded_by_the_database_not_by_a_read_before(db, clock):
    """Both transactions pass the check first; only one conditional UPDATE wins."""
    await invite(db, clock)
    async with db.transaction() as session:
        invitation_id = (await session.scalars(select(StaffInvitation.id))).one()

    async def attempt(telegram_id: int) -> StaffMember | None:
        async with db.transaction() as session:
            return await redeem(session, invitation_id, telegram_id, "X", clock.now())

    results = await asyncio.gather(attempt(801), attempt(802), return_exceptions=True)
    registered = [r for r in results if isinstance(r, StaffMember)]
    assert len(registered) == 1, results
    assert all(r is None for r in results if not isinstance(r, StaffMember)), results
    assert len(await members(db)) == 1


async def test_a_registered_account_opening_a_code_leaves_it_unused(db, clock, flow):
    await add_member(db, 900, "Schon Da")
    code = await invite(db, clock)
    answer = text(await staff_chat(flow, 900).send(f"/start {code}"))
    assert answer.startswith(registration.ALREADY_REGISTERED)
    [stored] = (await all_rows(db))["staff_invitations"]
    assert stored["used_at"] is None


async def test_a_deactivated_account_cannot_come_back_with_a_code(db, clock, flow):
    member_id = await add_member(db, 901, "War Mal", StaffRole.VOLUNTEER)
    async with db.transaction() as session:
        (await session.get(StaffMember, member_id)).active = False
    code = await invite(db, clock)
    assert text(await staff_chat(flow, 901).send(f"/start {code}")) == (
        texts.NOT_REGISTERED.format(telegram_id=901))
    [stored] = (await all_rows(db))["staff_invitations"]
    assert stored["used_at"] is None


def test_who_may_invite_whom():
    everyone = {role.value for role in StaffRole}
    assert {r for r in everyone if may_invite("admin", r)} == everyone
    assert {r for r in everyone if may_invite("coordination", r)} == {
        "case_manager", "volunteer", "partner"}
    for role in ("case_manager", "volunteer", "partner"):
        assert not any(may_invite(role, r) for r in everyone)
    assert may_invite(None, "admin")  # the operator at the command line


# --- /einladen and /deaktivieren in the bot -------------------------------------------------

@pytest.fixture
async def catalogue(sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())


async def test_coordination_invites_a_case_manager_with_towns(engine, sqlite_db, catalogue):
    engine.settings = FlowSettings(staff_bot_username="kim_staff_bot")
    await add_member(sqlite_db, 10, "Koordination", StaffRole.COORDINATION)
    chat = staff_chat(engine, 10)
    roles = await chat.send("/einladen")
    assert actions(roles) == ["inv_role:case_manager", "inv_role:volunteer", "inv_role:partner"]
    towns = await chat.press("inv_role:case_manager")
    assert "inv_town:odenthal" in actions(towns) and actions(towns)[-1] == "inv_done"
    ticked = await chat.press("inv_town:odenthal")
    assert "✓ Odenthal" in [b.label for r in ticked.replies for row in r.buttons for b in row]
    await chat.press("inv_town:kuerten")
    await chat.press("inv_town:kuerten")  # untick
    done = text(await chat.press("inv_done"))
    assert "Case Management, Odenthal" in done and "Gültig bis 30.11.2026 10:00 Uhr" in done
    link = next(line for line in done.splitlines() if line.startswith("Link: "))
    code = link.removeprefix("Link: https://t.me/kim_staff_bot?start=")
    assert len(code) == 32
    asked = text(await staff_chat(engine, 11).send(f"/start {code}"))
    assert asked == registration.ASK_NAME.format(role="Case Management")
    assert text(await staff_chat(engine, 11).send("Frau Neu")).startswith("Willkommen, Frau Neu")
    new = (await members(sqlite_db))[-1]
    assert (new.role, new.region_id, new.towns) == ("case_manager", "rbk", ["odenthal"])


async def test_coordination_cannot_forge_an_admin_invitation(engine, sqlite_db, catalogue):
    await add_member(sqlite_db, 12, "Koordination", StaffRole.COORDINATION)
    chat = staff_chat(engine, 12)
    await chat.send("/einladen")
    for role in ("admin", "coordination"):
        assert text(await chat.press(f"inv_role:{role}")) == accounts.ROLE_REFUSED
    assert (await all_rows(sqlite_db))["staff_invitations"] == []


async def test_buttons_out_of_step_create_nothing(engine, sqlite_db, catalogue):
    await add_member(sqlite_db, 13, "Admin", StaffRole.ADMIN)
    chat = staff_chat(engine, 13)
    assert text(await chat.press("inv_done")) == accounts.WRONG_STEP
    assert text(await chat.press("inv_town:odenthal")) == accounts.WRONG_STEP
    await chat.send("/einladen")
    await chat.press("inv_role:admin")
    assert text(await chat.press("inv_town:koeln")) == accounts.WRONG_STEP
    assert (await all_rows(sqlite_db))["staff_invitations"] == []


@pytest.mark.parametrize("role", [StaffRole.CASE_MANAGER, StaffRole.VOLUNTEER,
                                  StaffRole.PARTNER])
async def test_only_admin_and_coordination_invite_or_deactivate(engine, sqlite_db, role):
    await add_member(sqlite_db, 14, "Jemand", role)
    chat = staff_chat(engine, 14)
    refusal = texts.NOT_FOR_ROLE_STAFF.format(role=texts.ROLE_LABELS[role.value])
    for command in ("/einladen", "/deaktivieren"):
        assert text(await chat.send(command)) == refusal
    for data in ("inv_role:volunteer", "inv_done", "deact:1", "deact_yes:1"):
        assert text(await chat.press(data)) == refusal
    assert "/einladen" not in text(await chat.send("/hilfe"))


async def test_coordination_deactivates_a_volunteer_who_then_sees_nothing(engine, sqlite_db):
    await add_member(sqlite_db, 20, "Koordination", StaffRole.COORDINATION)
    admin = await add_member(sqlite_db, 21, "Admin", StaffRole.ADMIN)
    helper = await add_member(sqlite_db, 22, "Ehrenamt Eva", StaffRole.VOLUNTEER)
    chat = staff_chat(engine, 20)
    listed = await chat.send("/deaktivieren")
    assert actions(listed) == [f"deact:{helper}"]  # not the admin, not oneself
    assert text(await chat.press(f"deact_yes:{admin}")) == accounts.NOT_ALLOWED
    assert "deaktivieren?" in text(await chat.press(f"deact:{helper}"))
    assert text(await chat.press(f"deact_yes:{helper}")) == "Ehrenamt Eva ist deaktiviert."
    assert text(await staff_chat(engine, 22).send("/hilfe")) == texts.NOT_REGISTERED.format(
        telegram_id=22)
    assert text(await chat.press(f"deact_yes:{helper}")) == accounts.NOT_ALLOWED
