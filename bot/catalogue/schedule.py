"""Opening hours: a documented subset of OpenStreetMap's `opening_hours` syntax, and its meaning.

A Kreis writes hours into a YAML field or a CSV cell the way OpenStreetMap does
(https://wiki.openstreetmap.org/wiki/Key:opening_hours), so data can be copied from OSM:

    Mo-Fr 08:30-12:00; Tu 16:00-18:00 "Begegnungscafé"; Mo[1] 10:00-12:00; PH off

Supported (everything else is rejected with the position of the problem):

- rules separated by `;` (a trailing `;` is ignored)
- weekdays `Mo Tu We Th Fr Sa Su`, ranges `Mo-Fr` (also wrapping: `Fr-Mo`), lists `Mo,We,Fr`,
  both `Mo-We,Fr`
- the nth weekday of the month: `Mo[1]` first Monday, `We[-1]` last Wednesday, lists `Mo[1,3]`
  (1 to 4 and -1 only)
- one or more time ranges `08:00-12:00,14:00-16:00`, 24-hour `HH:MM`, `24:00` as an end;
  no ranges past midnight; a rule without weekdays (`08:00-12:00`) means every day
- `off` (or `closed`) instead of times: `Sa off`
- `PH off`: closed on NRW's public holidays; `PH` may join a weekday list with `off`: `Su,PH off`
- closed dates: `2026 Dec 24 off`, ranges `2026 Dec 24-31 off`, `2026 Dec 24-2027 Jan 01 off`,
  and every year without the year: `Dec 24 off`
- a comment in double quotes at the end of a rule: `Tu 16:00-18:00 "Begegnungscafé"`

Keywords are case-insensitive; `to_text()` writes the normalized form.

Meaning:

- Later rules override earlier ones for the days they name (OSM's `;` semantics): in
  `Mo-Fr 08:00-12:00; Tu 16:00-18:00` Tuesday is open 16-18 only. Write `Tu 08:00-12:00,16:00-18:00`
  to keep both. OSM's additive `,` rule separator is not supported.
- `PH off` and closed dates close the whole day wherever they stand in the text (unlike OSM, where
  a later rule could reopen the day): a closure is never undone by accident.
- Times are wall-clock times in the schedule's zone (default Europe/Berlin). On the day clocks
  change, each time is read as RFC 5545 does (PEP 495 fold=0): a time that happens twice (October,
  02:00-03:00) means its first occurrence; a time the clocks skip (March, 02:00-03:00) is read with
  the offset before the change, i.e. moved forward by an hour (02:30 becomes 03:30). So 01:00-04:00
  lasts 2 real hours on 29 March 2026 and 4 on 25 October 2026. A range that ends up empty is
  dropped.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TIMEZONE = "Europe/Berlin"
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EVERY = 0  # the "nth" of a weekday rule that applies every week
LAST = -1
NTHS = (1, 2, 3, 4, LAST)
# German abbreviations staff are likely to type: the error names the one they meant.
_GERMAN_WEEKDAYS = {"di": "Tu", "mi": "We", "do": "Th", "so": "Su"}
_GERMAN_MONTHS = {"mär": "Mar", "mrz": "Mar", "mai": "May", "okt": "Oct", "dez": "Dec"}
_WORD = re.compile(r"[^\W\d_]+")
# [0-9], not \d: \d would also accept Arabic-Indic and other digits.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?![0-9])")
_NUMBER = re.compile(r"-?[0-9]+")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s+")  # not "0800 ", a time without its colon
_DAY = re.compile(r"[0-9]{1,2}(?![0-9])")
_TOKEN = re.compile(r"[^\s;,]*")
_OFF = re.compile(r"(off|closed)(?![^\W\d_])", re.IGNORECASE)
_DASH = re.compile(r"\s*[-–]\s*")  # also the en dash Word and LibreOffice put in
_SPACES = re.compile(r"\s*")
_COMMA = re.compile(r"\s*,\s*")
_LEAP_YEAR = 2000  # the year of a closed date that recurs every year, so Feb 29 is valid


class HoursSyntaxError(ValueError):
    """Opening hours that don't parse; the message names the problem and its 0-based position."""

    def __init__(self, problem: str, position: int, hint: str = "") -> None:
        self.problem = problem
        self.position = position
        super().__init__(f"{problem} at position {position}" + (f" ({hint})" if hint else ""))


