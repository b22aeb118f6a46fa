"""Bot API method implementations (https://core.telegram.org/bots/api) on the sandbox core.

Each handler gets the core, the calling bot and the decoded parameters and returns the
``result`` of a successful call or raises :class:`ApiError` with Telegram's wording. The send
methods go through one path (``_send``) and the edit methods through another (``_edit``), so
each method states only what differs: its text or caption, its file.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.core import SandboxCore
from bot.sandbox.formatting import EntityParseError, auto_entities, parse_html
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import JSON, BotState, ChatState, StoredMessage, bad_request
from bot.sandbox.webhook import WebhookConfig

Handler = Callable[[SandboxCore, BotState, Params], Awaitable[Any]]
METHODS: dict[str, Handler] = {}

MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)


def method(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler; Telegram method names are case-insensitive."""

    def register(func: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = func
        return func

    return register


# ------------------------------------------------------------------ helpers


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSON]]:
    """Apply parse_mode like Telegram; MarkdownV2/Markdown are stored verbatim (not parsed)."""
    if isinstance(entities, list):
        return text, entities
    if parse_mode and parse_mode.lower() == "html":
        try:
            return parse_html(text)  # type: ignore[return-value]
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if parse_mode:
        return text, []
    # Like Telegram: links and /commands in plain text become entities the apps let you tap.
    return text, auto_entities(text)  # type: ignore[return-value]


def _inline_keyboard(markup: JSON) -> JSON | None:
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        if not any(key in button for key in _BUTTON_ACTIONS):
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in "
                "the inline keyboard"
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not re.match(r"^(https?|tg)://\S+$", str(url)):
            raise bad_request("BUTTON_URL_INVALID")
    rows = [row for row in rows if row]
    return {"inline_keyboard": rows} if rows else None


