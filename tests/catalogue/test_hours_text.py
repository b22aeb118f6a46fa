"""Opening hours as lines people read: weekday names in their language, grouped days, times kept
readable in right-to-left text."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import get_day_names

from bot.catalogue.hours_text import _PHRASES, describe
from bot.catalogue.schedule import parse
from bot.i18n import FSI, LANGUAGES, PDI

# Wermelskirchen's open consultation, Rösrath's café, a monthly extra and holidays.
SAMPLE = parse('Mo-Fr 08:30-12:00; Tu 16:00-18:00 "Begegnungscafé"; Mo[1] 10:00-12:00; PH off')


def isolated(text: str) -> str:
    return f"{FSI}{text}{PDI}"


def test_german():
    assert describe(SAMPLE, "de") == [
        "Mo. und Mi.–Fr.: 08:30–12:00",  # Tuesday's hours were replaced by the café's
        "Di.: 16:00–18:00 (Begegnungscafé)",
        "1. Mo. im Monat: 10:00–12:00",
        "An Feiertagen geschlossen",
    ]


def test_arabic_isolates_times_and_the_comment():
    monday, tuesday, wednesday, friday = (get_day_names("abbreviated", locale="ar")[d]
                                          for d in (0, 1, 2, 4))
    assert describe(SAMPLE, "ar") == [
        f"{monday} و{wednesday}–{friday}: {isolated('08:30–12:00')}",
        f"{tuesday}: {isolated('16:00–18:00')} ({isolated('Begegnungscafé')})",
        f"{monday} الأول من الشهر: {isolated('10:00–12:00')}",
        "مغلق في العطل الرسمية",
    ]
    assert monday == "الاثنين"


def test_tigrinya():
    lines = describe(SAMPLE, "ti")
    names = get_day_names("abbreviated", locale="ti")
    assert names[1] == "ሰሉ"
    assert len(lines) == 4
    assert names[0] in lines[0] and names[2] in lines[0] and names[4] in lines[0]
    assert lines[0].endswith(": 08:30–12:00")
    assert lines[1] == f"{names[1]}: 16:00–18:00 (Begegnungscafé)"
    assert lines[2] == f"ቀዳማይ {names[0]} ናይ ወርሒ: 10:00–12:00"
    assert FSI not in "".join(lines)  # Tigrinya is written left to right
    assert "Mo" not in "".join(lines)


def test_identical_days_share_a_line():
    schedule = parse("Mo,We,Fr 09:00-16:00; Tu,Th 09:00-12:00")
    assert describe(schedule, "de") == [
        "Mo., Mi. und Fr.: 09:00–16:00",
        "Di. und Do.: 09:00–12:00",
    ]


def test_a_run_of_days_is_a_range():
    assert describe(parse("Mo-Fr 09:00-16:00; Sa 09:00-16:00"), "de") == ["Mo.–Sa.: 09:00–16:00"]
    schedule = parse("Mo-Fr 09:00-16:00; We off")
    assert describe(schedule, "en") == ["Mon, Tue, Thu, and Fri: 09:00–16:00"]


def test_days_with_the_same_times_but_another_comment_stay_apart():
    schedule = parse('Mo 09:00-12:00 "Rathaus"; Tu 09:00-12:00 "Begegnungscafé"')
    assert describe(schedule, "de") == [
        "Mo.: 09:00–12:00 (Rathaus)",
        "Di.: 09:00–12:00 (Begegnungscafé)",
    ]


def test_several_time_ranges():
    schedule = parse("Mo-Fr 08:00-12:00,14:00-16:00")
    assert describe(schedule, "de") == ["Mo.–Fr.: 08:00–12:00, 14:00–16:00"]
    names = get_day_names("abbreviated", locale="fa")
    assert describe(schedule, "fa") == [
        f"{names[0]}–{names[4]}: {isolated('08:00–12:00')}، {isolated('14:00–16:00')}"]


def test_monthly_rules_with_ordinals():
    schedule = parse("Mo[1,3] 10:00-12:00; We[-1] 14:00-16:00")
    assert describe(schedule, "de") == [
        "1. Mo. im Monat und 3. Mo. im Monat: 10:00–12:00",
        "letzter Mi. im Monat: 14:00–16:00",
    ]
    assert describe(schedule, "en")[1] == "last Wed of the month: 14:00–16:00"


def test_ordinals_agree_with_the_weekday_in_russian():
    schedule = parse("Mo[1] 10:00-12:00; We[-1] 10:00-12:00; Su[2] 10:00-12:00")
    assert describe(schedule, "ru") == [
        "первый пн месяца, последняя ср месяца и второе вс месяца: 10:00–12:00"]


def test_a_monthly_closed_day():
    schedule = parse("Mo-Fr 08:00-12:00; Mo[1] off")
    assert describe(schedule, "de") == ["Mo.–Fr.: 08:00–12:00", "1. Mo. im Monat: geschlossen"]


def test_a_monthly_rule_without_effect_is_not_listed():
    # Repeats the weekly hours; replaced by a later weekly rule; closes a day that is closed.
    for text in ("Mo 08:00-12:00; Mo[1] 08:00-12:00", "Mo[1] 10:00-12:00; Mo 08:00-12:00",
                 "Mo[1] off; Tu 08:00-12:00"):
        assert not any("Monat" in line for line in describe(parse(text), "de")), text


def test_closed_dates_and_past_ones_left_out():
    schedule = parse("Mo-Fr 08:00-12:00; 2025 Dec 24 off; 2026 Dec 24-31 off; Dec 24 off")
    assert describe(schedule, "de")[1:] == [
        "Geschlossen: 24. Dez. 2025",
        "Geschlossen: 24.–31. Dez. 2026",
        "Geschlossen: 24. Dez.",
    ]
    assert describe(schedule, "de", today=date(2026, 1, 10))[1:] == [
        "Geschlossen: 24.–31. Dez. 2026",
        "Geschlossen: 24. Dez.",
    ]
    assert describe(schedule, "ar", today=date(2026, 1, 10))[1].startswith(f"مغلق: {FSI}")


def test_never_open_says_nothing_about_weekdays():
    assert describe(parse("off; PH off"), "en") == ["Closed on public holidays"]


def test_a_language_without_phrases_falls_back_to_english_phrases():
    assert describe(SAMPLE, "pt")[2] == "1st seg. of the month: 10:00–12:00"


@pytest.mark.parametrize("language", [lang.code for lang in LANGUAGES])
def test_every_bot_language_has_its_phrases(language):
    phrases = _PHRASES[language]
    assert "{ordinal}" in phrases.nth and "{day}" in phrases.nth
    genders = set(phrases.genders) or {""}
    assert set(phrases.ordinals) == genders
    assert all(set(ordinals) == {1, 2, 3, 4, -1} for ordinals in phrases.ordinals.values())
    assert len(phrases.genders) in (0, 7)
    lines = describe(SAMPLE, language)
    assert len(lines) == 4
    assert lines[3] == phrases.public_holidays
    names = get_day_names("abbreviated", locale=language)
    assert names[1] in lines[1]
    if language != "en":
        english = ("Tue", "1st", "of the month", "holidays")
        assert not any(word in "".join(lines) for word in english)
    rtl = next(lang.rtl for lang in LANGUAGES if lang.code == language)
    assert (isolated("08:30–12:00") in lines[0]) is rtl
    assert "08:30–12:00" in lines[0]