@dataclass(frozen=True, order=True)
class TimeRange:
    start: int  # minutes after midnight
    end: int  # minutes after midnight; 1440 is 24:00

    def __str__(self) -> str:
        return f"{hhmm(self.start)}-{hhmm(self.end)}"


@dataclass(frozen=True)
class WeekdayRule:
    # (weekday 0=Monday, nth): nth is EVERY, 1-4 or LAST
    days: frozenset[tuple[int, int]]
    ranges: tuple[TimeRange, ...]  # sorted; empty means closed ("off")
    comment: str | None = None

    def applies_to(self, day: date) -> bool:
        return any(weekday == day.weekday() and (nth == EVERY or _is_nth(day, nth))
                   for weekday, nth in self.days)

    def __str__(self) -> str:
        times = ",".join(str(r) for r in self.ranges) or "off"
        return f"{weekdays_text(self.days)} {times}{_comment_text(self.comment)}"


@dataclass(frozen=True)
class HolidayClosure:
    comment: str | None = None

    def applies_to(self, day: date) -> bool:
        return is_public_holiday(day)

    def __str__(self) -> str:
        return f"PH off{_comment_text(self.comment)}"


@dataclass(frozen=True)
class DateClosure:
    first: date
    last: date
    every_year: bool = False  # then only month and day count (the year is _LEAP_YEAR)
    comment: str | None = None

    def applies_to(self, day: date) -> bool:
        if not self.every_year:
            return self.first <= day <= self.last
        first, last = (self.first.month, self.first.day), (self.last.month, self.last.day)
        today = (day.month, day.day)
        # Dec 24-Jan 01 wraps around the new year.
        return first <= today <= last if first <= last else today >= first or today <= last

    def __str__(self) -> str:
        year = "" if self.every_year else f"{self.first.year} "
        text = f"{year}{MONTHS[self.first.month - 1]} {self.first.day:02d}"
        if self.last != self.first:
            end = f"{self.last.day:02d}"
            if (self.last.year, self.last.month) != (self.first.year, self.first.month):
                end = f"{MONTHS[self.last.month - 1]} {end}"
            if self.last.year != self.first.year and not self.every_year:
                end = f"{self.last.year} {end}"
            text = f"{text}-{end}"
        return f"{text} off{_comment_text(self.comment)}"


Rule = WeekdayRule | HolidayClosure | DateClosure


@dataclass(frozen=True)
class Interval:
    """One opening: aware datetimes in the schedule's zone, end exclusive.

    Compare and subtract through `contains` and `duration`: Python compares two datetimes with the
    same tzinfo by wall-clock time alone, which is wrong on the day the clocks go back.
    """

    start: datetime
    end: datetime
    comment: str | None = None

    @property
    def duration(self) -> timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def contains(self, moment: datetime) -> bool:
        return _utc(self.start) <= _utc(moment) < _utc(self.end)


