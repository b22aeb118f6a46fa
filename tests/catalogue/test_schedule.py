"""Opening hours: the syntax subset, its errors, override semantics, holidays, nth weekdays and
the clock changes of 2026 (29 March, 25 October)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.catalogue.schedule import (
    DateClosure,
    HolidayClosure,
    HoursSyntaxError,
    Interval,
    Schedule,
    TimeRange,
    WeekdayRule,
    is_public_holiday,
    parse,
)

BERLIN = ZoneInfo("Europe/Berlin")

# Real hours from the Rheinisch-Bergischer Kreis.
WERMELSKIRCHEN = "Mo-Fr 08:30-12:00"  # open consultation
ROESRATH = 'Tu 16:00-18:00 "Begegnungscafé"'  # volunteer-run café
OVERATH = "Mo-Fr 08:00-12:00"
BURSCHEID = "Mo-Fr 09:00-16:00"  # appointments


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    """A wall-clock moment in Berlin."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


def hours(schedule: Schedule, day: date) -> list[str]:
    """A day's intervals as local "HH:MM-HH:MM" text."""
    return [f"{i.start:%H:%M}-{i.end:%H:%M}" for i in schedule.intervals_on(day)]


# Parsing: every syntax element


def test_weekday_range_with_a_time_range():
    schedule = parse(WERMELSKIRCHEN)
    assert schedule.rules == (
        WeekdayRule(frozenset((d, 0) for d in range(5)), (TimeRange(8 * 60 + 30, 12 * 60),)),
    )


def test_a_comment_is_kept_with_its_rule():
    (rule,) = parse(ROESRATH).rules
    assert rule == WeekdayRule(frozenset({(1, 0)}), (TimeRange(960, 1080),), "Begegnungscafé")


@pytest.mark.parametrize(("text", "normalized"), [
    ("Mo-Fr 08:30-12:00", "Mo-Fr 08:30-12:00"),
    ("Mo,We,Fr 09:00-12:00", "Mo,We,Fr 09:00-12:00"),
    ("Mo-We,Fr 09:00-12:00", "Mo-We,Fr 09:00-12:00"),
    ("Mo,Tu,We 09:00-12:00", "Mo-We 09:00-12:00"),
    ("Fr-Mo 10:00-12:00", "Mo,Fr-Su 10:00-12:00"),  # a range may wrap around the week
    ("Mo-Fr 08:00-12:00,14:00-16:00", "Mo-Fr 08:00-12:00,14:00-16:00"),
    ("Mo-Fr 14:00-16:00,08:00-12:00", "Mo-Fr 08:00-12:00,14:00-16:00"),
    ("Mo-Fr 08:00-12:00 , 14:00-16:00", "Mo-Fr 08:00-12:00,14:00-16:00"),
    ("Mo[1] 10:00-12:00", "Mo[1] 10:00-12:00"),
    ("Tu[2] 10:00-12:00", "Tu[2] 10:00-12:00"),
    ("We[-1] 10:00-12:00", "We[-1] 10:00-12:00"),
    ("Mo[3,1] 10:00-12:00", "Mo[1,3] 10:00-12:00"),
    ("Mo[-1,1],We 10:00-12:00", "Mo[1,-1],We 10:00-12:00"),
    ("Mo[1],Mo 10:00-12:00", "Mo 10:00-12:00"),  # every Monday includes the first
    ("Sa off", "Sa off"),
    ("Sa closed", "Sa off"),
    ("PH off", "PH off"),
    ("Su,PH off", "Su off; PH off"),
    ("2026 Dec 24 off", "2026 Dec 24 off"),
    ("2026 Dec 24-31 off", "2026 Dec 24-31 off"),
    ("2026 Dec 24-2026 Dec 31 off", "2026 Dec 24-31 off"),
    ("2026 Dec 24-2027 Jan 01 off", "2026 Dec 24-2027 Jan 01 off"),
    ("2026 Jul 20-Aug 7 off", "2026 Jul 20-Aug 07 off"),
    ("Dec 24 off", "Dec 24 off"),  # every year
    ("Dec 24-Jan 1 off", "Dec 24-Jan 01 off"),
    ("08:00-12:00", "Mo-Su 08:00-12:00"),  # no weekdays: every day
    ("Mo-Fr 8:00-12:00", "Mo-Fr 08:00-12:00"),
    ("Mo-Fr 18:00-24:00", "Mo-Fr 18:00-24:00"),
    ("mo-fr 08:00-12:00; ph OFF", "Mo-Fr 08:00-12:00; PH off"),
    ("Mo–Fr 08:00–12:00", "Mo-Fr 08:00-12:00"),  # en dashes from a word processor
    ("Mo-Fr 08:00-12:00;", "Mo-Fr 08:00-12:00"),
    ('Sa off "Betriebsausflug"', 'Sa off "Betriebsausflug"'),
    ('2026 Dec 24 off "Heiligabend"', '2026 Dec 24 off "Heiligabend"'),
    ('Tu 16:00-18:00 "Café; Rathaus"', 'Tu 16:00-18:00 "Café; Rathaus"'),  # ';' inside quotes
    ('Mo-Fr 08:30-12:00; Tu 16:00-18:00 "Begegnungscafé"; Mo[1] 10:00-12:00; PH off',
     'Mo-Fr 08:30-12:00; Tu 16:00-18:00 "Begegnungscafé"; Mo[1] 10:00-12:00; PH off'),
])
def test_normalized_text_and_round_trip(text, normalized):
    schedule = parse(text)
    assert schedule.to_text() == normalized
    assert str(schedule) == normalized
    assert parse(schedule.to_text()) == schedule


