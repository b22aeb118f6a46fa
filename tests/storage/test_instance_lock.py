"""Two instances on one SQLite file: the second refuses to start and says why."""

from __future__ import annotations

import pytest

from bot.app import System
from storage.instance_lock import AnotherInstanceRunning, sqlite_file
from tests.support.sandbox import sandbox_settings


async def test_a_second_instance_on_the_same_sqlite_file_refuses_and_says_why(sqlite_url,
                                                                              clock):
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False):
        second = System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False)
        with pytest.raises(AnotherInstanceRunning) as refused:
            await second.start()
        await second.stop()
        message = str(refused.value)
        assert "Another kimbot instance" in message and "PostgreSQL" in message
        assert str(sqlite_file(sqlite_url)) in message
    # Once the first has stopped, the file is free again.
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False):
        pass


def test_postgresql_and_memory_databases_need_no_lock():
    assert sqlite_file("postgresql://u:p@db/kimbot") is None
    assert sqlite_file("sqlite+aiosqlite://") is None
    assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
