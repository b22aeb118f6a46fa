"""One kimbot instance per SQLite file.

SQLite is the one-machine default: one process serves both bots. A second instance on the same
file would poll the same tokens (Telegram answers 409 Conflict), and the per-chat order and
send spacing are kept in the process. So `kimbot run` holds an exclusive lock on a file next to
the database for as long as it runs, and a second one refuses to start and says why. The
operating system drops the lock when the process ends, however it ends: no stale lock after a
crash. Several instances need PostgreSQL.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class AnotherInstanceRunning(RuntimeError):
    """A second instance on the same SQLite file."""


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database or ""
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        return None
    return Path(name).resolve()


class InstanceLock:
    """`acquire()` when the instance starts, `release()` when it stops."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".instance-lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise AnotherInstanceRunning(
                f"Another kimbot instance (process {holder}) is already running on the SQLite "
                f"database {self.database}. SQLite serves one instance at a time: stop the "
                "other one first. To run several instances, use PostgreSQL "
                "(KIMBOT_DATABASE_URL=postgresql://...; see docs/operations.md).") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
