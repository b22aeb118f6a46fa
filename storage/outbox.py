"""The outbox table: messages for other chats, written with the change they report.

A flow that books an appointment adds the case manager's message here in the same transaction;
`scheduler.outbox` sends it after the commit. So a message exists exactly when its change was
committed, and a crash between commit and sending delays it instead of losing it.

A sender claims a few rows at a time with a random token and a deadline, and deletes or
reschedules a row only while its token still holds it: a sender that was slow cannot send or
delete what another sender took over.

Exactly once: right before the request goes out, the sender commits `sending_at` on the row
(`start_sending`). A row claimed but not yet marked is sent by whoever claims it after a crash;
a marked row whose sender died is never sent again (`sweep_abandoned`), because Telegram may
already have it and offers no way to ask. What can be lost is only the one message a process
was killed with in the instant between that commit and its request leaving the machine.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import OPEN_STATUSES, Appointment, ChatSendPace, Client, OutboxMessage

CLIENT_BOT = "client"


@dataclass(frozen=True)
class File:
    """A small file kimbot made itself (a calendar file), carried in the outbox row."""

    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"

    def packed(self) -> dict[str, Any]:
        return {"file_name": self.file_name, "mime_type": self.mime_type,
                "content": base64.b64encode(self.content).decode("ascii")}

    @classmethod
    def unpacked(cls, packed: dict[str, Any]) -> File:
        return cls(str(packed["file_name"]), base64.b64decode(packed["content"]),
                   str(packed.get("mime_type") or "application/octet-stream"))


def add(session: AsyncSession, *, bot: str, chat_id: int, text: str,
        buttons: Sequence[Sequence[tuple[str, str]]] = (), rtl: bool = False,
        now: datetime, appointment_id: int | None = None,
        not_after: datetime | None = None, kim_message_id: int | None = None,
        file: File | None = None, not_before: datetime | None = None) -> OutboxMessage:
    """Queue a message. With `appointment_id` it is dropped unless that appointment is still
    open and ahead when its turn comes (a reminder); with `not_after` it is dropped after.
    With `file` it is that file with `text` as its caption; with `not_before` it waits until
    then (the end of the quiet hours)."""
    message = OutboxMessage(bot=bot, chat_id=chat_id, text=text,
                            buttons=[[list(button) for button in row] for row in buttons] or None,
                            rtl=rtl, created_at=now,
                            next_attempt_at=max(now, not_before) if not_before else now,
                            attempts=0, appointment_id=appointment_id, not_after=not_after,
                            kim_message_id=kim_message_id,
                            document=file.packed() if file is not None else None)
    session.add(message)
    return message


def relay(session: AsyncSession, *, bot: str, chat_id: int, text: str,
          file: dict[str, Any], buttons: Sequence[Sequence[tuple[str, str]]] = (),
          now: datetime, kim_message_id: int | None = None) -> OutboxMessage:
    """Queue a file the person sent (see OutboxMessage.relay), with `text` as its caption."""
    message = add(session, bot=bot, chat_id=chat_id, text=text, buttons=buttons, now=now)
    message.relay = dict(file)
    message.kim_message_id = kim_message_id
    return message


def delete_later(session: AsyncSession, *, bot: str, chat_id: int, message_id: int,
                 now: datetime) -> OutboxMessage:
    """Queue the deletion of one of the bot's messages in a chat."""
    message = add(session, bot=bot, chat_id=chat_id, text="", now=now)
    message.delete_message_id = message_id
    return message


def new_token() -> str:
    return secrets.token_hex(16)


def _free(now: datetime):  # type: ignore[no-untyped-def]
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now)


