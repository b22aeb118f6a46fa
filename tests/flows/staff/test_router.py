"""The staff bot: registered, active staff only; German throughout."""

from __future__ import annotations

from bot.flows.events import BotKind
from bot.flows.staff import texts
from storage.models import StaffRole
from storage.repositories import Staff
from tests.support.common import text


async def register(db, clock, telegram_id: int, role=StaffRole.CASE_MANAGER,
                   active: bool = True) -> None:
    async with db.transaction() as session:
        member = await Staff(session).add(telegram_id, "Frau Beispiel", role, clock.now())
        member.active = active


async def test_unknown_accounts_get_a_polite_german_refusal(chat_factory):
    chat = chat_factory(user_id=12345, language_code="ar", bot=BotKind.STAFF)
    refusal = texts.NOT_REGISTERED.format(telegram_id=12345)
    assert "Telegram-ID: 12345" in refusal  # what the admin needs to register the account
    for attempt in ("/start", "hallo", "/ich"):
        assert text(await chat.send(attempt)) == refusal
    assert text(await chat.send_unsupported("photo")) == refusal
    assert text(await chat.press("anything")) == refusal


async def test_a_deactivated_account_learns_nothing(chat_factory, sqlite_db, clock):
    await register(sqlite_db, clock, 222, active=False)
    chat = chat_factory(user_id=222, bot=BotKind.STAFF)
    assert text(await chat.send("/ich")) == texts.NOT_REGISTERED.format(telegram_id=222)


async def test_registered_staff_are_welcomed_with_their_role(chat_factory, sqlite_db, clock):
    await register(sqlite_db, clock, 333, StaffRole.COORDINATION)
    chat = chat_factory(user_id=333, language_code="en", bot=BotKind.STAFF)
    welcome = text(await chat.send("/start"))
    assert welcome.startswith("Willkommen, Frau Beispiel! Sie sind angemeldet: Koordination.")
    assert "/hilfe" in welcome
    me = text(await chat.send("/ich"))
    assert "Telegram-ID: 333" in me and "23.11.2026" in me
    assert text(await chat.send_unsupported("voice")) == texts.UNSUPPORTED
    assert text(await chat.send("was geht")) == texts.UNKNOWN
