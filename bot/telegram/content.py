"""What kind of non-text message arrived, named without looking at its content."""

from __future__ import annotations

from typing import Any

# Bot API Message fields that carry content the bots cannot read, in the order checked.
_KINDS = ("photo", "voice", "video_note", "video", "audio", "sticker", "animation", "document",
          "location", "venue", "contact", "poll", "dice")


def unsupported_kind(message: dict[str, Any]) -> str:
    """"photo", "voice", ... for a Bot API message dict; "other" for anything else."""
    for kind in _KINDS:
        if message.get(kind):
            return kind
    return "other"
