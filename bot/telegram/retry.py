"""Retrying a Bot API call: the loop only. Which failures earn another try, and after how long,
is the delivery policy's to say (bot/telegram/delivery.py `verdict`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    retry: bool
    wait: float = 0.0


async def with_retries(call: Callable[[], Awaitable[T]],
                       classify: Callable[[Exception, int], Verdict],
                       attempts: int = 4,
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> T:
    """Run `call`; on failure ask `classify` whether and how long to wait before trying again."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as exc:
            verdict = classify(exc, attempt)
            if not verdict.retry or attempt == attempts:
                raise
            log.warning("Bot API call failed (%s), retry %d in %.1fs", type(exc).__name__,
                        attempt, verdict.wait)
            await sleep(verdict.wait)
    raise AssertionError("unreachable")
