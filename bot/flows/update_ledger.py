"""Exactly one answer per webhook update, even when Telegram sends it again.

Telegram sends an update again until it gets a 2xx, and the 2xx comes only after the update's
transaction committed and its replies were sent. An instance may die in between, or be so slow
that Telegram gives up waiting and sends the update to another one. So the flow's transaction
also records the update as handled (storage/processed_updates.py) and counts its first reply as
started. An answer of several messages keeps its replies in the row; each further reply is
counted as started (a small commit, a conditional UPDATE) right before it leaves, and only by
whoever gets that UPDATE: the instance that handled the update, or one that got it again. So
nothing is handled a second time, a reply never leaves twice, and the replies that never started
are sent by whoever has the update next.

What cannot be known is whether a reply counted as started reached Telegram when its instance
died in that instant; such a reply is not sent again (as in the outbox: better one message
missing than the same message twice, and Telegram offers no way to ask).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from bot.flows.events import Button, Document, Reply


def to_json(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    rows = []
    for reply in replies:
        row: dict[str, Any] = {"text": reply.text, "rtl": reply.rtl, "edit": reply.edit}
        if reply.buttons:
            row["buttons"] = [[[b.label, b.action] for b in line] for line in reply.buttons]
        if reply.document is not None:
            doc = reply.document
            row["document"] = {"filename": doc.filename, "mime_type": doc.mime_type,
                               "photo": doc.photo,
                               "content": base64.b64encode(doc.content).decode("ascii")}
        rows.append(row)
    return rows


def owed(rows: Sequence[dict[str, Any]] | None, started: int) -> list[Reply]:
    """The replies from number `started` on. Only the first reply marked `edit` replaces the
    pressed message; once it has started, later ones go as new messages, as they would have."""
    replies = [_reply(row) for row in rows or ()]
    edited_before = any(reply.edit for reply in replies[:started])
    rest = []
    for reply in replies[started:]:
        if edited_before and reply.edit:
            reply = Reply(reply.text, reply.buttons, reply.document, False, reply.rtl)
        edited_before = edited_before or reply.edit
        rest.append(reply)
    return rest


def _reply(row: dict[str, Any]) -> Reply:
    buttons = tuple(tuple(Button(label, action) for label, action in line)
                    for line in row.get("buttons") or ())
    document = None
    if (doc := row.get("document")) is not None:
        document = Document(doc["filename"], base64.b64decode(doc["content"]),
                            doc["mime_type"], doc["photo"])
    return Reply(row["text"], buttons, document, row["edit"], row["rtl"])
