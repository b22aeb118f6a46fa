"""`kimbot db ...`: create, migrate and inspect the database schema."""

from __future__ import annotations

import asyncio

import click

from bot.cli.common import load_settings
from storage.db import Database


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command()
def upgrade() -> None:
    """Create or migrate the schema to this version."""
    from storage.migrate import head_revision
    from storage.migrate import upgrade as do_upgrade

    settings = load_settings()
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
    settings = load_settings()
    revision = asyncio.run(_current_revision(settings.database_url))
    click.echo(revision or "none (run `kimbot db upgrade`)")
