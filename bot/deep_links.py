"""Links that open the client bot with a `/start` payload: personal referral invitations and
the town link printed on flyers.

Telegram passes the payload to the bot as the argument of `/start`. It allows at most 64
characters from A-Z, a-z, 0-9, "_" and "-", so everything here stays inside that set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PAYLOAD = 64
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
REFERRAL_PREFIX = "r"  # r<token>: a personal invitation from a referral
TOWN_PREFIX = "t_"  # t_<town id>: a flyer for one town


def is_payload(value: str) -> bool:
    return _PAYLOAD.fullmatch(value) is not None


def start_link(bot_username: str, payload: str | None = None) -> str:
    """The t.me link that opens the bot (and sends `/start payload` when the person taps
    Start)."""
    name = bot_username.removeprefix("@")
    if _USERNAME.fullmatch(name) is None:
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if payload is None:
        return f"https://t.me/{name}"
    if not is_payload(payload):
        raise ValueError("a start payload has at most 64 characters from A-Z a-z 0-9 _ -")
    return f"https://t.me/{name}?start={payload}"


def town_payload(town_id: str) -> str | None:
    """The flyer payload for a town, or None if the town id cannot travel in a payload."""
    payload = TOWN_PREFIX + town_id
    return payload if is_payload(payload) else None


@dataclass(frozen=True)
class StartPayload:
    kind: str  # "referral", "town" or "unknown"
    value: str  # the token or the town id; the raw text for "unknown"


def parse(argument: str) -> StartPayload | None:
    """What a `/start` argument asks for; None for a plain `/start`. Nothing here is trusted:
    a referral token still has to be found, a town id still has to exist."""
    argument = argument.strip()
    if not argument:
        return None
    if not is_payload(argument):
        return StartPayload("unknown", "")
    if argument.startswith(TOWN_PREFIX):
        return StartPayload("town", argument.removeprefix(TOWN_PREFIX))
    if argument.startswith(REFERRAL_PREFIX):
        return StartPayload("referral", argument.removeprefix(REFERRAL_PREFIX))
    return StartPayload("unknown", argument)
