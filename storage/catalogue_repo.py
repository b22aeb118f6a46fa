"""Reading and replacing the stored offer catalogue. Callers own the transaction.

The database keeps each office as its validated document (`Office.model_dump(mode="json")`);
reading validates it again, so the finder only ever sees well-formed models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.model import Office, Region, Town
from storage.models import CatalogueOffice, CatalogueRegion, CatalogueTown

Catalogue = list[tuple[Region, list[Town], list[Office]]]


async def load_catalogue(session: AsyncSession, region_id: str | None = None) -> Catalogue:
    """Every stored region (or just `region_id`) with its towns and offices in file order."""
    regions = select(CatalogueRegion).order_by(CatalogueRegion.id)
    towns = select(CatalogueTown).order_by(CatalogueTown.region_id, CatalogueTown.position)
    offices = select(CatalogueOffice).order_by(CatalogueOffice.region_id,
                                               CatalogueOffice.position)
    if region_id is not None:
        regions = regions.where(CatalogueRegion.id == region_id)
        towns = towns.where(CatalogueTown.region_id == region_id)
        offices = offices.where(CatalogueOffice.region_id == region_id)
    towns_by_region: dict[str, list[Town]] = {}
    for town in await session.scalars(towns):
        towns_by_region.setdefault(town.region_id, []).append(Town(id=town.id, name=town.name))
    offices_by_region: dict[str, list[Office]] = {}
    for office in await session.scalars(offices):
        offices_by_region.setdefault(office.region_id, []).append(
            Office.model_validate(office.document))
    return [(Region(id=region.id, name=region.name), towns_by_region.get(region.id, []),
             offices_by_region.get(region.id, []))
            for region in await session.scalars(regions)]


async def has_catalogue(session: AsyncSession) -> bool:
    """Whether any office is stored: a region without offices cannot answer a question."""
    return await session.scalar(select(CatalogueOffice.id).limit(1)) is not None


@dataclass(frozen=True)
class StoredIds:
    """What an import must not collide with: ids are primary keys across all regions."""

    region_names: dict[str, str]
    towns: dict[str, set[str]]  # region id -> its town ids (every stored region has an entry)
    office_regions: dict[str, str]  # office id -> region id


async def stored_ids(session: AsyncSession) -> StoredIds:
    names = dict((await session.execute(select(CatalogueRegion.id, CatalogueRegion.name))).all())
    towns: dict[str, set[str]] = {region: set() for region in names}
    for town_id, region_id in await session.execute(
            select(CatalogueTown.id, CatalogueTown.region_id)):
        towns.setdefault(region_id, set()).add(town_id)
    offices = dict((await session.execute(
        select(CatalogueOffice.id, CatalogueOffice.region_id))).all())
    return StoredIds(names, towns, offices)


@dataclass(frozen=True)
class RegionReplacement:
    """The new content of one region. `towns` None keeps the stored towns (a CSV-only import)."""

    region: Region
    towns: Sequence[Town] | None
    offices: Sequence[Office]


async def replace_regions(session: AsyncSession, replacements: Sequence[RegionReplacement],
                          now: datetime) -> None:
    """Replace towns and offices of each given region; other regions stay as they are.

    Everything is deleted before anything is inserted: a town or office id may move from one
    region of the import to another, and ids are unique across regions.
    """
    for item in replacements:
        region_id = item.region.id
        await session.execute(delete(CatalogueOffice).where(CatalogueOffice.region_id == region_id))
        if item.towns is not None:
            await session.execute(delete(CatalogueTown).where(CatalogueTown.region_id == region_id))
    for item in replacements:
        await _upsert_region(session, item.region, now)
        if item.towns:
            await session.execute(insert(CatalogueTown), [
                {"id": town.id, "region_id": item.region.id, "name": town.name,
                 "position": position}
                for position, town in enumerate(item.towns)])
        if item.offices:
            await session.execute(insert(CatalogueOffice), [
                {"id": office.id, "region_id": item.region.id, "position": position,
                 "document": office.model_dump(mode="json")}
                for position, office in enumerate(item.offices)])


async def _upsert_region(session: AsyncSession, region: Region, now: datetime) -> None:
    # Select-then-write instead of a dialect's ON CONFLICT: the same code on SQLite and
    # PostgreSQL, and the import runs in one transaction anyway.
    exists = await session.scalar(select(CatalogueRegion.id).where(CatalogueRegion.id == region.id))
    if exists is None:
        await session.execute(insert(CatalogueRegion).values(
            id=region.id, name=region.name, imported_at=now))
    else:
        await session.execute(update(CatalogueRegion).where(CatalogueRegion.id == region.id)
                              .values(name=region.name, imported_at=now))
