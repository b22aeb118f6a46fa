"""The catalogue index in memory, rebuilt only when a new import has landed."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.routing import CatalogueIndex
from storage.catalogue_repo import load_catalogue
from storage.repositories import catalogue_stamp


class CatalogueCache:
    """One per process. Every lookup costs one small query (has anything been imported since?);
    the index itself is built once per import, not per question."""

    def __init__(self) -> None:
        self._index: CatalogueIndex | None = None
        self._stamp: tuple[int, int, datetime | None] | None = None
        self._rebuilding = asyncio.Lock()

    async def index(self, session: AsyncSession) -> CatalogueIndex:
        stamp = await catalogue_stamp(session)
        if self._index is not None and stamp == self._stamp:
            return self._index
        async with self._rebuilding:
            if self._index is None or stamp != self._stamp:
                self._index = CatalogueIndex(await load_catalogue(session))
                self._stamp = stamp
        return self._index