def test_closures_parse_into_their_own_rules():
    assert parse("Su,PH off").rules == (WeekdayRule(frozenset({(6, 0)}), ()), HolidayClosure())
    assert parse("2026 Dec 24-31 off").rules == (
        DateClosure(date(2026, 12, 24), date(2026, 12, 31)),)
    (yearly,) = parse('Dec 24 off "Heiligabend"').rules
    assert yearly.every_year and yearly.comment == "Heiligabend"


def test_the_zone_is_kept_but_not_written():
    schedule = parse(OVERATH, timezone="Europe/Vienna")
    assert schedule.zone == ZoneInfo("Europe/Vienna")
    assert parse(schedule.to_text()) != schedule
    assert parse(schedule.to_text(), timezone="Europe/Vienna") == schedule


# Parsing: every error, with its message and position


@pytest.mark.parametrize(("text", "message"), [
    ("Mx 08:00-12:00", "unknown weekday 'Mx' at position 0 (weekdays are Mo Tu We Th Fr Sa Su)"),
    ("Mo-Fx 08:00-12:00", "unknown weekday 'Fx' at position 3 (weekdays are Mo Tu We Th Fr Sa Su)"),
    ("Di 08:00-12:00", "unknown weekday 'Di' at position 0 "
     "(did you mean 'Tu'? weekdays are Mo Tu We Th Fr Sa Su)"),
    ("Mo,Dec 24 off", "unknown weekday 'Dec' at position 3 (a closed date is a rule of its own, "
     "e.g. '2026 Dec 24 off'; weekdays are Mo Tu We Th Fr Sa Su)"),
    ("SH off", "unknown weekday 'SH' at position 0 "
     "(school holidays (SH) are not supported; weekdays are Mo Tu We Th Fr Sa Su)"),
    ("Mo, 08:00-12:00", "expected a weekday, found '08:00-12:00' at position 4 "
     "(Mo Tu We Th Fr Sa Su)"),
    ("Mo-Fr 12:00-08:00", "time range 12:00-08:00 ends before it starts at position 6 "
     "(ranges past midnight are not supported)"),
    ("Fr 22:00-02:00", "time range 22:00-02:00 ends before it starts at position 3 "
     "(ranges past midnight are not supported)"),
    ("Mo 08:00-08:00", "time range 08:00-08:00 is empty at position 3"),
    ("Mo 08:61-09:00", "minute 61 out of range at position 3 (00-59)"),
    ("Mo 25:00-26:00", "hour 25 out of range at position 3 (00-23, or 24:00 to close)"),
    ("Mo 08:00-24:30", "time 24:30 out of range at position 9 (24:00 is the latest closing time)"),
    ("Mo 24:00-24:00", "24:00 can only end a time range at position 3"),
    ("Mo 0800-1200", "expected a time HH:MM, found '0800-1200' at position 3"),
    ("Mo 08.00-12.00", "expected a time HH:MM, found '08.00-12.00' at position 3"),
    ("Mo 08:00", "expected '-' and a closing time after 08:00, found the end of the rule "
     "at position 8"),
    ("Mo 08:00-12:00,11:00-13:00", "time ranges 08:00-12:00 and 11:00-13:00 overlap "
     "at position 15"),
    ("Mo-Fr 08:00-12:00, Sa 10:00-12:00", "expected a time after ',', found 'Sa' at position 19 "
     "(separate rules with ';', and note that a later rule replaces the hours of the days it "
     "names)"),
    ("Mo 08:00-12:00 Tu 10:00-11:00", "unexpected 'Tu' at position 15 (separate rules with ';')"),
    ("Mo 08:00-12:00 || closed", "unexpected '||' at position 15"),
    ("Mo-Fr", "expected opening times or 'off' after 'Mo-Fr', found the end of the rule "
     "at position 5 (e.g. 'Mo-Fr 08:00-12:00')"),
    ("Mo[5] 10:00-11:00", "week of the month '5' is not supported at position 3 "
     "(use 1, 2, 3, 4, or -1 for the last)"),
    ("Mo[0] 10:00-11:00", "week of the month '0' is not supported at position 3 "
     "(use 1, 2, 3, 4, or -1 for the last)"),
    ("Mo[1 10:00-11:00", "missing ']' after the week of the month at position 4"),
    ("Mo-Fr[1] 10:00-11:00", "[n] can only follow a single weekday, not a range at position 5"),
    ("PH 10:00-12:00", "only 'PH off' is supported at position 3 "
     "(opening on public holidays is not)"),
    ("Su,PH 10:00-12:00", "only 'PH off' is supported at position 6 "
     "(opening on public holidays is not)"),
    ("2026 Feb 30 off", "'2026 Feb 30' is not a date at position 0"),
    ("2026 Dez 24 off", "unknown month 'Dez' at position 5 (did you mean 'Dec'? "
     "months are Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)"),
    ("Mai 1 off", "unknown month 'Mai' at position 0 (did you mean 'May'?)"),
    ("2026 24 off", "expected a month like 'Dec', found '24' at position 5"),
    ("2026 Dec off", "expected a day of the month, found 'off' at position 9"),
    ("2026 Dec 31-24 off", "date range '2026 Dec 31-24' ends before it starts at position 0"),
    ("Dec 24-2027 Jan 1 off", "give the year of the first date too at position 0"),
    ("Dec 24 10:00-12:00", "expected 'off' after a date, found '10:00-12:00' at position 7 "
     "(only closed dates are supported, e.g. '2026 Dec 24 off')"),
    ('Tu 16:00-18:00 "Begegnungscafé', "comment has no closing '\"' at position 15"),
    ('Mo 08:00-12:00 "a" b', "unexpected 'b' at position 19"),
    ('"Begegnungscafé"', "unexpected '\"Begegnungscafé\"' at position 0 "
     "(a rule starts with weekdays, a date or 'PH')"),
    ("", "no opening hours given at position 0 (e.g. 'Mo-Fr 08:00-12:00')"),
    (" ; ", "no opening hours given at position 0 (e.g. 'Mo-Fr 08:00-12:00')"),
    ("Mo 08:00-12:00; Tu 8:61-9:00", "minute 61 out of range at position 19 (00-59)"),
])
def test_errors_name_the_problem_and_its_position(text, message):
    with pytest.raises(HoursSyntaxError) as raised:
        parse(text)
    assert str(raised.value) == message


