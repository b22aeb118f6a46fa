"""The client bot on python-telegram-bot: Telegram updates in, flow replies out, nothing else."""

from __future__ import annotations

import contextlib
import logging
from functools import lru_cache
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.flows.client.menu import command_descriptions
from bot.flows.engine import FlowEngine, UpdateNotHandled
from bot.flows.events import BotKind, Button, Event, Outcome, Reply
from bot.i18n import FALLBACK_LANGUAGE, LANGUAGES, translator
from bot.telegram import delivery
from bot.telegram.delivery import ALLOWED_UPDATES, Failure, Library, LibraryChatApi

log = logging.getLogger(__name__)


def to_event(update: Update) -> Event | None:
    """The flow event for an update, or None for updates the client bot ignores."""
    if update.callback_query is not None:
        return delivery.event_from_press(BotKind.CLIENT, update.callback_query)
    if update.message is None:
        return None  # edits, channel posts: not for this bot
    return delivery.event_from_message(BotKind.CLIENT, update.message, update.message.to_dict)


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    return _keyboard(reply.buttons) if reply.buttons else None


@lru_cache(maxsize=1024)
def _keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    # Most keyboards repeat (the menu, the 14 languages, consent) in each language. Building
    # python-telegram-bot's objects took ~0.2 ms for the language keyboard, on the event loop,
    # per reply; they are immutable once built, so one object can serve every send. The cache
    # is bounded for keyboards that do vary (finder answers, free times).
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.action)
                                  for b in row] for row in buttons])


def _timed_out(exc: BaseException) -> bool:
    # A pool timeout is raised before anything left: that one may be tried again.
    return isinstance(exc, TimedOut) and not str(exc).startswith("Pool timeout")


PTB = Library("client bot", log, markup=_markup, upload=InputFile, failures={
    RetryAfter: Failure.FLOOD, Forbidden: Failure.BLOCKED, BadRequest: Failure.REFUSED,
    NetworkError: Failure.NETWORK, TelegramError: Failure.OTHER}, timed_out=_timed_out)


class PtbChatApi(LibraryChatApi, library=PTB):
    """The shared delivery on python-telegram-bot's Bot."""


class ClientBot:
    """Owns the python-telegram-bot Application: long polling, or (webhook=True) no Updater
    at all, each webhook update handed to `Application.process_update` by `feed`."""

    def __init__(self, token: str, api_url: str, engine: FlowEngine,
                 webhook: bool = False) -> None:
        self.engine = engine
        self.webhook = webhook
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{api_url}/bot")
            .base_file_url(f"{api_url}/file/bot")
            # Chats run concurrently; the flow engine keeps each chat's events in order.
            .concurrent_updates(True)
            # Our scheduler drives timed work; PTB's own JobQueue would be a second one.
            .job_queue(None)
        )
        if webhook:
            builder = builder.updater(None)  # updates come from our web server
        self.app: Application = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)

    async def _on_update(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        event = to_event(update)
        delivery.count_update(BotKind.CLIENT, event)
        result = delivery.CURRENT_WEBHOOK.get()
        if event is None:
            if result is not None:
                result.committed = True  # nothing to handle: done
            return
        api = PtbChatApi(context.bot, BotKind.CLIENT.value)
        answer = update.callback_query.answer if update.callback_query is not None else None
        webhook_update = update.update_id if result is not None else None

        async def send(outcome: Outcome) -> None:
            if result is not None:
                result.committed = True  # the engine delivers only after the commit
            await delivery.respond(api, PTB, event, outcome, answer)

        with contextlib.suppress(UpdateNotHandled):  # the webhook answers with an error
            await self.engine.handle(event, deliver=send, update_id=webhook_update)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        delivery.report_lost(PTB, error, f"update failed: {type(error).__name__}")

    async def set_commands(self) -> None:
        """The command menu in every language, so the '/' list speaks the person's language."""
        bot = self.app.bot
        for lang in LANGUAGES:
            commands = [BotCommand(n, d) for n, d in command_descriptions(translator(lang.code))]
            await bot.set_my_commands(commands, language_code=lang.code)
        default = command_descriptions(translator(FALLBACK_LANGUAGE))
        await bot.set_my_commands([BotCommand(n, d) for n, d in default])

    async def start(self) -> None:
        await self.app.initialize()
        try:
            await self.set_commands()
        except Exception:
            log.warning("client bot: could not set the command menu", exc_info=True)
        await self.app.start()
        if self.webhook:
            return  # never setWebhook here: `kimbot webhook set` registers it once
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=10,
                                             allowed_updates=list(ALLOWED_UPDATES))

    async def feed(self, data: dict[str, Any]) -> bool:
        """Handle one webhook update; True once its transaction committed (answer 200),
        False when the database failed (answer with an error: Telegram sends it again)."""
        update = Update.de_json(data, self.app.bot)
        with delivery.webhook_update() as result:
            await self.app.process_update(update)
        return result.committed

    @property
    def username(self) -> str | None:
        """The bot's @username (without @), known once start() has run getMe."""
        try:
            return self.app.bot.username
        except RuntimeError:  # not initialised yet
            return None

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
