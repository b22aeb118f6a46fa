"""Which appointments the case manager is still to be asked about ("War die Person da?"), and
the mark that makes each question go out once. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OPEN_STATUSES, Appointment


async def ended_unasked(session: AsyncSession, now: datetime, within: timedelta,
                        limit: int = 200) -> list[int]:
    """Open appointments that ended in (now - within, now] and were never asked about, the
    earliest end first. Older ones are left alone: a question about last month helps nobody,
    and /heute still offers attended and missed for them."""
    return list(await session.scalars(
        select(Appointment.id)
        .where(Appointment.status.in_(OPEN_STATUSES), Appointment.outcome_asked_at.is_(None),
               Appointment.ends_at <= now, Appointment.ends_at > now - within)
        .order_by(Appointment.ends_at, Appointment.id).limit(limit)))


async def mark_asked(session: AsyncSession, appointment_id: int, now: datetime) -> bool:
    """Set `outcome_asked_at`; False if it was set already (another instance asked) or the
    appointment is no longer open (answered from /heute meanwhile).

    A conditional UPDATE, so of two instances only one matches the row and writes a question.
    """
    result = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.outcome_asked_at.is_(None),
               Appointment.status.in_(OPEN_STATUSES))
        .values(outcome_asked_at=now).execution_options(synchronize_session=False))
    return bool(result.rowcount)
