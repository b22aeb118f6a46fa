"""Alembic, driven from code so `kimbot db upgrade` needs no alembic.ini next to it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from storage.urls import normalize_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # Alembic's ini interpolation treats % specially; passwords may contain it.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` to `revision`. Call from synchronous code only."""
    command.upgrade(alembic_config(normalize_url(url)), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(normalize_url(url)), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """`upgrade` for callers already inside an event loop (tests, the sandbox start-up)."""
    await asyncio.to_thread(upgrade, url, revision)
