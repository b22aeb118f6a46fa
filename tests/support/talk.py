"""A Kreis where people write to KIM: the sample catalogue, one case manager for Odenthal, one
coordinator, and a person who agreed and lives in Odenthal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.catalogue.samples import RBK
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from scheduler.clock import FixedClock
from storage.catalogue_io import import_catalogue
from storage.db import Database
from storage.models import Client, KimConversation, KimMessage, StaffRole
from tests.support.chat import Chat
from tests.support.common import rows_of
from tests.support.staff import add_member, add_workplace, set_member

CASE_MANAGER, COORDINATOR, VOLUNTEER = 800, 900, 950


@dataclass
class Kreis:
    engine: FlowEngine
    manager_id: int
    coordinator_id: int

    def staff(self, telegram_id: int = CASE_MANAGER) -> Chat:
        return Chat(self.engine, telegram_id, "de", BotKind.STAFF)


async def kreis(db: Database, clock: FixedClock, engine: FlowEngine) -> Kreis:
    await import_catalogue(db, [RBK], clock.now())
    manager = await add_member(db, CASE_MANAGER, "S. Kaya")
    await add_workplace(db, manager)
    await set_member(db, manager, ["odenthal"], 1.0)
    coordinator = await add_member(db, COORDINATOR, "K. Lang", StaffRole.COORDINATION)
    await set_member(db, coordinator, [], None)
    volunteer = await add_member(db, VOLUNTEER, "E. Hilfe", StaffRole.VOLUNTEER)
    await set_member(db, volunteer, [], None)
    return Kreis(engine, manager, coordinator)


async def person(engine: FlowEngine, db: Database, user_id: int = 4242, language: str = "fa",
                 town: str | None = "odenthal") -> Chat:
    """Someone who chose `language`, agreed to the current notice and lives in `town`."""
    chat = Chat(engine, user_id, language)
    await chat.send("/start")
    await chat.press(f"lang:{language}")
    await chat.press("consent:yes")
    async with db.transaction() as session:
        client = await session.scalar(select(Client).where(Client.telegram_id == user_id))
        client.town = town
    return chat


async def conversations(db: Database) -> list[KimConversation]:
    return await rows_of(db, KimConversation)


async def messages(db: Database) -> list[KimMessage]:
    return await rows_of(db, KimMessage)
