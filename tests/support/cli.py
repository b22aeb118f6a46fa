"""Running the `kimbot` command in tests: one SQLite file per test, no tokens."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from storage.db import Database


def invoke(args, tmp_path, **env):
    environment = {"KIMBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                   "KIMBOT_CLIENT_TOKEN": "", "KIMBOT_STAFF_TOKEN": "", **env}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


def stored(tmp_path, model) -> list:
    async def read() -> list:
        database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
        try:
            async with database.transaction() as session:
                return list(await session.scalars(select(model)))
        finally:
            await database.dispose()
    return asyncio.run(read())
