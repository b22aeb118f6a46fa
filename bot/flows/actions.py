"""Button data: built by us, sent back by the client, so parsed as untrusted input."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.events import MAX_CALLBACK_BYTES

_ACTION = re.compile(r"([a-z_]{1,20})(?::([A-Za-z0-9_-]{1,40}))?")


@dataclass(frozen=True)
class Action:
    name: str
    arg: str = ""


def action(name: str, arg: str = "") -> str:
    """Encode an action for a button; fails loudly if we would build something Telegram refuses."""
    data = f"{name}:{arg}" if arg else name
    if not _ACTION.fullmatch(data) or len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"invalid action {data!r}")
    return data


def fits(name: str, arg: str) -> bool:
    """Whether `arg` can go into a button's data under `name`: ids from the catalogue are free
    text, and a button that cannot carry one is left out rather than failing the screen."""
    try:
        action(name, arg)
    except ValueError:
        return False
    return True


def parse_action(data: str) -> Action | None:
    """The action in `data`, or None for anything we would not have built ourselves."""
    match = _ACTION.fullmatch(data or "")
    if match is None:
        return None
    return Action(match.group(1), match.group(2) or "")
