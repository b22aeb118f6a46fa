"""Runs one event through its flow inside one database transaction.

Adapters call `FlowEngine.handle` and send what comes back. Events of the same chat are handled
one after another, different chats run concurrently: within the process an asyncio lock per
chat, and across instances on PostgreSQL an advisory lock on the chat taken first thing in the
flow's transaction (storage/locks.py). A failure in a flow rolls its transaction back, is
logged without message content, and becomes an apology in the user's language: one broken
update never stops the bot.

Webhook updates come with their `update_id`: the same transaction records it as handled, so
an update Telegram sends again is answered once (bot/flows/update_ledger.py). When the
database itself fails, such an update raises `UpdateNotHandled` instead of an apology: the
webhook then answers with an error and Telegram sends the update again later.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot import metrics
from bot.catalogue.cache import CatalogueCache
from bot.flows import update_ledger
from bot.flows.context import Conversation, FlowContext, FlowSettings
from bot.flows.events import BotKind, Event, EventKind, Outcome, Reply
from bot.i18n import negotiate, translator
from scheduler.clock import Clock
from storage import processed_updates
from storage.db import Database
from storage.locks import lock_chat
from storage.models import Client, StaffMember
from storage.repositories import (
    ConversationStates,
    StoredState,
    load_chat,
    load_state_key,
    state_key,
)

log = logging.getLogger(__name__)


class FlowFailed(Exception):
    """A flow raised; carries the language the conversation was in, for the apology."""

    def __init__(self, language: str | None) -> None:
        super().__init__("flow failed")
        self.language = language


class UpdateNotHandled(Exception):
    """A webhook update whose transaction did not commit (the database failed): answer the
    webhook with an error, so Telegram sends the update again."""

Handler = Callable[[FlowContext], Awaitable[Outcome]]
Deliver = Callable[[Outcome], Awaitable[None]]
_EXPIRY_RESOLUTION = timedelta(hours=1)


class FlowEngine:
    def __init__(self, db: Database, clock: Clock, settings: FlowSettings | None = None,
                 handlers: dict[BotKind, Handler] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings or FlowSettings()
        if handlers is None:
            from bot.flows.client import handle as handle_client
            from bot.flows.staff import handle as handle_staff

            handlers = {BotKind.CLIENT: handle_client, BotKind.STAFF: handle_staff}
        self._handlers = handlers
        self._locks: weakref.WeakValueDictionary[tuple[str, int], asyncio.Lock] = (
            weakref.WeakValueDictionary())
        self._secret: bytes | None = None
        self.catalogue = CatalogueCache()
        # Called after a commit that wrote to the outbox (the dispatcher's `wake`).
        self.on_outbox: Callable[[], None] | None = None

    async def _key(self, event: Event) -> str:
        if self._secret is None:
            async with self.db.transaction() as session:
                self._secret = await load_state_key(session)
        return state_key(self._secret, event.bot.value, event.chat_id)

    def _lock(self, event: Event) -> asyncio.Lock:
        # Keyed by the raw chat, not the stored state key: that key needs the secret from the
        # database, and awaiting it before the lock let a chat's first messages overtake each
        # other. Nothing awaits between arrival and queueing here, so arrival order is lock order.
        chat = (event.bot.value, event.chat_id)
        lock = self._locks.get(chat)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat] = lock
        return lock

    async def handle(self, event: Event, deliver: Deliver | None = None,
                     update_id: int | None = None) -> Outcome:
        """Run `event` through its flow; `deliver` sends the outcome while the chat is still
        locked, so one chat's replies leave in the order its messages came in. With the
        webhook's `update_id`, an update seen before is not handled again (its outcome holds
        only the replies still owed), and a database failure raises UpdateNotHandled."""
        async with self._lock(event):
            outcome = await self._handle_in_order(event, update_id)
            if deliver is not None:
                await deliver(outcome)
            return outcome

    async def _handle_in_order(self, event: Event, update_id: int | None) -> Outcome:
        bot = event.bot.value
        try:
            key = await self._key(event)
        except Exception as exc:
            if update_id is not None:
                metrics.UPDATES_NOT_HANDLED.labels(bot).inc()
                raise UpdateNotHandled("database unavailable") from exc
            log.exception("flow failed before the chat was known: bot=%s kind=%s",
                          bot, event.kind.value)
            return Outcome([self._apology(event, negotiate(event.language_code))])
        started = time.perf_counter()
        try:
            outcome, wrote_outbox = await self._handle_locked(event, key, update_id)
            metrics.FLOW_SECONDS.labels(bot).observe(time.perf_counter() - started)
            if wrote_outbox and self.on_outbox is not None:
                self.on_outbox()
            return outcome
        except FlowFailed as exc:
            metrics.FLOWS_FAILED.labels(bot).inc()
            # Kind only: a command or button text may hold what the person typed.
            log.exception("flow failed: bot=%s kind=%s", bot, event.kind.value)
            apology = Outcome([self._apology(event, exc.language
                                              or negotiate(event.language_code))])
            if update_id is not None:
                await self._record_failed(event, update_id)
            return apology
        except Exception as exc:
            if update_id is not None:
                metrics.UPDATES_NOT_HANDLED.labels(bot).inc()
                log.warning("update not handled, the database failed (%s): bot=%s",
                            type(exc).__name__, bot)
                raise UpdateNotHandled("database failed") from exc
            metrics.FLOWS_FAILED.labels(bot).inc()
            log.exception("flow failed: bot=%s kind=%s", bot, event.kind.value)
            return Outcome([self._apology(event, negotiate(event.language_code))])

    async def _record_failed(self, event: Event, update_id: int) -> None:
        """A flow that raised is answered with an apology once: sending the update again
        would only fail the same way."""
        try:
            async with self.db.transaction() as session:
                await lock_chat(session, event.bot.value, event.chat_id)
                await processed_updates.claim(session, event.bot.value, update_id,
                                              self.clock.now())
        except Exception as exc:
            metrics.UPDATES_NOT_HANDLED.labels(event.bot.value).inc()
            raise UpdateNotHandled("database failed") from exc

    async def _handle_locked(self, event: Event, key: str,
                             update_id: int | None) -> tuple[Outcome, bool]:
        now = self.clock.now()
        bot = event.bot.value
        async with self.db.transaction() as session:
            await lock_chat(session, bot, event.chat_id)
            if update_id is not None:
                first, kept, started = await processed_updates.claim(session, bot,
                                                                      update_id, now)
                if not first:
                    return await self._owed(session, event, update_id, kept, started), False
            states = ConversationStates(session)
            person_model = Client if event.bot is BotKind.CLIENT else StaffMember
            stored, person = await load_chat(session, key, person_model, event.user_id)
            # An expired row the purge job has not reached yet counts as gone.
            live = stored if stored is not None and stored.expires_at > now else None
            conversation = (Conversation(live.step, live.language, dict(live.data))
                            if live else Conversation())
            ctx = FlowContext(event, session, self.clock, self.settings, conversation, person,
                              self.catalogue)
            try:
                outcome = await self._handlers[event.bot](ctx)
            except Exception as exc:
                chosen = isinstance(person, Client) and person.language
                raise FlowFailed(conversation.language or chosen or None) from exc
            if conversation.erased:
                await states.delete(key)
            elif self._should_save(event, conversation, live, now):
                await states.save(key, bot, conversation.step,
                                  conversation.language, conversation.data, now,
                                  self.settings.state_ttl)
            if update_id is not None and len(outcome.replies) > 1:
                # The first reply counts as started with this commit; the rest are owed.
                await processed_updates.keep_replies(session, bot, update_id,
                                                     update_ledger.to_json(outcome.replies))
                outcome.progress = self._progress(bot, update_id, 0, len(outcome.replies))
        return outcome, ctx.outbox_written

    async def _owed(self, session, event: Event, update_id: int,  # type: ignore[no-untyped-def]
                    kept: list[dict[str, object]] | None, started: int) -> Outcome:
        """An update handled before: nothing runs again. The replies that never started (the
        instance that had it died, or is slow) go now, each taken with a conditional UPDATE,
        the first in this transaction."""
        metrics.UPDATES.labels(event.bot.value, "duplicate").inc()
        replies = update_ledger.owed(kept, started)
        total = started + len(replies)
        if not replies or not await processed_updates.start_reply(
                session, event.bot.value, update_id, started, last=started + 1 == total):
            return Outcome()
        log.info("update sent again: %d owed reply(s) go now: bot=%s", len(replies),
                 event.bot.value)
        outcome = Outcome(replies)
        if len(replies) > 1:
            outcome.progress = self._progress(event.bot.value, update_id, started, total)
        return outcome

    def _progress(self, bot: str, update_id: int, offset: int,  # type: ignore[no-untyped-def]
                  total: int):
        async def start(index: int) -> bool:
            number = offset + index
            async with self.db.transaction() as session:
                return await processed_updates.start_reply(session, bot, update_id, number,
                                                           last=number == total - 1)
        return start

    def _should_save(self, event: Event, conversation: Conversation,
                     stored: StoredState | None, now: datetime) -> bool:
        if event.kind is EventKind.UNSUPPORTED:
            return False  # a photo or a voice note writes no state
        if conversation.changed:
            return True
        # Push the expiry on, but write at most once per resolution step instead of on every
        # message: the state then lives between ttl - resolution and ttl after the last message.
        resolution = min(_EXPIRY_RESOLUTION, self.settings.state_ttl / 24)
        return stored is not None and stored.expires_at < now + self.settings.state_ttl - resolution

    def _apology(self, event: Event, language: str) -> Reply:
        if event.bot is BotKind.STAFF:
            return Reply("Entschuldigung, das hat nicht geklappt. Bitte versuchen Sie es "
                         "gleich noch einmal.")
        tr = translator(language, self.settings.timezone)
        return Reply(tr._("Sorry, something went wrong on our side. Please try again in a "
                          "moment."), rtl=tr.rtl)
