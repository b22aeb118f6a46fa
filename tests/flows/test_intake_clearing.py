"""Clearing: an unambiguous town goes straight to its case manager, anything else into the
coordination queue; coordination assigns and reassigns in the staff bot; both sides hear of
it; only the assigned case manager and coordination of the Kreis can open a summary, and every
opening is in the access log. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.intake_clearing import HANDED_ON
from bot.flows.staff import texts
from bot.flows.staff.clearing.access import NOT_FOUND
from bot.i18n import translator
from storage import clearing
from storage import intakes as store
from storage.models import (
    AppointmentKind,
    CaseManagerWorkplace,
    Channel,
    ClearingTarget,
    IntakeStatus,
    StaffMember,
)
from tests.support.common import actions, text
from tests.support.intake import (
    BERG,
    COORD,
    KAYA,
    LENZ,
    OTHER_COORD,
    VOLUNTEER,
    Answers,
    access_log,
    consented,
    fill,
    history,
    intakes,
    kreis,
    messages_to,
    staff_chat,
)
from tests.support.staff import NOW, add_appointment, local

AR, UK = translator("ar"), translator("uk")
KUERTEN_OFFICE = "KIM Case Management Gemeinde Kürten"


@pytest.fixture
async def team(db) -> dict[str, int]:
    return await kreis(db)


@pytest.fixture
def flow(db, clock, team) -> FlowEngine:
    return FlowEngine(db, clock, FlowSettings())


async def send_intake(flow: FlowEngine, user_id: int, language: str = "ar",
                      answers: Answers | None = None):
    chat = await consented(flow, user_id, language)
    await fill(chat, answers or Answers())
    return chat, await chat.press("i_send")


async def test_an_unambiguous_town_goes_straight_to_its_case_manager(flow, db, team):
    _, done = await send_intake(flow, 601)
    [intake] = await intakes(db)
    assert (intake.status, intake.assigned_staff_id) == (IntakeStatus.ASSIGNED.value,
                                                         team["kaya"])
    [summary] = await messages_to(db, "staff", KAYA)
    assert summary.startswith("📥 Neue Anfrage für Sie (einzige Case-Managerin/einziger "
                              "Case-Manager für den Ort)\n\n📝 Anfrage Nr.")
    assert "📋 Themen: Wohnen, Aufenthalt, Schulden" in summary
    # The person learns in the reply itself which office will contact them.
    office = "KIM Case Management Gemeinde Odenthal (Team Integration)"
    assert AR._("{office} will contact you soon.", office=office) in text(done)
    assert [(h.from_staff_id, h.to_staff_id, h.by_staff_id, h.reason)
            for h in await history(db)] == [(None, team["kaya"], None, "only_cm")]
    assert (team["kaya"], intake.client_id, "intake.delivered") in await access_log(db)
    assert await messages_to(db, "staff", COORD) == []


async def test_an_ambiguous_town_waits_for_coordination(flow, db, team):
    await send_intake(flow, 602, answers=Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    assert (intake.status, intake.assigned_staff_id) == (IntakeStatus.QUEUED.value, None)
    assert [h.reason for h in await history(db)] == ["queue"]
    for telegram_id in (KAYA, BERG, LENZ, COORD):
        assert await messages_to(db, "staff", telegram_id) == []


async def test_a_near_deadline_in_the_queue_is_told_to_coordination_at_once(flow, db, team):
    await send_intake(flow, 603, answers=Answers(town="kuerten"))  # deadline in four days
    [intake] = await intakes(db)
    [notice] = await messages_to(db, "staff", COORD)
    assert notice == (f"⚠️ Neue Anfrage Nr. {intake.id} mit naher Frist (Fr 27.11.2026) wartet "
                      "auf Clearing. /clearing zeigt die Warteschlange.")
    assert await messages_to(db, "staff", OTHER_COORD) == []  # another Kreis


async def test_coordination_assigns_from_the_queue_and_both_sides_hear_of_it(flow, db, team):
    await send_intake(flow, 604, "uk", Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    coord = staff_chat(flow, COORD)
    queue = await coord.send("/clearing")
    assert text(queue).startswith("🗂 Clearing Rheinisch-Bergischer Kreis: 1 Anfrage(n) warten.")
    assert f"• Nr. {intake.id} · Kürten · 23.11. · Wohnen, Aufenthalt, Schulden" in text(queue)
    assert actions(queue)[:2] == [f"intake_open:{intake.id}", f"clr_pick:{intake.id}"]
    assert "0176" not in text(queue)  # the list shows no more than town and topics

    pick = await coord.press(f"clr_pick:{intake.id}")
    lines = text(pick).splitlines()
    assert lines[:4] == [f"Wer übernimmt Anfrage Nr. {intake.id} (Kürten)?",
                         "Für Kürten zuständig:",
                         "• M. Lenz: Fallzahl 0, 0 offene Anfrage(n)",
                         "• T. Berg: Fallzahl 0 (Empfehlung 50–60), 0 offene Anfrage(n)"]
    assert lines[4:] == ["Weitere im Kreis:",
                         "• S. Kaya: Fallzahl 0 (Empfehlung 25–30), 0 offene Anfrage(n)"]
    assert actions(pick) == [f"clr_to:{intake.id}_{team[name]}"
                             for name in ("lenz", "berg", "kaya")]

    done = await coord.press(f"clr_to:{intake.id}_{team['berg']}")
    assert text(done).startswith(f"✅ Anfrage Nr. {intake.id} ist jetzt bei T. Berg.")
    [summary] = await messages_to(db, "staff", BERG)
    assert summary.startswith("📥 Neue Anfrage für Sie (zugewiesen von K. Oordination)")
    [told] = await messages_to(db, "client", 604)
    assert told == UK._("Good news: {office} has your answers now. They will contact you soon.",
                        office=KUERTEN_OFFICE)
    [intake] = await intakes(db)
    assert (intake.status, intake.assigned_staff_id) == ("assigned", team["berg"])
    log = await access_log(db)
    assert (team["coord"], intake.client_id, "intake.queue") in log
    assert (team["coord"], intake.client_id, "intake.assign") in log
    assert (team["berg"], intake.client_id, "intake.delivered") in log


async def test_reassigning_is_possible_and_logged(flow, db, team):
    await send_intake(flow, 605, answers=Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    coord = staff_chat(flow, COORD)
    await coord.press(f"clr_to:{intake.id}_{team['berg']}")
    opened = await coord.press(f"intake_open:{intake.id}")
    assert "📌 Zugewiesen an T. Berg seit 23.11.2026" in text(opened)
    assert f"clr_pick:{intake.id}" in actions(opened)
    await coord.press(f"clr_to:{intake.id}_{team['lenz']}")
    assert (await messages_to(db, "staff", BERG))[-1] == HANDED_ON.format(id=intake.id,
                                                                          name="M. Lenz")
    assert (await messages_to(db, "staff", LENZ))[0].startswith("📥 Neue Anfrage für Sie")
    # Same office for the person: no second message.
    assert len(await messages_to(db, "client", 605)) == 1
    assert [(h.from_staff_id, h.to_staff_id, h.by_staff_id, h.reason)
            for h in await history(db)] == [
        (None, None, None, "queue"),
        (None, team["berg"], team["coord"], "coordination"),
        (team["berg"], team["lenz"], team["coord"], "coordination")]
    shown = text(await coord.press(f"intake_open:{intake.id}"))
    assert "🕓 Verlauf:" in shown
    assert "23.11.2026 10:00 K. Oordination → M. Lenz (Koordination)" in shown
    again = await coord.press(f"clr_to:{intake.id}_{team['lenz']}")
    assert text(again) == f"Anfrage Nr. {intake.id} ist schon bei M. Lenz. Es wurde nichts " \
                          "geändert."


async def test_a_case_manager_of_another_town_cannot_open_the_summary(flow, db, team):
    await send_intake(flow, 606, answers=Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    await staff_chat(flow, COORD).press(f"clr_to:{intake.id}_{team['berg']}")
    before = await access_log(db)

    kaya = staff_chat(flow, KAYA)
    assert text(await kaya.send("/anfragen")) == "Ihnen ist gerade keine Anfrage zugewiesen."
    for forged in (f"intake_open:{intake.id}", f"intake_back_ok:{intake.id}",
                   "intake_open:999999", "intake_open:x1", "intake_open:" + "9" * 13):
        assert text(await kaya.press(forged)) == NOT_FOUND, forged
    refused = await kaya.press(f"clr_to:{intake.id}_{team['kaya']}")
    assert text(refused) == texts.NOT_FOR_ROLE_CLEARING.format(role="Case Management")
    elsewhere = staff_chat(flow, OTHER_COORD)
    assert text(await elsewhere.press(f"intake_open:{intake.id}")) == NOT_FOUND
    assert "Keine Anfrage wartet" in text(await elsewhere.send("/clearing"))
    volunteer = staff_chat(flow, VOLUNTEER)
    assert text(await volunteer.send("/anfragen")) == texts.NOT_FOR_ROLE_INTAKES.format(
        role="Ehrenamt")
    assert await access_log(db) == before  # refusals open nothing, so log nothing
    [intake] = await intakes(db)
    assert intake.assigned_staff_id == team["berg"]

    berg = staff_chat(flow, BERG)
    mine = await berg.send("/anfragen")
    assert actions(mine) == [f"intake_open:{intake.id}"]
    opened = await berg.press(f"intake_open:{intake.id}")
    assert "💡 HINWEIS, keine Entscheidung" in text(opened)
    assert "🕓 Verlauf" not in text(opened)  # the history is coordination's
    assert (team["berg"], intake.client_id, "intake.view") in await access_log(db)


async def test_coordination_cannot_assign_to_someone_outside_the_kreis(flow, db, team):
    await send_intake(flow, 607, answers=Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    coord = staff_chat(flow, COORD)
    for target in (team["other_coord"], team["volunteer"], 999999):
        outcome = await coord.press(f"clr_to:{intake.id}_{target}")
        assert "nichts geändert" in text(outcome)
    assert (await intakes(db))[0].status == IntakeStatus.QUEUED.value


async def test_a_case_manager_gives_an_intake_back_to_coordination(flow, db, team):
    await send_intake(flow, 608)
    [intake] = await intakes(db)
    kaya = staff_chat(flow, KAYA)
    opened = await kaya.press(f"intake_open:{intake.id}")
    assert f"intake_back:{intake.id}" in actions(opened)
    ask = await kaya.press(f"intake_back:{intake.id}")
    assert actions(ask) == [f"intake_back_ok:{intake.id}", f"intake_open:{intake.id}"]
    done = await kaya.press(f"intake_back_ok:{intake.id}")
    assert text(done) == f"↩️ Anfrage Nr. {intake.id} ist zurück in der Clearing-Warteschlange."
    [intake] = await intakes(db)
    assert (intake.status, intake.assigned_staff_id) == ("queued", None)
    assert (await messages_to(db, "staff", COORD))[-1].startswith(
        f"↩️ Anfrage Nr. {intake.id} wurde von S. Kaya an die Koordination zurückgegeben")
    assert text(await kaya.press(f"intake_open:{intake.id}")) == NOT_FOUND


async def test_clearing_rules_decide_before_the_towns_case_managers(db, clock, team):
    flow = FlowEngine(db, clock, FlowSettings())
    async with db.transaction() as session:
        await clearing.set_rule(session, town_id="kuerten", region_id="rbk",
                                target=ClearingTarget.STAFF, now=NOW,
                                staff_member_id=team["lenz"])
        await clearing.set_rule(session, town_id="odenthal", region_id="rbk",
                                target=ClearingTarget.QUEUE, now=NOW)
        await clearing.set_rule(session, town_id="overath", region_id="rbk",
                                target=ClearingTarget.OFFICE, now=NOW, office_id="kim-ki-sued")
        session.add(CaseManagerWorkplace(staff_member_id=team["berg"], office_id="kim-ki-sued",
                                         towns=["overath", "roesrath"],
                                         working_hours="Mo 09:00-12:00"))
    for user, town in ((611, "kuerten"), (612, "odenthal"), (613, "overath")):
        await send_intake(flow, user, answers=Answers(town=town, letter="no"))
    found = await intakes(db)
    assert [(i.town, i.status, i.assigned_staff_id) for i in found] == [
        ("kuerten", "assigned", team["lenz"]), ("odenthal", "queued", None),
        ("overath", "assigned", team["berg"])]
    assert [h.reason for h in await history(db)] == ["rule", "queue", "team"]

    # A second member of the team makes it ambiguous; a rule naming someone who left, too.
    async with db.transaction() as session:
        session.add(CaseManagerWorkplace(staff_member_id=team["kaya"], office_id="kim-ki-sued",
                                         towns=["overath"], working_hours="Mo 09:00-12:00"))
        (await session.get(StaffMember, team["lenz"])).active = False
        first = await store.active_for_client(session, found[0].client_id)
        second = await store.active_for_client(session, found[2].client_id)
        assert (await clearing.decide(session, first, NOW)).staff_member_id is None
        assert (await clearing.decide(session, second, NOW)).staff_member_id is None


async def test_a_booked_first_interview_decides_and_later_takes_a_queued_intake(db, clock,
                                                                                team):
    flow = FlowEngine(db, clock, FlowSettings())
    await send_intake(flow, 614, answers=Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    assert intake.status == "queued"
    await add_appointment(db, intake.client_id, team["lenz"], local(24, 9),
                          kind=AppointmentKind.FIRST_INTERVIEW,
                          channel=Channel.IN_PERSON)
    async with db.transaction() as session:
        found = await store.active_for_client(session, intake.client_id)
        decision = await clearing.decide(session, found, NOW)
    assert (decision.staff_member_id, decision.reason.value) == (team["lenz"],
                                                                 "first_interview")


async def test_the_digest_functions(flow, db, clock, team):
    await send_intake(flow, 615, answers=Answers(town="kuerten", letter="no",
                                                 topics=("work",)))
    clock.advance(timedelta(hours=1))
    await send_intake(flow, 616)  # Odenthal: Kaya
    queued, assigned = await intakes(db)
    async with db.transaction() as session:
        topics = await store.topics_for_clients(session, [queued.client_id,
                                                          assigned.client_id, 424242])
        waiting = await store.waiting_for_clearing(session, "rbk")
        everywhere = await store.waiting_for_clearing(session, None)
        elsewhere = await store.waiting_for_clearing(session, "other")
        since_before = await store.assigned_since(session, team["kaya"], NOW)
        since_after = await store.assigned_since(session, team["kaya"],
                                                 NOW + timedelta(hours=2))
        all_of_kaya = await store.assigned_since(session, team["kaya"], None)
    assert topics == {queued.client_id: ["work"],
                      assigned.client_id: ["housing", "residence", "debts"]}
    assert [(row.id, row.town, row.submitted_at, row.topics) for row in waiting] == [
        (queued.id, "kuerten", NOW, ["work"])]
    assert everywhere == waiting and elsewhere == []
    assert [(row.id, row.town, row.assigned_at) for row in since_before] == [
        (assigned.id, "odenthal", NOW + timedelta(hours=1))]
    assert since_after == [] and all_of_kaya == since_before


async def test_mydata_shows_the_intake_in_the_persons_language(flow, db, team):
    chat, _ = await send_intake(flow, 617, "uk")
    body = text(await chat.send("/mydata"))
    assert UK._("Your answers for KIM:") in body
    assert UK._("Topics") + ": " + UK._("Housing") in body
    office = "KIM Case Management Gemeinde Odenthal (Team Integration)"
    assert UK._("{office} will contact you soon.", office=office) in body


async def test_delete_removes_the_intake_and_tells_the_case_manager_without_details(
        flow, db, team):
    chat, _ = await send_intake(flow, 618, answers=Answers(note="Mein Vermieter schreibt mir"))
    [intake] = await intakes(db)
    await staff_chat(flow, KAYA).press(f"intake_open:{intake.id}")
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert await intakes(db) == [] and await history(db) == []
    told = (await messages_to(db, "staff", KAYA))[-1]
    assert told == (f"↩️ Anfrage Nr. {intake.id} (eingegangen Mo 23.11.2026): Die Person hat "
                    "ihre Daten gelöscht. Die Anfrage ist damit zurückgezogen.")
    # The access log keeps who opened what (ids only); the opening points at nobody now.
    assert (team["kaya"], intake.client_id, "intake.view") in await access_log(db)
    assert text(await staff_chat(flow, KAYA).press(f"intake_open:{intake.id}")) == NOT_FOUND


async def test_delete_of_a_queued_intake_tells_coordination(flow, db, team):
    chat, _ = await send_intake(flow, 619, answers=Answers(town="kuerten", letter="no"))
    [intake] = await intakes(db)
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert (await messages_to(db, "staff", COORD))[-1].startswith(
        f"↩️ Anfrage Nr. {intake.id} (eingegangen Mo 23.11.2026): Die Person hat ihre Daten "
        "gelöscht.")
    assert await messages_to(db, "staff", OTHER_COORD) == []


async def test_a_draft_is_nobodys_on_the_staff_side(flow, db, team):
    chat = await consented(flow, 620, "ar")
    await fill(chat)
    [draft] = await intakes(db)
    assert text(await staff_chat(flow, COORD).press(f"intake_open:{draft.id}")) == NOT_FOUND
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert await intakes(db) == []
    assert await messages_to(db, "staff", KAYA) == []  # nothing was sent, nobody to tell
