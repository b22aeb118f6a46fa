"""The access log: every time staff see or change a client's data, one row per client.

Written in the same transaction as the access, so an access that happened is logged and a
rolled-back one is not. Administrators read it with `kimbot audit`; it holds ids and an action
code, never the data that was seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AccessLog


def record(session: AsyncSession, *, staff_member_id: int, client_ids: Iterable[int],
           action: str, now: datetime) -> None:
    session.add_all(AccessLog(at=now, staff_member_id=staff_member_id, client_id=client_id,
                              action=action) for client_id in sorted(set(client_ids)))


async def entries(session: AsyncSession, since: datetime | None = None,
                  client_id: int | None = None) -> list[AccessLog]:
    query = select(AccessLog).order_by(AccessLog.at, AccessLog.id)
    if since is not None:
        query = query.where(AccessLog.at >= since)
    if client_id is not None:
        query = query.where(AccessLog.client_id == client_id)
    return list(await session.scalars(query))
