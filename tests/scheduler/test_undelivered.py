"""No notice lost: a message Telegram refuses (chat not found, bot blocked) or that is given up
after its retries is kept with the reason; coordination's digest and `kimbot outbox status`
show it; it goes after 30 days."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.flows.staff.digest.content import compose
from bot.i18n import FSI, PDI
from scheduler.clock import FixedClock
from scheduler.outbox import MAX_ATTEMPTS, OutboxDispatcher
from scheduler.send_errors import Blocked, NotSent, Undeliverable
from storage import outbox, undelivered
from storage.db import Database
from storage.models import StaffMember, StaffRole, UndeliveredMessage
from storage.retention import RetentionPolicy, apply
from tests.support.cli import invoke
from tests.support.common import VirtualTime
from tests.support.intake import COORD, add_staff, kreis
from tests.support.staff import NOW

NEW_CM = 860
BERLIN = "Europe/Berlin"


class Refusing:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def __call__(self, chat_id, reply) -> None:  # type: ignore[no-untyped-def]
        raise self.error


def dispatcher(db: Database, clock: FixedClock, error: Exception) -> OutboxDispatcher:
    time = VirtualTime(clock)
    return OutboxDispatcher(db, clock, {"staff": Refusing(error), "client": Refusing(error)},
                            monotonic=time.monotonic, sleep=time.sleep)


async def queue(db: Database, chat_id: int, bot: str = "staff",
                text: str = "📅 Neuer Termin\n🕒 Di 24.11.2026, 09:00–10:00 Uhr") -> None:
    async with db.transaction() as session:
        outbox.add(session, bot=bot, chat_id=chat_id, text=text, now=NOW)


async def rows(db: Database) -> list[UndeliveredMessage]:
    async with db.transaction() as session:
        return list(await session.scalars(select(UndeliveredMessage)
                                          .order_by(UndeliveredMessage.id)))


async def test_a_refused_staff_message_is_kept_with_its_reason_and_shown_to_coordination(db):
    await kreis(db)
    member = await add_staff(db, NEW_CM, "N. Neu", StaffRole.CASE_MANAGER, ["kuerten"])
    await queue(db, NEW_CM)
    clock = FixedClock(NOW)
    await dispatcher(db, clock, Undeliverable("Bad Request: chat not found")).run_once()
    [row] = await rows(db)
    assert (row.bot, row.chat_id, row.staff_member_id, row.reason, row.summary) == (
        "staff", NEW_CM, member, "Bad Request: chat not found", "📅 Neuer Termin")

    async with db.transaction() as session:
        coordinator = await session.scalar(select(StaffMember).where(
            StaffMember.telegram_id == COORD))
        digest = await compose(session, coordinator, since=NOW - timedelta(hours=1),
                               now=NOW + timedelta(hours=20), timezone=BERLIN,
                               on_demand=True)
    body = "\n".join(digest.messages)
    assert "📭 Nicht zugestellt seit" in body
    assert (f"an {FSI}N. Neu{PDI}: „📅 Neuer Termin“ – Chat nicht gefunden – hat die Person "
            "den Staff-Bot schon gestartet?") in body


async def test_a_blocked_staff_bot_and_a_given_up_message_are_kept_too(db):
    await queue(db, 4711)
    clock = FixedClock(NOW)
    await dispatcher(db, clock, Blocked("Forbidden: bot was blocked by the user")).run_once()
    await queue(db, 4712, text="☀️ Ihr Tag, Mo 23.11.2026")
    failing = dispatcher(db, clock, NotSent("ServerDisconnectedError"))
    for _ in range(MAX_ATTEMPTS):
        await failing.run_once()
        clock.advance(timedelta(hours=2))
    blocked, given_up = await rows(db)
    assert (blocked.chat_id, blocked.reason) == (4711, "Forbidden: bot was blocked by the user")
    assert given_up.chat_id == 4712 and given_up.reason.startswith(
        f"not sent after {MAX_ATTEMPTS} attempts")
    assert given_up.summary == "☀️ Ihr Tag, Mo 23.11.2026"


async def test_a_person_who_blocked_the_client_bot_is_marked_unreachable_not_listed(db):
    await queue(db, 5001, bot="client", text="Erinnerung")
    await dispatcher(db, FixedClock(NOW), Blocked("Forbidden: bot was blocked")).run_once()
    assert await rows(db) == []  # the case manager's digest says "unreachable" instead


async def test_coordination_sees_only_its_own_kreis(db):
    await kreis(db)
    await add_staff(db, NEW_CM, "N. Neu", StaffRole.CASE_MANAGER, ["kuerten"])
    await add_staff(db, 861, "Anderswo", StaffRole.CASE_MANAGER, region="other")
    await queue(db, NEW_CM)
    await queue(db, 861)
    await dispatcher(db, FixedClock(NOW), Undeliverable("Bad Request: chat not found")).run_once()
    async with db.transaction() as session:
        mine = await undelivered.since(session, NOW - timedelta(hours=1), bot="staff",
                                       region_id="rbk")
    assert [item.chat_id for item in mine] == [NEW_CM]


async def test_kept_thirty_days(db):
    await queue(db, 4711)
    await dispatcher(db, FixedClock(NOW), Undeliverable("Bad Request: chat not found")).run_once()
    async with db.transaction() as session:
        await apply(session, RetentionPolicy(), NOW + timedelta(days=29))
    assert len(await rows(db)) == 1
    async with db.transaction() as session:
        removed = await apply(session, RetentionPolicy(), NOW + timedelta(days=31))
    assert removed.undelivered == 1 and await rows(db) == []


def test_outbox_status_lists_what_waits_and_what_was_refused(tmp_path):
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    async def prepare() -> None:
        db = Database(url)
        try:
            # The command reads the real clock; only the order of the times matters here.
            now = datetime.now(UTC)  # wall clock ok
            async with db.transaction() as session:
                session.add(StaffMember(telegram_id=4711, display_name="Frau Kaya",
                                        role="case_manager", active=True, created_at=now))
                outbox.add(session, bot="staff", chat_id=4711, text="📅 Neuer Termin", now=now)
                outbox.add(session, bot="client", chat_id=5, text="later",
                           now=now + timedelta(hours=1))
            await dispatcher(db, FixedClock(now), Undeliverable(
                "Bad Request: chat not found")).run_once()
        finally:
            await db.dispose()

    asyncio.run(prepare())
    result = invoke(["outbox", "status"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "Waiting to be sent: 1 (0 due now, 1 waiting for a retry or a later time, 0 being " \
           "sent)." in result.output
    assert "Not delivered in the last 7 days: 1" in result.output
    assert "staff chat 4711 (Frau Kaya): Bad Request: chat not found – 📅 Neuer Termin" in (
        result.output)
