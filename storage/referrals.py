"""Referrals by volunteers and partner services, and their single-use invitation links. Callers
own the transaction.

A referral is stored as what every part of clearing already understands: a client row for the
person (origin "referral": the referrer confirmed the person agreed) and a sent intake with the
referral's answers. Beside it, a `referrals` row is all the referrer can still see: number, day,
whether contact was made. When the person opens their invitation and agrees themselves, the
stand-in client row is merged into their own and the link is spent.

Links: the token is shown once; the table keeps only its SHA-256 hash. Spending one is a
conditional UPDATE (`used_at IS NULL AND expires_at > now`), so of two chats racing for one link,
one wins on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Appointment,
    Client,
    ClientOrigin,
    Intake,
    IntakeSource,
    IntakeStatus,
    Referral,
    ReferralLink,
    StaffMember,
)
from storage.one_time import CodeProblem, hash_code, usable

REFERRAL_CONSENT = "referral"  # consent_version of a stand-in client: the referrer's word
TOKEN_BYTES = 24  # 32 URL-safe characters; with the "r" prefix well inside 64


@dataclass(frozen=True)
class ReferralDraft:
    """Everything the referrer entered, validated by the flow before it gets here."""

    kind: IntakeSource  # REFERRAL or HANDOVER
    alias: str
    town: str
    region_id: str | None
    language: str
    topics: list[str]
    contact: str  # "chat" (they open the link) or "phone"
    phone: str | None = None
    reasons: list[str] | None = None  # hand-overs only
    legal_areas: list[str] | None = None
    note: str | None = None  # hand-overs: a short description in German


@dataclass(frozen=True)
class Submitted:
    referral: Referral
    intake: Intake
    client: Client
    token: str | None  # the invitation's token, shown once; None for phone contact
    link: ReferralLink | None


async def submit(session: AsyncSession, draft: ReferralDraft, by: StaffMember, now: datetime,
                 link_validity: timedelta) -> Submitted:
    client = Client(telegram_id=None, alias=draft.alias, phone=draft.phone,
                    language=draft.language, origin=ClientOrigin.REFERRAL.value,
                    consent_at=now, consent_version=REFERRAL_CONSENT, town=draft.town,
                    created_at=now, last_seen_at=now)
    session.add(client)
    await session.flush()
    intake = Intake(client_id=client.id, status=IntakeStatus.SUBMITTED.value,
                    source=draft.kind.value, town=draft.town, region_id=draft.region_id,
                    topics=list(draft.topics), contact=draft.contact, phone=draft.phone,
                    referral_reasons=list(draft.reasons) if draft.reasons else None,
                    legal_areas=list(draft.legal_areas) if draft.legal_areas else None,
                    note=draft.note, note_language="de" if draft.note else None,
                    created_at=now, updated_at=now, submitted_at=now)
    session.add(intake)
    await session.flush()
    referral = Referral(kind=draft.kind.value, referred_by_staff_id=by.id,
                        region_id=draft.region_id, intake_id=intake.id, created_at=now)
    session.add(referral)
    await session.flush()
    if draft.contact != "chat":
        return Submitted(referral, intake, client, None, None)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ReferralLink(referral_id=referral.id, token_hash=hash_code(token),
                        language=draft.language, created_at=now, expires_at=now + link_validity)
    session.add(link)
    await session.flush()
    return Submitted(referral, intake, client, token, link)


# --- the invitation ----------------------------------------------------------------------

async def find_link(session: AsyncSession, token: str, now: datetime) -> ReferralLink | CodeProblem:
    """The link behind `token` if it can still be opened; nothing is changed."""
    link = await session.scalar(select(ReferralLink).where(
        ReferralLink.token_hash == hash_code(token)))
    return usable(link, now)


async def link_by_id(session: AsyncSession, link_id: object,
                     now: datetime) -> ReferralLink | CodeProblem:
    if not isinstance(link_id, int):
        return CodeProblem.UNKNOWN
    return usable(await session.get(ReferralLink, link_id), now)




@dataclass(frozen=True)
class Redeemed:
    referral: Referral
    intake: Intake | None  # None if the referral's intake is gone (withdrawn or erased)


async def redeem(session: AsyncSession, link_id: int, client: Client,
                 now: datetime) -> Redeemed | None:
    """Spend the link for `client`, who has just agreed themselves: the referral's stand-in
    client is merged into theirs. None if the link was spent or expired meanwhile."""
    spent = await session.execute(
        update(ReferralLink)
        .where(ReferralLink.id == link_id, ReferralLink.used_at.is_(None),
               ReferralLink.expires_at > now)
        .values(used_at=now))
    if spent.rowcount != 1:
        return None
    link = await session.get(ReferralLink, link_id)
    assert link is not None
    referral = await session.get(Referral, link.referral_id)
    assert referral is not None
    referral.contact_made_at = referral.contact_made_at or now
    intake = await session.get(Intake, referral.intake_id) if referral.intake_id else None
    if intake is not None and intake.client_id != client.id:
        await _merge(session, intake.client_id, client)
        await session.refresh(intake)
    return Redeemed(referral, intake)


async def _merge(session: AsyncSession, stand_in_id: int, client: Client) -> None:
    """Move what the referral holds to the person's own row, then drop the stand-in."""
    stand_in = await session.get(Client, stand_in_id)
    if stand_in is None or stand_in.origin != ClientOrigin.REFERRAL.value:
        return  # only a referral's stand-in is ever merged away
    client.alias = client.alias or stand_in.alias
    client.phone = client.phone or stand_in.phone
    client.town = client.town or stand_in.town
    for table in (Intake, Appointment):
        await session.execute(update(table).where(table.client_id == stand_in_id)
                              .values(client_id=client.id))
    await session.delete(stand_in)
    await session.flush()


