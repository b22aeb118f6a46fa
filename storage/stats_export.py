"""The rows of the monthly statistics export, as codes and numbers; the staff bot's
export (bot/flows/staff/export/files.py) labels them in German and writes CSV or XLSX. Read
only; callers own the transaction.

Sheet "Beratungen" (one row per town and case manager, plus totals), in this order:
- for each town (by name, entries without a town last): a PERSON row per member who counted
  there, then the town's TOWN_TOTAL;
- a PERSON_TOTAL row for each member who counted in several towns (all their towns together);
- one TOTAL row.
Kurzberatungen and CM cases carry a town, so they split by town. The workload share (FTE) and
the appointments kept and missed belong to a person, not to a town (an appointment carries an
office), so they appear only on rows that stand for a whole person (`person_level`): the PERSON
row of a member with one town, the PERSON_TOTAL of a member with several, and the TOTAL.
Summing the Kurzberatungen, topic, channel, CM case or caseload column over the PERSON rows
gives the TOTAL's figure.

Sheet "Nachfrage": the finder's anonymous demand of the month per town and topic, how often
it was asked and how often no offer was found (evidence of gaps for the system level).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.counting import default_town
from storage.demand import demand_for_month
from storage.models import CatalogueTown, StaffMember, StaffRole
from storage.stats import Figures, MonthStats, month_stats


class RowKind(StrEnum):
    PERSON = "person"  # one member in one town
    PERSON_TOTAL = "person_total"  # a member with several towns: all of them
    TOWN_TOTAL = "town_total"
    TOTAL = "total"


@dataclass(frozen=True)
class ExportRow:
    kind: RowKind
    town_id: str  # "" for no town (and for the person and overall totals)
    member_name: str  # "" on town and overall totals
    figures: Figures
    person_level: bool  # FTE and appointments belong on this row
    fte: float | None = None  # case managers' share of a full-time post, summed on TOTAL


@dataclass(frozen=True)
class DemandLine:
    town_id: str
    topic: str
    asked: int
    no_offer: int  # the finder found no fitting office


@dataclass(frozen=True)
class MonthExport:
    month: date  # the first day
    title: str  # the Kreis, a person, or "alle Kreise"
    rows: list[ExportRow]
    demand: list[DemandLine]
    town_names: dict[str, str]  # every town id in rows and demand -> its catalogue name


async def build_export(session: AsyncSession, *, month: date, start: datetime, end: datetime,
                       members: Sequence[StaffMember], title: str, region_id: str | None,
                       demand_towns: Collection[str] | None) -> MonthExport:
    """The export of `members`' figures in [start, end) and the month's finder demand in
    `region_id` (None: every region), limited to `demand_towns` if given."""
    stats = await month_stats(session, members, start, end)
    rows = await _rows(session, members, stats)
    demand = await _demand(session, month, region_id, demand_towns)
    names = await _town_names(session, {row.town_id for row in rows}
                              | {line.town_id for line in demand})
    rows = _ordered(rows, names)
    demand.sort(key=lambda line: (_town_key(line.town_id, names), -line.asked, line.topic))
    return MonthExport(month, title, rows, demand, names)


def _shown(member: StaffMember, figures: Figures) -> bool:
    """Every active case manager appears (a month of zeros is a figure too); anyone else
    only with something counted."""
    active_manager = member.active and member.role == StaffRole.CASE_MANAGER.value
    return active_manager or bool(figures.short or figures.cases_running or figures.kept
                                  or figures.missed)


async def _rows(session: AsyncSession, members: Sequence[StaffMember],
                stats: MonthStats) -> list[ExportRow]:
    rows: list[ExportRow] = []
    posts = 0.0
    for member in members:
        own = stats.per_member[member.id]
        if not _shown(member, own):
            continue
        towns = sorted(town for member_id, town in stats.per_member_town
                       if member_id == member.id)
        fte = member.fte if member.role == StaffRole.CASE_MANAGER.value else None
        posts += fte or 0
        if len(towns) <= 1:
            town = towns[0] if towns else (await default_town(session, member) or "")
            rows.append(ExportRow(RowKind.PERSON, town, member.display_name, own, True, fte))
            continue
        rows += [ExportRow(RowKind.PERSON, town, member.display_name,
                           stats.per_member_town[(member.id, town)], False) for town in towns]
        rows.append(ExportRow(RowKind.PERSON_TOTAL, "", member.display_name, own, True, fte))
    for town in {row.town_id for row in rows if row.kind is RowKind.PERSON}:
        rows.append(ExportRow(RowKind.TOWN_TOTAL, town, "",
                              stats.per_town.get(town, Figures()), False))
    # The posts of the case managers shown, so the total is the sum of the column above.
    rows.append(ExportRow(RowKind.TOTAL, "", "", stats.total, True, round(posts, 2) or None))
    return rows


def _town_key(town_id: str, names: dict[str, str]) -> tuple[bool, str]:
    return (not town_id, names.get(town_id, town_id).casefold())


def _ordered(rows: list[ExportRow], names: dict[str, str]) -> list[ExportRow]:
    """Towns by name, each: its people by name, then its total; then people with several
    towns, then the overall total."""
    def key(row: ExportRow) -> tuple:
        if row.kind is RowKind.TOTAL:
            return (2,)
        if row.kind is RowKind.PERSON_TOTAL:
            return (1, row.member_name.casefold())
        return (0, _town_key(row.town_id, names), row.kind is RowKind.TOWN_TOTAL,
                row.member_name.casefold())
    return sorted(rows, key=key)


async def _demand(session: AsyncSession, month: date, region_id: str | None,
                  towns: Collection[str] | None) -> list[DemandLine]:
    """The month's demand per town and topic; languages are added up (the export is about
    where offers are missing, `kimbot offices demand` has the full detail)."""
    asked: dict[tuple[str, str], int] = defaultdict(int)
    missing: dict[tuple[str, str], int] = defaultdict(int)
    for row in await demand_for_month(session, month.year, month.month):
        if region_id is not None and row.region_id != region_id:
            continue
        if towns is not None and row.town_id not in towns:
            continue
        asked[(row.town_id, row.topic)] += row.count
        if not row.offer_found:
            missing[(row.town_id, row.topic)] += row.count
    return [DemandLine(town, topic, count, missing[(town, topic)])
            for (town, topic), count in asked.items()]


async def _town_names(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    wanted = {town for town in ids if town}
    if not wanted:
        return {}
    found = dict((await session.execute(
        select(CatalogueTown.id, CatalogueTown.name).where(CatalogueTown.id.in_(wanted)))).all())
    # A town no longer in the catalogue (a re-import renamed it) still shows, as its code.
    return {town: found.get(town, town) for town in wanted}
