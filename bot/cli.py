"""The `kimbot` command."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click
from pydantic import ValidationError

from bot.config import Settings
from storage.db import Database, DatabaseNotMigrated

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.models import StaffRole
    from storage.stats_export import MonthExport

log = logging.getLogger("kimbot")
T = TypeVar("T")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        messages = "; ".join(err["msg"] for err in exc.errors())
        raise click.ClickException(f"configuration: {messages}") from exc


# Libraries whose logs would carry secrets or message texts below the given level: httpx logs
# every request URL (which contains the bot token) at INFO; python-telegram-bot and aiogram log
# the token URL, call parameters and received updates (people's texts) at DEBUG.
_LIBRARY_FLOORS = {
    "httpx": logging.WARNING, "httpcore": logging.WARNING, "aiohttp.access": logging.WARNING,
    "aiohttp.client": logging.WARNING, "apscheduler": logging.WARNING,
    "telegram": logging.INFO, "aiogram": logging.INFO,
}


def configure_logging(level: str) -> None:
    """Log at `level`, but never let a library log tokens or message texts, whatever the level."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise click.ClickException(f"unknown log level {level!r}")
    logging.basicConfig(level=numeric, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(numeric)
    for name, floor in _LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, numeric))


@click.group()
@click.version_option(package_name="kimbot", prog_name="kimbot")
def main() -> None:
    """kimbot: the KIM client bot and staff bot."""


@main.command()
def run() -> None:
    """Start both bots and the scheduler; without tokens also the local sandbox."""
    settings = _settings()
    configure_logging(settings.log_level)
    from bot.app import StartupError

    try:
        asyncio.run(_run(settings))
    except (DatabaseNotMigrated, StartupError) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        pass


async def _run(settings: Settings) -> None:
    from bot.app import System

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with System(settings) as system:
        if system.sandbox is not None:
            click.echo(f"\nkimbot sandbox is running. Open {system.sandbox.url}/ in a browser.\n"
                       "Stop with Ctrl+C.\n")
        await stop.wait()


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command()
def upgrade() -> None:
    """Create or migrate the schema to this version."""
    from storage.migrate import head_revision
    from storage.migrate import upgrade as do_upgrade

    settings = _settings()
    before = asyncio.run(_current_revision(settings.database_url))
    do_upgrade(settings.database_url)
    click.echo(upgrade_report(before, head_revision(), settings.database_url))


def upgrade_report(before: str | None, after: str | None, url: str) -> str:
    """What `db upgrade` did, in one line an operator can act on."""
    from sqlalchemy.engine import make_url

    where = make_url(url).render_as_string(hide_password=True)
    if before is None:
        return f"Created the database at revision {after} ({where})."
    if before == after:
        return f"Database is up to date (revision {after})."
    return f"Upgraded the database from revision {before} to {after}."


async def _current_revision(url: str) -> str | None:
    database = Database(url)
    try:
        return await database.current_revision()
    finally:
        await database.dispose()


@db.command()
def current() -> None:
    """Show the schema revision of the database."""
    settings = _settings()
    revision = asyncio.run(_current_revision(settings.database_url))
    click.echo(revision or "none (run `kimbot db upgrade`)")

@main.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add-admin")
@click.option("--telegram-id", type=int, required=True,
              help="The admin's numeric Telegram user id.")
@click.option("--name", required=True, help="Display name, e.g. 'A. Admin (KI)'.")
def add_admin(telegram_id: int, name: str) -> None:
    """Register the first admin (later staff join by invitation)."""
    from storage.models import StaffRole

    member_id = _add_staff(telegram_id, name, StaffRole.ADMIN)
    click.echo(f"Admin {name.strip()} registered (staff id {member_id}).")


_ROLES = ("admin", "coordination", "case_manager", "volunteer", "partner")


@staff.command("add")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
@click.option("--name", required=True, help="Display name, e.g. 'S. Kaya (KIM Odenthal)'.")
@click.option("--role", type=click.Choice(_ROLES), required=True)
@click.option("--region", default=None, help="Kreis (catalogue region id).")
@click.option("--towns", default=None, help="Town ids, comma-separated: a,b (first = default).")
@click.option("--fte", type=float, default=None,
              help="Case managers: share of a full-time post, e.g. 0.5 or 1.0.")
