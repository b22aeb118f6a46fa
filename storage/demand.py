"""Anonymous finder demand: counts per week, town, topic, language and whether an offer existed.

No user id, no chat, no time: only the week (stored as its Monday). A single day would let
someone with database access line a count of 1 up with a consented person's last contact;
a week makes that far weaker. Small counts in a small town can still point to someone, so
published figures should be aggregated further (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FinderDemand


@dataclass(frozen=True)
class DemandRow:
    region_id: str
    town_id: str
    topic: str
    language: str
    offer_found: bool
    count: int


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week: the finest time the counts keep."""
    return day - timedelta(days=day.weekday())


async def count_demand(session: AsyncSession, day: date, region_id: str, town_id: str,
                       topic: str, language: str, offer_found: bool) -> None:
    """Add one to the week's bucket, creating it if needed (one statement, safe under load)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {"day": week_of(day), "region_id": region_id, "town_id": town_id, "topic": topic,
              "language": language, "offer_found": offer_found, "count": 1}
    stmt = insert(FinderDemand).values(**values).on_conflict_do_update(
        index_elements=["day", "region_id", "town_id", "topic", "language", "offer_found"],
        set_={"count": FinderDemand.count + 1})
    await session.execute(stmt)


async def demand_for_month(session: AsyncSession, year: int, month: int) -> list[DemandRow]:
    """The month's counts (weeks counted in the month of their Monday), largest first."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    total = func.sum(FinderDemand.count).label("total")
    stmt = (select(FinderDemand.region_id, FinderDemand.town_id, FinderDemand.topic,
                   FinderDemand.language, FinderDemand.offer_found, total)
            .where(FinderDemand.day >= first, FinderDemand.day < after)
            .group_by(FinderDemand.region_id, FinderDemand.town_id, FinderDemand.topic,
                      FinderDemand.language, FinderDemand.offer_found)
            .order_by(total.desc(), FinderDemand.town_id, FinderDemand.topic))
    return [DemandRow(*row[:5], int(row[5])) for row in await session.execute(stmt)]



