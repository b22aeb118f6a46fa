"""`kimbot stats ...`: a month's anonymous statistics as a file for the Kreis."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import in_transaction, load_settings

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.stats_export import MonthExport


@click.group()
def stats() -> None:
    """Monthly statistics of Kurzberatungen, CM cases and appointments (anonymous)."""


@stats.command("export")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True, help="xlsx: sheets Beratungen and Nachfrage; csv: Beratungen.")
@click.option("--region", "region_id", default=None,
              help="Kreis (catalogue region id); default: every Kreis in the database.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="File to write (default: kimbot-statistik-YYYY-MM.<format> here).")
def stats_export(month: str, fmt: str, region_id: str | None, output: str | None) -> None:
    """Write a month's statistics: one row per town and case manager, a column per topic
    and per channel, totals; the XLSX adds the finder's anonymous demand."""
    from bot.flows.staff.export.files import Format, file_name, render

    chosen = _month_option(month)
    kind: Format = "csv" if fmt == "csv" else "xlsx"
    settings = load_settings()
    export = in_transaction(settings, lambda session: _month_export(
        session, chosen, region_id, settings.timezone))
    target = output or file_name(chosen, kind)
    content = render(export, kind)  # before opening the file: a failure leaves nothing behind
    with open(target, "wb") as fh:
        fh.write(content)
    click.echo(f"Wrote {target}: {len(export.rows)} rows"
               + (f", {len(export.demand)} demand rows." if kind == "xlsx" else
                  ". The finder demand is only in the XLSX (or: kimbot offices demand)."))


def _month_option(month: str) -> date:
    from bot.flows.staff.months import parse_month

    chosen = parse_month(month)
    if chosen is None:
        raise click.BadParameter("use YYYY-MM, e.g. 2026-10", param_hint="--month")
    return chosen


async def _month_export(session: AsyncSession, month: date, region_id: str | None,
                        timezone: str) -> MonthExport:
    """Every counting member of the Kreis (or of all Kreise), as coordination sees them."""
    from bot.appointments.setup import SetupError
    from bot.flows.staff.access import COUNTING_ROLES
    from bot.flows.staff.months import month_bounds
    from bot.flows.staff.scope import kreis_name
    from storage.models import CatalogueRegion
    from storage.stats import counting_members
    from storage.stats_export import build_export

    if region_id is not None and await session.get(CatalogueRegion, region_id) is None:
        raise SetupError(f"unknown Kreis {region_id!r}")
    start, end = month_bounds(month, timezone)
    members = await counting_members(session, region_id, COUNTING_ROLES)
    return await build_export(session, month=month, start=start, end=end, members=members,
                              title=await kreis_name(session, region_id),
                              region_id=region_id, demand_towns=None)