@dataclass(frozen=True)
class Schedule:
    rules: tuple[Rule, ...]
    timezone: str = DEFAULT_TIMEZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches its instances

    @property
    def closes_on_public_holidays(self) -> bool:
        return any(isinstance(rule, HolidayClosure) for rule in self.rules)

    @property
    def date_closures(self) -> tuple[DateClosure, ...]:
        return tuple(rule for rule in self.rules if isinstance(rule, DateClosure))

    def to_text(self) -> str:
        return "; ".join(str(rule) for rule in self.rules)

    def __str__(self) -> str:
        return self.to_text()

    def rule_for_weekday(self, weekday: int, nth: int = EVERY) -> WeekdayRule | None:
        """The rule that sets the hours of every such weekday (or of its nth in the month),
        ignoring closures; for descriptions that list hours by weekday."""
        wanted = {(weekday, EVERY), (weekday, nth)}
        chosen = None
        for rule in self.rules:
            if isinstance(rule, WeekdayRule) and rule.days & wanted:
                chosen = rule
        return chosen

    def rule_on(self, day: date) -> WeekdayRule | None:
        """The rule that sets the hours of `day`; None if no rule names it or it is closed."""
        chosen = None
        for rule in self.rules:
            if isinstance(rule, WeekdayRule):
                if rule.applies_to(day):
                    chosen = rule
            elif rule.applies_to(day):
                return None  # closures win wherever they stand
        return chosen

    def intervals_on(self, day: date) -> list[Interval]:
        rule = self.rule_on(day)
        if rule is None:
            return []
        intervals = []
        for time_range in rule.ranges:
            start = _local(day, time_range.start, self.zone)
            end = _local(day, time_range.end, self.zone)
            if _utc(end) > _utc(start):  # e.g. 02:10-02:50 on the March change day is empty
                intervals.append(Interval(start, end, rule.comment))
        return intervals

    def current_interval(self, moment: datetime) -> Interval | None:
        # Intervals never cross midnight, so the moment's local day holds the one it is in.
        day = _utc(moment).astimezone(self.zone).date()
        return next((i for i in self.intervals_on(day) if i.contains(moment)), None)

    def is_open(self, moment: datetime) -> bool:
        return self.current_interval(moment) is not None

    def next_opening(self, moment: datetime, horizon_days: int = 62) -> Interval | None:
        """The first interval that starts after `moment` (strictly), looking `horizon_days`
        days ahead; an interval open at `moment` is `current_interval`'s answer, not this one's."""
        after = _utc(moment)
        first_day = after.astimezone(self.zone).date()
        for offset in range(horizon_days + 1):
            for interval in self.intervals_on(first_day + timedelta(days=offset)):
                if _utc(interval.start) > after:
                    return interval
        return None


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def weekday_runs(weekdays: Iterable[int]) -> list[list[int]]:
    """Weekdays (0=Monday) in runs of consecutive days: [0, 1, 2, 4] -> [[0, 1, 2], [4]]."""
    runs: list[list[int]] = []
    for weekday in sorted(set(weekdays)):
        if runs and runs[-1][-1] == weekday - 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return runs


def weekdays_text(days: frozenset[tuple[int, int]]) -> str:
    """The selector in normalized syntax: runs of three or more as ranges, "Mo-We,Fr,Sa[1,-1]"."""
    parts: dict[int, str] = {}
    for run in weekday_runs([weekday for weekday, nth in days if nth == EVERY]):
        if len(run) >= 3:
            parts[run[0]] = f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        else:
            parts.update({weekday: WEEKDAYS[weekday] for weekday in run})
    for weekday in {weekday for weekday, nth in days if nth != EVERY}:
        nths = sorted((nth for w, nth in days if w == weekday), key=nth_order)
        parts[weekday] = f"{WEEKDAYS[weekday]}[{','.join(str(nth) for nth in nths)}]"
    return ",".join(parts[weekday] for weekday in sorted(parts))


def nth_order(nth: int) -> int:
    """Sort key: first, second, ... before last."""
    return nth if nth > 0 else 99


def is_public_holiday(day: date) -> bool:
    """A public holiday in North Rhine-Westphalia (Fronleichnam and Allerheiligen are)."""
    return day in _nrw_holidays(day.year)


@cache
def _nrw_holidays(year: int) -> holidays.HolidayBase:
    # expand=False: a cached object must not grow other years on lookup.
    return holidays.country_holidays("DE", subdiv="NW", years=year, expand=False)


