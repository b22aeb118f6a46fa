"""A person walks the client bot from /start to the intake summary, in one language, through
the sandbox exactly as the end-to-end tests do (typed text and pressed buttons), and stops at
each of the main screens so the page can take its picture.

The walk chooses plain, fixed answers (debts in Kürten for the finder, a few intake answers) so
that every language shows the same screens. Several walks run at once and share the one demo
case manager's free times, so each takes a time no other walk can want: walk n books on the
n-th day offered (the first time of that day, or the last when there are more walks than days),
and the walks book in the order of their numbers, which number the appointments (and name the
calendar files) alike on every run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from bot.sandbox import SandboxServer, SimUser

JSON = dict[str, Any]

# The screens in the order the walk reaches them; the PNG files are numbered in this order.
SCREENS = ("start", "privacy", "menu", "finder", "booking-check", "confirmation",
           "intake-question", "intake-summary")
# Generous: the bots answer in milliseconds, but a busy two-core machine runs a browser too.
ANSWER_TIMEOUT = 30.0
# How the intake is answered, question by question (the codes the buttons carry). Questions
# with several answers keep what the bot ticked already (the chat's language) and add these.
INTAKE_ANSWERS: dict[str, tuple[str, ...]] = {
    "topics": ("housing", "letters"),
    "household": ("partner",),
    "children": ("2",),
    "age": ("27_39",),
    "languages": (),
    "german": ("a1",),
    "interpreter": ("no",),
    "services": ("mbe",),
    "helping": ("partly",),
    "letter": ("yes",),
    "deadline": (),  # the first day offered
    "contact": ("in_person",),
    "residence": ("prefer_not",),
    "note": ("none",),
}
MAX_INTAKE_STEPS = 40  # a loop guard: the intake has 15 questions and a few ticks


class WalkError(RuntimeError):
    """The bot did not offer what the walk expected: the flow changed under the walk."""


@dataclass(frozen=True)
class Screen:
    """One main screen: the bot messages that make it up, as the sandbox holds them now."""

    number: int  # 1-based, in the order of SCREENS
    name: str
    entries: tuple[JSON, ...]

    @property
    def file_name(self) -> str:
        return f"{self.number:02d}-{self.name}.png"


Shoot = Callable[[Screen], Awaitable[None]]


def buttons(entry: JSON) -> list[str]:
    return [b["callback_data"] for row in entry.get("buttons") or [] for b in row
            if "callback_data" in b]


def ticked(entry: JSON) -> set[str]:
    """The callback data of buttons shown ticked (✓) in a question with several answers."""
    return {b["callback_data"] for row in entry.get("buttons") or [] for b in row
            if b.get("text", "").startswith("✓") and "callback_data" in b}


def first(entry: JSON, prefix: str) -> str:
    for data in buttons(entry):
        if data.startswith(prefix):
            return data
    raise WalkError(f"no button {prefix}… in {entry.get('text')!r}: {buttons(entry)}")


def want(entry: JSON, data: str) -> str:
    if data not in buttons(entry):
        raise WalkError(f"no button {data} in {entry.get('text')!r}: {buttons(entry)}")
    return data


class BookingOrder:
    """Walks book one after another in the order of their numbers."""

    def __init__(self, numbers: Iterable[int]) -> None:
        ordered = sorted(numbers)
        self._done = {number: asyncio.Event() for number in ordered}
        self._before = {later: earlier for earlier, later in pairwise(ordered)}

    @contextlib.asynccontextmanager
    async def turn(self, number: int) -> AsyncIterator[None]:
        earlier = self._before.get(number)
        if earlier is not None:
            await self._done[earlier].wait()
        try:
            yield
        finally:
            self.release(number)

    def release(self, number: int) -> None:
        """Walk `number` has booked, or will not: the next may go. Safe to call twice."""
        self._done[number].set()


class ClientWalk:
    """Walk number `number`; `shoot` is awaited at each screen before the walk goes on (later
    steps edit some of the messages, so the picture must be taken then)."""

    def __init__(self, server: SandboxServer, token: str, user: SimUser, shoot: Shoot,
                 number: int = 0, order: BookingOrder | None = None) -> None:
        self.server, self.token, self.user, self.shoot = server, token, user, shoot
        self.language = user.language_code or "en"
        self.number = number
        self.order = order or BookingOrder([number])
        self.taken = 0

    async def _outputs(self, count: int) -> list[JSON]:
        return await self.server.wait_for(self.token, self.user.id, count=count,
                                          timeout=ANSWER_TIMEOUT)

    async def send(self, text: str, count: int = 1) -> list[JSON]:
        self.server.user_sends_text(self.token, self.user, text)
        return await self._outputs(count)

    async def press(self, entry: JSON, data: str, count: int = 1) -> list[JSON]:
        self.server.user_presses(self.token, self.user, entry["message_id"], data)
        return await self._outputs(count)

    async def until_buttons(self, entry: JSON, data: str) -> list[JSON]:
        """Press, then take the bot's messages up to the first one with buttons: an answer of
        several messages (the finder's places) ends with the one that has them."""
        outputs = await self.press(entry, data)
        while not buttons(outputs[-1]):
            outputs += await self._outputs(1)
        return outputs

    async def screen(self, name: str, *entries: JSON) -> None:
        self.taken += 1
        if SCREENS[self.taken - 1] != name:
            raise WalkError(f"screen {name} out of order")
        await self.shoot(Screen(self.taken, name, tuple(entries)))

    async def run(self) -> None:
        [hello] = await self.send("/start")
        await self.screen("start", hello)
        _, notice = await self.press(hello, want(hello, f"lang:{self.language}"), count=2)
        await self.screen("privacy", notice)
        _, menu = await self.press(notice, want(notice, "consent:yes"), count=2)
        await self.screen("menu", menu)

        [topics] = await self.press(menu, want(menu, "finder"))
        [towns] = await self.press(topics, want(topics, "topic:debts"))
        await self.screen("finder", *await self.until_buttons(towns,
                                                              want(towns, "town:kuerten")))
        check = await self._to_booking_check()
        await self.screen("booking-check", check)
        async with self.order.turn(self.number):
            booked, calendar, offer = await self.press(check, first(check, "bok:"), count=3)
        await self.screen("confirmation", booked, calendar, offer)

        # The first question, under the note that names what booking and finder filled in.
        [question] = await self.press(offer, want(offer, "i_go"))
        await self.screen("intake-question", question)
        summary = await self._answer_intake(question)
        await self.screen("intake-summary", summary)

    async def _to_booking_check(self) -> JSON:
        """/book, this walk's day and time, the Telegram name, and an interpreter in the
        chat's language (German speakers are not asked). The town is the finder's (Kürten),
        remembered."""
        [step] = await self.send("/book")
        if "btown:kuerten" in buttons(step):
            [step] = await self.press(step, "btown:kuerten")
        if "bplace:any" in buttons(step):
            [step] = await self.press(step, "bplace:any")
        days = [data for data in buttons(step) if data.startswith("bday:")]
        rank, day = divmod(self.number, len(days) or 1)
        if rank > 1 or not days:
            raise WalkError(f"{len(days)} days offered: not enough for walk {self.number}")
        [step] = await self.press(step, days[day])
        times = [data for data in buttons(step) if data.startswith("btime:")]
        if len(times) < 2:
            raise WalkError(f"{days[day]} offers {len(times)} times: too few to share")
        [step] = await self.press(step, times[0] if rank == 0 else times[-1])
        [step] = await self.press(step, want(step, "bnoname"))
        if any(data.startswith("binterp:") for data in buttons(step)):  # not asked in German
            [step] = await self.press(step, want(step, f"binterp:{self.language}"))
        first(step, "bok:")  # the check screen, with the button that books
        return step

    async def _answer_intake(self, question: JSON) -> JSON:
        """Every question answered from INTAKE_ANSWERS; returns the summary (the check screen
        with the Send button)."""
        current = question
        for _ in range(MAX_INTAKE_STEPS):
            if "i_send" in buttons(current):
                return current
            key = _question_key(current)
            if key not in INTAKE_ANSWERS:
                raise WalkError(f"intake question {key!r} has no answer in the walk")
            choices = INTAKE_ANSWERS[key]
            if f"i_done:{key}" in buttons(current):  # several answers: tick, then Done
                for code in choices:
                    if f"i_tog:{key}-{code}" not in ticked(current):
                        [current] = await self.press(current, want(current,
                                                                   f"i_tog:{key}-{code}"))
                if not any(data.startswith(f"i_tog:{key}-") for data in ticked(current)):
                    [current] = await self.press(current, first(current, f"i_tog:{key}-"))
                [current] = await self.press(current, f"i_done:{key}")
            elif choices:
                [current] = await self.press(current, want(current, f"i_ans:{key}-{choices[0]}"))
            else:
                [current] = await self.press(current, first(current, f"i_ans:{key}-"))
        raise WalkError(f"the intake did not end within {MAX_INTAKE_STEPS} steps")


def _question_key(entry: JSON) -> str:
    for data in buttons(entry):
        name, _, arg = data.partition(":")
        if name in ("i_ans", "i_tog"):
            return arg.partition("-")[0]
        if name == "i_done":
            return arg
    raise WalkError(f"not an intake question: {entry.get('text')!r}: {buttons(entry)}")
