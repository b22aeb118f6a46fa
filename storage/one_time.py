"""What staff invitation codes and clients' referral links share: the secret is shown once and
only its SHA-256 hash is stored, and a row can be used once, before it expires."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar


class _OneTime(Protocol):
    used_at: datetime | None
    expires_at: datetime


Row = TypeVar("Row", bound=_OneTime)


class CodeProblem(StrEnum):
    UNKNOWN = "unknown"  # forged, mistyped, never made, or deleted with its referral
    USED = "used"
    EXPIRED = "expired"


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def usable(row: Row | None, now: datetime) -> Row | CodeProblem:
    """The row if it can still be used at `now`, else why not."""
    if row is None:
        return CodeProblem.UNKNOWN
    if row.used_at is not None:
        return CodeProblem.USED
    if row.expires_at <= now:
        return CodeProblem.EXPIRED
    return row