def test_the_error_is_a_value_error_with_its_position():
    with pytest.raises(ValueError, match="minute 61") as raised:
        parse("Mo-Fr 08:00-12:00; Sa 10:61-12:00")
    assert isinstance(raised.value, HoursSyntaxError)
    assert raised.value.position == 22
    assert raised.value.problem == "minute 61 out of range"


def test_other_digits_than_ascii_are_not_times():
    with pytest.raises(HoursSyntaxError, match="expected opening times or 'off' after 'Mo'"):
        parse("Mo ٠٨:٠٠-١٢:٠٠")


# Meaning: override semantics


def test_a_later_rule_replaces_the_hours_of_the_days_it_names():
    schedule = parse(f"{WERMELSKIRCHEN}; {ROESRATH}")
    tuesday, wednesday = date(2026, 6, 9), date(2026, 6, 10)
    assert hours(schedule, tuesday) == ["16:00-18:00"]
    assert hours(schedule, wednesday) == ["08:30-12:00"]
    assert schedule.intervals_on(tuesday)[0].comment == "Begegnungscafé"
    assert schedule.intervals_on(wednesday)[0].comment is None


def test_an_earlier_rule_is_replaced_not_merged():
    schedule = parse("Tu 16:00-18:00; Mo-Fr 08:30-12:00")
    assert hours(schedule, date(2026, 6, 9)) == ["08:30-12:00"]


