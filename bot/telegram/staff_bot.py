"""The staff bot on aiogram: Telegram updates in, flow replies out, nothing else."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType
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
from bot.flows.events import BotKind, Document, Event, EventKind, Outcome, Reply
from bot.flows.staff.texts import COMMANDS
from bot.telegram.content import unsupported_kind
from bot.telegram.delivery import EditRefused, deliver
from bot.telegram.retry import Verdict, backoff, with_retries

log = logging.getLogger(__name__)


def classify(exc: Exception, attempt: int) -> Verdict:
    if isinstance(exc, TelegramRetryAfter):
        return Verdict(True, float(exc.retry_after))
    if isinstance(exc, TelegramForbiddenError | TelegramBadRequest):
        return Verdict(False)
    if isinstance(exc, TelegramNetworkError):
        return Verdict(True, backoff(attempt))
    return Verdict(False)


def message_event(message: Message) -> Event | None:
    user = message.from_user
    if user is None or message.chat.type != ChatType.PRIVATE:
        return None
    if message.text is not None:
        return Event.from_text(BotKind.STAFF, message.chat.id, user.id, message.text,
                               user.language_code)
    payload = message.model_dump(exclude_none=True)
    return Event(BotKind.STAFF, message.chat.id, user.id, EventKind.UNSUPPORTED,
                 user.language_code, content_type=unsupported_kind(payload))


def callback_event(query: CallbackQuery) -> Event:
    message = query.message
    return Event(BotKind.STAFF, message.chat.id if message else query.from_user.id,
                 query.from_user.id, EventKind.ACTION, query.from_user.language_code,
                 action=query.data or "", message_id=message.message_id if message else None)


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.label, callback_data=b.action) for b in row]
        for row in reply.buttons])


class AiogramChatApi:
    """The delivery operations in aiogram's words, with retries."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, chat_id: int, reply: Reply) -> None:
        await with_retries(lambda: self.bot.send_message(chat_id, reply.text,
                                                         reply_markup=_markup(reply)), classify)

    async def send_document(self, chat_id: int, document: Document, reply: Reply) -> None:
        upload = BufferedInputFile(document.content, filename=document.filename)
        send = self.bot.send_photo if document.photo else self.bot.send_document
        await with_retries(lambda: send(chat_id, upload, caption=reply.text or None,
                                        reply_markup=_markup(reply)), classify)

    async def edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        try:
            await with_retries(lambda: self.bot.edit_message_text(
                text=reply.text, chat_id=chat_id, message_id=message_id,
                reply_markup=_markup(reply)), classify)
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message:
                raise EditRefused(exc.message) from exc


async def acknowledge(query: CallbackQuery, notice: str | None) -> None:
    """Stop the button's spinner; a press too old to answer must not cost the reply."""
    try:
        await query.answer(notice)
    except TelegramAPIError as exc:
        log.info("staff bot: button press not acknowledged (%s)", type(exc).__name__)


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
            await self.engine.handle(event, deliver=lambda outcome: self._deliver(
                bot, event, outcome))

    async def _on_callback(self, query: CallbackQuery, bot: Bot) -> None:
        event = callback_event(query)

        async def send(outcome: Outcome) -> None:
            await acknowledge(query, outcome.notice)
            await self._deliver(bot, event, outcome)

        await self.engine.handle(event, deliver=send)

    async def _deliver(self, bot: Bot, event: Event, outcome: Outcome) -> None:
        try:
            await deliver(AiogramChatApi(bot), event, outcome)
        except TelegramForbiddenError:
            log.info("staff bot: the user blocked the bot; reply dropped")
        except Exception:
            # aiogram would log it too, but without saying the reply is lost for good.
            log.exception("staff bot: could not deliver a reply")

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
