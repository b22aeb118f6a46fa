"""What some tests need from the machine (a PostgreSQL server, a browser), and what to do when
it is missing: skip on a developer's machine, fail in CI."""

from __future__ import annotations

import os

import pytest

# Set by .ci/run: a PostgreSQL server on loopback whose user may create databases.
POSTGRES_URL = os.environ.get("KIMBOT_TEST_POSTGRES_URL")
# Set by .ci/run: a test that would be skipped for a missing server or browser fails instead.
REQUIRE_ALL = os.environ.get("KIMBOT_TEST_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (KIMBOT_TEST_REQUIRE_ALL=1)")
    pytest.skip(reason)
