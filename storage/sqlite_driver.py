"""aiosqlite with one thread hop per statement, for SQLAlchemy's `sqlite+aiosqlite` dialect.

aiosqlite runs every sqlite3 call on the connection's own thread and hands the result back to
the event loop. SQLAlchemy's adapter makes four such calls per statement: open a cursor,
execute, fetch all rows, close the cursor. Each hand-off waits for the event loop to come round
and for the GIL, while the process's one SQLite connection stays checked out; on the client
bot's hot path those waits, not SQLite, were most of an event's database time
(bench/updates_per_second.py).

`OneHopConnection` is an aiosqlite connection whose cursors do all four in one call on the
connection's thread and keep the rows, the description, the row count and the last row id for
SQLAlchemy to read without another hop. Statements, transactions and errors are sqlite3's own,
exactly as with plain aiosqlite: the same sqlite3 connection settings, the same implicit BEGIN
before the first write, SAVEPOINTs and IntegrityErrors pass through unchanged. Only the number
of hand-offs changes. Commit and rollback stay one hop each, as in aiosqlite. It relies on
aiosqlite 0.22's private `Connection._execute`, `_conn` and `_thread` (pinned in pyproject.toml;
tests/storage/test_sqlite_driver.py fails if they change).

Trade-off: a cursor holds all its rows in memory, so a server-side (streaming) result is read
whole. The SQLAlchemy adapter fetches everything for ordinary results anyway, and kimbot
streams nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from types import TracebackType
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager

# What one hop brings back: description, rows, rowcount, lastrowid.
_Outcome = tuple[Any, list[Any], int, int | None]


class OneHopCursor:
    """Stands in for `aiosqlite.Cursor` where SQLAlchemy's aiosqlite adapter uses it.

    `execute` runs the statement, reads every row and closes the sqlite3 cursor in one call on
    the connection's thread; everything after that (rows, description, rowcount, close) is
    answered from what that call brought back, without a hop.
    """

    __slots__ = ("_connection", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.arraysize = 1
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        while (row := await self.fetchone()) is not None:
            yield row

    async def execute(self, sql: str, parameters: Any = None) -> OneHopCursor:
        self._take(await self._connection._execute(
            _run, self._connection._conn, sql, () if parameters is None else parameters, False))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneHopCursor:
        self._take(await self._connection._execute(
            _run, self._connection._conn, sql, parameters, True))
        return self

    def _take(self, outcome: _Outcome) -> None:
        self.description, self._rows, self.rowcount, self.lastrowid = outcome

    async def fetchone(self) -> Any:
        rows = await self.fetchmany(1)
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        size = self.arraysize if size is None else size
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def fetchall(self) -> Sequence[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        # The sqlite3 cursor was closed on the connection's thread right after the statement.
        self._rows = []

    async def setinputsizes(self, *sizes: Any) -> None:
        """A no-op in sqlite3, as in the DB-API."""


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Outcome:
    """One statement, start to finish, on the connection's thread."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description is not None else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors take one hop per statement (see the module)."""

    @contextmanager
    async def cursor(self) -> OneHopCursor:  # type: ignore[override]
        # No hop: the sqlite3 cursor is made on the connection's thread with each statement.
        return OneHopCursor(self)


async def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """Open like `aiosqlite.connect(database, **kwargs)`; `kwargs` go to `sqlite3.connect`."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    connection = OneHopConnection(connector, iter_chunk_size=64)
    # As SQLAlchemy's dialect does for plain aiosqlite: an undisposed engine must not keep the
    # interpreter from exiting.
    connection._thread.daemon = True
    return await connection
