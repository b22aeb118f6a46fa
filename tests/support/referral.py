"""Setting up referrals for tests: a partner service beside the Kreis of intake_setup, and the
taps a volunteer or a partner makes in the staff bot."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from bot.flows.events import Outcome
from storage.db import Database
from storage.models import Client, Referral, ReferralLink, StaffRole
from tests.support.chat import Chat
from tests.support.common import rows_of
from tests.support.intake import add_staff

PARTNER = 830
BOT = "kim_client_bot"
_LINK = re.compile(r"https://t\.me/kim_client_bot\?start=(r[A-Za-z0-9_-]+)")


async def add_partner(db: Database) -> int:
    return await add_staff(db, PARTNER, "Jobcenter Rhein-Berg", StaffRole.PARTNER)


@dataclass(frozen=True)
class Referring:
    alias: str = "Amal"
    town: str = "odenthal"
    language: str = "ar"
    topics: tuple[str, ...] = ("housing",)
    phone: str | None = None  # None: the person opens the invitation link
    reasons: tuple[str, ...] = ("legal_areas", "multiple")  # hand-overs only
    areas: tuple[str, ...] = ("sgb2", "aufenthg")
    note: str | None = "Leistungen seit Monaten ungeklärt, Jobcenter und ABH uneins."


async def refer(staff: Chat, how: Referring | None = None, command: str = "/vermitteln",
                send: bool = True) -> Outcome:
    """Every step of /vermitteln (or /meldung) as a referrer taps it; the last outcome."""
    how = how or Referring()
    await staff.send(command)
    await staff.press("ref_agree:yes")
    await staff.send(how.alias)
    await staff.press(f"ref_town:{how.town}")
    await staff.press(f"ref_lang:{how.language}")
    for topic in how.topics:
        await staff.press(f"ref_topic:{topic}")
    last = await staff.press("ref_topics")
    if command == "/meldung":
        for reason in how.reasons:
            await staff.press(f"ref_reason:{reason}")
        await staff.press("ref_reasons")
        for area in how.areas:
            await staff.press(f"ref_area:{area}")
        await staff.press("ref_areas")
        last = await (staff.send(how.note) if how.note else staff.press("ref_nonote"))
    if how.phone is None:
        last = await staff.press("ref_reach:chat")
    else:
        await staff.press("ref_reach:phone")
        last = await staff.send(how.phone)
    return await staff.press("ref_send") if send else last


def payload_of(outcome: Outcome) -> str:
    """The /start payload of the invitation in the referrer's reply."""
    found = _LINK.search("\n".join(reply.text for reply in outcome.replies))
    assert found is not None, "no invitation link in the reply"
    return found.group(1)


async def referral_rows(db: Database) -> tuple[list[Referral], list[ReferralLink]]:
    async with db.transaction() as session:
        return (list(await session.scalars(select(Referral).order_by(Referral.id))),
                list(await session.scalars(select(ReferralLink).order_by(ReferralLink.id))))


async def clients(db: Database) -> list[Client]:
    return await rows_of(db, Client)