def staff_add(telegram_id: int, name: str, role: str, region: str | None, towns: str | None,
              fte: float | None) -> None:
    """Register a staff member with a role (case managers then need a workplace)."""
    from storage.models import StaffRole

    member_id = _add_staff(telegram_id, name, StaffRole(role), region, _town_list(towns), fte)
    click.echo(f"{name.strip()} registered as {role} (staff id {member_id}).")


@staff.command("update")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
@click.option("--region", default=None, help="Kreis (catalogue region id).")
@click.option("--towns", default=None, help="Town ids, comma-separated: a,b (first = default).")
@click.option("--fte", type=float, default=None, help="Share of a full-time post (0.5, 1.0).")
def staff_update(telegram_id: int, region: str | None, towns: str | None,
                 fte: float | None) -> None:
    """Change a member's Kreis, towns or workload share (options left out keep their value)."""
    from bot.appointments.setup import SetupError, check_fte, resolve_area
    from storage.repositories import Staff

    async def write(session: AsyncSession) -> str:
        member = await Staff(session).by_telegram_id(telegram_id)
        if member is None:
            raise SetupError(f"no staff member with Telegram id {telegram_id}")
        check_fte(fte)
        if region is not None or towns is not None:
            given = _town_list(towns) if towns is not None else tuple(member.towns or ())
            member.region_id, chosen = await resolve_area(session, region or member.region_id,
                                                          given)
            member.towns = list(chosen)
        if fte is not None:
            member.fte = fte
        return (f"{member.display_name}: Kreis {member.region_id or '-'}, towns "
                f"{', '.join(member.towns or []) or '-'}, FTE {member.fte or '-'}")

    click.echo(_in_transaction(_settings(), write))


@staff.command("invite")
@click.option("--role", type=click.Choice(_ROLES), required=True)
@click.option("--region", default=None, help="Kreis (catalogue region id); default: the towns'.")
@click.option("--towns", default=None, help="Town ids, comma-separated: a,b")
@click.option("--name", default=None, help="Display name; without it the person is asked.")
@click.option("--fte", type=float, default=None, help="Case managers: share of a full-time post.")
@click.option("--days", type=click.IntRange(1, 60), default=7, show_default=True,
              help="Days the code stays valid.")
def staff_invite(role: str, region: str | None, towns: str | None, name: str | None,
                 fte: float | None, days: int) -> None:
    """Create a one-time invitation code; opening it in the staff bot registers the account."""
    from datetime import timedelta

    from bot.appointments.setup import SetupError, check_fte, resolve_area
    from scheduler.clock import SystemClock
    from storage.invitations import create_invitation
    from storage.models import StaffRole

    settings = _settings()
    display = name.strip() if name else None
    if display is not None and not 0 < len(display) <= 100:
        raise click.ClickException("the name must have 1 to 100 characters")

    async def write(session: AsyncSession) -> tuple[str, str]:
        check_fte(fte)
        if fte is not None and role != StaffRole.CASE_MANAGER.value:
            raise SetupError("--fte is for case managers")
        area, chosen = await resolve_area(session, region, _town_list(towns))
        made = await create_invitation(session, role=StaffRole(role), now=SystemClock().now(),
                                       region_id=area, towns=chosen, display_name=display,
                                       fte=fte, validity=timedelta(days=days))
        return made.code, f"{made.invitation.expires_at:%Y-%m-%d %H:%M} UTC"

    code, until = _in_transaction(settings, write)
    click.echo(f"Invitation for a {role}, valid until {until}, usable once.")
    click.echo(f"Code: {code}")
    if settings.staff_bot_username:
        click.echo(f"Link: https://t.me/{settings.staff_bot_username}?start={code}")
    click.echo(f"Or send the staff bot: /start {code}")


@staff.command("deactivate")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
def staff_deactivate(telegram_id: int) -> None:
    """Deactivate an account: it keeps its history but sees no data any more."""
    from bot.appointments.setup import SetupError
    from scheduler.clock import SystemClock
    from storage.invitations import deactivate
    from storage.repositories import Staff

    async def write(session: AsyncSession) -> str:
        member = await Staff(session).by_telegram_id(telegram_id)
        if member is None:
            raise SetupError(f"no staff member with Telegram id {telegram_id}")
        if member.active:
            await deactivate(session, member, SystemClock().now())
        return member.display_name

    name = _in_transaction(_settings(), write)
    click.echo(f"{name} (Telegram id {telegram_id}) is deactivated.")


