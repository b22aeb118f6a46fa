"""Request parameters of a Bot API call, decoded the way Telegram does.

Telegram accepts query strings, urlencoded forms, JSON bodies and multipart forms. In the
form encodings every value is a string and JSON-typed parameters (``reply_markup``, ...) are
JSON text, so typed getters coerce on access.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox.state import JSON, bad_request


@dataclass
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    def __init__(self, values: JSON, uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else str(value)

    def get_int(self, name: str, default: int | None = None, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        """A JSON-typed parameter: already decoded in JSON bodies, JSON text in forms."""
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None  # "@channel" names: no channels here

    def upload(self, name: str) -> Upload | str | None:
        """An InputFile parameter: a multipart part, ``attach://<part>``, or a file_id/URL."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.get_str(name)
        if value is not None and value.startswith("attach://"):
            part = self.uploads.get(value.removeprefix("attach://"))
            if part is None:
                raise bad_request(f"{name} not found in the request")
            return part
        return value


async def read_params(request: web.Request) -> Params:
    """Merge query string and body (JSON, urlencoded or multipart) into :class:`Params`."""
    values: JSON = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON") from None
            if not isinstance(body, dict):
                raise bad_request("JSON body must be an object")
            values.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = Upload(
                        value.file.read(), value.filename, _mime(value.content_type, value.filename)
                    )
                else:
                    values[key] = value.decode() if isinstance(value, bytes) else value
    return Params(values, uploads)


def _mime(content_type: str | None, filename: str | None) -> str:
    """Telegram infers the type from the file name when the client sends octet-stream."""
    if content_type and content_type != "application/octet-stream":
        return content_type
    guessed = mimetypes.guess_type(filename or "")[0]
    return guessed or "application/octet-stream"
