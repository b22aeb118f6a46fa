"""Invitation codes for staff accounts, deactivation and reactivation. Callers own the
transaction.

A code is shown once, when it is made; the table keeps only its SHA-256 hash. Redeeming is a
conditional UPDATE (`used_at IS NULL AND expires_at > now`): whichever transaction updates the
row first wins, the other matches nothing, so two accounts racing for one code get one
registration on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StaffInvitation, StaffMember, StaffRole
from storage.one_time import CodeProblem, hash_code, usable

DEFAULT_VALIDITY = timedelta(days=7)
# 24 random bytes -> 32 URL-safe characters: well inside Telegram's 64-character /start payload
# and its alphabet [A-Za-z0-9_-].
CODE_BYTES = 24
_CODE = re.compile(r"[A-Za-z0-9_-]{20,64}")

# Who may invite whom: coordination runs the case management of its Kreis, so it brings in
# case managers, volunteers and partner services; accounts that may invite (admin,
# coordination) are only created by an admin.
INVITABLE_BY: dict[str, frozenset[str]] = {
    StaffRole.ADMIN.value: frozenset(role.value for role in StaffRole),
    StaffRole.COORDINATION.value: frozenset({StaffRole.CASE_MANAGER.value,
                                             StaffRole.VOLUNTEER.value,
                                             StaffRole.PARTNER.value}),
}


def may_invite(inviter_role: str | None, role: str) -> bool:
    """None stands for the operator at the command line, who may create any role."""
    if inviter_role is None:
        return role in {r.value for r in StaffRole}
    return role in INVITABLE_BY.get(inviter_role, frozenset())


def looks_like_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text))


@dataclass(frozen=True)
class NewInvitation:
    code: str
    invitation: StaffInvitation


async def create_invitation(session: AsyncSession, *, role: StaffRole, now: datetime,
                            region_id: str | None = None, towns: tuple[str, ...] = (),
                            display_name: str | None = None, fte: float | None = None,
                            created_by: int | None = None,
                            validity: timedelta = DEFAULT_VALIDITY) -> NewInvitation:
    code = secrets.token_urlsafe(CODE_BYTES)
    invitation = StaffInvitation(
        code_hash=hash_code(code), role=role.value, region_id=region_id, towns=list(towns),
        display_name=display_name, fte=fte, created_by_staff_id=created_by, created_at=now,
        expires_at=now + validity)
    session.add(invitation)
    await session.flush()
    return NewInvitation(code, invitation)


async def check_code(session: AsyncSession, code: str,
                     now: datetime) -> StaffInvitation | CodeProblem:
    """The invitation behind `code` if it can still be redeemed; nothing is changed."""
    if not looks_like_code(code):
        return CodeProblem.UNKNOWN
    invitation = await session.scalar(
        select(StaffInvitation).where(StaffInvitation.code_hash == hash_code(code)))
    return usable(invitation, now)


async def invitation_by_id(session: AsyncSession, invitation_id: int,
                           now: datetime) -> StaffInvitation | CodeProblem:
    return usable(await session.get(StaffInvitation, invitation_id), now)


async def redeem(session: AsyncSession, invitation_id: int, telegram_id: int,
                 display_name: str, now: datetime) -> StaffMember | None:
    """Register `telegram_id` with the invitation's role, or None if someone else redeemed it
    first or it expired meanwhile (nothing is written then)."""
    claimed = await session.execute(
        update(StaffInvitation)
        .where(StaffInvitation.id == invitation_id, StaffInvitation.used_at.is_(None),
               StaffInvitation.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return None
    invitation = await session.get(StaffInvitation, invitation_id, populate_existing=True)
    assert invitation is not None
    member = StaffMember(telegram_id=telegram_id, display_name=display_name,
                         role=invitation.role, active=True, created_at=now,
                         region_id=invitation.region_id, towns=list(invitation.towns or []),
                         fte=invitation.fte)
    session.add(member)
    await session.flush()
    invitation.used_by_staff_id = member.id
    await session.flush()
    return member


async def deactivatable(session: AsyncSession, by: StaffMember) -> list[StaffMember]:
    """Active members `by` may deactivate: the roles they may invite, never themselves;
    coordination only within its own Kreis."""
    return await _manageable(session, by, active=True)


async def reactivatable(session: AsyncSession, by: StaffMember) -> list[StaffMember]:
    """Deactivated members `by` may switch on again: the same rule as for deactivating, so
    whoever may take an account's access away may also give it back."""
    return await _manageable(session, by, active=False)


async def _manageable(session: AsyncSession, by: StaffMember, active: bool) -> list[StaffMember]:
    query = (select(StaffMember)
             .where(StaffMember.active.is_(active), StaffMember.id != by.id,
                    StaffMember.role.in_(INVITABLE_BY.get(by.role, frozenset())))
             .order_by(StaffMember.display_name, StaffMember.id))
    if by.role == StaffRole.COORDINATION.value and by.region_id is not None:
        query = query.where(StaffMember.region_id == by.region_id)
    return list(await session.scalars(query))


async def deactivate(session: AsyncSession, member: StaffMember, now: datetime) -> None:
    member.active = False
    member.deactivated_at = now
    await session.flush()


async def reactivate(session: AsyncSession, member: StaffMember) -> None:
    """Give a deactivated account its access back, with its role, Kreis and towns as they
    were. `deactivated_at` goes back to NULL: it records the current deactivation, and the
    account is not deactivated any more."""
    member.active = True
    member.deactivated_at = None
    await session.flush()
