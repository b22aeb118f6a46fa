"""In-memory state of the sandbox: bots, private chats, messages, files and the change log."""

from __future__ import annotations

import asyncio
import pickle
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Bot API error response (``{"ok": false, "error_code": ..., "description": ...}``)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


class SandboxTimeout(TimeoutError):
    """``wait_for_*`` gave up; the message says what the chat looked like."""


class Notifier:
    """Wakes every waiter when something changed.

    Unlike ``asyncio.Condition`` it can be triggered from synchronous code (no lock), which keeps
    the ``user_*`` simulation calls synchronous. Waiters re-check their predicate after each
    wake-up, so there is no lost-wakeup race in a single event loop.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``predicate()`` is true; False if ``seconds`` passed first."""
        try:
            async with asyncio.timeout(seconds):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            return predicate()
        return True


@dataclass
class SimUser:
    """A simulated Telegram user (in a private chat, chat id == user id)."""

    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None
    last_name: str | None = None

    def to_api(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def chat(self) -> JSON:
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                chat[key] = getattr(self, key)
        return chat

    @classmethod
    def from_json(cls, data: JSON) -> SimUser:
        """Parse the ``user`` object the page sends; raises ValueError on bad input."""
        try:
            user_id = int(data["id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("user.id must be an integer") from exc
        if user_id <= 0:
            raise ValueError("user.id must be positive")
        language = data.get("language_code") or None
        return cls(
            id=user_id,
            first_name=str(data.get("first_name") or f"User {user_id}"),
            language_code=None if language == "none" else language,
            username=data.get("username") or None,
        )


@dataclass
class FileRecord:
    """A file known to one bot: sent by the bot or by a simulated user."""

    file_id: str
    file_unique_id: str
    token: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)

    def to_api_file(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass
class StoredMessage:
    """One message in a chat; ``message`` is the current Bot API Message object."""

    message: JSON
    from_bot: bool
    seq: int  # sandbox sequence number of the last change
    rev: int = 0  # bumped on every edit
    parse_mode: str | None = None
    source_text: str | None = None  # text/caption exactly as the bot sent it (before parsing)
    deleted: bool = False
    # ReplyKeyboardMarkup/ReplyKeyboardRemove/ForceReply sent with the message: Telegram does not
    # echo these in the Message object, but the page needs them.
    reply_keyboard: JSON | None = None
    callback_answers: list[JSON] = field(default_factory=list)

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])

    def entry(self) -> JSON:
        """Flattened view for tests and the page (deep-copied: safe to keep)."""
        msg = self.message
        keyboard = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        entry: JSON = {
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "date": msg["date"],
            "edit_date": msg.get("edit_date"),
            "rev": self.rev,
            "seq": self.seq,
            "deleted": self.deleted,
            "kind": message_kind(msg),
            "text": msg.get("text", msg.get("caption")),
            "entities": msg.get("entities", msg.get("caption_entities", [])),
            "parse_mode": self.parse_mode,
            "source_text": self.source_text,
            "buttons": keyboard,
            "reply_keyboard": self.reply_keyboard,
            "callback_answers": self.callback_answers,
            "message": msg,
        }
        for kind in ("document", "voice", "sticker", "location", "contact"):
            if kind in msg:
                entry[kind] = msg[kind]
        if "photo" in msg:
            entry["photo"] = msg["photo"][-1]
        # A pickle round trip copies plain JSON data several times faster than deepcopy,
        # which showed in benchmarks that send a thousand messages a second.
        return pickle.loads(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))


def message_kind(msg: JSON) -> str:
    for kind in ("text", "document", "photo", "voice", "sticker", "location", "contact"):
        if kind in msg:
            return kind
    return "other"


@dataclass
class ChatState:
    """A private chat between one bot and one simulated user."""

    chat_id: int
    user: SimUser | None = None  # None until the user wrote (or was registered)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[JSON] = field(default_factory=list)
    next_message_id: int = 1
    reply_keyboard: JSON | None = None  # the ReplyKeyboardMarkup currently shown
    blocked: bool = False
    last_user_seq: int = 0  # seq of the latest user action (default ``after`` for waits)
    waited_seq: int = 0  # seq of the last output a wait_for_bot_output call returned
    chat_action: str | None = None
    # A staff chat the bot wrote to before anyone opened it (SandboxCore.bot_chat).
    unopened: bool = False
    changed: Notifier = field(default_factory=Notifier)

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def visible(self) -> list[StoredMessage]:
        return [m for m in self.messages.values() if not m.deleted]


@dataclass
class CallbackRecord:
    query_id: str
    chat_id: int
    message_id: int
    data: str
    answer: JSON | None = None


@dataclass
class BotState:
    """Everything the sandbox knows about one bot token."""

    token: str
    username: str
    first_name: str
    role: str | None = None
    chats: dict[int, ChatState] = field(default_factory=dict)
    updates: list[JSON] = field(default_factory=list)
    next_update_id: int = 1
    updates_changed: Notifier = field(default_factory=Notifier)
    poll_generation: int = 0  # a newer getUpdates terminates an older one (409 like Telegram)
    webhook_url: str = ""
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    menu_button: JSON = field(default_factory=lambda: {"type": "default"})
    profile: dict[tuple[str, str], str] = field(default_factory=dict)  # setMyName & co.
    callback_queries: dict[str, CallbackRecord] = field(default_factory=dict)

    @property
    def id(self) -> int:
        prefix = self.token.split(":", 1)[0]
        return int(prefix) if prefix.isdigit() else abs(hash(self.token)) % 10**9

    def user(self) -> JSON:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def me(self) -> JSON:
        return {
            **self.user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def chat(self, chat_id: int, create: bool = True) -> ChatState | None:
        if chat_id not in self.chats:
            if not create:
                return None
            self.chats[chat_id] = ChatState(chat_id)
        return self.chats[chat_id]

    def enqueue(self, **update: Any) -> JSON:
        full = {"update_id": self.next_update_id, **update}
        self.next_update_id += 1
        self.updates.append(full)
        self.updates_changed.notify()
        return full


def now() -> int:
    return int(time.time())


def new_file_ids() -> tuple[str, str]:
    """Opaque ids shaped roughly like Telegram's (file_id, file_unique_id)."""
    return "SBX" + secrets.token_urlsafe(24), "U" + secrets.token_urlsafe(9)
