"""The language flows speak: events in, replies out. No Telegram types here.

Adapters (python-telegram-bot, aiogram, a future web chat) translate their updates into an
`Event` and turn the returned `Reply` objects into API calls. Keeping this boundary plain is
what lets every flow be tested without a network.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class BotKind(StrEnum):
    CLIENT = "client"
    STAFF = "staff"


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    ACTION = "action"  # an inline button was pressed
    UNSUPPORTED = "unsupported"  # photo, voice note, sticker, file, location, ...


@dataclass(frozen=True)
class Attachment:
    """A file the person sent that may be passed on (a photo of a letter, a PDF, a voice
    message): Telegram's reference to it, never its content."""

    kind: str  # "photo", "document" or "voice"
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True)
class Event:
    bot: BotKind
    chat_id: int
    user_id: int
    kind: EventKind
    # The IETF tag the messenger reports for the user's app ("ar", "pt-br"), if any.
    language_code: str | None = None
    text: str = ""
    command: str = ""  # without the leading slash, lower case
    argument: str = ""
    action: str = ""  # button data as sent back by the client: untrusted
    # For ACTION: the message that carried the button, so a reply can replace it.
    message_id: int | None = None
    # For UNSUPPORTED: what it was ("photo", "voice", ...), never its content.
    content_type: str = ""
    # For UNSUPPORTED: a file that may be passed on to the KIM team, if it is one.
    attachment: Attachment | None = None
    # The message this one answers (Telegram's "reply"), if any.
    reply_to: int | None = None

    @classmethod
    def from_text(cls, bot: BotKind, chat_id: int, user_id: int, text: str,
                  language_code: str | None = None, reply_to: int | None = None) -> Event:
        """Build a TEXT or COMMAND event from a raw message text."""
        if text.startswith("/") and len(text) > 1:
            head, *rest = text[1:].split(None, 1)  # "/start\nhi" is the command start
            argument = rest[0] if rest else ""
            # "/start@kimbot" is how Telegram addresses a bot in groups; drop the suffix.
            command = head.split("@", 1)[0].lower()
            return cls(bot, chat_id, user_id, EventKind.COMMAND, language_code,
                       text=text, command=command, argument=argument.strip())
        return cls(bot, chat_id, user_id, EventKind.TEXT, language_code, text=text,
                   reply_to=reply_to)


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # at most 64 bytes: Telegram's callback_data limit


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"
    # Show it as a picture in the chat (a QR code to hold up), not as a file to download.
    photo: bool = False


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Document | None = None
    # Replace the message whose button was pressed instead of sending a new one.
    edit: bool = False
    # Text direction of `text`, so channels that need it (a web chat) can set it.
    rtl: bool = False


@dataclass
class Outcome:
    """What handling one event produced."""

    replies: list[Reply] = field(default_factory=list)
    # Short text for the button-press acknowledgement (a toast in Telegram), if any.
    notice: str | None = None
    # Set by the engine for webhook updates with several replies: awaited before reply i
    # (i >= 1) leaves, it counts the reply as started, or says False when another instance
    # sends the rest (bot/flows/update_ledger.py).
    progress: Callable[[int], Awaitable[bool]] | None = field(default=None, compare=False,
                                                                repr=False)


MAX_CALLBACK_BYTES = 64


def rows(*row_lists: list[Button] | tuple[Button, ...]) -> tuple[tuple[Button, ...], ...]:
    """Keyboard rows as the immutable structure `Reply` wants."""
    return tuple(tuple(r) for r in row_lists if r)


# A button that shares its row shows about 24 characters on a phone before it is cut; one
# alone in its row about 40.
SHARED_ROW_CHARS = 24
ALONE_CHARS = 40


def in_rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out up to `per_row` to a row, in order; a label too long to share a row
    (in this language) gets a row of its own, so no label is cut."""
    found: list[tuple[Button, ...]] = []
    row: list[Button] = []
    for button in buttons:
        if per_row > 1 and len(button.label) > SHARED_ROW_CHARS:
            found += [tuple(row)] if row else []
            found.append((button,))
            row = []
            continue
        row.append(button)
        if len(row) == per_row:
            found.append(tuple(row))
            row = []
    return tuple(found + ([tuple(row)] if row else []))
