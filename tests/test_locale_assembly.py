"""Messages assembled per locale: lists joined as each language joins them, one numbering system
(Latin digits, in every language: people compare them with the letters, phone numbers and
appointment times of German offices), no answer that repeats its label, and everything a
person wrote isolated inside German staff texts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from bot.flows.appointment_notices import person_de
from bot.flows.client.intake.render import SECTIONS
from bot.i18n import FSI, LANGUAGES, LOCALES_DIR, PDI, translator
from bot.intake.codes import CHOICES
from storage.models import Client

CODES = [language.code for language in LANGUAGES]
# Digits other than 0-9: Arabic-Indic, Extended Arabic-Indic (Persian), Ethiopic numerals.
NATIVE_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9\u1369-\u137c]")


def test_an_arabic_list_is_joined_the_arabic_way_not_with_a_latin_comma():
    arabic = translator("ar").join(["السكن", "العمل", "المدرسة"])
    assert arabic == "السكن والعمل والمدرسة"
    assert "," not in arabic
    assert translator("de").join(["Wohnen", "Arbeit", "Schule"]) == "Wohnen, Arbeit und Schule"
    assert translator("fa").join(["a", "b"]) == "a و b"


@pytest.mark.parametrize("code", CODES)
def test_every_catalog_writes_numbers_with_latin_digits(code):
    catalog = read_po((LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb"))
    native = [message.id for message in catalog if message.id and any(
        NATIVE_DIGITS.search(text) for text in (
            message.string if isinstance(message.string, tuple) else (message.string,)))]
    assert native == []


@pytest.mark.parametrize("code", CODES)
def test_dates_and_times_use_the_same_digits_as_the_texts(code):
    tr = translator(code)
    moment = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)
    assert not NATIVE_DIGITS.search(tr.date(moment) + tr.time(moment))
    assert "27" in tr.date(moment) and "14:05" in tr.time(moment)


@pytest.mark.parametrize("code", CODES)
def test_no_intake_answer_repeats_its_label(code):
    """«العمر: العمر من 27 إلى 39» said "Age" twice."""
    tr = translator(code)
    for key, label in SECTIONS:
        name = tr._(label).casefold()
        for choice in CHOICES.get(key, {}).values():
            assert not tr._(choice.label).casefold().startswith(name + " "), (key, choice.code)


def test_a_phone_number_after_an_arabic_name_keeps_its_order_in_the_german_line():
    person = Client(id=5, alias="أمل", phone="0176 12345678", telegram_id=None)
    line = person_de(person)
    assert line == f"{FSI}أمل{PDI} (per Telefon gebucht, Tel. {FSI}0176 12345678{PDI})"