def parse_markup(p: Params) -> tuple[JSON | None, JSON | None]:
    """Split ``reply_markup`` into (inline keyboard for the Message, reply keyboard state)."""
    markup = p.get_json("reply_markup")
    if markup is None:
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return _inline_keyboard(markup), None
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        normalized = [[b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows]
        return None, {**markup, "keyboard": normalized}
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None, markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _reply_to(chat: ChatState, p: Params) -> JSON:
    """``reply_to_message`` for reply_parameters / the older reply_to_message_id."""
    params = p.get_json("reply_parameters")
    message_id = params.get("message_id") if isinstance(params, dict) else None
    message_id = message_id or p.get_int("reply_to_message_id")
    if not message_id:
        return {}
    target = chat.messages.get(int(message_id))
    if target is None or target.deleted:
        if isinstance(params, dict) and params.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    original = {k: v for k, v in target.message.items() if k != "reply_to_message"}
    return {"reply_to_message": original}


def _with_optional(content: JSON, **optional: Any) -> JSON:
    """Telegram omits empty optional fields from objects."""
    content.update({k: v for k, v in optional.items() if v})
    return content


# --------------------------------------------------------- bot & updates


@method("getMe")
async def get_me(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return bot.me()


@method("getUpdates")
async def get_updates(core: SandboxCore, bot: BotState, p: Params) -> list[JSON]:
    return await core.get_updates(
        bot,
        offset=p.get_int("offset", 0) or 0,
        limit=p.get_int("limit", 100) or 100,
        poll_seconds=max(0.0, p.get_float("timeout", 0.0)),
    )


@method("setWebhook")
async def set_webhook(core: SandboxCore, bot: BotState, p: Params) -> bool:
    url = p.get_str("url") or ""
    if not url:
        await core.delete_webhook(bot, p.get_bool("drop_pending_updates"))
        return True
    if not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = p.get_int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = p.get_json("allowed_updates")
    await core.set_webhook(bot, WebhookConfig(url, secret, max_connections, allowed or None),
                           p.get_bool("drop_pending_updates"))
    return True


@method("deleteWebhook")
async def delete_webhook(core: SandboxCore, bot: BotState, p: Params) -> bool:
    await core.delete_webhook(bot, p.get_bool("drop_pending_updates"))
    return True


@method("getWebhookInfo")
async def get_webhook_info(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return core.webhook_info(bot)


@method("logOut", "close")
async def log_out(core: SandboxCore, bot: BotState, p: Params) -> bool:
    return True


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get_json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get_str("language_code") or ""


@method("setMyCommands")
async def set_my_commands(core: SandboxCore, bot: BotState, p: Params) -> bool:
    commands = p.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("commands is empty")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    bot.commands[_commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@method("getMyCommands")
async def get_my_commands(core: SandboxCore, bot: BotState, p: Params) -> list[JSON]:
    return bot.commands.get(_commands_key(p), [])


@method("deleteMyCommands")
async def delete_my_commands(core: SandboxCore, bot: BotState, p: Params) -> bool:
    bot.commands.pop(_commands_key(p), None)
    return True


def _profile_methods(key: str, default: Callable[[BotState], str]) -> tuple[Handler, Handler]:
    """setMyName/getMyName & co.: recorded per language, read back like Telegram."""

    async def setter(core: SandboxCore, bot: BotState, p: Params) -> bool:
        bot.profile[(key, p.get_str("language_code") or "")] = p.get_str(key) or ""
        return True

    async def getter(core: SandboxCore, bot: BotState, p: Params) -> JSON:
        return {key: bot.profile.get((key, p.get_str("language_code") or ""), default(bot))}

    return setter, getter


for _key, _suffix, _default in (
    ("name", "Name", lambda bot: bot.first_name),
    ("description", "Description", lambda bot: ""),
    ("short_description", "ShortDescription", lambda bot: ""),
):
    _setter, _getter = _profile_methods(_key, _default)
    method(f"setMy{_suffix}")(_setter)
    method(f"getMy{_suffix}")(_getter)


@method("setChatMenuButton")
async def set_chat_menu_button(core: SandboxCore, bot: BotState, p: Params) -> bool:
    bot.menu_button = p.get_json("menu_button") or {"type": "default"}
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return bot.menu_button


@method("getChat")
async def get_chat(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    chat = bot.chat(p.chat_id(), create=False)
    if chat is None or chat.user is None:
        raise bad_request("chat not found")
    return {
        **chat.user.chat(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


@method("sendChatAction")
async def send_chat_action(core: SandboxCore, bot: BotState, p: Params) -> bool:
    chat = core.bot_chat(bot, p.chat_id())
    chat.chat_action = p.get_str("action", required=True)
    return True


# --------------------------------------------------------------- messages


@dataclass(frozen=True)
class _Body:
    """The text a message carries, a message's ``text`` or a file's ``caption``: one description
    so that sends and edits check both alike."""

    name: str  # the parameter and the Message field
    entities: str  # its entities parameter and field
    limit: int
    required: bool
    too_long: str


TEXT = _Body("text", "entities", MAX_TEXT, True, "message is too long")
CAPTION = _Body("caption", "caption_entities", MAX_CAPTION, False, "message caption is too long")


def _checked_text(p: Params, body: _Body) -> JSON:
    """Validate and format ``text`` or ``caption`` (with its entities) into Message fields."""
    source = p.get_str(body.name) or ""
    if not source.strip() and body.required:
        raise bad_request("message text is empty")
    text, entities = format_text(source, p.get_str("parse_mode"), p.get_json(body.entities))
    if body.required and not text.strip():
        raise bad_request("message text is empty")
    if len(text) > body.limit:
        raise bad_request(body.too_long)
    return {body.name: text, body.entities: entities}


def _send(
    core: SandboxCore, bot: BotState, p: Params, body: _Body, attach: Callable[[], JSON] = dict
) -> JSON:
    """The one path of every send method, so they check, store and answer alike.

    The chat must take messages from the bot; then the attachment (``attach``: the photo or
    document fields), the text or caption, the keyboard and the message replied to are checked,
    in that order, and the message is stored, shown on the chat page and returned as Telegram
    returns it. Counting the call, injected failures and flood limits (429) come before, in
    the server, for every method alike.
    """
    chat = core.bot_chat(bot, p.chat_id())
    content = attach()
    fields = _checked_text(p, body)
    inline, reply_keyboard = parse_markup(p)
    content = _with_optional(content, **fields, reply_markup=inline)
    content.update(_reply_to(chat, p))
    stored = core.add_bot_message(
        bot,
        chat,
        content,
        parse_mode=p.get_str("parse_mode"),
        source_text=p.get_str(body.name),
        reply_keyboard=reply_keyboard,
    )
    return stored.message


@method("sendMessage")
async def send_message(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return _send(core, bot, p, TEXT)


def _not_modified(stored: StoredMessage, changes: JSON) -> bool:
    # Absent and empty fields are the same thing (Telegram omits empty ones).
    return all((stored.message.get(k) or None) == (v or None) for k, v in changes.items())


def _editable(core: SandboxCore, bot: BotState, p: Params) -> StoredMessage:
    if "inline_message_id" in p:
        raise bad_request("inline messages are not supported by the sandbox")
    stored = core.bot_message(bot, p.chat_id(), p.get_int("message_id", required=True) or 0, "edit")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return stored


def _edit(core: SandboxCore, bot: BotState, p: Params, body: _Body | None) -> JSON:
    """The one path of the editMessage* methods: the text or caption (``body``; None edits the
    keyboard only) and the keyboard replace the message's; identical content is refused with
    Telegram's 400."""
    stored = _editable(core, bot, p)
    changes: JSON = {}
    if body is not None:
        if ("text" in stored.message) != (body is TEXT):
            raise bad_request(f"there is no {body.name} in the message to edit")
        changes = _checked_text(p, body)
    inline, _ = parse_markup(p)
    # Like Telegram: omitting reply_markup in an edit removes the inline keyboard.
    changes["reply_markup"] = inline
    if _not_modified(stored, changes):
        raise bad_request(
            "message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup "
            "of the message"
        )
    for key, value in changes.items():
        if value:
            stored.message[key] = value
        else:
            stored.message.pop(key, None)
    core.edited(core.bot_chat(bot, p.chat_id()), stored)
    if body is TEXT:
        stored.parse_mode, stored.source_text = p.get_str("parse_mode"), p.get_str("text")
    return stored.message


@method("editMessageText")
async def edit_message_text(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return _edit(core, bot, p, TEXT)


@method("editMessageCaption")
async def edit_message_caption(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return _edit(core, bot, p, CAPTION)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return _edit(core, bot, p, None)


@method("deleteMessage")
async def delete_message(core: SandboxCore, bot: BotState, p: Params) -> bool:
    chat_id = p.chat_id()
    stored = core.bot_message(bot, chat_id, p.get_int("message_id", required=True) or 0, "delete")
    core.deleted(core.bot_chat(bot, chat_id), stored)
    return True


@method("deleteMessages")
async def delete_messages(core: SandboxCore, bot: BotState, p: Params) -> bool:
    chat_id = p.chat_id()
    chat = core.bot_chat(bot, chat_id)
    for message_id in p.get_json("message_ids") or []:
        stored = chat.messages.get(int(message_id))
        if stored is not None and not stored.deleted:  # missing ids are skipped silently
            core.deleted(chat, stored)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(core: SandboxCore, bot: BotState, p: Params) -> bool:
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = {"text": text, "show_alert": p.get_bool("show_alert"), "url": p.get_str("url")}
    core.answer_callback(bot, p.get_str("callback_query_id", required=True) or "", answer)
    return True


# ------------------------------------------------------------------ files


def _resolve_upload(core: SandboxCore, bot: BotState, p: Params, name: str) -> Upload | JSON:
    """New upload bytes, or the API object of an already known file_id."""
    value = p.upload(name)
    if value is None:
        raise bad_request(f"there is no {name} in the request")
    if isinstance(value, Upload):
        if not value.data:
            raise bad_request("file must be non-empty")
        return value
    record = core.file(value)
    if record is not None and record.token == bot.token:
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
            "file_name": record.file_name,
            "mime_type": record.mime_type,
        }
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # the sandbox is offline
    raise bad_request("wrong file identifier/HTTP URL specified")


def _image_size(data: bytes) -> tuple[int, int]:
    """Width/height of PNG images; a plausible default for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 1280, 960


def _send_media(
    core: SandboxCore, bot: BotState, p: Params, field: str, build: Callable[[Upload | JSON], JSON]
) -> JSON:
    """sendDocument/sendPhoto: the send path with the file as ``field``, a caption as text."""
    return _send(
        core, bot, p, CAPTION, lambda: {field: build(_resolve_upload(core, bot, p, field))}
    )


def _stored_file(
    core: SandboxCore, bot: BotState, upload: Upload | JSON, folder: str, named: bool, **extra: Any
) -> JSON:
    """The API object of a document or voice upload (or of a known file_id sent again)."""
    if not isinstance(upload, Upload):
        return {k: v for k, v in upload.items() if v is not None and (named or k != "file_name")}
    record = core.store_file(
        bot, upload.data, folder, file_name=upload.filename if named else None,
        mime_type=upload.content_type,
    )
    ids = {"file_id": record.file_id, "file_unique_id": record.file_unique_id}
    return _with_optional(
        {**ids, "file_size": record.file_size, **extra},
        file_name=record.file_name if named else None,
        mime_type=record.mime_type,
    )


@method("sendDocument")
async def send_document(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return _send_media(
        core, bot, p, "document", lambda upload: _stored_file(core, bot, upload, "documents", True)
    )


@method("sendVoice")
async def send_voice(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    return _send_media(
        core, bot, p, "voice", lambda upload: _stored_file(core, bot, upload, "voice", False,
                                                           duration=1)
    )


@method("sendPhoto")
async def send_photo(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    def build(upload: Upload | JSON) -> Any:
        if not isinstance(upload, Upload):
            record = core.file(upload["file_id"])
            assert record is not None
        else:
            record = core.store_file(
                bot, upload.data, "photos", file_name=upload.filename, mime_type=upload.content_type
            )
        width, height = _image_size(record.data)
        # Telegram returns several sizes; one original-sized PhotoSize is enough here.
        return [
            {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "file_size": record.file_size,
                "width": width,
                "height": height,
            }
        ]

    return _send_media(core, bot, p, "photo", build)


@method("getFile")
async def get_file(core: SandboxCore, bot: BotState, p: Params) -> JSON:
    record = core.file(p.get_str("file_id", required=True) or "")
    if record is None or record.token != bot.token:
        raise bad_request("invalid file_id")
    return record.to_api_file()
