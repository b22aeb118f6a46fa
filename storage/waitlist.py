"""The waiting list: people who want a time in a town when one becomes free, and the offers
they get. Callers own the transaction.

A cancellation or new working hours mark the waiting entries of the towns concerned as
pending (`mark_pending`); the scheduler's job looks at pending entries, outside quiet hours
and no more often than the rate limit allows for one person, and offers the times that are
free now and that the person has not seen or been offered before. Claiming an entry for an
offer is a conditional UPDATE, so two instances never offer the same thing twice. Several
people may be offered the same time: the first to tap it gets it, kept for them (`hold`) while
they answer the booking's last questions; the others are told it has gone. The slot guarantee
of `storage.appointments.book` still decides against anyone booking it outside the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CaseManagerWorkplace,
    Client,
    WaitlistEndReason,
    WaitlistEntry,
    WaitlistHold,
    WaitlistOffer,
)

KEEP = timedelta(days=30)  # an entry ends after this long, and the person is told


async def active_for_client(session: AsyncSession, client_id: int) -> WaitlistEntry | None:
    return await session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.client_id == client_id, WaitlistEntry.ended_at.is_(None)))


async def join(session: AsyncSession, *, client_id: int, town: str, workplace_id: int | None,
               kind: str, seen: Sequence[int], now: datetime,
               interpreter_language: str | None = None) -> WaitlistEntry:
    """Put the person on the list for `town` (one place or any); an earlier entry of theirs
    is replaced: one place on the list per person."""
    await end_for_client(session, client_id, WaitlistEndReason.LEFT.value, now)
    await session.flush()  # the old entry leaves the unique index before the new one comes
    entry = WaitlistEntry(client_id=client_id, town=town, workplace_id=workplace_id, kind=kind,
                          interpreter_language=interpreter_language, seen=sorted(set(seen)),
                          created_at=now, expires_at=now + KEEP)
    session.add(entry)
    await session.flush()
    return entry


async def end_for_client(session: AsyncSession, client_id: int, reason: str,
                         now: datetime) -> bool:
    """End the person's entry, if they have one; True if they had."""
    result = await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.client_id == client_id, WaitlistEntry.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason, pending_since=None)
        .execution_options(synchronize_session="fetch"))
    return bool(result.rowcount)


async def mark_pending(session: AsyncSession, towns: Iterable[str], now: datetime) -> int:
    """A time may have become free in these towns: their waiting entries look again."""
    names = sorted(set(towns))
    if not names:
        return 0
    result = await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.town.in_(names), WaitlistEntry.ended_at.is_(None),
               WaitlistEntry.pending_since.is_(None))
        .values(pending_since=now).execution_options(synchronize_session=False))
    return result.rowcount or 0


async def time_freed(session: AsyncSession, staff_member_id: int, office_id: str,
                     now: datetime) -> int:
    """A case manager's time at an office became free (a cancellation, new or longer working
    hours, an absence removed): the people waiting in the towns that workplace serves look
    again."""
    towns = await session.scalar(select(CaseManagerWorkplace.towns).where(
        CaseManagerWorkplace.staff_member_id == staff_member_id,
        CaseManagerWorkplace.office_id == office_id))
    return await mark_pending(session, towns or (), now)


async def staff_time_freed(session: AsyncSession, staff_member_id: int, now: datetime) -> int:
    """Like `time_freed`, for every workplace of the case manager (an absence removed)."""
    towns = [town for found in await session.scalars(
        select(CaseManagerWorkplace.towns)
        .where(CaseManagerWorkplace.staff_member_id == staff_member_id)) for town in found]
    return await mark_pending(session, towns, now)


async def due_for_offers(session: AsyncSession, now: datetime,
                         min_interval: timedelta) -> list[WaitlistEntry]:
    """Pending entries whose last offer lies at least `min_interval` back, oldest first."""
    return list(await session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.ended_at.is_(None), WaitlistEntry.pending_since.is_not(None),
               WaitlistEntry.expires_at > now,
               or_(WaitlistEntry.last_offer_at.is_(None),
                   WaitlistEntry.last_offer_at <= now - min_interval))
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)))


