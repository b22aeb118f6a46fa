"""Helpers for the digest and after-appointment tests: change rows directly, read what the
jobs wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from storage.db import Database
from storage.models import AccessLog, Appointment, Client, OutboxMessage, StaffMember

BERLIN = "Europe/Berlin"


async def set_member(db: Database, member_id: int, **values: Any) -> None:
    async with db.transaction() as session:
        await session.execute(update(StaffMember).where(StaffMember.id == member_id)
                              .values(**values))


async def member(db: Database, member_id: int) -> StaffMember:
    async with db.transaction() as session:
        found = await session.get(StaffMember, member_id)
        assert found is not None
        return found


async def set_client(db: Database, client_id: int, **values: Any) -> None:
    async with db.transaction() as session:
        await session.execute(update(Client).where(Client.id == client_id).values(**values))


async def set_appointment(db: Database, appointment_id: int, **values: Any) -> None:
    async with db.transaction() as session:
        await session.execute(update(Appointment).where(Appointment.id == appointment_id)
                              .values(**values))


async def messages_to(db: Database, chat_id: int, bot: str = "staff") -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id,
                                        OutboxMessage.bot == bot)
            .order_by(OutboxMessage.id)))


async def clear_outbox(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(delete(OutboxMessage))


async def access_log(db: Database) -> list[tuple[int | None, int | None, str]]:
    async with db.transaction() as session:
        return [(e.staff_member_id, e.client_id, e.action) for e in await session.scalars(
            select(AccessLog).order_by(AccessLog.id))]