def _is_nth(day: date, nth: int) -> bool:
    if nth == LAST:
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1 == nth


def _local(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)  # 24:00 is next midnight
    # fold=0: a time that happens twice means its first occurrence; a time the clocks skip keeps
    # the offset before the change, and the round trip through UTC gives the wall time it really
    # is (02:30 -> 03:30 summer time). See the module docstring.
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC)


def _comment_text(comment: str | None) -> str:
    return f' "{comment}"' if comment else ""


# Parsing: a small hand-written scanner, so every error can name its exact position.


def parse(text: str, timezone: str = DEFAULT_TIMEZONE) -> Schedule:
    """Parse opening hours; raises HoursSyntaxError (a ValueError) naming problem and position."""
    scanner = _Scanner(text)
    rules: list[Rule] = []
    while True:
        scanner.skip_spaces()
        if not scanner.at_rule_end():
            rules.extend(_rule(scanner))
        if scanner.pos >= len(text):
            break
        scanner.pos += 1  # past the ';'
    if not rules:
        raise HoursSyntaxError("no opening hours given", 0, "e.g. 'Mo-Fr 08:00-12:00'")
    return Schedule(tuple(rules), timezone)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.match(self.text, self.pos)
        if found:
            self.pos = found.end()
        return found

    def skip_spaces(self) -> None:
        self.match(_SPACES)

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def at_digit(self) -> bool:
        return self.peek() != "" and self.peek() in "0123456789"

    def at_rule_end(self) -> bool:
        return self.peek() in ("", ";")

    def word(self) -> str:
        """The text at the current position up to the next separator."""
        found = _TOKEN.match(self.text, self.pos)
        return found.group(0) if found else ""

    def found(self) -> str:
        """What stands at the current position, quoted for an error message."""
        return repr(self.word() or self.peek()) if self.peek() else "the end of the rule"

    def error(self, problem: str, hint: str = "") -> HoursSyntaxError:
        return HoursSyntaxError(problem, self.pos, hint)


def _rule(s: _Scanner) -> list[Rule]:
    word = _WORD.match(s.text, s.pos)
    if (word and _canonical(word.group(0), MONTHS) is not None) or _YEAR.match(s.text, s.pos):
        rules: list[Rule] = [_date_closure(s)]
    elif s.at_digit() or (word and _OFF.fullmatch(word.group(0))):
        rules = [_weekday_rule(s, frozenset((w, EVERY) for w in range(7)), False, s.pos)]
    elif word:
        start = s.pos
        days, holidays_too = _weekdays(s)
        rule = _weekday_rule(s, days, holidays_too, start)
        rules = [rule] if days else []
        if holidays_too:
            rules.append(HolidayClosure(rule.comment))
    else:
        raise s.error(f"unexpected {s.found()}", "a rule starts with weekdays, a date or 'PH'")
    s.skip_spaces()
    if not s.at_rule_end():
        hint = "separate rules with ';'" if _canonical(s.word(), WEEKDAYS) is not None else ""
        raise s.error(f"unexpected {s.found()}", hint)
    return rules


def _weekdays(s: _Scanner) -> tuple[frozenset[tuple[int, int]], bool]:
    """Weekdays, ranges, nths and PH, comma-separated: "Mo-We,Fr[1],PH"."""
    days: set[tuple[int, int]] = set()
    holidays_too = False
    while True:
        if s.text[s.pos : s.pos + 2].upper() == "PH" and not _WORD.match(s.text, s.pos + 2):
            s.pos += 2
            holidays_too = True
        else:
            first = _weekday(s)
            if s.match(_DASH):
                last = _weekday(s)
                days |= {((first + i) % 7, EVERY) for i in range((last - first) % 7 + 1)}
                if s.peek() == "[":
                    raise s.error("[n] can only follow a single weekday, not a range")
            elif s.peek() == "[":
                days |= {(first, nth) for nth in _nths(s)}
            else:
                days.add((first, EVERY))
        if not s.match(_COMMA):
            break
    # Every Monday includes the first Monday: keep the selector normalized.
    every = {weekday for weekday, nth in days if nth == EVERY}
    return frozenset(d for d in days if d[1] == EVERY or d[0] not in every), holidays_too


