"""One person writing to a bot, for flow tests without any network."""

from __future__ import annotations

from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Event, EventKind, Outcome


class Chat:
    """One person writing to a bot, for flow tests without any network."""

    def __init__(self, engine: FlowEngine, user_id: int, language_code: str | None = "ar",
                 bot: BotKind = BotKind.CLIENT) -> None:
        self.engine, self.user_id, self.language_code, self.bot = (
            engine, user_id, language_code, bot)

    async def send(self, text: str) -> Outcome:
        return await self.engine.handle(Event.from_text(
            self.bot, self.user_id, self.user_id, text, self.language_code))

    async def press(self, action: str, message_id: int = 1) -> Outcome:
        return await self.engine.handle(Event(
            self.bot, self.user_id, self.user_id, EventKind.ACTION, self.language_code,
            action=action, message_id=message_id))

    async def send_unsupported(self, kind: str = "photo") -> Outcome:
        return await self.engine.handle(Event(
            self.bot, self.user_id, self.user_id, EventKind.UNSUPPORTED, self.language_code,
            content_type=kind))

    async def consent(self, language: str) -> Chat:
        """/start, choose `language` and agree to the privacy notice; this chat."""
        await self.send("/start")
        await self.press_each(f"lang:{language}", "consent:yes")
        return self

    async def press_each(self, first: str, *more: str) -> Outcome:
        """Press the buttons in turn, as a person taps through questions; the last answer."""
        outcome = await self.press(first)
        for action in more:
            outcome = await self.press(action)
        return outcome


async def consented(engine: FlowEngine, user_id: int, language: str = "ar") -> Chat:
    """A person who chose `language` and agreed to the privacy notice."""
    return await Chat(engine, user_id, language).consent(language)