def test_off_replaces_a_day():
    schedule = parse("Mo-Fr 08:00-12:00; We off")
    assert hours(schedule, date(2026, 6, 10)) == []
    assert hours(schedule, date(2026, 6, 11)) == ["08:00-12:00"]


def test_a_monthly_rule_replaces_the_weekly_hours_on_its_day_only():
    schedule = parse("Mo-Fr 08:30-12:00; Mo[1] 10:00-12:00")
    assert hours(schedule, date(2026, 7, 6)) == ["10:00-12:00"]  # first Monday of July
    assert hours(schedule, date(2026, 7, 13)) == ["08:30-12:00"]


def test_a_later_weekly_rule_replaces_a_monthly_one():
    schedule = parse("Mo[1] 10:00-12:00; Mo 08:00-09:00")
    assert hours(schedule, date(2026, 7, 6)) == ["08:00-09:00"]


@pytest.mark.parametrize("text", [
    "PH off; Mo-Su 10:00-12:00",
    "Mo-Su 10:00-12:00; PH off",
])
def test_a_holiday_closure_wins_wherever_it_stands(text):
    assert parse(text).intervals_on(date(2026, 6, 4)) == []  # Fronleichnam


@pytest.mark.parametrize("text", [
    "2026 Dec 24 off; Mo-Su 10:00-12:00",
    "Mo-Su 10:00-12:00; 2026 Dec 24 off",
])
def test_a_closed_date_wins_wherever_it_stands(text):
    schedule = parse(text)
    assert hours(schedule, date(2026, 12, 24)) == []
    assert hours(schedule, date(2026, 12, 23)) == ["10:00-12:00"]
    assert hours(schedule, date(2027, 12, 24)) == ["10:00-12:00"]  # that year only


def test_a_yearly_closed_date_and_one_across_the_new_year():
    schedule = parse("Mo-Su 10:00-12:00; Dec 24 off; Dec 31-Jan 1 off")
    closed = {date(2026, 12, 24), date(2027, 12, 24), date(2026, 12, 31), date(2027, 1, 1)}
    for day in closed:
        assert schedule.intervals_on(day) == [], day
    for day in (date(2026, 12, 23), date(2026, 12, 30), date(2027, 1, 4)):
        assert schedule.intervals_on(day) != [], day


def test_a_closed_date_range():
    schedule = parse(f"{BURSCHEID}; 2026 Dec 21-2027 Jan 3 off")
    assert hours(schedule, date(2026, 12, 18)) == ["09:00-16:00"]
    assert all(schedule.intervals_on(date(2026, 12, 21) + timedelta(days=n)) == []
               for n in range(14))
    assert hours(schedule, date(2027, 1, 4)) == ["09:00-16:00"]


# Meaning: open or closed at a moment


@pytest.mark.parametrize(("moment", "is_open"), [
    (at(2026, 6, 8, 8, 29), False),  # a Monday
    (at(2026, 6, 8, 8, 30), True),  # opening is inclusive
    (at(2026, 6, 8, 11, 59), True),
    (at(2026, 6, 8, 12, 0), False),  # closing is exclusive
    (at(2026, 6, 13, 10, 0), False),  # Saturday
])
def test_open_at_a_moment(moment, is_open):
    assert parse(WERMELSKIRCHEN).is_open(moment) is is_open


