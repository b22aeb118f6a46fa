"""Language choice, plurals, dates and right-to-left readability."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import FSI, PDI, negotiate, translator

MARCH_SWITCH = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 in Berlin, just after DST


@pytest.mark.parametrize(("tag", "code"), [
    ("ar", "ar"), ("ar-SY", "ar"), ("fa_IR", "fa"), ("prs", "fa"), ("ps", "ps"), ("kmr", "ku"),
    ("ku", "ku"), ("ti-ER", "ti"), ("so", "so"), ("UK", "uk"), ("pt-br", "en"), ("", "en"),
    (None, "en"), ("zz-Latn-XX", "en"),
])
def test_app_languages_map_to_ours(tag, code):
    assert negotiate(tag) == code


@pytest.mark.parametrize("code", ["ar", "fa", "ps"])
def test_commands_and_values_stay_readable_in_right_to_left_text(code):
    tr = translator(code)
    text = tr._("You can see your data with /mydata. You can delete everything at any time "
                "with /delete.")
    assert f"{FSI}/mydata{PDI}" in text and f"{FSI}/delete{PDI}" in text
    number = tr._("Telegram ID: {number}", number="+49 2202 13-0")
    assert f"{FSI}+49 2202 13-0{PDI}" in number


def test_left_to_right_text_gets_no_marks():
    text = translator("de")._("Telegram ID: {number}", number=123)
    assert FSI not in text and PDI not in text and "123" in text


def test_times_are_24_hour_and_in_local_time_across_dst():
    assert translator("en").time(MARCH_SWITCH) == "03:30"
    assert translator("de").date(MARCH_SWITCH) == "29. März 2026"
    winter = datetime(2026, 1, 5, 13, 5, tzinfo=UTC)
    for code in ("ar", "fa", "ps", "ti", "uk"):
        assert translator(code).time(winter) == "14:05", code


@pytest.mark.parametrize(("code", "n", "different_from_1"), [
    ("ar", 2, True), ("ar", 11, True), ("uk", 5, True), ("ru", 21, False), ("tr", 2, False),
])
def test_plural_forms_follow_the_language(code, n, different_from_1):
    tr = translator(code)
    singular = "Your message is too long. Please write at most {n} character."
    plural = "Your message is too long. Please write at most {n} characters."
    one = tr.ngettext(singular, plural, 1).replace("1", "#")
    other = tr.ngettext(singular, plural, n).replace(str(n), "#")
    assert (one != other) == different_from_1
