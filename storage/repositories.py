"""Queries the flows need, one small class per table. Callers own the transaction."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Select,
    String,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.models import (
    CatalogueOffice,
    CatalogueRegion,
    Client,
    ClientOrigin,
    ConversationState,
    InstanceSecret,
    StaffMember,
    StaffRole,
)
from storage.types import UTCDateTime


async def load_state_key(session: AsyncSession) -> bytes:
    value = await session.scalar(
        select(InstanceSecret.value).where(InstanceSecret.name == "state_key"))
    if value is None:
        raise RuntimeError("instance secret missing: run `kimbot db upgrade`")
    return bytes.fromhex(value)


def state_key(secret: bytes, bot: str, chat_id: int) -> str:
    """The conversation-state key for a chat: a keyed hash, so the table holds no chat ids."""
    return hmac.new(secret, f"{bot}:{chat_id}".encode(), hashlib.sha256).hexdigest()


Person = Client | StaffMember


@dataclass(frozen=True)
class StoredState:
    step: str
    language: str | None
    data: dict[str, Any]
    expires_at: datetime


def _chat_query(person_model: type[Client] | type[StaffMember]) -> Select[Any]:
    # Built once with bind parameters: constructing this join and its cache key per event
    # would cost more than running it.
    states = ConversationState.__table__
    anchor = select(literal(1).label("anchor")).subquery()
    return (select(states.c.step, states.c.language, states.c.data, states.c.expires_at,
                   person_model)
            .select_from(anchor)
            .outerjoin(states, states.c.key == bindparam("state_key"))
            .outerjoin(person_model, person_model.telegram_id == bindparam("telegram_id")))


_CHAT_QUERIES = {Client: _chat_query(Client), StaffMember: _chat_query(StaffMember)}


async def load_chat(session: AsyncSession, key: str, person_model: type[Client] | type[StaffMember],
                    telegram_id: int) -> tuple[StoredState | None, Person | None]:
    """The chat's stored state and the person writing, in one round trip.

    Every event needs both; one outer-joined query instead of two halves the database hops,
    which is most of the cost of an event on SQLite.
    """
    row = (await session.execute(_CHAT_QUERIES[person_model],
                                 {"state_key": key, "telegram_id": telegram_id})).one()
    step, language, data, expires_at, person = row
    state = None if step is None else StoredState(step, language, data or {}, expires_at)
    return state, person


class Clients:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> Client | None:
        return await self.session.scalar(select(Client).where(Client.telegram_id == telegram_id))

    async def record_consent(self, telegram_id: int, language: str, version: str,
                             now: datetime) -> Client:
        client = await self.by_telegram_id(telegram_id)
        if client is None:
            client = Client(telegram_id=telegram_id, language=language, consent_at=now,
                            consent_version=version, created_at=now, last_seen_at=now)
            self.session.add(client)
        else:
            client.language, client.consent_at, client.consent_version = language, now, version
            client.last_seen_at = now
        await self.session.flush()
        return client

    async def add_by_phone(self, alias: str, phone: str | None, language: str, version: str,
                           now: datetime) -> Client:
        """A person who phoned and agreed, on the phone, to the privacy notice `version`."""
        client = Client(telegram_id=None, alias=alias, phone=phone, language=language,
                        origin=ClientOrigin.PHONE.value, consent_at=now, consent_version=version,
                        created_at=now, last_seen_at=now)
        self.session.add(client)
        await self.session.flush()
        return client

    async def erase(self, telegram_id: int) -> bool:
        """Delete the client row. Tables added later that hold client data must be erased here
        too (or hang off clients with ON DELETE CASCADE); the /delete tests check every table."""
        result = await self.session.execute(
            delete(Client).where(Client.telegram_id == telegram_id))
        # Messages still waiting for the person's chat hold their chat id and text.
        await outbox.forget_chat(self.session, "client", telegram_id)
        return bool(result.rowcount)


_STATE_VALUES = {
    "step": bindparam("v_step", type_=String()),
    "language": bindparam("v_language", type_=String()),
    "data": bindparam("v_data", type_=JSON()),
    "updated_at": bindparam("v_updated_at", type_=UTCDateTime()),
    "expires_at": bindparam("v_expires_at", type_=UTCDateTime()),
}
_STATES = ConversationState.__table__
_UPDATE_STATE = (update(_STATES).where(_STATES.c.key == bindparam("v_key"))
                 .values(**_STATE_VALUES))
_INSERT_STATE = insert(_STATES).values(key=bindparam("v_key"), bot=bindparam("v_bot"),
                                       **_STATE_VALUES)


class ConversationStates:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, key: str, bot: str, step: str, language: str | None,
                   data: dict[str, Any], now: datetime, ttl: timedelta) -> None:
        """Write the state: update the row, or insert it when there is none (any more).

        Update first because it is the common case; a row the purge job removed since it was
        read makes the update match nothing, and then the insert keeps the new step.
        """
        params = {"v_key": key, "v_bot": bot, "v_step": step, "v_language": language,
                  "v_data": dict(data), "v_updated_at": now, "v_expires_at": now + ttl}
        result = await self.session.execute(_UPDATE_STATE, params)
        if not result.rowcount:
            await self.session.execute(_INSERT_STATE, params)

    async def delete(self, key: str) -> None:
        await self.session.execute(delete(ConversationState).where(ConversationState.key == key))

    async def purge_expired(self, now: datetime) -> int:
        result = await self.session.execute(
            delete(ConversationState).where(ConversationState.expires_at <= now))
        return result.rowcount or 0


class Staff:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> StaffMember | None:
        return await self.session.scalar(
            select(StaffMember).where(StaffMember.telegram_id == telegram_id))

    async def add(self, telegram_id: int | None, display_name: str, role: StaffRole,
                  now: datetime) -> StaffMember:
        member = StaffMember(telegram_id=telegram_id, display_name=display_name,
                             role=role.value, active=True, created_at=now)
        self.session.add(member)
        await self.session.flush()
        return member

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(StaffMember)) or 0


async def catalogue_stamp(session: AsyncSession) -> tuple[int, int, datetime | None]:
    """Changes whenever a catalogue import lands: (regions, offices, latest import time).
    One statement: it runs on every finder step."""
    offices = select(func.count(CatalogueOffice.id)).scalar_subquery()
    regions, office_count, latest = (await session.execute(
        select(func.count(CatalogueRegion.id), offices,
               func.max(CatalogueRegion.imported_at)))).one()
    if isinstance(latest, datetime) and latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    return int(regions), int(office_count or 0), latest