@staff.command("reactivate")
@click.option("--telegram-id", type=int, required=True, help="Numeric Telegram user id.")
def staff_reactivate(telegram_id: int) -> None:
    """Switch a deactivated account on again, with its role, Kreis and towns as they were."""
    from bot.appointments.setup import SetupError
    from storage.invitations import reactivate
    from storage.repositories import Staff

    async def write(session: AsyncSession) -> str:
        member = await Staff(session).by_telegram_id(telegram_id)
        if member is None:
            raise SetupError(f"no staff member with Telegram id {telegram_id}")
        if not member.active:
            await reactivate(session, member)
        return member.display_name

    name = _in_transaction(_settings(), write)
    click.echo(f"{name} (Telegram id {telegram_id}) is active.")


def _town_list(towns: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (towns or "").split(",") if t.strip())


@staff.command("workplace")
@click.option("--telegram-id", type=int, required=True, help="The case manager's Telegram id.")
@click.option("--office", "office_id", required=True, help="Office id from the catalogue.")
@click.option("--towns", required=True, help="Town ids served, comma-separated: a,b")
@click.option("--working-hours", required=True,
              help='Bookable working time, e.g. "Mo-Fr 08:00-12:00,13:00-16:00".')
@click.option("--consultation-hours", default=None,
              help="Open consultation (drop-in) hours, not bookable.")
def staff_workplace(telegram_id: int, office_id: str, towns: str, working_hours: str,
                    consultation_hours: str | None) -> None:
    """Create or replace where a case manager works, for which towns, and when."""
    from bot.appointments.setup import WorkplaceInput, set_workplace

    settings = _settings()
    given = WorkplaceInput(telegram_id, office_id.strip(),
                           tuple(t.strip() for t in towns.split(",") if t.strip()),
                           working_hours.strip(),
                           consultation_hours.strip() if consultation_hours else None)

    async def write(session: AsyncSession) -> bool:
        return (await set_workplace(session, given, settings.timezone))[1]

    created = _in_transaction(settings, write)
    click.echo(f"Workplace at {given.office_id} {'added' if created else 'updated'} "
               f"for Telegram id {telegram_id}: {', '.join(given.towns)}.")


def _add_staff(telegram_id: int, name: str, role: StaffRole, region: str | None = None,
               towns: tuple[str, ...] = (), fte: float | None = None) -> int:
    from bot.appointments.setup import add_staff_member, check_fte, resolve_area
    from scheduler.clock import SystemClock

    async def write(session: AsyncSession) -> int:
        check_fte(fte)
        area, chosen = await resolve_area(session, region, towns)
        member = await add_staff_member(session, telegram_id, name, role, SystemClock().now())
        member.region_id, member.towns, member.fte = area, list(chosen), fte
        await session.flush()
        return member.id

    return _in_transaction(_settings(), write)


def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction on the configured, migrated database; a SetupError
    becomes a clean command-line error and nothing is written."""
    from bot.appointments.setup import SetupError

    async def run() -> T:
        database = _database(settings)
        try:
            await database.check_migrated()
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except (DatabaseNotMigrated, SetupError) as exc:
        raise click.ClickException(str(exc)) from None


@main.group()
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

    click.echo(_in_transaction(_settings(), write))


@clearing.command("remove-rule")
@click.option("--town", "town_id", required=True, help="Town id from the catalogue.")
def clearing_remove_rule(town_id: str) -> None:
    """Remove a town's rule: its only case manager, or else the queue, decides again."""
    from bot.intake.clearing_setup import remove_rule

    async def write(session: AsyncSession) -> str:
        return await remove_rule(session, town_id.strip())

    click.echo(_in_transaction(_settings(), write))


@clearing.command("rules")
@click.option("--region", "region_id", default=None, help="Only this Kreis (region id).")
def clearing_rules(region_id: str | None) -> None:
    """Where a new intake from each town goes today: its rule, or what applies without one."""
    from bot.intake.clearing_setup import describe

    async def read(session: AsyncSession) -> list[str]:
        return await describe(session, region_id)

    lines = _in_transaction(_settings(), read)
    click.echo("\n".join(lines) if lines else "No towns: import the catalogue first.")


@main.group()
def offices() -> None:
    """The offer catalogue: offices and services the finder answers with."""


