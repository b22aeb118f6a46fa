"""Talk to KIM through both real bots against the local Bot API-compatible server: a Persian
speaker writes a text and sends a photo of a letter; the staff chat gets both (the photo passed
on through the staff bot); the answer by Telegram's reply and a template answer arrive in
Persian; /delete leaves no message row and takes the relayed messages out of the staff chat."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from bot.app import SANDBOX_ADMIN_ID, SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
from bot.i18n import translator
from bot.sandbox.state import SimUser
from storage.models import KimConversation, KimMessage
from tests.support.sandbox import agree, button_data, press, say

CLIENT, STAFF = SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
FA = translator("fa")


async def rows(system, model) -> list:
    async with system.db.transaction() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def test_a_persian_speaker_and_the_kim_team_write_to_each_other(system):
    server = system.sandbox
    ahmad = SimUser(100060, "Ahmad", "fa")
    admin = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")  # nobody else here: the queue
    await say(server, STAFF, admin, "/start")

    menu = await agree(server, CLIENT, ahmad, "fa")
    assert "write" in button_data(menu)
    [prompt] = await press(server, CLIENT, ahmad, menu["message_id"], "write")
    assert FA._("Write your message to the KIM team.") in prompt["text"]

    [receipt] = await say(server, CLIENT, ahmad, "سلام، نامه‌ای از جاب‌سنتر دارم")
    assert FA._("Thank you. Your message has arrived.") in receipt["text"]
    [relayed] = await server.wait_for(STAFF, admin.id, count=1, timeout=10)
    assert relayed["text"].startswith("✉️ Nachricht von Person Nr. 1 · Persisch")
    assert "سلام، نامه‌ای از جاب‌سنتر دارم" in relayed["text"]
    assert "km_re:1" in button_data(relayed)

    server.user_sends_unsupported(CLIENT, ahmad, "photo")
    [sent_too] = await server.wait_for(CLIENT, ahmad.id, count=1, timeout=10)
    assert sent_too["text"] == FA._("✓ Sent to KIM.")
    [photo] = await server.wait_for(STAFF, admin.id, count=1, timeout=10)
    assert photo.get("photo"), "the letter arrives as a picture in the staff chat"
    assert photo["text"].endswith("📷 Foto")
    letter = server.file(photo["photo"]["file_id"])
    assert letter.token == STAFF  # sent by the staff bot, not forwarded from the client bot

    await system.outbox.idle()  # it records where the relayed messages went after its batch
    assert all(m.staff_message_id for m in await rows(system, KimMessage))
    server.user_sends_text(STAFF, admin, "Bitte bringen Sie den Brief mit.",
                           reply_to=relayed["message_id"])
    [confirmed] = await server.wait_for(STAFF, admin.id, count=1, timeout=10)
    assert confirmed["text"].startswith("✅ Gesendet an Gespräch Nr. 1")
    [answer] = await server.wait_for(CLIENT, ahmad.id, count=1, timeout=10)
    assert answer["text"].startswith(FA._("Message from your KIM case manager (in German):"))
    assert "Bitte bringen Sie den Brief mit." in answer["text"]

    [templates] = await press(server, STAFF, admin, relayed["message_id"], "km_tpl:1")
    [done] = await press(server, STAFF, admin, templates["message_id"], "km_t:1_got")
    assert done["text"].startswith("✅ Gesendet an Gespräch Nr. 1")
    [template] = await server.wait_for(CLIENT, ahmad.id, count=1, timeout=10)
    assert template["text"] == FA._("I have received your documents. Thank you.")

    # The chat page shows the whole exchange: what the staff chat holds, the letter as a picture.
    async with aiohttp.ClientSession() as page:
        async with page.get(f"{server.url}/sandbox/history",
                            params={"bot": STAFF, "chat": str(admin.id)}) as response:
            shown = (await response.json())["messages"]
        picture = next(m for m in shown if m.get("photo"))
        async with page.get(f"{server.url}/sandbox/files/{picture['photo']['file_id']}",
                            params={"inline": "1"}) as response:
            assert response.content_type.startswith("image/")
    texts = [m["text"] or "" for m in shown]
    assert any("سلام، نامه‌ای از جاب‌سنتر دارم" in t for t in texts)
    assert any(t.startswith("✅ Gesendet an Gespräch Nr. 1") for t in texts)

    [ask] = await say(server, CLIENT, ahmad, "/delete")
    [gone] = await press(server, CLIENT, ahmad, ask["message_id"], "delete:yes")
    assert FA._("Done. We deleted all your data. Write /start if you want to begin again.") \
        in gone["text"]
    assert await rows(system, KimMessage) == [] and await rows(system, KimConversation) == []

    await system.outbox.idle()
    chat = server.bot(STAFF).chat(admin.id)
    assert all(chat.messages[m["message_id"]].deleted for m in (relayed, photo))
