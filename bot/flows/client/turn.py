"""One turn of the client conversation: who is writing, in which language, and what they agreed."""

from __future__ import annotations

from datetime import timedelta

from bot.flows.context import FlowContext
from bot.flows.events import Button, EventKind, Reply
from bot.i18n import Translator, is_supported, negotiate
from storage.models import Client
from storage.repositories import Clients

# Writing last_seen_at on every message would turn each read into a write.
_LAST_SEEN_RESOLUTION = timedelta(hours=1)


class ClientTurn:
    def __init__(self, ctx: FlowContext, client: Client | None) -> None:
        self.ctx = ctx
        self.client = client
        self.clients = Clients(ctx.session)
        # What one event computed and may need again (the places of a booking's town).
        self.memo: dict[object, object] = {}

    @classmethod
    async def load(cls, ctx: FlowContext) -> ClientTurn:
        client = ctx.person
        if not isinstance(client, Client | None):
            raise TypeError("the client flow needs a client row from the engine")
        if client is not None and client.unreachable_at is not None:
            client.unreachable_at = None  # they write again, so they unblocked the bot
        # A photo or a voice note changes nothing, not even the time of last contact.
        if client is not None and ctx.event.kind is not EventKind.UNSUPPORTED:
            now = ctx.clock.now()
            if now - client.last_seen_at >= _LAST_SEEN_RESOLUTION:
                client.last_seen_at = now
        return cls(ctx, client)

    @property
    def consented(self) -> bool:
        return self.client is not None

    @property
    def language(self) -> str:
        """The chosen language; before any choice, the one the person's app suggests."""
        for code in (self.ctx.conversation.language, self.client and self.client.language):
            if code and is_supported(code):
                return code
        return negotiate(self.ctx.event.language_code)

    @property
    def tr(self) -> Translator:
        return self.ctx.tr(self.language)

    def reply(self, text: str, buttons: tuple[tuple[Button, ...], ...] = (),
              edit: bool = False) -> Reply:
        return Reply(text, buttons, edit=edit, rtl=self.tr.rtl)
