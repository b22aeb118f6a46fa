"""The offer catalogue as data: regions (Kreise), their towns, and offices.

These models validate everything a Kreis imports; the database keeps the validated documents and
the finder works on them in memory. Field names are the column names of the CSV format and the
keys of the YAML format (docs/catalogue-format.md).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.catalogue.topics import OFFICE_TYPE_BY_CODE, TOPIC_BY_CODE

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
Slug = Annotated[str, Field(pattern=SLUG)]
# Town ids travel in button data (Telegram allows 64 bytes), so they are kept shorter.
TownSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
ALL_TOWNS = "*"  # an office that serves every town of its region
_PHONE = re.compile(r"^\+?[0-9 ()/-]{5,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Town(Strict):
    id: TownSlug
    name: str = Field(min_length=1, max_length=100)


class Region(Strict):
    id: Slug
    name: str = Field(min_length=1, max_length=150)


class Office(Strict):
    id: Slug
    region: Slug
    type: str
    name: str = Field(min_length=1, max_length=150)
    carrier: str | None = Field(default=None, max_length=150)
    towns: tuple[str, ...] = Field(min_length=1)
    topics: tuple[str, ...] = Field(min_length=1)
    street: str | None = Field(default=None, max_length=150)
    postcode: str | None = Field(default=None, pattern=r"^[0-9]{5}$")
    city: str | None = Field(default=None, max_length=100)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    phone: str | None = None
    email: str | None = None
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    # Schedules in the opening_hours syntax of bot/catalogue/schedule.py.
    opening_hours: str | None = None
    consultation_hours: str | None = None
    appointment_needed: bool = False
    languages: tuple[str, ...] = ("de",)
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    # Short description per language code; German is required, others are optional.
    description: dict[str, str] = Field(default_factory=dict)
    # True for invented entries in sample data: never shown as a real office.
    example: bool = False
    source: str | None = Field(default=None, max_length=300)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in OFFICE_TYPE_BY_CODE:
            raise ValueError(f"unknown office type {value!r}")
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [code for code in value if code not in TOPIC_BY_CODE]
        if unknown:
            raise ValueError(f"unknown topic {unknown[0]!r}")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError(f"not a phone number: {value!r}")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [code for code in value if not _LANGUAGE.match(code)]
        if bad:
            raise ValueError(f"not a language code: {bad[0]!r} (use ISO codes like 'ar')")
        return value

    @field_validator("opening_hours", "consultation_hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is not None:
            from bot.catalogue.schedule import parse

            parse(value)  # raises HoursSyntaxError (a ValueError) with the exact problem
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Office:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"age_min {self.age_min} is above age_max {self.age_max}")
        if "de" not in self.description:
            raise ValueError("description needs at least a German text (key 'de')")
        return self

    def serves(self, town: str) -> bool:
        return ALL_TOWNS in self.towns or town in self.towns

    def fits_age(self, age: int | None) -> bool:
        if age is None:
            return True
        return ((self.age_min is None or age >= self.age_min)
                and (self.age_max is None or age <= self.age_max))

    @property
    def age_limited(self) -> bool:
        return self.age_min is not None or self.age_max is not None
