"""Telegram-style HTML parse mode: turn ``parse_mode="HTML"`` text into plain text + entities.

Telegram does this server side and rejects malformed markup with
``Bad Request: can't parse entities: ...``. Doing the same in the sandbox catches the classic
bug of interpolating unescaped user input (``<``, ``&``) into HTML messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tag name -> entity type (https://core.telegram.org/bots/api#html-style).
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_OTHER_TAGS = {"a", "span", "tg-emoji", "tg-time"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_CHARREF = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*)?)>")
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


class EntityParseError(ValueError):
    """Raised with a Telegram-compatible description suffix."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int  # UTF-16 offset where the entity starts
    entity: dict[str, object] | None


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entity_for(tag: str, attrs: str, stack: list[_Open]) -> dict[str, object] | None:
    """Build the entity dict (without offset/length) for an opening tag."""
    values = {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(attrs)}
    if tag == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-python"> sets the language of the outer pre.
        language = values.get("class", "").removeprefix("language-")
        if language and stack[-1].entity is not None:
            stack[-1].entity["language"] = language
        return None
    if tag == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    if tag in _SIMPLE_TAGS:
        return {"type": _SIMPLE_TAGS[tag]}
    if tag == "a":
        href = values.get("href", "")
        if href.startswith("tg://user?id="):
            return {"type": "text_mention", "user": {"id": int(href.split("=", 1)[1] or 0)}}
        return {"type": "text_link", "url": href}
    if tag == "span":
        if values.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        return {"type": "spoiler"}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": values.get("emoji-id", "")}
    return None  # tg-time and friends: accepted, rendered as plain text


def _decode_charref(match: re.Match[str]) -> str:
    name = match[1]
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    # Telegram only knows four named entities; others stay literally in the text.
    return _NAMED_ENTITIES.get(name.lower(), match[0])


def parse_html(source: str) -> tuple[str, list[dict[str, object]]]:
    """Return ``(plain_text, entities)`` or raise :class:`EntityParseError`."""
    out: list[str] = []
    offset = 0  # UTF-16 length of ``out`` so far
    entities: list[dict[str, object]] = []
    stack: list[_Open] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            match = _CHARREF.match(source, i)
            piece = _decode_charref(match) if match else "&"
            i = match.end() if match else i + 1
        elif char == "<":
            match = _TAG.match(source, i)
            if not match:
                name = re.match(r"</?([^\s>]*)", source[i:])
                found = name[1] if name else ""
                raise EntityParseError(
                    f'Unsupported start tag "{found}" at byte offset {_byte_offset(source, i)}'
                )
            closing, tag, attrs = match[1] == "/", match[2].lower(), match[3]
            if tag not in _SIMPLE_TAGS and tag not in _OTHER_TAGS:
                kind = "end" if closing else "start"
                raise EntityParseError(
                    f'Unsupported {kind} tag "{tag}" at byte offset {_byte_offset(source, i)}'
                )
            if closing:
                if not stack or stack[-1].tag != tag:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
                        f'expected "</{stack[-1].tag if stack else ""}>", found "</{tag}>"'
                    )
                opened = stack.pop()
                if opened.entity is not None and offset > opened.offset:
                    opened.entity.update(offset=opened.offset, length=offset - opened.offset)
                    entities.append(opened.entity)
            else:
                stack.append(_Open(tag, offset, _entity_for(tag, attrs, stack)))
            i = match.end()
            continue
        else:
            piece = char
            i += 1
        out.append(piece)
        offset += utf16_len(piece)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    # Telegram orders entities by offset (outer before inner at equal offsets).
    entities.sort(key=lambda e: (e["offset"], -int(e["length"])))  # type: ignore[call-overload]
    return "".join(out), entities


# What Telegram finds by itself in a message sent without entities: links and bot commands,
# which the apps let people tap. A command starts after a space, a line start or a bidi mark.
_URL = re.compile(r"https?://[^\s<>\"\u2066-\u2069]+")
_URL_TAIL = ".,;:!?)»“”'"
_BOT_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z][A-Za-z0-9_]{0,31}(?:@[A-Za-z0-9_]{5,32})?"
                          r"(?![\w/])")


def auto_entities(text: str) -> list[dict[str, object]]:
    """`url` and `bot_command` entities for plain text, with Telegram's UTF-16 offsets."""
    found: list[tuple[int, int, str]] = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TAIL)
        found.append((match.start(), match.start() + len(url), "url"))
    for match in _BOT_COMMAND.finditer(text):
        if not any(start <= match.start() < end for start, end, _ in found):
            found.append((match.start(), match.end(), "bot_command"))
    return [{"type": kind, "offset": utf16_len(text[:start]),
             "length": utf16_len(text[start:end])} for start, end, kind in sorted(found)]
