"""Messages from a flow to someone else's chat, through the outbox (see storage/outbox.py)."""

from __future__ import annotations

from bot.flows.context import FlowContext
from bot.flows.events import BotKind, Button
from storage import outbox
from storage.models import StaffMember


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
