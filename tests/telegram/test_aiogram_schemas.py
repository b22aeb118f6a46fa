"""aiogram imported with its schemas built on first use (bot/telegram/aiogram_schemas.py) still
knows every Bot API type and method: each one builds and validates when the staff bot first
meets it. Run in a fresh interpreter, because the test process may have imported aiogram first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BUILD_EVERYTHING = """
import bot.telegram
import aiogram.methods, aiogram.types
from pydantic import BaseModel

from aiogram.types import Message
assert not Message.__pydantic_complete__, "aiogram built its types at import again"

from aiogram.methods.base import Response
reply = Response[Message].model_validate(
    {"ok": True, "result": {"message_id": 7, "date": 0, "chat": {"id": 1, "type": "private"},
                            "text": "Hallo", "from": {"id": 2, "is_bot": True, "first_name": "K"}}})
assert reply.result.text == "Hallo" and reply.result.chat.id == 1

failed = []
for module in (aiogram.types, aiogram.methods):
    for name in module.__all__:
        model = getattr(module, name)
        if isinstance(model, type) and issubclass(model, BaseModel):
            try:
                model.model_rebuild(raise_errors=True)
            except Exception as error:
                failed.append(f"{name}: {error}")
            else:
                if not model.__pydantic_complete__:
                    failed.append(f"{name}: not complete")
print("\\n".join(failed) or "all built")
"""


def test_every_aiogram_type_and_method_builds_on_first_use() -> None:
    result = subprocess.run([sys.executable, "-c", BUILD_EVERYTHING], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "all built"
