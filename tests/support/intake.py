"""Setting up intakes for tests: the sample catalogue, staff of the Kreis, and a walk through
every question of the intake the way a person would tap."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.catalogue.samples import RBK
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Outcome
from storage.catalogue_io import import_catalogue
from storage.db import Database
from storage.models import (
    AccessLog,
    CaseManagerWorkplace,
    Intake,
    IntakeAssignment,
    OutboxMessage,
    StaffMember,
    StaffRole,
)
from storage.repositories import Staff
from tests.support.chat import Chat
from tests.support.chat import consented as consented  # where intake tests start
from tests.support.common import actions, rows_of, text
from tests.support.staff import NOW

KAYA, BERG, LENZ, COORD, OTHER_COORD, VOLUNTEER = 800, 801, 802, 810, 811, 820


@dataclass(frozen=True)
class Answers:
    """One person's answers, as the codes the buttons carry."""

    town: str = "odenthal"
    topics: tuple[str, ...] = ("housing", "debts", "residence")
    household: str = "partner"
    children: int = 2
    age: str = "27_39"
    languages: tuple[str, ...] | None = None  # None: keep the chat's language ticked
    german: str = "a1"
    interpreter: str = "no"
    services: tuple[str, ...] = ("mbe", "jobcenter")
    helping: str | None = "partly"
    letter: str = "yes"
    deadline: str = "20261127"  # Friday, four days after the conftest clock's Monday
    contact: str = "phone"
    phone: str = "0176 1234567"
    residence: str = "prefer_not"
    note: str | None = None  # None: "nothing to add"


async def add_staff(db: Database, telegram_id: int, name: str, role: StaffRole,
                    towns: list[str] | None = None, region: str | None = "rbk",
                    fte: float | None = None) -> int:
    async with db.transaction() as session:
        member = await Staff(session).add(telegram_id, name, role, NOW)
        member.towns, member.region_id, member.fte = towns or [], region, fte
        return member.id


async def kreis(db: Database) -> dict[str, int]:
    """The sample catalogue; Kaya (the only case manager of Odenthal), Berg and Lenz (both of
    Kürten), coordination of the RBK and of another Kreis, and a volunteer."""
    await import_catalogue(db, [RBK], NOW)
    ids = {
        "kaya": await add_staff(db, KAYA, "S. Kaya", StaffRole.CASE_MANAGER, ["odenthal"],
                                fte=0.5),
        "berg": await add_staff(db, BERG, "T. Berg", StaffRole.CASE_MANAGER, ["kuerten"],
                                fte=1.0),
        "lenz": await add_staff(db, LENZ, "M. Lenz", StaffRole.CASE_MANAGER, ["kuerten"]),
        "coord": await add_staff(db, COORD, "K. Oordination", StaffRole.COORDINATION),
        "other_coord": await add_staff(db, OTHER_COORD, "Fremde Koordination",
                                       StaffRole.COORDINATION, region="other"),
        "volunteer": await add_staff(db, VOLUNTEER, "E. Hrenamt", StaffRole.VOLUNTEER),
    }
    async with db.transaction() as session:
        session.add(CaseManagerWorkplace(staff_member_id=ids["kaya"], office_id="kim-odenthal",
                                         towns=["odenthal"], working_hours="Tu,Th 09:00-12:00"))
    return ids


def staff_chat(engine: FlowEngine, telegram_id: int) -> Chat:
    return Chat(engine, telegram_id, "de", BotKind.STAFF)


async def answer_town(chat: Chat, town: str = "odenthal") -> Outcome:
    """From "Tell KIM about you" past the first question, the town: the topics question."""
    return await chat.press_each("intake", "i_go", f"i_ans:town-{town}")


async def fill(chat: Chat, answers: Answers | None = None) -> Outcome:
    """From "Tell KIM about you" to the check screen, answering every question."""
    answers = answers or Answers()
    await chat.press("intake")
    last = await chat.press("i_go")
    assert f"i_ans:town-{answers.town}" in actions(last), text(last)
    await chat.press(f"i_ans:town-{answers.town}")
    for topic in answers.topics:
        await chat.press(f"i_tog:topics-{topic}")
    await chat.press("i_done:topics")
    await chat.press(f"i_ans:household-{answers.household}")
    await chat.press(f"i_ans:children-{answers.children}")
    last = await chat.press(f"i_ans:age-{answers.age}")
    if answers.languages is not None:
        for code in _ticked_languages(last):
            await chat.press(f"i_tog:languages-{code}")
        for code in answers.languages:
            await chat.press(f"i_tog:languages-{code}")
    await chat.press("i_done:languages")
    await chat.press(f"i_ans:german-{answers.german}")
    if answers.interpreter not in ("no", chat.language_code):
        await chat.press("i_ans:interpreter-other")
    await chat.press(f"i_ans:interpreter-{answers.interpreter}")
    for service in answers.services:
        await chat.press(f"i_tog:services-{service}")
    await chat.press("i_done:services")
    if answers.helping is not None:
        await chat.press(f"i_ans:helping-{answers.helping}")
    await chat.press(f"i_ans:letter-{answers.letter}")
    if answers.letter == "yes":
        await chat.press(f"i_ans:deadline-{answers.deadline}")
    await chat.press(f"i_ans:contact-{answers.contact}")
    if answers.contact == "phone":
        await chat.send(answers.phone)
    await chat.press(f"i_ans:residence-{answers.residence}")
    if answers.note is None:
        return await chat.press("i_ans:note-none")
    return await chat.send(answers.note)


def _ticked_languages(outcome: Outcome) -> list[str]:
    return [b.action.split("-", 1)[1] for reply in outcome.replies for row in reply.buttons
            for b in row if b.action.startswith("i_tog:languages-") and b.label.startswith("✓")]


async def intakes(db: Database) -> list[Intake]:
    return await rows_of(db, Intake)


async def history(db: Database) -> list[IntakeAssignment]:
    async with db.transaction() as session:
        return list(await session.scalars(select(IntakeAssignment)
                                          .order_by(IntakeAssignment.id)))


async def messages_to(db: Database, bot: str, chat_id: int) -> list[str]:
    async with db.transaction() as session:
        return [m.text for m in await session.scalars(
            select(OutboxMessage).where(OutboxMessage.bot == bot, OutboxMessage.chat_id == chat_id)
            .order_by(OutboxMessage.id))]


async def access_log(db: Database) -> list[tuple[int | None, int | None, str]]:
    async with db.transaction() as session:
        rows = await session.scalars(select(AccessLog).order_by(AccessLog.id))
        return [(row.staff_member_id, row.client_id, row.action) for row in rows]


async def member(db: Database, telegram_id: int) -> StaffMember:
    async with db.transaction() as session:
        found = await session.scalar(select(StaffMember)
                                     .where(StaffMember.telegram_id == telegram_id))
        assert found is not None
        return found
