"""Through the real aiogram staff bot against the sandbox: an admin invites a case manager,
the case manager opens the link, counts a Kurzberatung in three taps, repeats and undoes it and
sees it in /stats; a volunteer can neither count nor see statistics; /export arrives as a
document."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import SANDBOX_ADMIN_ID, SANDBOX_STAFF_TOKEN
from bot.flows.staff import texts
from bot.flows.staff.accounts import registration
from bot.sandbox.state import SimUser
from storage.invitations import create_invitation
from storage.models import ShortConsultation, StaffMember, StaffRole
from tests.support.sandbox import button_data, press, say

STAFF = SANDBOX_STAFF_TOKEN


async def test_invitation_then_a_kurzberatung_in_three_taps(system):
    server = system.sandbox
    admin = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    [roles] = await say(server, STAFF, admin, "/einladen")
    assert "inv_role:coordination" in button_data(roles)
    [towns] = await press(server, STAFF, admin, roles["message_id"], "inv_role:case_manager")
    [ticked] = await press(server, STAFF, admin, towns["message_id"], "inv_town:odenthal")
    [made] = await press(server, STAFF, admin, ticked["message_id"], "inv_done")
    link = next(line for line in made["text"].splitlines() if line.startswith("Link: "))
    assert link.startswith("Link: https://t.me/kim_staff_bot?start=")  # name from getMe
    code = link.rsplit("=", 1)[1]

    kaya = SimUser(310001, "Selin", "de")
    [asked] = await say(server, STAFF, kaya, f"/start {code}")
    assert asked["text"] == registration.ASK_NAME.format(role="Case Management")
    [welcome] = await say(server, STAFF, kaya, "S. Kaya (KIM Odenthal)")
    assert welcome["text"].startswith("Willkommen, S. Kaya (KIM Odenthal)! Ihr Konto ist "
                                      "freigeschaltet: Case Management.\nOrte: Odenthal")
    intruder = SimUser(310002, "Mallory", "de")
    [refused] = await say(server, STAFF, intruder, f"/start {code}")
    assert refused["text"] == registration.CODE_PROBLEMS[registration.CodeProblem.USED]

    # From the idle chat: /kurz, a topic, a channel. Three updates, counted by the server.
    before = server.bot(STAFF).next_update_id
    [topics] = await say(server, STAFF, kaya, "/kurz")
    [channels] = await press(server, STAFF, kaya, topics["message_id"], "kurz_topic:housing")
    assert channels["event"] == "edit"
    [saved] = await press(server, STAFF, kaya, channels["message_id"], "kurz_chan:phone")
    assert saved["text"].startswith("✅ Kurzberatung gezählt: Wohnen · Telefon · Odenthal")
    assert server.bot(STAFF).next_update_id - before == 3  # updates the bot received
    async with system.db.transaction() as session:
        [entry] = list(await session.scalars(select(ShortConsultation)))
        member = await session.scalar(select(StaffMember).where(StaffMember.telegram_id
                                                                == kaya.id))
    assert (entry.staff_member_id, entry.topic, entry.channel, entry.town) == (
        member.id, "housing", "phone", "odenthal")

    # *Noch einmal*: one tap; *Rückgängig*: the copy is gone again.
    again = next(d for d in button_data(saved) if d.startswith("kurz_again:"))
    [copy] = await press(server, STAFF, kaya, saved["message_id"], again)
    undo = next(d for d in button_data(copy) if d.startswith("kurz_undo:"))
    [undone] = await press(server, STAFF, kaya, copy["message_id"], undo)
    assert undone["text"].startswith("↩️ Gelöscht")
    async with system.db.transaction() as session:
        assert len(list(await session.scalars(select(ShortConsultation)))) == 1
    [report] = await say(server, STAFF, kaya, "/stats")
    assert report["text"].startswith("📊 November 2026 – S. Kaya (KIM Odenthal)\n"
                                     "Kurzberatungen: 1\nThemen: Wohnen 1\nKanäle: Telefon 1")


async def test_a_volunteer_is_refused_counting_through_the_bot(system, clock):
    async with system.db.transaction() as session:
        made = await create_invitation(session, role=StaffRole.VOLUNTEER, now=clock.now(),
                                       display_name="Eva Ehrenamt")
    server = system.sandbox
    eva = SimUser(310010, "Eva", "de")
    [welcome] = await say(server, STAFF, eva, f"/start {made.code}")
    assert welcome["text"].startswith("Willkommen, Eva Ehrenamt!")
    refusal = texts.NOT_FOR_ROLE_COUNTING.format(role="Ehrenamt")
    [answer] = await say(server, STAFF, eva, "/kurz")
    assert answer["text"] == refusal
    [no_stats] = await say(server, STAFF, eva, "/stats")
    assert no_stats["text"] == refusal
    # A forged press (no such button on screen) is checked on the server all the same.
    server.user_presses_raw(STAFF, eva, answer["message_id"], "kurz_topic:housing")
    [pressed] = await server.wait_for(STAFF, eva.id, timeout=10)
    assert pressed["text"] == refusal
    async with system.db.transaction() as session:
        assert list(await session.scalars(select(ShortConsultation))) == []


async def test_export_delivers_the_month_as_a_document(system):
    """The demo admin counts one Kurzberatung in another of its towns, then /export sends
    the XLSX as a Telegram document with the count in it."""
    import io

    from openpyxl import load_workbook

    server = system.sandbox
    admin = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    [topics] = await say(server, STAFF, admin, "/kurz")
    assert "kurz_towns" in button_data(topics)  # eight towns through its workplace
    [towns] = await press(server, STAFF, admin, topics["message_id"], "kurz_towns")
    [topics] = await press(server, STAFF, admin, towns["message_id"], "kurz_town:odenthal")
    [channels] = await press(server, STAFF, admin, topics["message_id"], "kurz_topic:debts")
    [saved] = await press(server, STAFF, admin, channels["message_id"], "kurz_chan:outreach")
    assert saved["text"].startswith("✅ Kurzberatung gezählt: Schulden · aufsuchend · Odenthal")

    [sent] = await say(server, STAFF, admin, "/export 2026-11")
    assert sent["kind"] == "document"
    assert sent["document"]["file_name"] == "kimbot-statistik-2026-11.xlsx"
    assert sent["text"] == "📊 Statistik November 2026 (bis heute) – alle Kreise"
    book = load_workbook(io.BytesIO(server.file(sent["document"]["file_id"]).data))
    assert book.sheetnames == ["Beratungen", "Nachfrage"]
    header, person, *_ = book["Beratungen"].iter_rows(values_only=True)
    row = dict(zip(header, person, strict=True))
    assert (row["Ort"], row["Person"], row["Kurzberatungen"], row["Thema: Schulden"],
            row["Kanal: aufsuchend"]) == ("Odenthal", "Demo Admin", 1, 1, 1)
