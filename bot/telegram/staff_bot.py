"""The staff bot on aiogram: Telegram updates in, flow replies out, nothing else."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Event, Outcome, Reply
from bot.flows.staff.texts import COMMANDS
from bot.telegram import delivery
from bot.telegram.delivery import Failure, Library, LibraryChatApi

log = logging.getLogger(__name__)


def message_event(message: Message) -> Event | None:
    return delivery.event_from_message(BotKind.STAFF, message,
                                       lambda: message.model_dump(exclude_none=True))


def callback_event(query: CallbackQuery) -> Event:
    return delivery.event_from_press(BotKind.STAFF, query)


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.label, callback_data=b.action) for b in row]
        for row in reply.buttons])


AIOGRAM = Library("staff bot", log, markup=_markup, upload=BufferedInputFile, failures={
    TelegramRetryAfter: Failure.FLOOD, TelegramForbiddenError: Failure.BLOCKED,
    TelegramBadRequest: Failure.REFUSED, TelegramNetworkError: Failure.NETWORK,
    TelegramAPIError: Failure.OTHER})


class AiogramChatApi(LibraryChatApi, library=AIOGRAM):
    """The shared delivery on aiogram's Bot."""


class StaffBot:
    """Owns the aiogram Bot, Dispatcher and the polling task."""

    def __init__(self, token: str, api_url: str, engine: FlowEngine) -> None:
        self.engine = engine
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
        self.bot = Bot(token, session=session)
        self.dispatcher = Dispatcher()
        router = Router(name="staff")
        router.message.register(self._on_message)
        router.callback_query.register(self._on_callback)
        self.dispatcher.include_router(router)
        self._polling: asyncio.Task[None] | None = None
        self.username: str | None = None  # from getMe, for invitation links

    async def _on_message(self, message: Message, bot: Bot) -> None:
        event = message_event(message)
        if event is not None:
            await self._handle(bot, event, None)

    async def _on_callback(self, query: CallbackQuery, bot: Bot) -> None:
        await self._handle(bot, callback_event(query), query.answer)

    async def _handle(self, bot: Bot, event: Event, answer: delivery.Answer | None) -> None:
        api = AiogramChatApi(bot)

        async def send(outcome: Outcome) -> None:
            try:
                await delivery.respond(api, AIOGRAM, event, outcome, answer)
            except Exception as exc:
                # aiogram would log it too, but without saying the reply is lost for good.
                delivery.report_lost(AIOGRAM, exc, "could not deliver a reply")

        await self.engine.handle(event, deliver=send)

    async def start(self) -> None:
        # Fails here, at start-up, for a refused token or an unreachable server; the polling
        # task below would only log it and leave a dead staff bot behind a running system.
        self.username = (await self.bot.get_me()).username
        try:
            await self.bot.set_my_commands([BotCommand(command=n, description=d)
                                            for n, d in COMMANDS])
        except Exception:
            log.warning("staff bot: could not set the command menu", exc_info=True)
        self._polling = asyncio.create_task(self.dispatcher.start_polling(
            self.bot, handle_signals=False, close_bot_session=False, polling_timeout=10,
            allowed_updates=["message", "callback_query"]))

    async def stop(self) -> None:
        if self._polling is not None:
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:  # stopped before polling had begun
                self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        await self.bot.session.close()
