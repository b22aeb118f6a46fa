"""The whole system in one process against the sandbox, the scheduler left to the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import System
from tests.support.sandbox import sandbox_settings


@pytest.fixture
async def system(sqlite_url, clock) -> AsyncIterator[System]:
    async with System(sandbox_settings(sqlite_url), clock=clock, run_scheduler=False) as running:
        yield running