def test_current_interval():
    schedule = parse(f"{OVERATH}; {ROESRATH}")
    interval = schedule.current_interval(at(2026, 6, 9, 17, 0))
    assert interval == Interval(at(2026, 6, 9, 16), at(2026, 6, 9, 18), "Begegnungscafé")
    assert schedule.current_interval(at(2026, 6, 9, 10, 0)) is None  # replaced by the café


def test_24_00_ends_at_the_next_midnight():
    schedule = parse("Fr 18:00-24:00")
    (interval,) = schedule.intervals_on(date(2026, 6, 12))
    assert interval.end == at(2026, 6, 13)
    assert schedule.is_open(at(2026, 6, 12, 23, 59))
    assert not schedule.is_open(at(2026, 6, 13, 0, 0))


def test_a_moment_in_utc_is_read_in_berlin_time():
    schedule = parse(WERMELSKIRCHEN)
    # Summer: 06:45 UTC is 08:45 in Berlin.
    assert schedule.is_open(datetime(2026, 6, 8, 6, 45, tzinfo=UTC))
    assert not schedule.is_open(datetime(2026, 6, 8, 10, 15, tzinfo=UTC))  # 12:15
    # Winter: 07:45 UTC is 08:45; 07:15 UTC is 08:15, before opening.
    assert schedule.is_open(datetime(2026, 1, 12, 7, 45, tzinfo=UTC))
    assert not schedule.is_open(datetime(2026, 1, 12, 7, 15, tzinfo=UTC))
    # Sunday 23:30 UTC is Monday 01:30 in Berlin: the next opening is that Monday's.
    interval = schedule.next_opening(datetime(2026, 6, 7, 23, 30, tzinfo=UTC))
    assert interval is not None and interval.start == at(2026, 6, 8, 8, 30)
    assert interval.start.tzinfo is BERLIN


def test_a_moment_without_zone_is_refused():
    with pytest.raises(ValueError, match="no time zone"):
        parse(WERMELSKIRCHEN).is_open(datetime(2026, 6, 8, 9, 0))


# Meaning: the next opening


def test_next_opening_across_a_weekend():
    interval = parse(WERMELSKIRCHEN).next_opening(at(2026, 6, 12, 12, 0))  # Friday noon
    assert interval == Interval(at(2026, 6, 15, 8, 30), at(2026, 6, 15, 12, 0))


def test_next_opening_is_after_the_moment_not_the_current_interval():
    schedule = parse(OVERATH)
    moment = at(2026, 6, 8, 9, 0)
    assert schedule.current_interval(moment).start == at(2026, 6, 8, 8, 0)
    assert schedule.next_opening(moment).start == at(2026, 6, 9, 8, 0)
    assert schedule.next_opening(at(2026, 6, 8, 8, 0)).start == at(2026, 6, 9, 8, 0)
    assert schedule.next_opening(at(2026, 6, 8, 7, 59)).start == at(2026, 6, 8, 8, 0)


def test_next_opening_later_the_same_day():
    schedule = parse("Mo-Fr 08:00-12:00,14:00-16:00")
    assert schedule.next_opening(at(2026, 6, 8, 12, 30)).start == at(2026, 6, 8, 14, 0)


def test_next_opening_skips_fronleichnam():
    schedule = parse(f"{WERMELSKIRCHEN}; PH off")
    assert is_public_holiday(date(2026, 6, 4))
    interval = schedule.next_opening(at(2026, 6, 3, 12, 0))  # Wednesday noon
    assert interval.start == at(2026, 6, 5, 8, 30)  # Friday: Thursday is Fronleichnam
    assert parse(WERMELSKIRCHEN).next_opening(at(2026, 6, 3, 12, 0)).start == at(2026, 6, 4, 8, 30)


def test_allerheiligen_is_a_holiday_in_nrw_but_reformationstag_is_not():
    schedule = parse("Mo-Su 10:00-12:00; PH off")
    assert hours(schedule, date(2026, 10, 31)) == ["10:00-12:00"]  # Reformationstag, a Saturday
    assert hours(schedule, date(2026, 11, 1)) == []  # Allerheiligen, a Sunday
    assert schedule.next_opening(at(2026, 10, 31, 12, 0)).start == at(2026, 11, 2, 10, 0)


