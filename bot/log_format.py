"""`KIMBOT_LOG_FORMAT=json`: one JSON object per line, for log collectors (Loki, Elastic,
journald's JSON export).

kimbot's own log lines name kinds and counts, never what people wrote or who they are (see the
README, "State and privacy"). This formatter adds two guards for what it cannot vouch for:
every configured secret (bot tokens, the webhook secret, the database password) is replaced
wherever it appears, and an exception is logged with its type and stack but without its
message, which may quote data (a library's error about a value it was given).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._clean(record.getMessage()),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["exception"] = kind.__name__
            entry["stack"] = self._clean("".join(traceback.format_tb(tb)))
        return json.dumps(entry, ensure_ascii=False)