def _database(settings: Settings) -> Database:
    return Database(settings.database_url)


@offices.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def offices_import(files: tuple[str, ...]) -> None:
    """Check FILES (YAML and CSV, see docs/catalogue-format.md), then import them together.

    Every problem is listed with file, line and field; if there is any, nothing is imported.
    Each region in the files replaces that region's stored catalogue.
    """
    from scheduler.clock import SystemClock
    from storage.catalogue_io import CatalogueImportError, import_catalogue

    settings = _settings()

    async def run() -> str:
        database = _database(settings)
        try:
            await database.check_migrated()
            return str(await import_catalogue(database, files, SystemClock().now()))
        finally:
            await database.dispose()

    try:
        report = asyncio.run(run())
    except (DatabaseNotMigrated, CatalogueImportError) as exc:
        raise click.ClickException(str(exc)) from None
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

    settings = _settings()

    async def run() -> str:
        database = _database(settings)
        try:
            await database.check_migrated()
            chosen = region_id
            if chosen is None:
                async with database.transaction() as session:
                    stored = [region.id for region, _, _ in await load_catalogue(session)]
                if len(stored) != 1:
                    raise click.ClickException(
                        "choose a region with --region: " + (", ".join(stored) or "none stored"))
                chosen = stored[0]
            return await export_catalogue(database, chosen, fmt)  # type: ignore[arg-type]
        finally:
            await database.dispose()

    try:
        text = asyncio.run(run())
    except (DatabaseNotMigrated, LookupError) as exc:
        raise click.ClickException(str(exc)) from None
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
def offices_booking_rules(office_id: str, reminder_minutes: str | None,
                          **minutes: int | None) -> None:
    """Set an office's appointment durations, buffer, lead time and reminder times (options
    left out keep their value)."""
    from bot.appointments.setup import parse_reminder_minutes, set_booking_rules

    try:
        reminders = (None if reminder_minutes is None
                     else parse_reminder_minutes(reminder_minutes))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--reminder-minutes") from None

    async def write(session: AsyncSession) -> str:
        rules = await set_booking_rules(session, office_id.strip(), minutes, reminders)
        reminded = ", ".join(str(m) for m in rules.reminder_minutes) or "none"
        return (f"first interview {rules.first_interview_minutes} min, follow-up "
                f"{rules.follow_up_minutes} min, buffer {rules.buffer_minutes} min, "
                f"lead time {rules.lead_time_minutes} min, reminders {reminded} min before")

    summary = _in_transaction(_settings(), write)
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
    settings = _settings()

    async def run() -> list:
        database = _database(settings)
        try:
            await database.check_migrated()
            async with database.transaction() as session:
                return await demand_for_month(session, year, number)
        finally:
            await database.dispose()

    try:
        rows = asyncio.run(run())
    except DatabaseNotMigrated as exc:
        raise click.ClickException(str(exc)) from None
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["month", "region", "town", "topic", "language", "offer_found", "count"])
    for row in rows:
        writer.writerow([month, row.region_id, row.town_id, row.topic, row.language,
                         "yes" if row.offer_found else "no", row.count])


@main.group()
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
    settings = _settings()
    export = _in_transaction(settings, lambda session: _month_export(
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


@main.command()
@click.option("--since", help="Only entries from this day on (YYYY-MM-DD, UTC).")
@click.option("--client-id", type=int, help="Only entries about this client record.")
def audit(since: str | None, client_id: int | None) -> None:
    """Show the access log: which staff member saw or changed which client's data, when."""
    from datetime import UTC, datetime

    from storage.audit import entries

    start = None
    if since:
        try:
            start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--since") from None

    async def read(session: AsyncSession) -> list[str]:
        return [f"{entry.at:%Y-%m-%d %H:%M:%S}Z  staff {entry.staff_member_id or '-'}  "
                f"client {entry.client_id or '-'}  {entry.action}"
                for entry in await entries(session, start, client_id)]

    lines = _in_transaction(_settings(), read)
    click.echo("\n".join(lines) if lines else "No entries.")


def _register_groups() -> None:
    # Command groups that live in modules of their own; imported here, after `main` exists.
    from bot.flyer_cli import flyer
    from bot.outbox_cli import outbox

    main.add_command(outbox)
    main.add_command(flyer)


_register_groups()


if __name__ == "__main__":
    sys.exit(main())
