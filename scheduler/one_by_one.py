"""Due work done one item at a time, each in a transaction of its own, as the digests, the
questions after appointments and the waiting-list offers are."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database


async def each_alone(db: Database, due: Iterable[int],
                     work: Callable[[AsyncSession, int], Awaitable[int]],
                     log: logging.Logger, failed: str) -> int:
    """`work` for every id in `due`, each in its own transaction; the sum of what it returns.
    One item's failure must not hold up the others: it is logged (`failed` % id) and rolled
    back, and the job's next run tries it again."""
    done = 0
    for item in due:
        try:
            async with db.transaction() as session:
                done += await work(session, item)
        except Exception:
            log.exception(failed, item)
    return done
