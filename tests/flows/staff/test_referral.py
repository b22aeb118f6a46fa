"""Referrals by volunteers and partner services: the person's agreement first, the referral in
clearing like an intake, a personal invitation that works once and expires, the person's own
consent before anything is joined to them, and a referrer who afterwards sees only the status.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.deep_links import MAX_PAYLOAD, is_payload
from bot.flows.client.onboarding.invitation import PROBLEMS
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.staff import texts
from bot.flows.staff.clearing.access import NOT_FOUND
from bot.flows.staff.referral import ask as referral_ask
from bot.flows.staff.referral.flow import NOTE_TOO_LONG, WRONG_STEP
from bot.i18n import FSI, PDI, translator
from storage import digests
from storage.models import ClientOrigin, IntakeSource, IntakeStatus
from storage.one_time import CodeProblem
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, text
from tests.support.intake import (
    COORD,
    KAYA,
    VOLUNTEER,
    consented,
    intakes,
    kreis,
    messages_to,
    staff_chat,
)
from tests.support.referral import (
    BOT,
    PARTNER,
    Referring,
    add_partner,
    clients,
    payload_of,
    refer,
    referral_rows,
)

AR, UK = translator("ar"), translator("uk")


@pytest.fixture
async def team(db) -> dict[str, int]:
    ids = await kreis(db)
    ids["partner"] = await add_partner(db)
    return ids


@pytest.fixture
def flow(db, clock, team) -> FlowEngine:
    return FlowEngine(db, clock, FlowSettings(client_bot_username=BOT))


async def test_a_referral_lands_in_clearing_and_yields_a_personal_invitation(flow, db, team):
    volunteer = staff_chat(flow, VOLUNTEER)
    sent = await refer(volunteer)
    [referral], [link] = await referral_rows(db)
    assert sent.replies[0].text.startswith(f"✅ Vermittlung Nr. {referral.id} ist eingegangen.")
    # The invitation: a t.me link whose payload Telegram accepts, and its QR code as a picture.
    payload = payload_of(sent)
    assert is_payload(payload) and len(payload) <= MAX_PAYLOAD and len(payload) >= 30
    picture = sent.replies[1].document
    assert picture is not None and picture.photo
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "gültig bis 23.12.2026" in sent.replies[1].text  # 30 days
    assert link.token_hash not in text(sent)  # only a hash is stored, never the token
    assert payload[1:] not in str(await all_rows(db))

    # Odenthal has one case manager: clearing gives it to her, with where it came from.
    [intake] = await intakes(db)
    assert (intake.source, intake.status, intake.assigned_staff_id) == (
        IntakeSource.REFERRAL.value, IntakeStatus.ASSIGNED.value, team["kaya"])
    [summary] = await messages_to(db, "staff", KAYA)
    assert summary.startswith("📥 Neue Anfrage für Sie (einzige Case-Managerin/einziger "
                              f"Case-Manager für den Ort)\n\n🤝 Vermittlung Nr. {referral.id} "
                              f"(Anfrage Nr. {intake.id})")
    assert f"📨 Von: {FSI}E. Hrenamt{PDI} (Ehrenamt)" in summary
    assert "📋 Themen: Wohnen" in summary and "Sprache: Arabisch" in summary
    assert "öffnet selbst den Einladungslink (gültig bis 23.12.2026)" in summary
    assert "🤝 Kontakt: noch nicht hergestellt" in summary
    [person] = await clients(db)
    assert (person.origin, person.telegram_id, person.alias) == (
        ClientOrigin.REFERRAL.value, None, "Amal")


async def test_the_referrer_sees_only_the_status_afterwards(flow, db, team):
    volunteer = staff_chat(flow, VOLUNTEER)
    await refer(volunteer, Referring(alias="Hamid Q.", phone="0176 5550123"))
    [referral], links = await referral_rows(db)
    assert links == []  # reached by phone: no invitation
    [intake] = await intakes(db)
    # Nothing of the person stays in the referrer's chat state.
    states = str((await all_rows(db))["conversation_states"])
    assert "Hamid" not in states and "5550123" not in states

    status = text(await volunteer.send("/vermittlungen"))
    assert f"Nr. {referral.id} · 23.11.2026 · Vermittlung · 📨 eingegangen" in status
    for detail in ("Hamid", "5550123", "Wohnen", "Odenthal"):
        assert detail not in status
    # Every way to the details is closed, whatever button is forged.
    assert text(await volunteer.send("/anfragen")) == texts.NOT_FOR_ROLE_INTAKES.format(
        role="Ehrenamt")
    for forged in (f"intake_open:{intake.id}", f"clr_pick:{intake.id}",
                   f"intake_contact:{intake.id}"):
        assert "Hamid" not in text(await volunteer.press(forged))

    # The case manager reaches the person and says so; the referrer learns that much.
    kaya = staff_chat(flow, KAYA)
    opened = await kaya.press(f"intake_open:{intake.id}")
    assert f"☎️ Erreichbar: Telefon {FSI}0176 5550123{PDI}" in text(opened)
    assert f"intake_contact:{intake.id}" in actions(opened)
    await kaya.press(f"intake_contact:{intake.id}")
    assert await messages_to(db, "staff", VOLUNTEER) == [
        f"✅ Vermittlung Nr. {referral.id} vom 23.11.2026: Das KIM-Team hat Kontakt mit der "
        "Person."]
    assert "✅ Kontakt hergestellt (23.11.)" in text(await volunteer.send("/vermittlungen"))
    again = await kaya.press(f"intake_contact:{intake.id}")
    assert "schon vermerkt" in text(again)
    assert len(await messages_to(db, "staff", VOLUNTEER)) == 1


async def test_without_the_persons_agreement_nothing_is_taken(flow, db, team):
    volunteer = staff_chat(flow, VOLUNTEER)
    asked = await volunteer.send("/vermitteln")
    assert actions(asked) == ["ref_agree:yes", "ref_agree:no"]
    refused = await volunteer.press("ref_agree:no")
    assert text(refused) == referral_ask.REFUSED
    # The later steps cannot be reached by forging their buttons, nor the agreement skipped.
    for forged in ("ref_town:odenthal", "ref_lang:ar", "ref_topics", "ref_reach:chat",
                   "ref_send"):
        assert text(await volunteer.press(forged)) == WRONG_STEP
    await volunteer.send("/vermitteln")
    assert text(await volunteer.press("ref_send")) == WRONG_STEP
    # No name before the agreement: the buttons of the question are the only way on.
    assert text(await volunteer.send("Amal")) == texts.CHOOSE_A_BUTTON
    rows = await all_rows(db)
    assert (rows["referrals"], rows["intakes"], rows["clients"]) == ([], [], [])


async def test_the_invitation_asks_for_the_persons_own_consent_then_joins_them(flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    person = Chat(flow, 5001, "de")  # their phone is set to German; the referrer chose Arabic
    opened = await person.send(f"/start {payload}")
    assert opened.replies[0].text == AR._(
        "Hello! Someone who helps you told the KIM team about you. The KIM team helps people "
        "who are new in Germany.")
    notice = opened.replies[1]
    assert notice.rtl and AR._("Before we start: about your data.") in notice.text
    assert actions(opened) == ["consent:yes", "consent:no", "privfull", "language"]
    # Opening the link stored nothing about them and did not spend it.
    assert [c.telegram_id for c in await clients(db)] == [None]
    assert (await referral_rows(db))[1][0].used_at is None

    agreed = await person.press("consent:yes")
    assert AR._("Thank you! The KIM team will contact you here soon. If you like, you can "
                "already tell us more about you: /aboutme") in text(agreed)
    [joined] = await clients(db)  # the referral's stand-in is merged into their own row
    assert (joined.telegram_id, joined.origin, joined.alias, joined.language) == (
        5001, ClientOrigin.TELEGRAM.value, "Amal", "ar")
    [intake] = await intakes(db)
    assert intake.client_id == joined.id
    [referral], [link] = await referral_rows(db)
    assert link.used_at is not None and referral.contact_made_at is not None
    # The case manager and the referrer hear of it, without details.
    kaya_hears = await messages_to(db, "staff", KAYA)
    assert kaya_hears[-1] == (f"📲 Vermittlung Nr. {referral.id} (Anfrage Nr. {intake.id}): Die "
                              "Person hat ihre Einladung angenommen, selbst zugestimmt und ist "
                              "jetzt im Chat erreichbar.")
    assert len(await messages_to(db, "staff", VOLUNTEER)) == 1
    # They see what was passed on about them, and can erase it.
    mine = text(await person.send("/mydata"))
    assert "Amal" in mine and AR._("Housing") in mine


async def test_a_link_works_only_once(flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    first = Chat(flow, 5001, "ar")
    await first.send(f"/start {payload}")
    await first.press("consent:yes")
    second = Chat(flow, 5002, "uk")
    reused = await second.send(f"/start {payload}")
    assert reused.replies[0].text == UK._(PROBLEMS[CodeProblem.USED])
    assert "lang:uk" in actions(reused)  # and the chat starts as usual
    await second.press("lang:uk")
    await second.press("consent:yes")
    [intake] = await intakes(db)
    assert [c.telegram_id for c in await clients(db)] == [5001, 5002]
    assert intake.client_id == (await clients(db))[0].id


async def test_two_chats_with_one_link_open_it_but_only_the_first_to_agree_gets_it(
        flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    first, second = Chat(flow, 5001, "ar"), Chat(flow, 5002, "ar")
    await first.send(f"/start {payload}")
    await second.send(f"/start {payload}")
    await first.press("consent:yes")
    late = await second.press("consent:yes")
    assert AR._(PROBLEMS[CodeProblem.USED]) in text(late)
    [intake] = await intakes(db)
    assert intake.client_id == (await clients(db))[0].id


async def test_a_link_expires_after_thirty_days(flow, db, team, clock):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    clock.advance(timedelta(days=29, hours=23))
    person = Chat(flow, 5001, "ar")
    await person.send(f"/start {payload}")  # still valid when opened ...
    clock.advance(timedelta(hours=2))
    late = await person.press("consent:yes")  # ... but not when they agree
    assert AR._(PROBLEMS[CodeProblem.EXPIRED]) in text(late)
    [_, client] = await clients(db)  # they agreed to the bot, but the referral stays apart
    [intake] = await intakes(db)
    assert intake.client_id != client.id
    again = await Chat(flow, 5002, "uk").send(f"/start {payload}")
    assert again.replies[0].text == UK._(PROBLEMS[CodeProblem.EXPIRED])
    status = text(await staff_chat(flow, VOLUNTEER).send("/vermittlungen"))
    assert "Einladungslink abgelaufen, nicht geöffnet" in status


@pytest.mark.parametrize("argument", [
    "r" + "A" * 32,  # the right shape, never issued
    "r",
    "x" * 65,  # longer than Telegram allows
    "<script>",
    "t_atlantis",  # a town that does not exist
])
async def test_forged_payloads_change_nothing(flow, db, team, argument):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    before = await all_rows(db)
    person = Chat(flow, 5001, "uk")
    opened = await person.send(f"/start {argument}")
    if argument.startswith("r"):
        assert opened.replies[0].text == UK._(PROBLEMS[CodeProblem.UNKNOWN])
    assert "lang:uk" in actions(opened)
    assert (await all_rows(db))["referral_links"] == before["referral_links"]
    assert payload[:-1] != argument


async def test_a_mistyped_token_is_unknown(flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    mistyped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    opened = await Chat(flow, 5001, "ar").send(f"/start {mistyped}")
    assert opened.replies[0].text == AR._(PROBLEMS[CodeProblem.UNKNOWN])


async def test_declining_the_notice_keeps_nothing_and_leaves_the_link_open(flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    person = Chat(flow, 5001, "ar")
    await person.send(f"/start {payload}")
    await person.press("consent:no")
    assert [c.telegram_id for c in await clients(db)] == [None]
    assert (await referral_rows(db))[1][0].used_at is None
    assert "invitation" not in str((await all_rows(db))["conversation_states"])


async def test_someone_already_in_the_bot_is_asked_before_it_is_added(flow, db, team):
    person = await consented(flow, 5003, "uk")
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    asked = await person.send(f"/start {payload}")
    assert actions(asked) == ["invite:yes", "invite:no"]
    await person.press("invite:no")
    assert (await referral_rows(db))[1][0].used_at is None
    await person.send(f"/start {payload}")
    await person.press("invite:yes")
    me = next(c for c in await clients(db) if c.telegram_id == 5003)
    [referral_intake] = await intakes(db)
    assert referral_intake.client_id == me.id and me.alias == "Amal"
    # The referral is not their own intake: they can still answer one themselves.
    started = await person.press("intake")
    assert "i_go" in actions(started)
    assert text(await person.press("invite:yes")) == UK._("This button does not work any more.")


async def test_erasing_their_data_ends_the_referral_for_everyone(flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    person = Chat(flow, 5001, "ar")
    await person.send(f"/start {payload}")
    await person.press("consent:yes")
    [intake] = await intakes(db)
    await person.send("/delete")
    await person.press("delete:yes")
    rows = await all_rows(db)
    assert (rows["clients"], rows["intakes"]) == ([], [])
    [referral] = rows["referrals"]
    assert referral["intake_id"] is None
    assert f"Anfrage Nr. {intake.id}" in (await messages_to(db, "staff", KAYA))[-1]
    status = text(await staff_chat(flow, VOLUNTEER).send("/vermittlungen"))
    assert "Kontakt hergestellt" in status  # it was made before they erased their data


async def test_a_partner_hands_over_a_complex_case_with_its_reasons(flow, db, team):
    partner = staff_chat(flow, PARTNER)
    await partner.send("/meldung")
    await partner.press("ref_agree:yes")
    await partner.send("Frau K.")
    await partner.press("ref_town:kuerten")  # two case managers: coordination decides
    needed = await partner.press_each("ref_lang:fa", "ref_topic:income_benefits", "ref_topics",
                                      "ref_reasons")
    assert referral_ask.REASONS_NEEDED in text(needed)
    await partner.press_each("ref_reason:legal_areas", "ref_reason:multiple", "ref_reasons",
                             "ref_area:sgb2", "ref_area:aufenthg", "ref_areas")
    too_long = await partner.send("x" * 501)
    assert NOTE_TOO_LONG in text(too_long)
    await partner.send("Leistungen seit Monaten ungeklärt.")
    await partner.press("ref_reach:phone")
    await partner.send("0176 5550123")
    sent = await partner.press("ref_send")
    assert text(sent).startswith("✅ Meldung komplexer Fall Nr.")

    [intake] = await intakes(db)
    assert (intake.source, intake.status) == (IntakeSource.HANDOVER.value,
                                              IntakeStatus.QUEUED.value)
    async with db.transaction() as session:
        [waiting] = await digests.waiting_for_clearing(session, "rbk")
    assert (waiting.kind, waiting.referred_by, waiting.name) == (
        "referral", "Jobcenter Rhein-Berg", "Frau K.")
    queue = await staff_chat(flow, COORD).send("/clearing")
    assert f"Nr. {intake.id}" in text(queue)
    summary = text(await staff_chat(flow, COORD).press(f"intake_open:{intake.id}"))
    assert "🤝 Meldung komplexer Fall Nr." in summary
    assert f"📨 Von: {FSI}Jobcenter Rhein-Berg{PDI} (Partnerdienst)" in summary
    assert ("⚠️ Gründe: Mehrere Rechtskreise / Zuständigkeiten greifen nicht ineinander; "
            "Mehrfachbenachteiligung (Problemkumulation)") in summary
    assert "⚖️ Rechtskreise: SGB II (Jobcenter); AufenthG (Ausländerbehörde)" in summary
    assert "Leistungen seit Monaten ungeklärt." in summary
    # The partner, too, sees nothing of it any more.
    assert text(await partner.press(f"intake_open:{intake.id}")) == \
        texts.NOT_FOR_ROLE_INTAKES.format(role="Partnerdienst")


async def test_roles_decide_who_refers_and_who_hands_over(flow, db, team):
    assert text(await staff_chat(flow, VOLUNTEER).send("/meldung")) == \
        texts.NOT_FOR_ROLE_HANDOVER.format(role="Ehrenamt")
    assert text(await staff_chat(flow, KAYA).send("/vermitteln")) == \
        texts.NOT_FOR_ROLE_REFER.format(role="Case Management")
    # A volunteer cannot turn a referral into a hand-over by forging its buttons.
    volunteer = staff_chat(flow, VOLUNTEER)
    assert "ref_send" in actions(await refer(volunteer, send=False))
    assert text(await volunteer.press("ref_reason:conflict")) == WRONG_STEP
    assert text(await volunteer.press("ref_send")).startswith("✅ Vermittlung Nr.")
    [intake] = await intakes(db)
    assert (intake.source, intake.referral_reasons) == (IntakeSource.REFERRAL.value, None)


async def test_bad_input_gets_an_answer_and_changes_nothing(flow, db, team):
    volunteer = staff_chat(flow, VOLUNTEER)
    await volunteer.send("/vermitteln")
    await volunteer.press("ref_agree:yes")
    assert "höchstens 60 Zeichen" in text(await volunteer.send("A" * 61))
    assert text(await volunteer.send_unsupported("photo")) == texts.UNSUPPORTED
    assert "zu lang" in text(await volunteer.send("B" * 4000))
    asked = await volunteer.send("Amal")  # still at the name: it goes on from here
    assert "ref_town:odenthal" in actions(asked)
    assert text(await volunteer.press("ref_town:atlantis")) == WRONG_STEP
    await volunteer.press("ref_town:odenthal")
    assert text(await volunteer.press("ref_lang:xx")) == WRONG_STEP
    await volunteer.press("ref_lang:ar")
    assert text(await volunteer.press("ref_topic:nonsense")) == WRONG_STEP
    assert referral_ask.TOPICS_NEEDED in text(await volunteer.press("ref_topics"))
    await volunteer.press_each("ref_topic:housing", "ref_topics", "ref_reach:phone")
    assert "Ziffern" in text(await volunteer.send("call me"))
    rows = await all_rows(db)
    assert (rows["referrals"], rows["intakes"]) == ([], [])


async def test_a_referrers_region_limits_the_towns(flow, db, team):
    volunteer = staff_chat(flow, VOLUNTEER)
    await volunteer.send("/vermitteln")
    await volunteer.press("ref_agree:yes")
    towns = actions(await volunteer.send("Amal"))
    assert "ref_town:odenthal" in towns and "abort" in towns
    assert NOT_FOUND  # the summary access rules are those of intakes (test_intake_clearing)


async def test_stand_in_data_is_deleted_like_any_inactive_persons(flow, db, team, clock):
    from storage.retention import RetentionPolicy, apply

    await refer(staff_chat(flow, VOLUNTEER), Referring(phone="0176 5550123"))
    clock.advance(timedelta(days=181))
    async with db.transaction() as session:
        removed = await apply(session, RetentionPolicy(), clock.now())
    assert (removed.clients, removed.referrals) == (1, 1)
    rows = await all_rows(db)
    assert (rows["clients"], rows["intakes"], rows["referrals"]) == ([], [], [])


async def test_choosing_another_language_keeps_the_invitation(flow, db, team):
    payload = payload_of(await refer(staff_chat(flow, VOLUNTEER)))
    person = Chat(flow, 5001, "de")
    await person.send(f"/start {payload}")
    languages = await person.press("language")
    assert "lang:uk" in actions(languages)
    notice = await person.press("lang:uk")
    assert UK._("Before we start: about your data.") in text(notice)
    agreed = await person.press("consent:yes")
    assert UK._("Thank you! The KIM team will contact you here soon. If you like, you can "
                "already tell us more about you: /aboutme") in text(agreed)
    [joined] = await clients(db)
    assert (joined.telegram_id, joined.language) == (5001, "uk")


async def test_a_flyer_link_presets_the_town_once_the_person_agrees(flow, db, team):
    person = Chat(flow, 5001, "ar")
    opened = await person.send("/start t_kuerten")
    assert "lang:ar" in actions(opened)
    assert "kuerten" not in str((await all_rows(db))["clients"])
    await person.press("lang:ar")
    await person.press("consent:yes")
    [joined] = await clients(db)
    assert joined.town == "kuerten"
    assert "town_hint" not in str((await all_rows(db))["conversation_states"])
