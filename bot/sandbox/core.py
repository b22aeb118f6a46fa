"""Transport-independent sandbox core: bot registry, chats, simulated users and waiting.

``SandboxServer`` (server.py) adds HTTP on top; everything here is usable directly from tests.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import copy
import math
import secrets
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.formatting import utf16_len
from bot.sandbox.state import (
    JSON,
    ApiError,
    BotState,
    CallbackRecord,
    ChatState,
    FileRecord,
    SandboxTimeout,
    SimUser,
    StoredMessage,
    bad_request,
    new_file_ids,
    now,
)
from bot.sandbox.webhook import WebhookConfig, WebhookPusher

ROLES = ("client", "staff")
UNSUPPORTED_KINDS = ("photo", "voice", "sticker", "document", "location", "contact")
BOT_OUTPUT_KINDS = ("message", "edit")

# Placeholder payloads for simulated user uploads (contents never matter to the bots).
_FAKE_UPLOADS: dict[str, tuple[str, str, bytes]] = {
    # A real (tiny, grey) picture: a photo passed on to the staff bot is shown on the page.
    "photo": ("photos", "image/png", base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAACAAAAAYCAAAAAC+OKDoAAAAFklEQVR42mM8wYAfMDGMKhhVMOIUAAC3bgD4LEIUhwAAAABJRU5ErkJggg==")),
    "voice": ("voice", "audio/ogg", b"OggS sandbox-voice"),
    "sticker": ("stickers", "image/webp", b"RIFF sandbox-sticker WEBP"),
    "document": ("documents", "application/pdf", b"%PDF-1.4\n% sandbox document\n%%EOF\n"),
}
_EXTENSIONS = {"photos": "jpg", "voice": "oga", "stickers": "webp", "documents": "pdf"}


class SandboxError(ValueError):
    """A simulated user did something the real Telegram client could not do."""


@dataclass(frozen=True)
class CallRecord:
    """One Bot API call, for rate-limit tests and benchmarks."""

    at: float  # loop.time()
    token: str
    method: str
    chat_id: int | None


@dataclass
class _Failure:
    method: str
    token: str | None
    error: ApiError
    times: int


class SandboxCore:
    """State and behaviour shared by the Python API and the HTTP layers."""

    def __init__(self) -> None:
        self._bots: dict[str, BotState] = {}
        self._files: dict[str, FileRecord] = {}
        self._file_paths: dict[tuple[str, str], FileRecord] = {}
        self._seq = 0
        self._closing = False
        self._failures: list[_Failure] = []
        self.calls: Counter[str] = Counter()
        self.calls_by_token: dict[str, Counter[str]] = {}
        self.call_log: deque[CallRecord] = deque(maxlen=100_000)
        # Optional hook run before every Bot API call; raise ApiError to fail the call.
        self.on_call: Callable[[str, str, JSON], None] | None = None
        # Telegram's flood limits, off unless set (set_rate_limits), and the 429s given.
        self._limits: tuple[float, float] | None = None
        self._recent_sends: dict[str, deque[float]] = {}
        self._last_send: dict[tuple[str, int], float] = {}
        self.too_many: list[CallRecord] = []
        # Keep a staff bot's messages to chats nobody opened yet (see bot_chat).
        self.keep_unopened_staff_chats = True
        # A new value on every start: the page tells a restarted sandbox by it.
        self.boot_id = secrets.token_hex(8)
        # The zone the page shows message times in (the system's KIMBOT_TIMEZONE).
        self.timezone = "Europe/Berlin"
        # Message dates in Unix seconds: the real time, or (for `kimbot screens`, whose
        # pictures must not change from run to run) the system's fixed clock.
        self.now: Callable[[], int] = now
        # Webhooks set with setWebhook: token -> the task that posts that bot's updates.
        self.webhooks: dict[str, WebhookPusher] = {}
        # How the webhook pushers behave (Telegram waits about a minute and retries for hours;
        # tests want it quicker).
        self.webhook_timeout = 10.0
        self.webhook_first_retry = 0.2
        self.webhook_max_retry = 5.0
        # Tests of a crash at a chosen moment: while set, sends are recorded at once but
        # answered only when it is released (a slow Telegram), counted in `held_answers`.
        self.answers_released: asyncio.Event | None = None
        self.held_answers = 0

    # ------------------------------------------------------------------ bots

    def add_bot(
        self, token: str, username: str, first_name: str, role: str | None = None
    ) -> BotState:
        """Register a bot token (idempotent: re-adding updates the names)."""
        if role is not None and role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        bot = self._bots.get(token)
        if bot is None:
            bot = self._bots[token] = BotState(token, username, first_name, role)
            self.calls_by_token[token] = Counter()
        else:
            bot.username, bot.first_name, bot.role = username, first_name, role
        return bot

    def bot(self, token: str) -> BotState:
        try:
            return self._bots[token]
        except KeyError:
            raise KeyError(f"unknown bot token {token!r}") from None

    def find_bot(self, ref: str) -> BotState | None:
        """Look a bot up by token, username (with or without @) or role label."""
        if ref in self._bots:
            return self._bots[ref]
        name = ref.removeprefix("@").lower()
        for bot in self._bots.values():
            if bot.username.lower() == name or bot.role == ref:
                return bot
        return None

    @property
    def bots(self) -> list[BotState]:
        return list(self._bots.values())

    # --------------------------------------------------------- failure hooks

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        *,
        token: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (e.g. 429 with retry_after)."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after or 1}"
                if error_code == 429
                else "Bad Request: simulated failure"
            )
        if error_code == 429 and retry_after is None:
            retry_after = 1
        error = ApiError(error_code, description, retry_after)
        self._failures.append(_Failure(method.lower(), token, error, times))

    def set_rate_limits(self, per_second: float, per_chat_per_second: float) -> None:
        """Answer 429 with retry_after like Telegram when a bot sends more than `per_second`
        messages in a second, or to one chat more often than `per_chat_per_second`."""
        self._limits = (per_second, per_chat_per_second)

    def _check_rate(self, record: CallRecord) -> None:
        if self._limits is None or not record.method.lower().startswith("send"):
            return
        per_second, per_chat = self._limits
        recent = self._recent_sends.setdefault(record.token, deque())
        while recent and recent[0] <= record.at - 1.0:
            recent.popleft()
        wait = 0.0
        if len(recent) >= per_second:
            wait = recent[0] + 1.0 - record.at
        if record.chat_id is not None:
            last = self._last_send.get((record.token, record.chat_id))
            if last is not None and record.at - last < 1.0 / per_chat:
                wait = max(wait, last + 1.0 / per_chat - record.at)
        if wait > 0:
            self.too_many.append(record)
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        recent.append(record.at)
        if record.chat_id is not None:
            self._last_send[(record.token, record.chat_id)] = record.at

    def _record_call(self, bot: BotState, method: str, params: JSON) -> None:
        """Count the call, then raise an injected failure if one matches."""
        self.calls[method] += 1
        self.calls_by_token[bot.token][method] += 1
        chat_id = params.get("chat_id")
        record = CallRecord(
            asyncio.get_running_loop().time(),
            bot.token,
            method,
            int(chat_id) if str(chat_id).lstrip("-").isdigit() else None,
        )
        self.call_log.append(record)
        self._check_rate(record)
        for failure in self._failures:
            if failure.method == method.lower() and failure.token in (None, bot.token):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                raise failure.error
        if self.on_call is not None:
            self.on_call(bot.token, method, params)

    # ----------------------------------------------------- chats & history

    def _keeps_unopened(self, bot: BotState, chat_id: int) -> bool:
        return self.keep_unopened_staff_chats and bot.role == "staff" and chat_id > 0

    def register_user(self, token: str, user: SimUser) -> None:
        """Open the private chat as if ``user`` had pressed Start, without sending anything."""
        chat = self.bot(token).chat(user.id)
        assert chat is not None
        chat.user, chat.unopened = user, False

    def set_blocked(self, token: str, chat_id: int, blocked: bool = True) -> None:
        """Simulate the user blocking the bot: sends then fail with 403 like Telegram."""
        self.bot(token).chat(chat_id).blocked = blocked  # type: ignore[union-attr]

    def history(self, token: str, chat_id: int, include_deleted: bool = False) -> list[JSON]:
        """All messages (user and bot) in order, in their current (edited) state."""
        chat = self.bot(token).chat(chat_id, create=False)
        if chat is None:
            return []
        return [m.entry() for m in chat.messages.values() if include_deleted or not m.deleted]

    def reply_keyboard(self, token: str, chat_id: int) -> JSON | None:
        chat = self.bot(token).chat(chat_id, create=False)
        return copy.deepcopy(chat.reply_keyboard) if chat else None

    def callback_answers(self, token: str, chat_id: int) -> list[JSON]:
        return [e["answer"] for e in self._events(token, chat_id) if e["kind"] == "callback_answer"]

    def chat_users(self, token: str) -> list[SimUser]:
        return [c.user for c in self.bot(token).chats.values() if c.user is not None]

    @property
    def seq(self) -> int:
        """Sequence number of the latest change anywhere in the sandbox."""
        return self._seq

    @property
    def closing(self) -> bool:
        return self._closing

    def mark(self, token: str, chat_id: int) -> int:
        """Current sequence number; pass it as ``after`` to wait for later output."""
        self.bot(token)  # fail early on a typo'd token
        return self._seq

    def events_after(self, token: str, chat_id: int, after: int) -> list[JSON]:
        return copy.deepcopy([e for e in self._events(token, chat_id) if e["seq"] > after])

    def _events(self, token: str, chat_id: int) -> list[JSON]:
        chat = self.bot(token).chat(chat_id, create=False)
        return chat.events if chat else []

    def _publish(
        self, chat: ChatState, kind: str, actor: str, stored: StoredMessage | None, **extra: Any
    ) -> JSON:
        """Append a change to the chat's log and wake everyone waiting on it."""
        self._seq += 1
        event: JSON = {"seq": self._seq, "kind": kind, "actor": actor, **extra}
        if stored is not None:
            stored.seq = self._seq
            event["message_id"] = stored.message_id
            event["entry"] = stored.entry()
        chat.events.append(event)
        if actor == "user":
            chat.last_user_seq = self._seq
        chat.changed.notify()
        return event

    # ------------------------------------------------------------- waiting

    async def wait_for_bot_output(
        self,
        token: str,
        chat_id: int,
        *,
        after: int | None = None,
        count: int = 1,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - an upper bound for tests, like wait_for's
        kinds: tuple[str, ...] = BOT_OUTPUT_KINDS,
    ) -> list[JSON]:
        """Wait for ``count`` bot outputs (new messages/edits) in a chat after ``after``.

        ``after`` defaults to the later of the chat's latest user action and the last output
        returned by a previous wait in this chat. So ``user_sends_text(...)`` followed by one or
        several ``await wait_for_bot_output(...)`` calls is race-free and never returns the same
        output twice. Outputs skipped by ``predicate`` before a match count as consumed.
        Returns message entries (state at the time of each event) with extra ``event`` and
        ``seq`` keys; raises :class:`SandboxTimeout` describing the chat on timeout.
        """
        chat = self.bot(token).chat(chat_id)
        assert chat is not None
        start = max(chat.last_user_seq, chat.waited_seq) if after is None else after

        def matching() -> list[JSON]:
            found = []
            # Events are appended in seq order: skip the history before `start` instead of
            # rebuilding an entry for every old event on every wake-up.
            first = bisect.bisect_right(chat.events, start, key=lambda e: e["seq"])
            for event in chat.events[first:]:
                if event["actor"] != "bot" or event["kind"] not in kinds:
                    continue
                entry = {**event.get("entry", {}), "event": event["kind"], "seq": event["seq"]}
                if event["kind"] == "callback_answer":
                    entry["answer"] = event["answer"]
                if predicate is None or predicate(entry):
                    found.append(entry)
            return found

        ok = await chat.changed.wait_until(
            lambda: len(matching()) >= count or self._closing, timeout
        )
        found = matching()[:count]
        if not ok or len(found) < count:
            raise SandboxTimeout(self._describe_timeout(token, chat_id, count, found))
        chat.waited_seq = max(chat.waited_seq, found[-1]["seq"])
        return copy.deepcopy(found)

    wait_for = wait_for_bot_output

    async def wait_for_callback_answer(
        self,
        token: str,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - an upper bound for tests
    ) -> JSON:
        """Wait until the bot answered the callback query (answerCallbackQuery)."""
        bot = self.bot(token)
        record = bot.callback_queries[query_id]
        chat = bot.chat(record.chat_id)
        assert chat is not None
        if not await chat.changed.wait_until(lambda: record.answer is not None, timeout):
            raise SandboxTimeout(f"callback query {query_id} was not answered within {timeout}s")
        return copy.deepcopy(record.answer)  # type: ignore[return-value]

    def _describe_timeout(self, token: str, chat_id: int, count: int, got: list[JSON]) -> str:
        lines = [f"expected {count} bot output(s) in chat {chat_id}, got {len(got)}; chat is:"]
        for entry in self.history(token, chat_id)[-8:]:
            who = "bot " if entry["from_bot"] else "user"
            lines.append(f"  {who} #{entry['message_id']}: {entry['text']!r}")
        return "\n".join(lines)

    # ------------------------------------------------------ simulated users

    def _user_message(self, bot: BotState, user: SimUser, **content: Any) -> tuple[JSON, JSON]:
        """Store a message from ``user`` and enqueue the Update; returns (update, event)."""
        chat = bot.chat(user.id)
        assert chat is not None
        chat.user = user  # Telegram sends fresh profile data (name, language) every time
        chat.unopened = False
        message = {
            "message_id": chat.new_message_id(),
            "from": user.to_api(),
            "chat": user.chat(),
            "date": self.now(),
            **content,
        }
        stored = StoredMessage(message=message, from_bot=False, seq=0)
        chat.messages[stored.message_id] = stored
        event = self._publish(chat, "message", "user", stored)
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None  # the client hides a one-time keyboard after use
        update = bot.enqueue(message=copy.deepcopy(message))
        return copy.deepcopy(update), event

    def user_sends_text(
        self, token: str, user: SimUser, text: str, reply_to: int | None = None
    ) -> JSON:
        """The user types ``text`` (as a reply to message ``reply_to``, if given); returns the
        enqueued Update."""
        if not text.strip():
            raise SandboxError("Telegram clients do not send empty messages")
        if len(text) > 4096:
            raise SandboxError("message is too long")
        content: JSON = {"text": text}
        if reply_to is not None:
            chat = self.bot(token).chat(user.id, create=False)
            answered = chat.messages.get(reply_to) if chat else None
            if answered is None or answered.deleted:
                raise SandboxError(f"message {reply_to} does not exist in chat {user.id}")
            content["reply_to_message"] = copy.deepcopy(answered.message)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._user_message(self.bot(token), user, **content)[0]

    def user_sends_unsupported(self, token: str, user: SimUser, kind: str) -> JSON:
        """The user sends a photo/voice/sticker/document/location/contact; returns the Update."""
        if kind not in UNSUPPORTED_KINDS:
            raise SandboxError(f"kind must be one of {UNSUPPORTED_KINDS}")
        bot = self.bot(token)
        return self._user_message(bot, user, **self._fake_content(bot, user, kind))[0]

    def _fake_content(self, bot: BotState, user: SimUser, kind: str) -> JSON:
        if kind == "location":
            return {"location": {"latitude": 51.513587, "longitude": 7.465298}}
        if kind == "contact":
            return {
                "contact": {
                    "phone_number": "+4915100000000",
                    "first_name": user.first_name,
                    "user_id": user.id,
                }
            }
        folder, mime, data = _FAKE_UPLOADS[kind]
        record = self.store_file(
            bot, data, folder, mime_type=mime, file_name="scan.pdf" if kind == "document" else None
        )
        ids = {"file_id": record.file_id, "file_unique_id": record.file_unique_id}
        if kind == "photo":
            return {
                "photo": [
                    {**ids, "file_size": record.file_size, "width": w, "height": h}
                    for w, h in ((90, 68), (320, 240), (1280, 960))
                ]
            }
        if kind == "voice":
            return {
                "voice": {**ids, "duration": 4, "mime_type": mime, "file_size": record.file_size}
            }
        if kind == "sticker":
            return {
                "sticker": {
                    **ids,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "👍",
                    "set_name": "SandboxStickers",
                    "file_size": record.file_size,
                }
            }
        return {
            "document": {
                **ids,
                "file_name": "scan.pdf",
                "mime_type": mime,
                "file_size": record.file_size,
            }
        }

    def user_presses(self, token: str, user: SimUser, message_id: int, callback_data: str) -> JSON:
        """Press an inline button that really is on the message; returns the Update."""
        chat = self.bot(token).chat(user.id, create=False)
        stored = chat.messages.get(message_id) if chat else None
        if stored is None or stored.deleted:
            raise SandboxError(f"message {message_id} does not exist in chat {user.id}")
        rows = (stored.message.get("reply_markup") or {}).get("inline_keyboard", [])
        if not any(b.get("callback_data") == callback_data for row in rows for b in row):
            raise SandboxError(f"message {message_id} has no button with data {callback_data!r}")
        return self.user_presses_raw(token, user, message_id, callback_data)

    def user_presses_raw(
        self, token: str, user: SimUser, message_id: int, callback_data: str
    ) -> JSON:
        """Deliver a callback query without checking the button exists (forged data)."""
        bot = self.bot(token)
        chat = bot.chat(user.id)
        assert chat is not None
        chat.user, chat.unopened = user, False
        stored = chat.messages.get(message_id)
        if stored is not None and not stored.deleted:
            message = copy.deepcopy(stored.message)
        else:  # Bot API "InaccessibleMessage"
            message = {"chat": user.chat(), "message_id": message_id, "date": 0}
        query_id = str(secrets.randbits(63))
        bot.callback_queries[query_id] = CallbackRecord(
            query_id, user.id, message_id, callback_data
        )
        self._publish(
            chat,
            "callback_query",
            "user",
            None,
            message_id=message_id,
            data=callback_data,
            callback_query_id=query_id,
        )
        update = bot.enqueue(
            callback_query={
                "id": query_id,
                "from": user.to_api(),
                "message": message,
                "chat_instance": str(abs(hash((bot.token, user.id)))),
                "data": callback_data,
            }
        )
        return copy.deepcopy(update)

    # ---------------------------------------------------------------- files

    def store_file(
        self,
        bot: BotState,
        data: bytes,
        folder: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> FileRecord:
        file_id, unique_id = new_file_ids()
        ext = (file_name or "").rsplit(".", 1)[-1] if "." in (file_name or "") else None
        path = f"{folder}/file_{len(self._files)}.{ext or _EXTENSIONS.get(folder, 'bin')}"
        record = FileRecord(file_id, unique_id, bot.token, data, path, file_name, mime_type)
        self._files[file_id] = record
        self._file_paths[(bot.token, path)] = record
        return record

    def file(self, file_id: str) -> FileRecord | None:
        return self._files.get(file_id)

    def file_by_path(self, token: str, path: str) -> FileRecord | None:
        return self._file_paths.get((token, path))

    # --------------------------------------------- bot-side chat operations

    def bot_chat(self, bot: BotState, chat_id: int) -> ChatState:
        """The chat a bot wants to write to, with Telegram's errors if it cannot.

        Unlike Telegram, a staff bot's message to a chat nobody opened yet is kept (when
        `keep_unopened_staff_chats`): in the demo, a case manager registered from the command
        line has not opened the page yet, and should find the booking notices when she does.
        """
        chat = bot.chat(chat_id, create=False)
        if (chat is None or chat.user is None) and self._keeps_unopened(bot, chat_id):
            chat = bot.chat(chat_id)
            assert chat is not None
            chat.user = SimUser(chat_id, f"User {chat_id}")
            chat.unopened = True
        if chat is None or chat.user is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def bot_message(
        self, bot: BotState, chat_id: int, message_id: int, action: str
    ) -> StoredMessage:
        chat = self.bot_chat(bot, chat_id)
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise bad_request(f"message to {action} not found")
        return stored

    def add_bot_message(
        self,
        bot: BotState,
        chat: ChatState,
        content: JSON,
        *,
        parse_mode: str | None,
        source_text: str | None,
        reply_keyboard: JSON | None,
    ) -> StoredMessage:
        assert chat.user is not None
        message = {
            "message_id": chat.new_message_id(),
            "from": bot.user(),
            "chat": chat.user.chat(),
            "date": self.now(),
            **content,
        }
        stored = StoredMessage(
            message,
            True,
            0,
            parse_mode=parse_mode,
            source_text=source_text,
            reply_keyboard=reply_keyboard,
        )
        chat.messages[stored.message_id] = stored
        if reply_keyboard is not None:
            # Reply keyboards are chat state on the client: shown until removed or replaced.
            chat.reply_keyboard = reply_keyboard if "keyboard" in reply_keyboard else None
        self._publish(chat, "message", "bot", stored)
        return stored

    def edited(self, chat: ChatState, stored: StoredMessage) -> None:
        stored.message["edit_date"] = self.now()
        stored.rev += 1
        self._publish(chat, "edit", "bot", stored)

    def deleted(self, chat: ChatState, stored: StoredMessage) -> None:
        stored.deleted = True
        self._publish(chat, "delete", "bot", stored)

    def answer_callback(self, bot: BotState, query_id: str, answer: JSON) -> None:
        record = bot.callback_queries.get(query_id)
        if record is None or record.answer is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        record.answer = answer
        chat = bot.chat(record.chat_id)
        assert chat is not None
        stored = chat.messages.get(record.message_id)
        if stored is not None:
            stored.callback_answers.append(answer)
        self._publish(
            chat,
            "callback_answer",
            "bot",
            None,
            message_id=record.message_id,
            callback_query_id=query_id,
            answer=answer,
        )

    # ------------------------------------------------------------- updates

    async def get_updates(
        self, bot: BotState, offset: int, limit: int, poll_seconds: float
    ) -> list[JSON]:
        """getUpdates semantics: confirm by offset, long-poll up to ``poll_seconds``."""
        if bot.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if offset > 0:
            bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
        elif offset < 0:
            bot.updates = bot.updates[offset:]
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.updates_changed.notify()  # an older long poll must end now (409 below)
        await bot.updates_changed.wait_until(
            lambda: bool(bot.updates) or generation != bot.poll_generation or self._closing,
            poll_seconds,
        )
        if generation != bot.poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return copy.deepcopy(bot.updates[: max(1, min(limit, 100))])

    # ------------------------------------------------------------ webhooks

    async def set_webhook(self, bot: BotState, config: WebhookConfig, drop_pending: bool) -> None:
        """From now on POST the bot's updates to `config.url` (getUpdates answers 409)."""
        await self.delete_webhook(bot, drop_pending)
        bot.webhook_url = config.url
        pusher = WebhookPusher(bot, config, timeout=self.webhook_timeout,
                               first_retry=self.webhook_first_retry,
                               max_retry=self.webhook_max_retry)
        self.webhooks[bot.token] = pusher
        pusher.start()

    async def delete_webhook(self, bot: BotState, drop_pending: bool = False) -> None:
        bot.webhook_url = ""
        pusher = self.webhooks.pop(bot.token, None)
        if pusher is not None:
            await pusher.stop()
        if drop_pending:
            bot.updates.clear()

    def webhook_info(self, bot: BotState) -> JSON:
        pusher = self.webhooks.get(bot.token)
        if pusher is None:
            return {"url": "", "has_custom_certificate": False,
                    "pending_update_count": len(bot.updates)}
        return pusher.info()

    def hold_answers(self) -> None:
        """From now on, a send is recorded (the person sees the message) but its answer waits
        for `release_answers()`: Telegram being slow to answer."""
        self.answers_released = asyncio.Event()

    def release_answers(self) -> None:
        if self.answers_released is not None:
            self.answers_released.set()
            self.answers_released = None

    def pause_webhooks(self, paused: bool = True) -> None:
        """Stop (or resume) posting new updates; posts under way go on."""
        for pusher in self.webhooks.values():
            pusher.paused = paused
        for bot in self._bots.values():
            bot.updates_changed.notify()

    @property
    def webhook_posts_in_flight(self) -> int:
        return sum(len(pusher.in_flight) for pusher in self.webhooks.values())

    async def stop_webhooks(self) -> None:
        for token in list(self.webhooks):
            await self.delete_webhook(self.bot(token))

    def _wake_everyone(self) -> None:
        for bot in self._bots.values():
            bot.updates_changed.notify()
            for chat in bot.chats.values():
                chat.changed.notify()
