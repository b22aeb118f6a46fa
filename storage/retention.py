"""What the nightly retention job deletes: personal data no longer needed (docs/privacy.md,
section "How long"). Anonymous statistics are not touched: Kurzberatungen, CM cases,
appointment outcomes and finder demand hold nothing that identifies a person.

Callers own the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import intakes, kim_messages, outbox, undelivered
from storage.models import (
    AccessLog,
    Appointment,
    Client,
    Intake,
    Referral,
    ReferralLink,
    Reminder,
    StaffInvitation,
)

HANDLED_REMINDERS = timedelta(days=30)  # kept a while to answer "was I reminded?"
OLD_INVITATIONS = timedelta(days=90)  # used or expired codes: who was invited, when


@dataclass(frozen=True)
class RetentionPolicy:
    inactive: timedelta = timedelta(days=180)  # no message and no appointment for this long
    access_log: timedelta = timedelta(days=730)  # the audit trail is kept two years
    messages: timedelta = timedelta(days=90)  # texts of a conversation, after it was closed


@dataclass
class Removed:
    clients: int = 0
    reminders: int = 0
    access_log: int = 0
    invitations: int = 0
    referrals: int = 0
    conversations: int = 0
    undelivered: int = 0


async def apply(session: AsyncSession, policy: RetentionPolicy, now: datetime) -> Removed:
    removed = Removed()
    removed.clients = await _inactive_clients(session, now - policy.inactive)
    removed.reminders = await _delete(session, delete(Reminder).where(
        Reminder.handled_at.is_not(None), Reminder.due_at < now - HANDLED_REMINDERS))
    removed.conversations = await kim_messages.purge_closed(session, now - policy.messages)
    removed.access_log = await _delete(session, delete(AccessLog).where(
        AccessLog.at < now - policy.access_log))
    removed.invitations = await _delete(session, delete(StaffInvitation).where(
        or_(StaffInvitation.used_at < now - OLD_INVITATIONS,
            StaffInvitation.expires_at < now - OLD_INVITATIONS)))
    # Spent or expired invitations: their hash is useless, only the fact of one remains.
    await _delete(session, delete(ReferralLink).where(
        or_(ReferralLink.used_at < now - OLD_INVITATIONS,
            ReferralLink.expires_at < now - OLD_INVITATIONS)))
    # A referral's status record outlives its person (erased, withdrawn, or removed above) by
    # the same period, so the referrer can still see "ended"; then it goes too.
    removed.referrals = await _delete(session, delete(Referral).where(
        Referral.created_at < now - policy.inactive,
        or_(Referral.intake_id.is_(None), ~exists().where(
            Intake.id == Referral.intake_id, Intake.status.in_(intakes.SENT_STATUSES)))))
    removed.undelivered = await undelivered.forget_old(session, now)
    return removed


async def _inactive_clients(session: AsyncSession, before: datetime) -> int:
    """People who have not written since `before` and have no appointment ending after it
    (none coming up, none recently): their data, intake included, goes with the client row;
    appointments and reminders follow by ON DELETE CASCADE."""
    recent_appointment = exists().where(Appointment.client_id == Client.id,
                                        Appointment.ends_at >= before)
    rows = (await session.execute(
        select(Client.id, Client.telegram_id)
        .where(and_(Client.last_seen_at < before, ~recent_appointment)))).all()
    for _, telegram_id in rows:
        if telegram_id is not None:
            await outbox.forget_chat(session, outbox.CLIENT_BOT, telegram_id)
    if rows:
        await session.execute(delete(Client).where(Client.id.in_([row.id for row in rows])))
    return len(rows)


async def _delete(session: AsyncSession, statement) -> int:  # type: ignore[no-untyped-def]
    result = await session.execute(statement)
    return result.rowcount or 0