async def claim(session: AsyncSession, entry: WaitlistEntry, now: datetime) -> bool:
    """Take a pending entry for an offer; False if another instance took it first."""
    result = await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry.id, WaitlistEntry.ended_at.is_(None),
               WaitlistEntry.pending_since == entry.pending_since)
        .values(pending_since=None).execution_options(synchronize_session=False))
    if not result.rowcount:
        return False
    entry.pending_since = None
    return True


async def offered_starts(session: AsyncSession, entry_id: int) -> set[datetime]:
    return set(await session.scalars(select(WaitlistOffer.starts_at)
                                      .where(WaitlistOffer.entry_id == entry_id)))


def add_offer(session: AsyncSession, entry: WaitlistEntry, *, staff_member_id: int,
              office_id: str, starts_at: datetime, now: datetime) -> WaitlistOffer:
    offer = WaitlistOffer(entry_id=entry.id, staff_member_id=staff_member_id,
                          office_id=office_id, starts_at=starts_at, created_at=now)
    session.add(offer)
    entry.last_offer_at = now
    return offer


async def offer_for_client(session: AsyncSession, offer_id: int,
                           client_id: int) -> tuple[WaitlistOffer, WaitlistEntry] | None:
    """The offer named by a button, if it was made to this person (ids can be forged)."""
    row = (await session.execute(
        select(WaitlistOffer, WaitlistEntry)
        .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
        .where(WaitlistOffer.id == offer_id, WaitlistEntry.client_id == client_id))).first()
    return (row[0], row[1]) if row is not None else None


async def offer_taken(session: AsyncSession, offer_id: int, client_id: int,
                      now: datetime) -> None:
    """Record that the person booked the time of one of their offers."""
    found = await offer_for_client(session, offer_id, client_id)
    if found is not None and found[0].taken_at is None:
        found[0].taken_at = now


async def expire(session: AsyncSession, now: datetime) -> list[tuple[WaitlistEntry, Client]]:
    """End the entries older than their time; returns them with their person, to be told."""
    rows = [(entry, client) for entry, client in (await session.execute(
        select(WaitlistEntry, Client).join(Client, Client.id == WaitlistEntry.client_id)
        .where(WaitlistEntry.ended_at.is_(None), WaitlistEntry.expires_at <= now)
        .order_by(WaitlistEntry.id)))]
    ended = []
    for entry, client in rows:
        result = await session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id == entry.id, WaitlistEntry.ended_at.is_(None))
            .values(ended_at=now, end_reason=WaitlistEndReason.EXPIRED.value,
                    pending_since=None)
            .execution_options(synchronize_session=False))
        if result.rowcount:
            entry.ended_at, entry.end_reason = now, WaitlistEndReason.EXPIRED.value
            ended.append((entry, client))
    return ended


HOLD = timedelta(minutes=15)  # time to answer the booking's questions after tapping an offer


async def hold(session: AsyncSession, offer: WaitlistOffer, now: datetime) -> bool:
    """Keep the offer's time for this person, if nobody else's tap holds it: the first tap
    wins. Tapping again renews one's own hold; a lapsed hold goes to the next tap. One
    statement on the time's primary key, so two taps at once cannot both win."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(WaitlistHold).values(
        staff_member_id=offer.staff_member_id, office_id=offer.office_id,
        starts_at=offer.starts_at, offer_id=offer.id, held_until=now + HOLD)
    excluded = stmt.excluded
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["staff_member_id", "office_id", "starts_at"],
        set_={"offer_id": excluded.offer_id, "held_until": excluded.held_until},
        where=or_(WaitlistHold.offer_id == offer.id, WaitlistHold.held_until <= now)))
    return await holds(session, offer, now)


async def holds(session: AsyncSession, offer: WaitlistOffer, now: datetime) -> bool:
    """Whether this offer's tap holds its time now (or nobody's does)."""
    holder = (await session.execute(
        select(WaitlistHold.offer_id, WaitlistHold.held_until)
        .where(WaitlistHold.staff_member_id == offer.staff_member_id,
               WaitlistHold.office_id == offer.office_id,
               WaitlistHold.starts_at == offer.starts_at))).first()
    return holder is None or holder.offer_id == offer.id or holder.held_until <= now


async def offer_still_held(session: AsyncSession, offer_id: int, client_id: int,
                           now: datetime) -> bool:
    """At "Book": whether the person's tap on this offer still keeps its time for them."""
    found = await offer_for_client(session, offer_id, client_id)
    return found is not None and await holds(session, found[0], now)