@pytest.mark.parametrize(("day", "holiday"), [
    (date(2026, 6, 4), True),  # Fronleichnam
    (date(2026, 11, 1), True),  # Allerheiligen
    (date(2026, 10, 31), False),  # Reformationstag is not a holiday in NRW ...
    (date(2017, 10, 31), True),  # ... except in its 500th year
    (date(2026, 10, 3), True),
    (date(2026, 1, 6), False),  # Heilige Drei Könige: Baden-Württemberg, Bayern, Sachsen-Anhalt
    (date(2026, 8, 15), False),  # Mariä Himmelfahrt: Saarland
    (date(2026, 11, 18), False),  # Buß- und Bettag: Sachsen
    (date(2026, 12, 24), False),  # Heiligabend is a working day
    (date(2026, 12, 25), True),
    (date(2026, 12, 26), True),
    (date(2027, 1, 1), True),
])
def test_nrw_public_holidays(day, holiday):
    assert is_public_holiday(day) is holiday


def test_next_opening_after_christmas():
    schedule = parse(f"{WERMELSKIRCHEN}; PH off; Dec 24 off")
    # Wednesday 23 Dec: Heiligabend closed, 25 and 26 holidays, then the weekend.
    assert schedule.next_opening(at(2026, 12, 23, 12, 0)).start == at(2026, 12, 28, 8, 30)


def test_next_opening_after_a_closed_week_and_new_year():
    schedule = parse(f"{WERMELSKIRCHEN}; PH off; 2026 Dec 24-31 off")
    # 1 January 2027 is a Friday and a holiday: the next opening is Monday 4 January.
    assert schedule.next_opening(at(2026, 12, 23, 12, 0)).start == at(2027, 1, 4, 8, 30)


def test_next_opening_within_the_horizon_only():
    schedule = parse("Mo-Su 10:00-12:00; 2026 Jun 01-Sep 30 off")
    assert schedule.next_opening(at(2026, 6, 1), horizon_days=62) is None
    assert schedule.next_opening(at(2026, 6, 1), horizon_days=130).start == at(2026, 10, 1, 10)


def test_never_open_has_no_next_opening():
    assert parse("off").next_opening(at(2026, 6, 1)) is None


# Meaning: the nth weekday of the month


def test_first_monday_when_the_first_is_a_monday():
    schedule = parse("Mo[1] 10:00-12:00")
    assert date(2026, 6, 1).weekday() == 0
    assert hours(schedule, date(2026, 6, 1)) == ["10:00-12:00"]
    assert hours(schedule, date(2026, 6, 8)) == []
    assert schedule.next_opening(at(2026, 6, 1, 13, 0)).start == at(2026, 7, 6, 10, 0)


def test_first_monday_when_the_first_is_a_tuesday():
    schedule = parse("Mo[1] 10:00-12:00")
    assert date(2026, 9, 1).weekday() == 1
    assert schedule.next_opening(at(2026, 8, 31, 13, 0)).start == at(2026, 9, 7, 10, 0)
    assert hours(schedule, date(2026, 8, 31)) == []  # the last Monday of August


def test_last_wednesday_on_the_last_day_and_on_the_25th():
    schedule = parse("We[-1] 10:00-12:00")
    assert hours(schedule, date(2026, 9, 30)) == ["10:00-12:00"]  # the 30th is a Wednesday
    assert hours(schedule, date(2026, 9, 23)) == []
    assert hours(schedule, date(2026, 3, 25)) == ["10:00-12:00"]  # March ends on a Tuesday
    assert hours(schedule, date(2026, 3, 18)) == []


@pytest.mark.parametrize(("text", "pick"), [
    ("Mo[1] 10:00-11:00", lambda mondays: [mondays[0]]),
    ("Mo[2] 10:00-11:00", lambda mondays: [mondays[1]]),
    ("Mo[1,3] 10:00-11:00", lambda mondays: [mondays[0], mondays[2]]),
    ("Mo[4] 10:00-11:00", lambda mondays: [mondays[3]]),
    ("Mo[-1] 10:00-11:00", lambda mondays: [mondays[-1]]),
])
def test_nth_monday_in_every_month_of_two_years(text, pick):
    schedule = parse(text)
    for year in (2026, 2027):
        for month in range(1, 13):
            days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
            mondays = [day for day in days if day.weekday() == 0]
            assert [day for day in days if schedule.intervals_on(day)] == pick(mondays)


