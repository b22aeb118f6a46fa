"""Telegram's sending limits, kept on our side so its 429 answers stay the exception.

Telegram asks bots to send at most about 30 messages a second in total and one a second to any
one chat. The bot-wide limit is a token bucket that holds at most 40 ms worth of messages (at
30/s: one, so messages are evenly spaced; at 1,000/s against a local server: forty, which the
dispatcher sends in groups of up to twenty); the per-chat limit is a plain minimum gap. A 429
that comes anyway pauses the chat and the bot for its `retry_after`, and that chat is sent to
more slowly from then on.

The time source is injected (`time.monotonic` in production), so tests never wait.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable

BURST_WINDOW = 0.04  # seconds' worth of messages the bot-wide bucket may hold
MAX_TRACKED_CHATS = 100_000  # chats remembered for the per-chat spacing; the oldest go first
MAX_LEARNED_INTERVAL = 10.0  # a long retry_after is a pause, not the chat's pace from now on


class RateLimiter:
    def __init__(self, per_second: float, per_chat_per_second: float,
                 monotonic: Callable[[], float]) -> None:
        self.rate = per_second
        self.capacity = max(1.0, math.floor(per_second * BURST_WINDOW))
        self.chat_interval = 1.0 / per_chat_per_second
        self.monotonic = monotonic
        self._tokens = self.capacity
        self._stamp = monotonic()
        self._paused_until = 0.0
        self._next_chat: OrderedDict[int, float] = OrderedDict()
        self._slow_chats: dict[int, float] = {}  # chats Telegram found we were too fast for

    def _refill(self) -> float:
        now = self.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        return now

    def ready_at(self, chat_id: int) -> float:
        """The earliest monotonic time a message to `chat_id` may go."""
        now = self._refill()
        bot_ready = now if self._tokens >= 1 else now + (1 - self._tokens) / self.rate
        return max(bot_ready, self._paused_until, self._next_chat.get(chat_id, 0.0))

    def tokens_ready_at(self, count: int) -> float:
        """When the bot-wide bucket holds `count` messages (at most its capacity), so what
        may go together goes together instead of one by one as each token drips in."""
        now = self._refill()
        wanted = min(float(count), self.capacity)
        missing = max(wanted - self._tokens, 0.0)
        return max(now + missing / self.rate, self._paused_until)

    def chat_ready_at(self, chat_id: int) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def sent(self, chat_id: int) -> None:
        """Count a message that goes out now."""
        now = self._refill()
        self._tokens -= 1
        self._next_chat[chat_id] = now + self._slow_chats.get(chat_id, self.chat_interval)
        self._next_chat.move_to_end(chat_id)
        while len(self._next_chat) > MAX_TRACKED_CHATS:
            self._next_chat.popitem(last=False)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Another instance just sent to this chat: nothing to it for `seconds`."""
        now = self.monotonic()
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), now + seconds)
        self._next_chat.move_to_end(chat_id)

    def too_fast(self, chat_id: int, retry_after: float) -> None:
        """Telegram answered 429: nothing more to this chat or from this bot before
        `retry_after`, and from then on this chat gets no more than one message per
        `retry_after` (capped), so the same chat does not earn a second 429."""
        now = self.monotonic()
        self._paused_until = max(self._paused_until, now + retry_after)
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), now + retry_after)
        self._next_chat.move_to_end(chat_id)
        # A tenth more than asked: Telegram measures arrivals, we measure departures.
        learned = min(retry_after, MAX_LEARNED_INTERVAL) * 1.1
        if learned > self.chat_interval and len(self._slow_chats) < MAX_TRACKED_CHATS:
            self._slow_chats[chat_id] = max(self._slow_chats.get(chat_id, 0.0), learned)
