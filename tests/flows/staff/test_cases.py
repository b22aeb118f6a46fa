"""/fall: KIM case management cases, counted anonymously: open, list, close with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.flows.events import BotKind
from bot.flows.staff.cases import flow as cases
from storage.models import CmCase, StaffMember, StaffRole
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, rows_of, text
from tests.support.staff import add_member, not_counting


async def stored(db) -> list[CmCase]:
    return await rows_of(db, CmCase)


@pytest.fixture
async def chat(db, flow) -> Chat:
    member = await add_member(db, 800, "Frau Kaya")
    async with db.transaction() as session:
        (await session.get(StaffMember, member)).towns = ["odenthal"]
    return Chat(flow, 800, "de", BotKind.STAFF)


async def test_open_list_and_close_cases(db, chat, clock):
    empty = await chat.send("/fall")
    assert text(empty) == cases.NONE_OPEN and actions(empty) == ["case_new"]
    assert text(await chat.press("case_new")) == "✅ Fall eröffnet (odenthal). Offene Fälle: 1."
    clock.advance(timedelta(days=3))
    await chat.press("case_new")
    first, second = await stored(db)
    overview = await chat.send("/fall")
    assert text(overview).splitlines() == [
        "KIM-Case-Management: 2 offene(r) Fall/Fälle.",
        "1. eröffnet 23.11.2026 (odenthal)", "2. eröffnet 26.11.2026 (odenthal)"]
    assert actions(overview) == ["case_new", f"case_close:{first.id}",
                                 f"case_close:{second.id}"]
    reasons = await chat.press(f"case_close:{first.id}")
    assert actions(reasons) == [f"case_reason:{first.id}_{code}"
                                for code in cases.REASON_LABELS] + ["case_list"]
    done = await chat.press(f"case_reason:{first.id}_unreachable")
    assert text(done) == ("✅ Fall vom 23.11.2026 abgeschlossen: Nicht mehr erreichbar. "
                          "Offene Fälle: 1.")
    closed = (await stored(db))[0]
    assert (closed.closed_at, closed.close_reason) == (clock.now(), "unreachable")
    # Closing twice, or with a made-up reason, changes nothing.
    assert text(await chat.press(f"case_reason:{first.id}_goals_reached")) == cases.GONE
    assert text(await chat.press(f"case_reason:{second.id}_bored")) == cases.GONE
    assert (await stored(db))[1].closed_at is None


async def test_an_accidental_open_can_be_taken_back_for_ten_minutes(db, chat, clock):
    opened = await chat.press("case_new")
    undo = next(a for a in actions(opened) if a.startswith("case_undo:"))
    assert text(await chat.press(undo)) == "↩️ Eröffnung zurückgenommen. Offene Fälle: 0."
    assert await stored(db) == []
    opened = await chat.press("case_new")
    undo = next(a for a in actions(opened) if a.startswith("case_undo:"))
    clock.advance(timedelta(minutes=11))
    assert text(await chat.press(undo)) == cases.TOO_LATE
    assert len(await stored(db)) == 1


async def test_cases_of_a_colleague_cannot_be_touched(db, chat, flow):
    await chat.press("case_new")
    [case] = await stored(db)
    await add_member(db, 801, "Herr Kollege")
    colleague = Chat(flow, 801, "de", BotKind.STAFF)
    assert text(await colleague.send("/fall")) == cases.NONE_OPEN
    for data in (f"case_close:{case.id}", f"case_reason:{case.id}_goals_reached",
                 f"case_undo:{case.id}", "case_close:abc", "case_new:1"):
        assert text(await colleague.press(data)) == cases.GONE
    assert [(c.closed_at, c.staff_member_id) for c in await stored(db)] == [
        (None, case.staff_member_id)]


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_have_no_cases(db, flow, role):
    chat, refusal = await not_counting(db, flow, role)
    assert text(await chat.send("/fall")) == refusal
    assert text(await chat.press("case_new")) == refusal
    assert await stored(db) == []


async def test_cases_hold_no_client_identifier(db, chat):
    before = await all_rows(db)
    await chat.press("case_new")
    await chat.press("case_reason:1_goals_reached")
    after = await all_rows(db)
    assert {t for t in after if after[t] != before[t]} <= {"cm_cases", "conversation_states"}
    assert set(after["cm_cases"][0]) == {"id", "staff_member_id", "town", "opened_at",
                                         "closed_at", "close_reason"}
