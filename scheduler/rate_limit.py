"""Telegram's sending limits, kept on our side so its 429 answers stay the exception.

Telegram asks bots to send at most about 30 messages a second in total and one a second to any
one chat. The limiter spaces messages evenly instead of bursting and waiting: a burst is what
earns a 429. A 429 that comes anyway pauses the chat (or the whole bot) for its `retry_after`.

The time source is injected (`time.monotonic` in production), so tests never wait.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

MAX_TRACKED_CHATS = 100_000  # chats remembered for the per-chat spacing; the oldest go first


class RateLimiter:
    def __init__(self, per_second: float, per_chat_per_second: float,
                 monotonic: Callable[[], float]) -> None:
        self.interval = 1.0 / per_second
        self.chat_interval = 1.0 / per_chat_per_second
        self.monotonic = monotonic
        self._next_any = 0.0
        self._next_chat: OrderedDict[int, float] = OrderedDict()

    def ready_at(self, chat_id: int) -> float:
        """The earliest monotonic time a message to `chat_id` may go."""
        return max(self._next_any, self._next_chat.get(chat_id, 0.0))

    def chat_ready_at(self, chat_id: int) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def sent(self, chat_id: int) -> None:
        """Count a message that went out now."""
        now = self.monotonic()
        self._next_any = max(self._next_any, now - self.interval) + self.interval
        self._next_chat[chat_id] = now + self.chat_interval
        self._next_chat.move_to_end(chat_id)
        while len(self._next_chat) > MAX_TRACKED_CHATS:
            self._next_chat.popitem(last=False)

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it before `seconds` have passed."""
        until = self.monotonic() + seconds
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), until)
        self._next_chat.move_to_end(chat_id)

    def pause_all(self, seconds: float) -> None:
        self._next_any = max(self._next_any, self.monotonic() + seconds)
