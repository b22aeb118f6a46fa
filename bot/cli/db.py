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
    from storage.migrate import upgrade as do_upgrade

    settings = load_settings()
    do_upgrade(settings.database_url)
    click.echo("Database is up to date.")


@db.command()
def current() -> None:
    """Show the schema revision of the database."""
    settings = load_settings()

    async def show() -> str | None:
        database = Database(settings.database_url)
        try:
            return await database.current_revision()
        finally:
            await database.dispose()

    click.echo(asyncio.run(show()) or "none (run `kimbot db upgrade`)")
