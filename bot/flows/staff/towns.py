"""Town names for staff texts: codes are stored, names are shown."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CatalogueTown


async def town_names(session: AsyncSession, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {town for town in ids if town}
    if not wanted:
        return {}
    found = await session.execute(
        select(CatalogueTown.id, CatalogueTown.name).where(CatalogueTown.id.in_(wanted)))
    names = {town_id: name for town_id, name in found}
    return {town: names.get(town, town) for town in wanted}
