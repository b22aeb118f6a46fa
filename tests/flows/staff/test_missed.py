"""After a missed appointment: the person gets a kind message with a button to book again (no
sanctions), once, whether it was marked from /heute or from the question after the
appointment; a person without the chat is left to a phone call; the digest lists it."""

from __future__ import annotations

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.flows.staff.digest.content import compose
from bot.i18n import FSI, PDI, translator
from storage.models import AppointmentKind, Channel, StaffMember
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.digest import BERLIN, messages_to
from tests.support.staff import add_appointment, add_client, add_member, add_workplace, local

AR = translator("ar")
MANAGER = 700
PERSON = 9001


def staff(db, clock) -> Chat:
    return Chat(FlowEngine(db, clock, FlowSettings()), MANAGER, "de", BotKind.STAFF)


async def setting(db, telegram_id: int | None = PERSON, phone: str | None = None
                  ) -> tuple[int, int, int]:
    me = await add_member(db, MANAGER, "Frau Kaya")
    await add_workplace(db, me)
    person = await add_client(db, telegram_id=telegram_id, alias="Amal", phone=phone)
    missed = await add_appointment(db, person, me, local(23, 8),
                                   kind=AppointmentKind.FIRST_INTERVIEW,
                                   channel=Channel.IN_PERSON, minutes=60)
    return me, person, missed


async def test_marked_missed_in_heute_the_person_is_invited_kindly_to_book_again(db, clock):
    _, _, missed = await setting(db)
    chat = staff(db, clock)
    await chat.send("/heute")
    marked = await chat.press(f"missed:{missed}")
    assert f"{FSI}Amal{PDI} hat im Chat eine freundliche Nachricht" in text(marked)
    [kind] = await messages_to(db, PERSON, bot="client")
    assert kind.text == "\n".join([
        AR._("We missed you at your appointment on {date} at {time}.",
             date=AR.date(local(23, 8)), time=AR.time(local(23, 8))),
        AR._("That can happen. If you still want help, please choose a new time.")])
    assert kind.buttons == [[[AR._("Book an appointment"), "book"]]] and kind.rtl
    again = await chat.press(f"missed:{missed}")
    assert "ist schon" in text(again)
    assert len(await messages_to(db, PERSON, bot="client")) == 1  # told once


async def test_the_question_after_the_appointment_invites_once_too(db, clock):
    _, _, missed = await setting(db)
    chat = staff(db, clock)
    answered = await chat.press(f"oc_miss:{missed}")
    assert "nicht erschienen ✔️" in text(answered)
    assert "freundliche Nachricht" in text(answered)
    await chat.press(f"oc_miss:{missed}")
    assert len(await messages_to(db, PERSON, bot="client")) == 1


async def test_without_the_chat_the_case_manager_may_phone(db, clock):
    _, _, missed = await setting(db, telegram_id=None, phone="0171 2345678")
    chat = staff(db, clock)
    answered = await chat.press(f"oc_miss:{missed}")
    assert "nutzt den Chat nicht" in text(answered) and "Tel. 0171 2345678" in text(answered)
    assert await messages_to(db, PERSON, bot="client") == []


async def test_the_digest_lists_who_did_not_come(db, clock):
    me, _, missed = await setting(db)
    chat = staff(db, clock)
    await chat.press(f"oc_miss:{missed}")
    async with db.transaction() as session:
        member = await session.get(StaffMember, me)
        # The next morning's digest.
        digest = await compose(session, member, since=local(23, 7), now=local(24, 7, 30),
                               timezone=BERLIN, on_demand=True)
    body = "\n".join(digest.messages)
    assert "🕳 Nicht erschienen (ohne Folgen" in body
    assert f"• Mo 23.11., 08:00 {FSI}Amal{PDI} – Erstgespräch" in body


async def test_the_button_in_the_message_starts_a_booking(db, clock):
    from bot.catalogue.samples import RBK
    from storage.catalogue_io import import_catalogue

    await import_catalogue(db, [RBK], clock.now())
    _, _, missed = await setting(db)
    await staff(db, clock).press(f"oc_miss:{missed}")
    person = Chat(FlowEngine(db, clock, FlowSettings()), PERSON, "ar")
    booking = await person.press("book")
    assert any(a.startswith(("bday:", "btown:", "bplace:")) for a in actions(booking))