def _weekday(s: _Scanner) -> int:
    start = s.pos
    word = s.match(_WORD)
    if not word:
        raise s.error(f"expected a weekday, found {s.found()}", "Mo Tu We Th Fr Sa Su")
    text = word.group(0)
    index = _canonical(text, WEEKDAYS)
    if index is not None:
        return index
    if text.lower() in _GERMAN_MONTHS:
        raise HoursSyntaxError(f"unknown month {text!r}", start,
                               f"did you mean '{_GERMAN_MONTHS[text.lower()]}'?")
    if text.lower() in _GERMAN_WEEKDAYS:
        hint = f"did you mean '{_GERMAN_WEEKDAYS[text.lower()]}'? "
    elif text.upper() == "SH":
        hint = "school holidays (SH) are not supported; "
    elif _canonical(text, MONTHS) is not None:
        hint = "a closed date is a rule of its own, e.g. '2026 Dec 24 off'; "
    else:
        hint = ""
    raise HoursSyntaxError(f"unknown weekday {text!r}", start,
                           f"{hint}weekdays are Mo Tu We Th Fr Sa Su")


def _nths(s: _Scanner) -> list[int]:
    """"[1,3]" after a weekday: which of its occurrences in the month (-1 = the last)."""
    s.pos += 1  # past the '['
    nths = []
    while True:
        start = s.pos
        number = s.match(_NUMBER)
        if not number or int(number.group(0)) not in NTHS:
            found = repr(number.group(0)) if number else s.found()
            raise HoursSyntaxError(f"week of the month {found} is not supported", start,
                                   "use 1, 2, 3, 4, or -1 for the last")
        nths.append(int(number.group(0)))
        if s.peek() == "]":
            s.pos += 1
            return nths
        if s.peek() != ",":
            raise s.error("missing ']' after the week of the month")
        s.pos += 1


def _weekday_rule(s: _Scanner, days: frozenset[tuple[int, int]], holidays_too: bool,
                  start: int) -> WeekdayRule:
    s.skip_spaces()
    if s.match(_OFF):
        ranges: tuple[TimeRange, ...] = ()
    elif holidays_too:
        raise s.error("only 'PH off' is supported", "opening on public holidays is not")
    elif s.at_digit():
        ranges = _ranges(s)
    else:
        selector = s.text[start : s.pos].strip()
        raise s.error(f"expected opening times or 'off' after {selector!r}, found {s.found()}",
                      "e.g. 'Mo-Fr 08:00-12:00'")
    return WeekdayRule(days, ranges, _comment(s))


def _ranges(s: _Scanner) -> tuple[TimeRange, ...]:
    found: list[tuple[TimeRange, int]] = []
    while True:
        start = s.pos
        opens = _time(s)
        if not s.match(_DASH):
            raise s.error(f"expected '-' and a closing time after {hhmm(opens)}, found {s.found()}")
        closes = _time(s)
        text = f"{hhmm(opens)}-{hhmm(closes)}"
        if opens == 24 * 60:
            raise HoursSyntaxError("24:00 can only end a time range", start)
        if closes == opens:
            raise HoursSyntaxError(f"time range {text} is empty", start)
        if closes < opens:
            raise HoursSyntaxError(f"time range {text} ends before it starts", start,
                                   "ranges past midnight are not supported")
        found.append((TimeRange(opens, closes), start))
        if not s.match(_COMMA):
            break
        if not s.at_digit():
            raise s.error(f"expected a time after ',', found {s.found()}",
                          "separate rules with ';', and note that a later rule replaces the hours "
                          "of the days it names")
    found.sort()
    for (before, _), (after, position) in pairwise(found):
        if after.start < before.end:
            raise HoursSyntaxError(f"time ranges {before} and {after} overlap", position)
    return tuple(time_range for time_range, _ in found)