# Meaning: the clock changes of 2026


def test_spring_forward_an_interval_over_the_change_is_an_hour_shorter():
    (interval,) = parse("Su 01:00-04:00").intervals_on(date(2026, 3, 29))
    assert interval.start == at(2026, 3, 29, 1) and interval.start.utcoffset() == timedelta(hours=1)
    assert interval.end == at(2026, 3, 29, 4) and interval.end.utcoffset() == timedelta(hours=2)
    assert interval.duration == timedelta(hours=2)


def test_fall_back_an_interval_over_the_change_is_an_hour_longer():
    (interval,) = parse("Su 01:00-04:00").intervals_on(date(2026, 10, 25))
    assert interval.duration == timedelta(hours=4)
    # Python compares and subtracts same-zone datetimes by wall time: 3 hours, which is wrong.
    assert interval.end - interval.start == timedelta(hours=3)
    # The hour between 02:00 and 03:00 happens twice, and both times the office is open.
    assert interval.contains(at(2026, 10, 25, 2, 30, fold=0))
    assert interval.contains(at(2026, 10, 25, 2, 30, fold=1))


def test_a_time_the_clocks_skip_moves_forward_by_the_gap():
    (interval,) = parse("Su 02:30-05:00").intervals_on(date(2026, 3, 29))
    assert (interval.start.hour, interval.start.minute) == (3, 30)
    assert interval.start.utcoffset() == timedelta(hours=2)
    assert interval.duration == timedelta(hours=1, minutes=30)


def test_a_time_that_happens_twice_means_its_first_occurrence():
    (interval,) = parse("Su 02:30-03:00").intervals_on(date(2026, 10, 25))
    assert interval.start.utcoffset() == timedelta(hours=2)  # 02:30 summer time
    assert interval.start.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert interval.duration == timedelta(hours=1, minutes=30)  # to 03:00 winter time
    # So 02:15 is inside it the second time round (winter time), not the first.
    assert interval.contains(at(2026, 10, 25, 2, 15, fold=1))
    assert not interval.contains(at(2026, 10, 25, 2, 15, fold=0))


def test_a_range_inside_the_skipped_hour_that_ends_up_empty_is_dropped():
    # 02:30 becomes 03:30 summer time, after 03:15: nothing is left of the range.
    assert parse("Su 02:30-03:15").intervals_on(date(2026, 3, 29)) == []


@pytest.mark.parametrize(("month", "friday", "monday", "offset", "hours_between"), [
    (3, 27, 30, 2, 66),  # Friday 13:00 is 12:00 UTC; Monday 08:00 is in summer time
    (10, 23, 26, 1, 68),  # Friday 13:00 is 11:00 UTC; Monday 08:00 is in winter time
], ids=["spring", "autumn"])
def test_next_opening_across_the_clock_change(month, friday, monday, offset, hours_between):
    closing = at(2026, month, friday, 13, 0)
    interval = parse(OVERATH).next_opening(closing)
    assert interval.start == at(2026, month, monday, 8, 0)
    assert interval.start.utcoffset() == timedelta(hours=offset)
    assert interval.start.astimezone(UTC) - closing.astimezone(UTC) == timedelta(
        hours=hours_between)


def test_next_opening_on_the_change_night_itself():
    schedule = parse("Mo-Su 02:30-05:00")
    # Saturday 23:00 before the spring change: the Sunday interval starts at 03:30 summer time.
    assert schedule.next_opening(at(2026, 3, 28, 23, 0)).start.astimezone(UTC) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC)
    # During the repeated hour in October, after 02:30 has passed once: open, and the next
    # opening is Monday's.
    second_0240 = at(2026, 10, 25, 2, 40, fold=1)
    assert schedule.is_open(second_0240)
    assert schedule.next_opening(second_0240).start == at(2026, 10, 26, 2, 30)
