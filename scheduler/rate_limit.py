"""Telegram's sending limits, kept on our side so its 429 answers stay the exception.

Telegram asks bots to send at most about 30 messages a second in total and one a second to any
one chat. The limiter spaces messages evenly instead of bursting and waiting: a burst is what
earns a 429. A 429 that comes anyway pauses the chat and the bot for its `retry_after`, and
that chat is sent to more slowly from then on.

The time source is injected (`time.monotonic` in production), so tests never wait.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

MAX_TRACKED_CHATS = 100_000  # chats remembered for the per-chat spacing; the oldest go first
MAX_LEARNED_INTERVAL = 10.0  # a long retry_after is a pause, not the chat's pace from now on


class RateLimiter:
    def __init__(self, per_second: float, per_chat_per_second: float,
                 monotonic: Callable[[], float]) -> None:
        self.interval = 1.0 / per_second
        self.chat_interval = 1.0 / per_chat_per_second
        self.monotonic = monotonic
        self._next_any = 0.0
        self._next_chat: OrderedDict[int, float] = OrderedDict()
        self._slow_chats: dict[int, float] = {}  # chats Telegram found we were too fast for

    def ready_at(self, chat_id: int) -> float:
        """The earliest monotonic time a message to `chat_id` may go."""
        return max(self._next_any, self._next_chat.get(chat_id, 0.0))

    def chat_ready_at(self, chat_id: int) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def sent(self, chat_id: int) -> None:
        """Count a message that went out now."""
        now = self.monotonic()
        self._next_any = max(self._next_any, now) + self.interval
        self._next_chat[chat_id] = now + self._slow_chats.get(chat_id, self.chat_interval)
        self._next_chat.move_to_end(chat_id)
        while len(self._next_chat) > MAX_TRACKED_CHATS:
            self._next_chat.popitem(last=False)

    def too_fast(self, chat_id: int, retry_after: float) -> None:
        """Telegram answered 429: nothing more to this chat or from this bot before
        `retry_after`, and from then on this chat gets no more than one message per
        `retry_after` (capped), so the same chat does not earn a second 429."""
        now = self.monotonic()
        self._next_any = max(self._next_any, now + retry_after)
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), now + retry_after)
        self._next_chat.move_to_end(chat_id)
        learned = min(retry_after, MAX_LEARNED_INTERVAL)
        if learned > self.chat_interval:
            self._slow_chats[chat_id] = max(self._slow_chats.get(chat_id, 0.0), learned)
