"""The load the update benchmarks share: simulated people, their onboarding, the messages they
send and the timing of it all against the local Bot API-compatible server."""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot.sandbox.server import SandboxServer
from bot.sandbox.state import SimUser

TOKEN = "4242:bench-bot"
LANGUAGES = ["ar", "uk", "fa", "de", "ti", "ps", "tr", "ru", "so", "ro"]

# What people do most: open the menu, read help or their data, switch language. Half of these
# change the conversation's step, so half the updates write to the database.
WORKLOAD = ("/menu", "/help", "/language", "/mydata")


@dataclass
class Result:
    name: str
    updates: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


def options(doc: str, repeat: int) -> argparse.ArgumentParser:
    """The options of every update benchmark: how many people, messages each, and runs."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser


def median(results: list[Result]) -> Result:
    ordered = sorted(results, key=lambda r: r.rate)
    return ordered[len(ordered) // 2]


def people(count: int, first: int) -> list[SimUser]:
    """`count` simulated people with ids from `first` on, speaking the ten languages in turn."""
    return [SimUser(first + i, f"Bench {i}", LANGUAGES[i % len(LANGUAGES)])
            for i in range(count)]


async def onboard(server: SandboxServer, users: list[SimUser], token: str = TOKEN) -> None:
    """Every simulated person has chosen a language and agreed, as a regular user would."""
    async def one(user: SimUser) -> None:
        server.user_sends_text(token, user, "/start")
        [hello] = await server.wait_for(token, user.id, timeout=60)
        server.user_presses(token, user, hello["message_id"], f"lang:{user.language_code}")
        [_, notice] = await server.wait_for(token, user.id, count=2, timeout=60)
        server.user_presses(token, user, notice["message_id"], "consent:yes")
        await server.wait_for(token, user.id, count=2, timeout=60)

    await asyncio.gather(*(one(user) for user in users))


async def drive(server: SandboxServer, users: list[SimUser], rounds: int,
                texts: tuple[str, ...]) -> float:
    """Send `rounds` messages from every user (each waits for its answer) and time it all."""

    async def one_user(user: SimUser) -> None:
        for i in range(rounds):
            server.user_sends_text(TOKEN, user, texts[i % len(texts)])
            await server.wait_for(TOKEN, user.id, timeout=60)

    started = time.perf_counter()
    await asyncio.gather(*(one_user(u) for u in users))
    return time.perf_counter() - started


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bare echo bots' only handler: the text back, with one sendMessage."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)
