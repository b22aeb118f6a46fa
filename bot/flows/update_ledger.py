"""Exactly one answer per webhook update, even when Telegram sends it again.

Telegram sends an update again until it gets a 2xx, and the 2xx comes only after the update's
transaction committed and its replies were sent. An instance may die in between. So the flow's
transaction also records the update as handled (storage/processed_updates.py) and counts its
first reply as started; an answer of several messages keeps the replies not yet started in the
row, and each further reply is recorded as started (a small commit) right before it leaves.
When the update comes again, the instance that gets it finds the row: nothing is handled a
second time, and only the replies that never started are sent.

What cannot be known is whether a reply recorded as started reached Telegram when its instance
died in that instant; such a reply is not sent again (as in the outbox: better one message
missing than the same message twice, and Telegram offers no way to ask).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from bot.flows.events import Button, Document, Reply


def to_json(replies: Sequence[Reply], edited_before: bool) -> list[dict[str, Any]]:
    """The replies as JSON. Only the first reply marked `edit` replaces the pressed message;
    after it was sent (`edited_before`) the later ones go as new messages, as they would have."""
    rows = []
    for reply in replies:
        row: dict[str, Any] = {"text": reply.text, "rtl": reply.rtl,
                               "edit": reply.edit and not edited_before}
        edited_before = edited_before or reply.edit
        if reply.buttons:
            row["buttons"] = [[[b.label, b.action] for b in line] for line in reply.buttons]
        if reply.document is not None:
            doc = reply.document
            row["document"] = {"filename": doc.filename, "mime_type": doc.mime_type,
                               "photo": doc.photo,
                               "content": base64.b64encode(doc.content).decode("ascii")}
        rows.append(row)
    return rows


def from_json(rows: Sequence[dict[str, Any]] | None) -> list[Reply]:
    replies = []
    for row in rows or ():
        buttons = tuple(tuple(Button(label, action) for label, action in line)
                        for line in row.get("buttons") or ())
        document = None
        if (doc := row.get("document")) is not None:
            document = Document(doc["filename"], base64.b64decode(doc["content"]),
                                doc["mime_type"], doc["photo"])
        replies.append(Reply(row["text"], buttons, document, row["edit"], row["rtl"]))
    return replies


def rest_after(replies: Sequence[Reply], index: int) -> list[dict[str, Any]] | None:
    """What is still owed once reply `index` has started: the later replies, or None."""
    rest = replies[index + 1:]
    if not rest:
        return None
    return to_json(rest, edited_before=any(r.edit for r in replies[:index + 1]))
