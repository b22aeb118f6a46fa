"""Small helpers for reading outcomes and database contents in tests."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from bot.flows.events import Button, Outcome
from storage.db import Database
from storage.models import Base

Row = TypeVar("Row", bound=Base)


def buttons(outcome: Outcome) -> list[Button]:
    return [b for reply in outcome.replies for row in reply.buttons for b in row]


def actions(outcome: Outcome) -> list[str]:
    return [b.action for b in buttons(outcome)]


def text(outcome: Outcome) -> str:
    return "\n".join(reply.text for reply in outcome.replies)


async def rows_of(db: Database, model: type[Row]) -> list[Row]:
    """Every row of one model, in the order they were written (by primary key)."""
    async with db.transaction() as session:
        return list(await session.scalars(
            select(model).order_by(*model.__mapper__.primary_key)))


async def all_rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the models know, as dicts."""
    found: dict[str, list[dict[str, Any]]] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            result = await session.execute(select(table))
            found[table.name] = [dict(row._mapping) for row in result]
    return found


async def rows_mentioning(db: Database, value: int) -> list[tuple[str, dict[str, Any]]]:
    """Rows in any table with a column equal to `value` (as number or text)."""
    hits = []
    for table, table_rows in (await all_rows(db)).items():
        for row in table_rows:
            if any(v == value or v == str(value) for v in row.values()):
                hits.append((table, row))
    return hits


class VirtualTime:
    """A monotonic clock and a sleep that only pretend: sleeping moves the time (and the
    FixedClock given, so database deadlines move along) without waiting."""

    def __init__(self, clock: Any = None) -> None:
        self.now = 1000.0
        self.clock = clock
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        from datetime import timedelta

        self.slept.append(seconds)
        self.now += seconds
        if self.clock is not None:
            self.clock.advance(timedelta(seconds=seconds))
