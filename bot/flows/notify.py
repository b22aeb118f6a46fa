"""Messages from a flow to someone else's chat, through the outbox (see storage/outbox.py)."""

from __future__ import annotations

from datetime import datetime

from bot.flows.context import FlowContext
from bot.flows.events import BotKind, Button, Document
from storage import outbox
from storage.models import Client, StaffMember


def to_staff(ctx: FlowContext, member: StaffMember, text: str,
             buttons: tuple[tuple[Button, ...], ...] = ()) -> bool:
    """Queue a German message for a staff member's chat; False if they have no chat."""
    if member.telegram_id is None or not member.active:
        return False
    outbox.add(ctx.session, bot=BotKind.STAFF.value, chat_id=member.telegram_id, text=text,
               buttons=[[(b.label, b.action) for b in row] for row in buttons],
               now=ctx.clock.now())
    ctx.outbox_written = True
    return True


def to_client(ctx: FlowContext, client: Client, text: str, rtl: bool,
              buttons: tuple[tuple[Button, ...], ...] = (), document: Document | None = None,
              not_before: datetime | None = None) -> bool:
    """Queue a message for a client's chat; False for a person without Telegram (booked by
    phone), whom the case manager reaches by phone instead. With `document` the message is
    that file (a calendar file) with `text` as its caption; `not_before`: it waits until then
    (the end of the quiet hours)."""
    if client.telegram_id is None:
        return False
    file = (outbox.File(document.filename, document.content, document.mime_type)
            if document is not None else None)
    outbox.add(ctx.session, bot=BotKind.CLIENT.value, chat_id=client.telegram_id, text=text,
               buttons=[[(b.label, b.action) for b in row] for row in buttons], rtl=rtl,
               now=ctx.clock.now(), file=file, not_before=not_before)
    ctx.outbox_written = True
    return True
