"""`kimbot clearing ...`: which case manager or team gets a new intake from a town."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import in_transaction, load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


@click.group()
def clearing() -> None:
    """Clearing rules: which case manager or team gets a new intake from a town."""


@clearing.command("set-rule")
@click.option("--town", "town_id", required=True, help="Town id from the catalogue.")
@click.option("--staff-telegram-id", type=int, default=None,
              help="New intakes from the town go to this case manager.")
@click.option("--office", "office_id", default=None,
              help="...or to the team of this office (its case managers' workplace).")
@click.option("--queue", is_flag=True, help="...or always to the coordination queue.")
def clearing_set_rule(town_id: str, staff_telegram_id: int | None, office_id: str | None,
                      queue: bool) -> None:
    """Create or replace the clearing rule of one town."""
    from bot.intake.clearing_setup import set_rule
    from scheduler.clock import SystemClock

    async def write(session: AsyncSession) -> str:
        return await set_rule(session, town_id=town_id.strip(), now=SystemClock().now(),
                              staff_telegram_id=staff_telegram_id,
                              office_id=office_id.strip() if office_id else None, queue=queue)

    click.echo(in_transaction(load_settings(), write))


@clearing.command("remove-rule")
@click.option("--town", "town_id", required=True, help="Town id from the catalogue.")
def clearing_remove_rule(town_id: str) -> None:
    """Remove a town's rule: its only case manager, or else the queue, decides again."""
    from bot.intake.clearing_setup import remove_rule

    async def write(session: AsyncSession) -> str:
        return await remove_rule(session, town_id.strip())

    click.echo(in_transaction(load_settings(), write))


@clearing.command("rules")
@click.option("--region", "region_id", default=None, help="Only this Kreis (region id).")
def clearing_rules(region_id: str | None) -> None:
    """Where a new intake from each town goes today: its rule, or what applies without one."""
    from bot.intake.clearing_setup import describe

    async def read(session: AsyncSession) -> list[str]:
        return await describe(session, region_id)

    lines = in_transaction(load_settings(), read)
    click.echo("\n".join(lines) if lines else "No towns: import the catalogue first.")
