"""The staff bot on aiogram: Telegram updates in, flow replies out, nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

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
    Update,
)

from bot.flows.engine import FlowEngine, UpdateNotHandled
from bot.flows.events import BotKind, Event, Outcome, Reply
from bot.flows.staff.texts import COMMANDS
from bot.telegram import delivery
from bot.telegram.delivery import ALLOWED_UPDATES, Failure, Library, LibraryChatApi

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


def _timed_out(exc: BaseException) -> bool:
    # aiogram's session reports an answer that did not come in time as "Request timeout
    # error"; a refused or reset connection names the aiohttp error instead.
    return isinstance(exc, TelegramNetworkError) and "timeout" in str(exc).lower()


AIOGRAM = Library("staff bot", log, markup=_markup, upload=BufferedInputFile, failures={
    TelegramRetryAfter: Failure.FLOOD, TelegramForbiddenError: Failure.BLOCKED,
    TelegramBadRequest: Failure.REFUSED, TelegramNetworkError: Failure.NETWORK,
    TelegramAPIError: Failure.OTHER}, timed_out=_timed_out)


class AiogramChatApi(LibraryChatApi, library=AIOGRAM):
    """The shared delivery on aiogram's Bot."""


# Longer than any update takes; past it aiogram answers the webhook and goes on in the
# background, and `feed` then answers with an error, so Telegram sends the update again.
FEED_TIMEOUT = 50.0


class StaffBot:
    """Owns the aiogram Bot and Dispatcher: a polling task, or (webhook=True) none, each
    webhook update handed to `Dispatcher.feed_webhook_update` by `feed`."""

    def __init__(self, token: str, api_url: str, engine: FlowEngine,
                 webhook: bool = False) -> None:
        self.engine = engine
        self.webhook = webhook
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
        self.bot = Bot(token, session=session)
        self.dispatcher = Dispatcher()
        router = Router(name="staff")
        router.message.register(self._on_message)
        router.callback_query.register(self._on_callback)
        self.dispatcher.include_router(router)
        self._polling: asyncio.Task[None] | None = None
        self.username: str | None = None  # from getMe, for invitation links

    async def _on_message(self, message: Message, bot: Bot, event_update: Update) -> None:
        event = message_event(message)
        delivery.count_update(BotKind.STAFF, event)
        if event is not None:
            await self._handle(bot, event, None, event_update.update_id)
        elif (result := delivery.CURRENT_WEBHOOK.get()) is not None:
            result.committed = True  # nothing to handle: done

    async def _on_callback(self, query: CallbackQuery, bot: Bot, event_update: Update) -> None:
        event = callback_event(query)
        delivery.count_update(BotKind.STAFF, event)
        await self._handle(bot, event, query.answer, event_update.update_id)

    async def _handle(self, bot: Bot, event: Event, answer: delivery.Answer | None,
                      update_id: int) -> None:
        api = AiogramChatApi(bot, BotKind.STAFF.value)
        result = delivery.CURRENT_WEBHOOK.get()

        async def send(outcome: Outcome) -> None:
            if result is not None:
                result.committed = True  # the engine delivers only after the commit
            try:
                await delivery.respond(api, AIOGRAM, event, outcome, answer)
            except Exception as exc:
                # aiogram would log it too, but without saying the reply is lost for good.
                delivery.report_lost(AIOGRAM, exc, "could not deliver a reply")

        with contextlib.suppress(UpdateNotHandled):  # the webhook answers with an error
            await self.engine.handle(event, deliver=send,
                                     update_id=update_id if result is not None else None)

    async def feed(self, data: dict[str, Any]) -> bool:
        """Handle one webhook update; True once its transaction committed (answer 200),
        False when the database failed (answer with an error: Telegram sends it again)."""
        with delivery.webhook_update() as result:
            await self.dispatcher.feed_webhook_update(self.bot, data, _timeout=FEED_TIMEOUT)
        if not result.committed:
            # Not a message or button press (an edit, say): the dispatcher had nothing to do.
            return not self._handled_kind(data)
        return True

    @staticmethod
    def _handled_kind(data: dict[str, Any]) -> bool:
        return "message" in data or "callback_query" in data

    async def start(self) -> None:
        # Fails here, at start-up, for a refused token or an unreachable server; the polling
        # task below would only log it and leave a dead staff bot behind a running system.
        self.username = (await self.bot.get_me()).username
        try:
            await self.bot.set_my_commands([BotCommand(command=n, description=d)
                                            for n, d in COMMANDS])
        except Exception:
            log.warning("staff bot: could not set the command menu", exc_info=True)
        if self.webhook:
            return  # never setWebhook here: `kimbot webhook set` registers it once
        self._polling = asyncio.create_task(self.dispatcher.start_polling(
            self.bot, handle_signals=False, close_bot_session=False, polling_timeout=10,
            allowed_updates=list(ALLOWED_UPDATES)))

    async def stop(self) -> None:
        if self._polling is not None:
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:  # stopped before polling had begun
                self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        await self.bot.session.close()
