"""The waiting list's job as the scheduler runs it: quiet hours computed in the configured
zone, and two instances that never offer the same thing twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.catalogue.cache import CatalogueCache
from bot.catalogue.samples import RBK
from bot.flows.context import FlowSettings
from scheduler.clock import FixedClock
from scheduler.waitlist import offer_freed_times, quiet_until
from storage import waitlist
from storage.catalogue_io import import_catalogue
from storage.db import Database
from storage.models import OutboxMessage, WaitlistOffer
from storage.reminders import QuietHours
from tests.support.staff import NOW, add_client, add_member, add_workplace

QUIET = QuietHours(21 * 60, 7 * 60)


def test_quiet_hours_end_in_the_morning_in_the_configured_zone():
    evening = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    assert quiet_until(QUIET, evening, "Europe/Berlin") == datetime(2026, 11, 24, 6, 0,
                                                                   tzinfo=UTC)
    morning = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 07:30 in Tokyo: awake
    assert quiet_until(QUIET, morning, "Asia/Tokyo") is None
    assert quiet_until(QUIET, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "Europe/Berlin") is None
    assert quiet_until(None, evening, "Europe/Berlin") is None
    # The night the clocks go back: 01:30 summer time, quiet until 07:00 winter time.
    night = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert quiet_until(QUIET, night, "Europe/Berlin") == datetime(2026, 10, 25, 6, 0,
                                                                 tzinfo=UTC)


async def test_two_instances_offer_once(db, db_url):
    await import_catalogue(db, [RBK], NOW)
    member = await add_member(db, 700)
    await add_workplace(db, member, hours="Mo-Fr 08:00-16:00")
    people = [await add_client(db, telegram_id=9100 + n, alias=f"P{n}") for n in range(6)]
    async with db.transaction() as session:
        for person in people:
            await waitlist.join(session, client_id=person, town="odenthal", workplace_id=None,
                                kind="first_interview", seen=[], now=NOW)
        assert await waitlist.mark_pending(session, ["odenthal"], NOW) == 6
    other = Database(db_url)
    clock = FixedClock(NOW + timedelta(minutes=1))
    try:
        results = await asyncio.gather(
            offer_freed_times(db, clock, CatalogueCache(), FlowSettings()),
            offer_freed_times(other, clock, CatalogueCache(), FlowSettings()))
    finally:
        await other.dispose()
    assert sum(results) == 6
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 6
        assert await session.scalar(select(func.count()).select_from(WaitlistOffer)) == 18


async def test_two_taps_at_once_on_the_same_offered_time_give_it_to_one(db, db_url):
    """Two instances handle two waiting people's taps on the same time at the same moment:
    exactly one of them gets it kept (SQLite and PostgreSQL)."""
    await import_catalogue(db, [RBK], NOW)
    member = await add_member(db, 701)
    await add_workplace(db, member, hours="Mo-Fr 08:00-16:00")
    people = [await add_client(db, telegram_id=9200 + n, alias=f"P{n}") for n in range(2)]
    starts = NOW + timedelta(days=2)
    async with db.transaction() as session:
        offers = []
        for person in people:
            entry = await waitlist.join(session, client_id=person, town="odenthal",
                                        workplace_id=None, kind="first_interview", seen=[],
                                        now=NOW)
            offers.append(waitlist.add_offer(session, entry, staff_member_id=member,
                                             office_id="kim-odenthal", starts_at=starts,
                                             now=NOW))
        await session.flush()
        offer_ids = [offer.id for offer in offers]
    other = Database(db_url)

    async def tap(database: Database, offer_id: int, client_id: int) -> bool:
        async with database.transaction() as session:
            found = await waitlist.offer_for_client(session, offer_id, client_id)
            assert found is not None
            return await waitlist.hold(session, found[0], NOW)

    try:
        won = await asyncio.gather(tap(db, offer_ids[0], people[0]),
                                   tap(other, offer_ids[1], people[1]))
    finally:
        await other.dispose()
    assert sorted(won) == [False, True]
    async with db.transaction() as session:  # the winner's tap again keeps it; the other's not
        winner, loser = (0, 1) if won[0] else (1, 0)
        assert await waitlist.offer_still_held(session, offer_ids[winner], people[winner], NOW)
        assert not await waitlist.offer_still_held(session, offer_ids[loser], people[loser],
                                                   NOW)
