"""Runs one event through its flow inside one database transaction.

Adapters call `FlowEngine.handle` and send what comes back. Events of the same chat are handled
one after another (a per-chat lock), different chats run concurrently. A failure in a flow rolls
its transaction back, is logged without message content, and becomes an apology in the user's
language: one broken update never stops the bot.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.catalogue.cache import CatalogueCache
from bot.flows.context import Conversation, FlowContext, FlowSettings
from bot.flows.events import BotKind, Event, EventKind, Outcome, Reply
from bot.i18n import negotiate, translator
from scheduler.clock import Clock
from storage.db import Database
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

    async def handle(self, event: Event, deliver: Deliver | None = None) -> Outcome:
        """Run `event` through its flow; `deliver` sends the outcome while the chat is still
        locked, so one chat's replies leave in the order its messages came in."""
        async with self._lock(event):
            outcome = await self._handle_in_order(event)
            if deliver is not None:
                await deliver(outcome)
            return outcome

    async def _handle_in_order(self, event: Event) -> Outcome:
        try:
            key = await self._key(event)
        except Exception:
            log.exception("flow failed before the chat was known: bot=%s kind=%s",
                          event.bot.value, event.kind.value)
            return Outcome([self._apology(event, negotiate(event.language_code))])
        try:
            outcome, wrote_outbox = await self._handle_locked(event, key)
            if wrote_outbox and self.on_outbox is not None:
                self.on_outbox()
            return outcome
        except Exception as exc:
            language = exc.language if isinstance(exc, FlowFailed) else None
            # Kind only: a command or button text may hold what the person typed.
            log.exception("flow failed: bot=%s kind=%s", event.bot.value, event.kind.value)
            return Outcome([self._apology(event, language or negotiate(event.language_code))])

    async def _handle_locked(self, event: Event, key: str) -> tuple[Outcome, bool]:
        now = self.clock.now()
        async with self.db.transaction() as session:
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
                await states.save(key, event.bot.value, conversation.step,
                                  conversation.language, conversation.data, now,
                                  self.settings.state_ttl)
        return outcome, ctx.outbox_written

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
