"""Through both real bots against the local Bot API-compatible server: a referrer sends a person
to KIM in the staff bot and gets the invitation as a picture of a QR code; the person opens the
link in the client bot, is asked in Arabic for their own consent, agrees, and coordination
hears that the person can now be reached."""

from __future__ import annotations

import io

from bot.app import SANDBOX_ADMIN_ID, SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
from bot.flows.staff.referral import ask as referral_ask
from bot.i18n import translator
from bot.sandbox.state import SimUser
from tests.support.sandbox import button_data, press, say

CLIENT, STAFF = SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
AR = translator("ar")


def decoded_qr(png: bytes) -> str:
    from PIL import Image
    from zxingcpp import read_barcodes

    [found] = read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


async def test_a_referral_and_its_invitation_through_both_bots(system):
    server = system.sandbox
    admin = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")  # admin may refer, like a volunteer
    [agree] = await say(server, STAFF, admin, "/vermitteln")
    [asked] = await press(server, STAFF, admin, agree["message_id"], "ref_agree:yes")
    assert asked["text"] == referral_ask.ASK_ALIAS
    [towns] = await say(server, STAFF, admin, "Amal")
    [languages] = await press(server, STAFF, admin, towns["message_id"], "ref_town:odenthal")
    [topics] = await press(server, STAFF, admin, languages["message_id"], "ref_lang:ar")
    [ticked] = await press(server, STAFF, admin, topics["message_id"], "ref_topic:housing")
    assert ticked["event"] == "edit" and "✓ Wohnen" in str(ticked["buttons"])
    [reach] = await press(server, STAFF, admin, ticked["message_id"], "ref_topics")
    [check] = await press(server, STAFF, admin, reach["message_id"], "ref_reach:chat")
    assert "ref_send" in button_data(check)
    sent, invitation = await press(server, STAFF, admin, check["message_id"], "ref_send",
                                   count=2)
    assert sent["text"].startswith("✅ Vermittlung Nr.")
    assert invitation.get("photo"), "the QR code arrives as a picture"
    link = next(word for word in invitation["text"].split() if word.startswith("https://t.me/"))
    assert link.startswith("https://t.me/kim_client_bot?start=r")
    picture = server.file(invitation["photo"]["file_id"]).data
    assert decoded_qr(picture) == link

    person = SimUser(100040, "Amal", "de")
    payload = link.split("start=", 1)[1]
    hello, notice = await say(server, CLIENT, person, f"/start {payload}", count=2)
    assert hello["text"] == AR._("Hello! Someone who helps you told the KIM team about you. "
                                 "The KIM team helps people who are new in Germany.")
    assert AR._("Before we start: about your data.") in notice["text"]
    thanks, joined, _menu = await press(server, CLIENT, person, notice["message_id"],
                                        "consent:yes", count=3)
    assert AR._("Thank you! You can delete your data at any time with /delete.") in thanks["text"]
    assert joined["text"].startswith(AR._("Thank you! The KIM team will contact you here soon."
                                          " If you like, you can already tell us more about "
                                          "you: /aboutme")[:20])

    # The admin hears twice: as the referrer, that contact is made (nothing more); and, since
    # nobody takes Odenthal automatically here, as coordination, that the person can now be
    # written to.
    notices = sorted(n["text"] for n in await server.wait_for(STAFF, admin.id, count=2,
                                                              timeout=10))
    assert notices[0].startswith("✅ Vermittlung Nr. 1 vom 23.11.2026: Das KIM-Team hat Kontakt")
    assert notices[1].startswith("📲 Vermittlung Nr. 1 (Anfrage Nr. 1): Die Person hat ihre "
                                 "Einladung angenommen")
