"""What a flow handler gets: the event, the conversation so far, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.cache import CatalogueCache
from bot.flows.events import Event
from bot.i18n import Translator, translator
from scheduler.clock import Clock
from storage.models import Client, StaffMember
from storage.reminders import DEFAULT_POLICY, ReminderPolicy


@dataclass(frozen=True)
class FlowSettings:
    timezone: str = "Europe/Berlin"
    # How long a conversation's step is kept after the last message.
    state_ttl: timedelta = timedelta(hours=24)
    # Longer free text is refused before any flow sees it.
    max_text_length: int = 1000
    privacy_notice_version: str = "2026-11-21"
    max_open_appointments: int = 2
    booking_days: int = 14
    # The staff bot's @username, for invitation links (t.me/<name>?start=<code>); learnt at
    # start-up from getMe.
    staff_bot_username: str | None = None
    # Quiet hours and time zone of the reminders every booking writes.
    reminder_policy: ReminderPolicy = DEFAULT_POLICY


# Data keys that outlive a change of step: a choice for the whole chat, not part of one input.
# A case manager's current town for Kurzberatungen stays while they count, look at /stats or
# book, until they change it or the state expires (state_ttl after the last message).
KURZ_TOWN = "kurz_town"
STICKY_KEYS = frozenset({KURZ_TOWN})


@dataclass
class Conversation:
    """The step a chat is in and what it chose so far. Only codes, never message text."""

    step: str = ""
    language: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    changed: bool = False
    erased: bool = False  # the person asked for erasure: write nothing back

    def go(self, step: str, **data: Any) -> None:
        kept = {key: value for key, value in self.data.items() if key in STICKY_KEYS}
        data = {**kept, **data}
        if (step, data) != (self.step, self.data):
            self.step, self.data, self.changed = step, data, True

    def set_language(self, code: str) -> None:
        if code != self.language:
            self.language, self.changed = code, True


@dataclass
class FlowContext:
    event: Event
    session: AsyncSession
    clock: Clock
    settings: FlowSettings
    conversation: Conversation
    # The client or staff row of the person writing, loaded with the state; None if unknown.
    person: Client | StaffMember | None = None
    catalogue: CatalogueCache = field(default_factory=lambda: CatalogueCache())
    # Set when the flow wrote to the outbox: the engine wakes the sender after the commit.
    outbox_written: bool = False

    def tr(self, language: str) -> Translator:
        return translator(language, self.settings.timezone)
