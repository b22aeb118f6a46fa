"""Settings from environment variables (prefix KIMBOT_) and an optional .env file."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIMBOT_", env_file=".env", extra="ignore")

    client_token: SecretStr | None = None
    staff_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///kimbot.db"
    # Root of a Bot API server; `/bot<token>/<method>` is appended. Any compatible server works.
    telegram_api_url: str = TELEGRAM_API_URL
    timezone: str = "Europe/Berlin"
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8080
    # Hours a conversation's step and language are kept after the person's last message.
    state_ttl_hours: int = 24
    log_level: str = "INFO"
    # How many upcoming appointments one person may hold at once.
    max_open_appointments: int = 2
    # How many days ahead people can book (today included).
    booking_days: int = 14
    # The staff bot's @username without the @, for the links `kimbot staff invite` prints (the
    # running bot learns its own name from Telegram).
    staff_bot_username: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("client_token", "staff_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _both_tokens_or_none(self) -> Settings:
        if (self.client_token is None) != (self.staff_token is None):
            raise ValueError("set both KIMBOT_CLIENT_TOKEN and KIMBOT_STAFF_TOKEN, or neither "
                             "(neither starts the local sandbox)")
        return self

    @property
    def sandbox(self) -> bool:
        """Without tokens the system runs against its own local Bot API server."""
        return self.client_token is None
