"""Whose figures a member sees in /stats and /export.

- A case manager: their own, and the finder demand of their own towns.
- Coordination: every counting member of their Kreis and the Kreis's demand. Coordination
  without a Kreis sees only their own figures, with a hint: an account that was registered
  without a Kreis must not see the figures of every Kreis in the database.
- An admin: their Kreis; an admin without a Kreis (the operator) sees all Kreise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.staff.access import COUNTING_ROLES
from storage.counting import member_towns
from storage.models import CatalogueRegion, StaffMember, StaffRole
from storage.stats import counting_members

NO_KREIS = ("Ihrem Konto ist kein Kreis zugeordnet; deshalb sehen Sie nur Ihre eigenen "
            "Zahlen. Die Administration trägt den Kreis ein "
            "(kimbot staff update --telegram-id {telegram_id} --region …).")
ALL_KREISE = "alle Kreise"


@dataclass(frozen=True)
class Scope:
    members: list[StaffMember]
    own: bool  # only the member's own figures
    title: str  # the Kreis, or the member's name
    region_id: str | None  # demand of this region; None: every region
    demand_towns: list[str] | None  # demand only of these towns; None: all of the region
    hint: str | None = None


async def stats_scope(session: AsyncSession, member: StaffMember) -> Scope:
    whole_kreis = (member.role == StaffRole.ADMIN.value
                   or (member.role == StaffRole.COORDINATION.value
                       and member.region_id is not None))
    if not whole_kreis:
        hint = (NO_KREIS.format(telegram_id=member.telegram_id)
                if member.role == StaffRole.COORDINATION.value else None)
        return Scope([member], True, member.display_name, None,
                     await member_towns(session, member), hint)
    region = member.region_id
    members = await counting_members(session, region, COUNTING_ROLES)
    return Scope(members, False, await kreis_name(session, region), region, None)


async def kreis_name(session: AsyncSession, region: str | None) -> str:
    if region is None:
        return ALL_KREISE
    found = await session.get(CatalogueRegion, region)
    return found.name if found else region
