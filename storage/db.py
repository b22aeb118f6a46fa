"""The database connection: one async engine, sessions, and the migration check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.migrate import head_revision
from storage.sqlite_driver import OneHopConnection
from storage.sqlite_driver import connect as connect_one_hop
from storage.urls import normalize_url


class DatabaseNotMigrated(RuntimeError):
    """The schema is missing or older than this code."""


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes a second writer wait
    # instead of failing at once; foreign keys are off by default in SQLite. In WAL mode
    # synchronous=NORMAL keeps every commit through a process crash; only a power cut may
    # lose the last commits, and the file is never corrupted.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    url = normalize_url(url)
    if not url.startswith("sqlite"):
        # hide_parameters: a database error logged with its statement must not carry the
        # values (a name, a phone number, a message text) into the log.
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    # SQLite has one writer at a time. One connection per process makes transactions queue in
    # the pool instead of colliding on the file lock and sleeping in SQLite's busy handler.
    # Every use ends in commit or rollback (`Database.transaction`), so the pool's extra
    # rollback on return would only cost a round trip to the driver thread.
    # Connections come from `storage.sqlite_driver`: aiosqlite with one thread hop per
    # statement instead of four. The URL's file and sqlite3 options are applied as the
    # dialect would apply them for aiosqlite itself (`engine` is bound below; the pool calls this
    # only on its first checkout).
    async def connect() -> OneHopConnection:
        args, kwargs = engine.sync_engine.dialect.create_connect_args(engine.sync_engine.url)
        return await connect_one_hop(*args, **kwargs)

    engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                                 pool_reset_on_return=None, async_creator=connect,
                                 hide_parameters=True)
    event.listen(engine.sync_engine, "connect", _tune_sqlite)
    _skip_empty_commits(engine)
    _begin_before_savepoints(engine)
    return engine


def _skip_empty_commits(engine: AsyncEngine) -> None:
    """Do not send a COMMIT for a transaction that wrote nothing.

    Python's sqlite3 opens a transaction only when a statement writes, so committing after
    reads alone is a no-op for SQLite, but through aiosqlite it is still a round trip to the
    driver thread while the single connection is held: about a fifth of the client bot's
    throughput. The check reads sqlite3's own flag; a transaction that wrote is committed as
    always.
    """
    dialect = engine.sync_engine.dialect
    commit = dialect.do_commit

    def do_commit(dbapi_connection: Any) -> None:
        if getattr(dbapi_connection.driver_connection, "in_transaction", True):
            commit(dbapi_connection)

    dialect.do_commit = do_commit  # type: ignore[method-assign]


def _begin_before_savepoints(engine: AsyncEngine) -> None:
    """Open the real transaction before the first SAVEPOINT of a transaction that has not
    written yet.

    Python's sqlite3 sends BEGIN only before a data-changing statement. A SAVEPOINT outside a
    transaction starts one of its own, and releasing it COMMITS: a booking made in a savepoint
    would then be stored even if the rest of the flow failed and rolled back.
    """
    dialect = engine.sync_engine.dialect
    savepoint = dialect.do_savepoint

    def do_savepoint(connection: Any, name: str) -> None:
        driver = connection.connection.dbapi_connection.driver_connection
        if not getattr(driver, "in_transaction", True):
            connection.exec_driver_sql("BEGIN")
        savepoint(connection, name)

    dialect.do_savepoint = do_savepoint  # type: ignore[method-assign]


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = create_engine(self.url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on any error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def current_revision(self) -> str | None:
        try:
            async with self.engine.connect() as conn:
                result = await conn.execute(text("SELECT version_num FROM alembic_version"))
                return result.scalar_one_or_none()
        except DBAPIError:
            return None

    async def schema_revision(self) -> str | None:
        """The schema's revision; unlike `current_revision`, a database that cannot be reached
        raises instead of reading as empty (for /healthz)."""
        async with self.engine.connect() as conn:
            try:
                result = await conn.execute(text("SELECT version_num FROM alembic_version"))
            except DBAPIError:
                return None  # reachable, but no schema yet
            return result.scalar_one_or_none()

    async def check_migrated(self) -> None:
        """Refuse to work on a schema this code does not know, with the command that fixes it."""
        current, head = await self.current_revision(), head_revision()
        if current != head:
            state = "has no tables yet" if current is None else f"is at revision {current}"
            raise DatabaseNotMigrated(
                f"The database {make_url(self.url).render_as_string()} {state}; this version of "
                f"kimbot needs revision {head}. Run `kimbot db upgrade` first."
            )

    async def dispose(self) -> None:
        await self.engine.dispose()
