"""Turning an Outcome into messages: the same sequence for every bot library.

Each adapter supplies a `ChatApi` that speaks its library (python-telegram-bot, aiogram) with
its own retries; the order of sending, editing the pressed message, and falling back to a new
message when an edit is refused live here once.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.flows.events import Document, Event, Outcome, Reply

log = logging.getLogger(__name__)


class EditRefused(Exception):
    """Telegram will not edit that message (deleted, too old, ...): send a new one instead."""


class ChatApi(Protocol):
    async def send_text(self, chat_id: int, reply: Reply) -> None: ...

    async def send_document(self, chat_id: int, document: Document, reply: Reply) -> None: ...

    async def edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        """Replace the message; an unchanged text counts as done, other refusals raise
        EditRefused."""
        ...


async def deliver(api: ChatApi, event: Event, outcome: Outcome) -> None:
    edit_target = event.message_id
    for reply in outcome.replies:
        if reply.document is not None:
            await api.send_document(event.chat_id, reply.document, reply)
        elif reply.edit and edit_target is not None:
            try:
                await api.edit_text(event.chat_id, edit_target, reply)
            except EditRefused as refusal:
                log.info("edit refused, sending instead: %s", refusal)
                await api.send_text(event.chat_id, reply)
            edit_target = None  # one pressed message is replaced once
        else:
            await api.send_text(event.chat_id, reply)