# --- what referrers and case managers see --------------------------------------------------

class ReferralState(StrEnum):
    RECEIVED = "received"
    CONTACT_MADE = "contact_made"
    ENDED = "ended"  # withdrawn or erased by the person: nothing more to say


@dataclass(frozen=True)
class ReferralStatus:
    """A referral as its referrer sees it: never a name, a topic or a phone number."""

    id: int
    kind: str
    created_at: datetime
    state: ReferralState
    since: datetime | None  # when contact was made
    link_expired: bool  # an unanswered invitation ran out


async def mine(session: AsyncSession, staff_member_id: int, now: datetime,
               limit: int = 20) -> list[ReferralStatus]:
    """The member's referrals, newest first."""
    rows = await session.execute(
        select(Referral, Intake.status)
        .outerjoin(Intake, Intake.id == Referral.intake_id)
        .where(Referral.referred_by_staff_id == staff_member_id)
        .order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit))
    found = [(referral, status) for referral, status in rows]
    expired = await _expired_unanswered(session, [referral.id for referral, _ in found], now)
    return [ReferralStatus(referral.id, referral.kind, referral.created_at,
                           _state(referral, status), referral.contact_made_at,
                           referral.id in expired)
            for referral, status in found]


def _state(referral: Referral, intake_status: str | None) -> ReferralState:
    if referral.contact_made_at is not None:
        return ReferralState.CONTACT_MADE
    if intake_status is None or intake_status == IntakeStatus.WITHDRAWN.value:
        return ReferralState.ENDED
    return ReferralState.RECEIVED


async def _expired_unanswered(session: AsyncSession, referral_ids: list[int],
                              now: datetime) -> set[int]:
    if not referral_ids:
        return set()
    return set(await session.scalars(
        select(ReferralLink.referral_id).where(ReferralLink.referral_id.in_(referral_ids),
                                               ReferralLink.used_at.is_(None),
                                               ReferralLink.expires_at <= now)))


async def for_intake(session: AsyncSession, intake_id: int) -> Referral | None:
    return await session.scalar(select(Referral).where(Referral.intake_id == intake_id))


def mark_contact_made(referral: Referral, now: datetime) -> bool:
    """The case manager reached the person. False if that was already recorded."""
    if referral.contact_made_at is not None:
        return False
    referral.contact_made_at = now
    return True


@dataclass(frozen=True)
class ReferralInfo:
    """What a case manager's summary shows about where a referral came from."""

    referral: Referral
    referrer: StaffMember | None  # None once the account is deleted
    link: ReferralLink | None  # the newest invitation, if one was made


async def info_for(session: AsyncSession, intake_id: int) -> ReferralInfo | None:
    referral = await for_intake(session, intake_id)
    if referral is None:
        return None
    referrer = (await session.get(StaffMember, referral.referred_by_staff_id)
                if referral.referred_by_staff_id else None)
    link = await session.scalar(select(ReferralLink)
                                .where(ReferralLink.referral_id == referral.id)
                                .order_by(ReferralLink.id.desc()).limit(1))
    return ReferralInfo(referral, referrer, link)