async def claim_due(session: AsyncSession, now: datetime, hold: timedelta, token: str,
                    limit: int = 10) -> list[OutboxMessage]:
    """Due messages no other sender holds, now held with `token` until `now + hold`, in the
    order they were written.

    One conditional UPDATE: of two instances racing for a row, the one whose update matched
    nothing leaves it to the other. On PostgreSQL the inner SELECT skips rows another
    instance has locked instead of waiting for them; SQLite has one writer and ignores it.
    """
    # A chat's messages leave in the order they were written, whichever instance sends: a
    # message waits while an earlier one of its chat is held by a sender or waits for a retry.
    earlier = aliased(OutboxMessage)
    held_before = exists().where(
        earlier.bot == OutboxMessage.bot, earlier.chat_id == OutboxMessage.chat_id,
        earlier.id < OutboxMessage.id,
        or_(earlier.claimed_until > now, earlier.next_attempt_at > now))
    due = (select(OutboxMessage.id)
           .where(OutboxMessage.next_attempt_at <= now, _free(now),
                  OutboxMessage.sending_at.is_(None), ~held_before)
           .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()), _free(now),
               OutboxMessage.sending_at.is_(None))
        .values(claimed_until=now + hold, claim_token=token,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True))
    return sorted(claimed, key=lambda message: message.id)


class Start(Enum):
    GO = "go"  # marked: send it now
    LOST = "lost"  # our claim ran out and someone else may hold it: leave it alone
    STALE = "stale"  # pointless now (appointment cancelled, moved or begun): deleted
    WAIT = "wait"  # another instance sent to this chat a moment ago: try again shortly


async def reserve_chats(session: AsyncSession, messages: Sequence[OutboxMessage],
                        now: datetime, interval: timedelta) -> set[tuple[str, int]]:
    """The chats of `messages` that may get a message now, their next send time moved on to
    `now + interval`: Telegram's per-chat limit, kept across instances with one row per chat
    (instances' clocks agree to milliseconds under NTP; the gap is a second). SQLite runs one
    instance, whose own rate limiter already spaces every chat: all may go."""
    chats = {(message.bot, message.chat_id) for message in messages}
    if session.bind.dialect.name != "postgresql" or not chats:
        return chats
    insert = pg_insert(ChatSendPace).values(
        [{"bot": bot, "chat_id": chat_id, "next_at": now + interval}
         for bot, chat_id in sorted(chats)])
    reserved = await session.execute(
        insert.on_conflict_do_update(index_elements=["bot", "chat_id"],
                                     set_={"next_at": insert.excluded.next_at},
                                     where=ChatSendPace.next_at <= now)
        .returning(ChatSendPace.bot, ChatSendPace.chat_id))
    return {(bot, chat_id) for bot, chat_id in reserved}


async def start_sending(session: AsyncSession, messages: Sequence[OutboxMessage], token: str,
                        now: datetime, hold: timedelta,
                        chat_interval: timedelta = timedelta(0)) -> dict[int, Start]:
    """Mark the messages about to be sent. Commit this before the requests: from then on a
    crash means "maybe sent", never "send again". A message that became pointless (its
    appointment is no longer open and ahead, or `not_after` passed) is deleted instead; one
    whose chat another instance has just sent to (`chat_interval`, PostgreSQL) waits."""
    allowed = await reserve_chats(session, messages, now, chat_interval)
    waiting = {message.id: Start.WAIT for message in messages
               if (message.bot, message.chat_id) not in allowed}
    messages = [message for message in messages if message.id not in waiting]
    if not messages:
        return waiting
    ids = [message.id for message in messages]
    still_open = select(Appointment.id).where(
        Appointment.id == OutboxMessage.appointment_id,
        Appointment.status.in_(OPEN_STATUSES), Appointment.starts_at > now)
    marked = set(await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token,
               OutboxMessage.claimed_until > now, OutboxMessage.sending_at.is_(None),
               or_(OutboxMessage.not_after.is_(None), OutboxMessage.not_after > now),
               or_(OutboxMessage.appointment_id.is_(None), still_open.exists()))
        .values(sending_at=now, claimed_until=now + hold)
        .returning(OutboxMessage.id).execution_options(synchronize_session=False)))
    outcome = {message_id: Start.GO for message_id in marked}
    rest = [message_id for message_id in ids if message_id not in marked]
    if rest:
        # Not marked: pointless (delete it) unless our claim on it is gone.
        stale = set(await session.scalars(
            delete(OutboxMessage)
            .where(OutboxMessage.id.in_(rest), OutboxMessage.claim_token == token,
                   OutboxMessage.claimed_until > now, OutboxMessage.sending_at.is_(None))
            .returning(OutboxMessage.id)))
        outcome.update({message_id: Start.STALE if message_id in stale else Start.LOST
                        for message_id in rest})
    return {**outcome, **waiting}