def _time(s: _Scanner) -> int:
    start = s.pos
    found = s.match(_TIME)
    if not found:
        raise s.error(f"expected a time HH:MM, found {s.found()}")
    hour, minute = int(found.group(1)), int(found.group(2))
    if minute > 59:
        raise HoursSyntaxError(f"minute {minute} out of range", start, "00-59")
    if hour > 24:
        raise HoursSyntaxError(f"hour {hour} out of range", start, "00-23, or 24:00 to close")
    if hour == 24 and minute:
        raise HoursSyntaxError(f"time {found.group(0)} out of range", start,
                               "24:00 is the latest closing time")
    return hour * 60 + minute


def _date_closure(s: _Scanner) -> DateClosure:
    start = s.pos
    year, first = _date(s, None, None)
    last = first
    if s.match(_DASH):
        end_year, last = _date(s, year, first.month)
        if year is None and end_year is not None:
            raise HoursSyntaxError("give the year of the first date too", start)
        if year is not None and last < first:
            written = s.text[start : s.pos].strip()
            raise HoursSyntaxError(f"date range {written!r} ends before it starts", start)
    s.skip_spaces()
    if not s.match(_OFF):
        raise s.error(f"expected 'off' after a date, found {s.found()}",
                      "only closed dates are supported, e.g. '2026 Dec 24 off'")
    return DateClosure(first, last, year is None, _comment(s))


def _date(s: _Scanner, year: int | None, month: int | None) -> tuple[int | None, date]:
    """"[YYYY] Mon DD"; the end of a date range may leave out the year and month it shares."""
    start = s.pos
    year_given = s.match(_YEAR)
    if year_given:
        year = int(year_given.group(1))
    word = s.match(_WORD)
    if word:
        month_index = _canonical(word.group(0), MONTHS)
        if month_index is None:
            meant = _GERMAN_MONTHS.get(word.group(0).lower())
            hint = f"did you mean '{meant}'? " if meant else ""
            raise HoursSyntaxError(f"unknown month {word.group(0)!r}", word.start(),
                                   f"{hint}months are Jan Feb Mar Apr May Jun Jul Aug Sep Oct "
                                   "Nov Dec")
        month = month_index + 1
        s.skip_spaces()
    elif month is None or year_given:
        raise s.error(f"expected a month like 'Dec', found {s.found()}")
    assert month is not None
    day = s.match(_DAY)
    if not day:
        raise s.error(f"expected a day of the month, found {s.found()}")
    try:
        return year, date(year or _LEAP_YEAR, month, int(day.group(0)))
    except ValueError:
        written = f"{year or ''} {MONTHS[month - 1]} {day.group(0)}".strip()
        raise HoursSyntaxError(f"{written!r} is not a date", start) from None


def _comment(s: _Scanner) -> str | None:
    s.skip_spaces()
    if s.peek() != '"':
        return None
    end = s.text.find('"', s.pos + 1)
    if end < 0:
        raise s.error("comment has no closing '\"'")
    comment = s.text[s.pos + 1 : end].strip()
    s.pos = end + 1
    return comment or None


def _canonical(word: str, names: tuple[str, ...]) -> int | None:
    lowered = [name.lower() for name in names]
    return lowered.index(word.lower()) if word.lower() in lowered else None


@functools.lru_cache(maxsize=4096)
def parse_cached(text: str, timezone: str = DEFAULT_TIMEZONE) -> Schedule:
    """`parse` for text already validated on import: the same few schedules are read on every
    finder answer and every slot listing, and a Schedule is immutable."""
    return parse(text, timezone)
