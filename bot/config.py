"""Settings from environment variables (prefix KIMBOT_) and an optional .env file."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.reminders import QuietHours, ReminderPolicy
from storage.retention import RetentionPolicy

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
    # The client bot's @username without the @, for the links and QR codes that commands print
    # (`kimbot flyer`); the running bot learns its own name from Telegram.
    client_bot_username: str | None = None
    # Folder with the Noto fonts `kimbot flyer` needs; empty: where Debian's fonts-noto-core
    # puts them (/usr/share/fonts/truetype/noto).
    font_dir: str | None = None
    # Days a personal invitation link from a referral can be opened (once).
    referral_link_days: int = 30

    @field_validator("referral_link_days")
    @classmethod
    def _link_days(cls, value: int) -> int:
        if not 1 <= value <= 90:
            raise ValueError("invitation links must be valid for 1 to 90 days")
        return value
    # Local hours without reminders ("21:00-07:00"; empty for none): a reminder due then comes
    # at their end, or the evening before if that would be too close to the appointment.
    quiet_hours: str = "21:00-07:00"
    # Telegram's limits for messages the bots send on their own (reminders, digests, notices):
    # about 30 a second per bot and one a second per chat.
    send_rate: float = 30.0
    send_rate_per_chat: float = 1.0
    # Seconds a sender holds the outbox messages it took; after a crash, others take them over
    # once this has passed.
    outbox_claim_seconds: int = 120
    # Days without any activity after which a person's data is deleted by the nightly job,
    # unless they have an appointment coming up or within those days (docs/privacy.md).
    retention_days: int = 180
    # Days the access log (who saw which client's data) is kept.
    access_log_days: int = 730
    # Who is responsible for the data (GDPR Art. 13), named in the full privacy notice: the
    # Kreis (or city) that runs this service, with its address. The default is the sample
    # Kreis of the demo; every deployment sets its own.
    controller: str = ("Rheinisch-Bergischer Kreis, Der Landrat, Am Rübezahlwald 7, "
                       "51469 Bergisch Gladbach")
    # Days the texts of a conversation with KIM are kept after staff marked it done.
    message_retention_days: int = 90

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        QuietHours.parse(value)  # raises a readable ValueError
        return value

    @field_validator("send_rate", "send_rate_per_chat")
    @classmethod
    def _positive_rate(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("a rate must be more than 0 messages per second")
        return value

    @field_validator("retention_days", "access_log_days", "message_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value < 30:
            raise ValueError("retention periods must be at least 30 days")
        return value

    @property
    def retention_policy(self) -> RetentionPolicy:
        return RetentionPolicy(timedelta(days=self.retention_days),
                               timedelta(days=self.access_log_days),
                               timedelta(days=self.message_retention_days))

    @property
    def reminder_policy(self) -> ReminderPolicy:
        return ReminderPolicy(QuietHours.parse(self.quiet_hours), self.timezone)

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