async def not_sending(session: AsyncSession, message_id: int, token: str, now: datetime,
                      hold: timedelta) -> None:
    """Telegram refused it with a 429, so it certainly did not arrive: clear the mark, keep
    the claim, and try again after the pause."""
    await session.execute(update(OutboxMessage)
                          .where(OutboxMessage.id == message_id,
                                 OutboxMessage.claim_token == token)
                          .values(sending_at=None, claimed_until=now + hold))


async def sweep_abandoned(session: AsyncSession, now: datetime) -> int:
    """Delete rows whose sender died between marking and finishing: maybe delivered, so never
    sent again. Returns how many, for the log."""
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.sending_at.is_not(None),
                                    OutboxMessage.claimed_until <= now))
    return result.rowcount or 0


async def forget_sent(session: AsyncSession, message_ids: Sequence[int], token: str) -> None:
    """Delete messages that are finished (accepted, or given up). Only tidying: a marked row
    is never sent again, so until this runs (or if the process dies first) it is as good as
    gone; the dispatcher does it once per batch instead of once per message."""
    if message_ids:
        await session.execute(delete(OutboxMessage).where(
            OutboxMessage.id.in_(list(message_ids)), OutboxMessage.claim_token == token))


async def done(session: AsyncSession, message_id: int, token: str) -> None:
    await session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id,
                                                      OutboxMessage.claim_token == token))


async def retry_at(session: AsyncSession, message_ids: Sequence[int], token: str,
                   when: datetime) -> None:
    """Give the rows back for a later attempt; only for rows the messenger certainly did not
    take (a 429, a refused connection), so `sending_at` is cleared."""
    await session.execute(update(OutboxMessage)
                          .where(OutboxMessage.id.in_(list(message_ids)),
                                 OutboxMessage.claim_token == token)
                          .values(next_attempt_at=when, claimed_until=None, claim_token=None,
                                  sending_at=None))


async def blocked(session: AsyncSession, message: OutboxMessage, token: str,
                  now: datetime) -> None:
    """The person blocked the bot: drop the message and mark them unreachable, which their
    case manager's digest shows instead of retrying forever."""
    await done(session, message.id, token)
    if message.bot == CLIENT_BOT:
        await session.execute(update(Client).where(Client.telegram_id == message.chat_id,
                                                   Client.unreachable_at.is_(None))
                              .values(unreachable_at=now))


async def forget_chat(session: AsyncSession, bot: str, chat_id: int) -> None:
    """Drop every message waiting for a chat: the person asked for erasure."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.bot == bot,
                                                      OutboxMessage.chat_id == chat_id))


async def pending_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count(OutboxMessage.id))) or 0


async def backlog(session: AsyncSession, now: datetime) -> tuple[int, float]:
    """How many messages wait, and for how many seconds the oldest due one has been due (0 when
    none is due); for /metrics."""
    waiting = await session.scalar(select(func.count(OutboxMessage.id))) or 0
    oldest = await session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.next_attempt_at <= now, OutboxMessage.sending_at.is_(None)))
    if oldest is not None and oldest.tzinfo is None:  # SQLite's min() bypasses the column type
        oldest = oldest.replace(tzinfo=UTC)
    return waiting, max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
