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
    privacy_notice_version: str = "2026-12-07"
    # What the full privacy notice says: who is responsible (the Kreis), and how long data is
    # kept (KIMBOT_RETENTION_DAYS, KIMBOT_MESSAGE_RETENTION_DAYS).
    controller: str = ("Rheinisch-Bergischer Kreis, Der Landrat, Am Rübezahlwald 7, "
                       "51469 Bergisch Gladbach")
    retention_days: int = 180
    message_retention_days: int = 90
    max_open_appointments: int = 2
    booking_days: int = 14
    # The staff bot's @username, for invitation links (t.me/<name>?start=<code>); learnt at
    # start-up from getMe.
    staff_bot_username: str | None = None
    # The client bot's @username, for personal invitations (t.me/<name>?start=r<token>).
    client_bot_username: str | None = None
    # How long a personal invitation from a referral can be opened.
    referral_link_validity: timedelta = timedelta(days=30)
    # Quiet hours and time zone of the reminders every booking writes.
    reminder_policy: ReminderPolicy = DEFAULT_POLICY


# Data keys that outlive a change of step: a choice for the whole chat, not part of one input.
# A case manager's current town for Kurzberatungen stays while they count, look at /stats or
# book, until they change it or the state expires (state_ttl after the last message).
KURZ_TOWN = "kurz_town"
# A client who opened a link (client/onboarding/invitation.py) keeps what it carried through
# the language choice and the privacy notice, until they answer the notice.
INVITATION = "invitation"  # the id of a personal invitation, never its token
# A town and topics named before agreeing to the privacy notice (a flyer they scanned, the
# office finder), so that agreeing later, or the intake, does not ask for them again.
TOWN_HINT = "town_hint"
TOPIC_HINT = "topic_hint"  # the finder's topics, most recent first
STICKY_KEYS = frozenset({KURZ_TOWN, INVITATION, TOWN_HINT, TOPIC_HINT})


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

    def keep(self, key: str, value: Any) -> None:
        """Set one value that survives changes of step (a key in STICKY_KEYS)."""
        assert key in STICKY_KEYS
        if self.data.get(key) != value:
            self.data = {**self.data, key: value}
            self.changed = True

    def drop(self, key: str) -> Any:
        """Remove a value and return it (None if it was not there)."""
        if key not in self.data:
            return None
        self.changed = True
        data = dict(self.data)
        value = data.pop(key)
        self.data = data
        return value

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
