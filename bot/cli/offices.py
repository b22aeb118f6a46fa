"""`kimbot offices ...`: import and export the offer catalogue, set an office's booking rules,
and export the finder's anonymous demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import in_transaction, load_settings, on_database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.db import Database


@click.group()
def offices() -> None:
    """The offer catalogue: offices and services the finder answers with."""


@offices.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def offices_import(files: tuple[str, ...]) -> None:
    """Check FILES (YAML and CSV, see docs/catalogue-format.md), then import them together.

    Every problem is listed with file, line and field; if there is any, nothing is imported.
    Each region in the files replaces that region's stored catalogue.
    """
    from scheduler.clock import SystemClock
    from storage.catalogue_io import CatalogueImportError, import_catalogue

    async def run(database: Database) -> str:
        return str(await import_catalogue(database, files, SystemClock().now()))

    report = on_database(load_settings(), run, (CatalogueImportError,))
    click.echo(f"Imported:\n{report}")


@offices.command("export")
@click.option("--region", "region_id", help="Region (Kreis) id; needed if several are stored.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv"]), default="yaml",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def offices_export(region_id: str | None, fmt: str, output: str | None) -> None:
    """Write a stored region's catalogue in the import format."""
    from storage.catalogue_io import export_catalogue
    from storage.catalogue_repo import load_catalogue

    async def run(database: Database) -> str:
        chosen = region_id
        if chosen is None:
            async with database.transaction() as session:
                stored = [region.id for region, _, _ in await load_catalogue(session)]
            if len(stored) != 1:
                raise click.ClickException(
                    "choose a region with --region: " + (", ".join(stored) or "none stored"))
            chosen = stored[0]
        return await export_catalogue(database, chosen, fmt)  # type: ignore[arg-type]

    text = on_database(load_settings(), run, (LookupError,))
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)


@offices.command("booking-rules")
@click.option("--office", "office_id", required=True, help="Office id from the catalogue.")
@click.option("--first-interview-minutes", type=int, default=None, help="Default 60.")
@click.option("--follow-up-minutes", type=int, default=None, help="Default 30.")
@click.option("--buffer-minutes", type=int, default=None,
              help="Kept free around appointments; default 10.")
@click.option("--lead-time-minutes", type=int, default=None,
              help="How far ahead the earliest booking lies; default 120.")
@click.option("--reminder-minutes", default=None,
              help="When people are reminded, minutes before the start, comma-separated; "
                   "default 1440,120 (a day and two hours before); 'none' for no reminders.")
@click.option("--cancel-notice-minutes", type=int, default=None,
              help="Cancelling or moving in the bot needs this much notice; later, people "
                   "are asked to phone; default 1440 (24 hours).")
@click.option("--late-cancel/--no-late-cancel", default=None,
              help="Whether a cancellation with less notice is still taken in the bot (the "
                   "case manager is told it was late); default: taken.")
@click.option("--channels", default=None,
              help="How follow-ups may take place, comma-separated: in_person,phone,video; "
                   "default in_person. First interviews are always in person.")
def offices_booking_rules(office_id: str, reminder_minutes: str | None,
                          late_cancel: bool | None, channels: str | None,
                          **minutes: int | None) -> None:
    """Set an office's appointment durations, buffer, lead time, reminder times, notice for
    cancelling and the ways follow-ups take place (options left out keep their value)."""
    from bot.appointments.setup import parse_channels, parse_reminder_minutes, set_booking_rules

    try:
        reminders = (None if reminder_minutes is None
                     else parse_reminder_minutes(reminder_minutes))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--reminder-minutes") from None
    try:
        ways = None if channels is None else parse_channels(channels)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--channels") from None

    async def write(session: AsyncSession) -> str:
        rules = await set_booking_rules(session, office_id.strip(), minutes, reminders,
                                        late_cancel, ways)
        reminded = ", ".join(str(m) for m in rules.reminder_minutes) or "none"
        late = "taken, case manager told" if rules.late_cancel else "phone only"
        return (f"first interview {rules.first_interview_minutes} min, follow-up "
                f"{rules.follow_up_minutes} min, buffer {rules.buffer_minutes} min, "
                f"lead time {rules.lead_time_minutes} min, reminders {reminded} min before, "
                f"cancel notice {rules.cancel_notice_minutes} min (later: {late}), "
                f"follow-ups {', '.join(rules.channels)}")

    summary = in_transaction(load_settings(), write)
    click.echo(f"Booking rules of {office_id.strip()}: {summary}.")


@offices.command("demand")
@click.option("--month", required=True, help="YYYY-MM")
def offices_demand(month: str) -> None:
    """Anonymous finder demand for a month, as CSV: what was asked where, and whether an
    offer existed. Evidence of gaps for the system level (KIM Systemebene)."""
    import csv
    import re
    import sys

    from storage.demand import demand_for_month

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.ClickException("--month must look like 2026-11")
    year, number = (int(part) for part in month.split("-"))

    async def run(database: Database) -> list:
        async with database.transaction() as session:
            return await demand_for_month(session, year, number)

    rows = on_database(load_settings(), run)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["month", "region", "town", "topic", "language", "offer_found", "count"])
    for row in rows:
        writer.writerow([month, row.region_id, row.town_id, row.topic, row.language,
                         "yes" if row.offer_found else "no", row.count])
