"""Weekly working hours as case managers write them in German, for /zeiten:

    Mo-Fr 09:00-12:00; Di 14:00-16:00

Rules are separated by ";" or a new line; a rule is days then times. Days: Mo Di Mi Do Fr Sa So
(also written out, "Montag", and the English two letters of the catalogue format), ranges
"Mo-Fr" and lists "Mo, Mi, Fr". Times: "09:00-12:00", also "9-12", "9.00 bis 12 Uhr", several
joined by "," or "und". Unlike the catalogue format, rules add up: in the example Tuesday has
both 09:00-12:00 and 14:00-16:00, as a person reading it would expect. "keine" means no
bookable time at all. Public holidays are never bookable anyway.

`parse_week` returns the hours per weekday or raises `WeekError` with every problem in plain
German; `to_schedule` writes the stored form (the catalogue's opening-hours syntax, see
bot/catalogue/schedule.py), `week_de` reads a stored schedule back into German.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from bot.catalogue.schedule import (
    EVERY,
    WEEKDAYS,
    HolidayClosure,
    HoursSyntaxError,
    WeekdayRule,
    parse,
    weekday_runs,
)

DAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_DAY_NAMES = {
    **{name.lower(): n for n, name in enumerate(DAYS_DE)},
    **{name.lower(): n for n, name in enumerate(WEEKDAYS)},
    **{name: n for n, name in enumerate(("montag", "dienstag", "mittwoch", "donnerstag",
                                         "freitag", "samstag", "sonntag"))},
}
NONE_WORDS = frozenset({"keine", "keine zeiten", "-", "nichts"})
EXAMPLE = "Mo-Fr 09:00-12:00; Di 14:00-16:00"
_RULES = re.compile(r"[;\n]+")
_TIME = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?(?:\s*uhr)?", re.IGNORECASE)
_RANGE_DASH = re.compile(r"\s*(?:-|–|—|\bbis\b)\s*", re.IGNORECASE)
_TIMES_SPLIT = re.compile(r"\s*(?:,|\bund\b)\s*", re.IGNORECASE)
_DAYS_SPLIT = re.compile(r"\s*(?:,|\bund\b)\s*", re.IGNORECASE)

Week = dict[int, list[tuple[int, int]]]  # weekday (0 = Monday) -> sorted (start, end) minutes


class WeekError(ValueError):
    """The text cannot be used; `problems` lists each in German, for the person who wrote it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Rule:
    text: str
    days: list[int]
    ranges: list[tuple[int, int]]


def parse_week(text: str) -> Week:
    """The hours per weekday (days without hours are left out); WeekError with every problem."""
    if text.strip().lower() in NONE_WORDS:
        return {}
    problems: list[str] = []
    rules = [_rule(part.strip(), problems) for part in _RULES.split(text) if part.strip()]
    if not rules and not problems:
        problems.append(f"Bitte schreiben Sie Tage und Zeiten, zum Beispiel {EXAMPLE}.")
    week: Week = {}
    for rule in rules:
        if rule is None:
            continue
        for day in rule.days:
            week.setdefault(day, []).extend(rule.ranges)
    for day in sorted(week):
        ranges = sorted(week[day])
        for (start, end), (next_start, next_end) in pairwise(ranges):
            if next_start < end:
                problems.append(f"{DAYS_DE[day]}: {_range(start, end)} und "
                                f"{_range(next_start, next_end)} überschneiden sich.")
        week[day] = _merged(ranges)
    if problems:
        raise WeekError(list(dict.fromkeys(problems)))
    return week


def _rule(text: str, problems: list[str]) -> _Rule | None:
    first_digit = re.search(r"[0-9]", text)
    days_text = text[:first_digit.start()] if first_digit else text
    times_text = text[first_digit.start():] if first_digit else ""
    where = f"„{text}“: "
    if not days_text.strip(" ,:"):
        problems.append(where + f"Es fehlt der Wochentag, zum Beispiel {EXAMPLE}.")
        return None
    if not times_text.strip():
        problems.append(where + "Es fehlt die Uhrzeit, zum Beispiel Mo 09:00-12:00.")
        return None
    days = _days(days_text.strip(" ,:"), where, problems)
    ranges = _ranges(times_text.strip(), where, problems)
    if days is None or ranges is None:
        return None
    return _Rule(text, days, ranges)


def _days(text: str, where: str, problems: list[str]) -> list[int] | None:
    found: list[int] = []
    ok = True
    for item in _DAYS_SPLIT.split(text):
        ends = _RANGE_DASH.split(item)
        numbers = [_DAY_NAMES.get(end.strip().rstrip(".").lower()) for end in ends]
        if len(ends) > 2 or not all(end.strip() for end in ends):
            problems.append(where + f"„{item}“ verstehe ich nicht als Tage (z. B. Mo-Fr).")
            ok = False
            continue
        for end, number in zip(ends, numbers, strict=True):
            if number is None:
                problems.append(where + f"Unbekannter Tag „{end.strip()}“. Erlaubt sind "
                                + ", ".join(DAYS_DE) + ".")
                ok = False
        if None in numbers:
            continue
        first, last = numbers[0], numbers[-1]
        assert first is not None and last is not None
        found += [(first + n) % 7 for n in range((last - first) % 7 + 1)]
    return sorted(set(found)) if ok else None


def _ranges(text: str, where: str, problems: list[str]) -> list[tuple[int, int]] | None:
    found: list[tuple[int, int]] = []
    ok = True
    for item in _TIMES_SPLIT.split(text.strip().rstrip(".")):
        if not item:
            continue
        ends = _RANGE_DASH.split(item.strip())
        if len(ends) != 2:
            problems.append(where + f"„{item}“ ist keine Zeitspanne; bitte so: 09:00-12:00.")
            ok = False
            continue
        start, end = (_minutes(end.strip(), where, problems) for end in ends)
        if start is None or end is None:
            ok = False
            continue
        if end <= start:
            problems.append(where + f"{_range(start, end)}: Das Ende liegt nicht nach dem "
                            "Beginn.")
            ok = False
            continue
        found.append((start, end))
    if ok and not found:
        problems.append(where + "Es fehlt die Uhrzeit, zum Beispiel Mo 09:00-12:00.")
        return None
    return found if ok else None


def _minutes(text: str, where: str, problems: list[str]) -> int | None:
    match = _TIME.fullmatch(text)
    if match is None:
        problems.append(where + f"„{text}“ ist keine Uhrzeit; bitte so: 09:00.")
        return None
    hours, minutes = int(match[1]), int(match[2] or 0)
    if not (0 <= hours <= 23 and 0 <= minutes <= 59) and (hours, minutes) != (24, 0):
        problems.append(where + f"Die Uhrzeit {hours:02d}:{minutes:02d} gibt es nicht.")
        return None
    return hours * 60 + minutes


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with the touching ones joined (09-12 and 12-14 are 09-14)."""
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _range(start: int, end: int, dash: str = "–") -> str:
    return f"{_clock(start)}{dash}{_clock(end)}"


def _groups(week: Week) -> list[tuple[list[int], list[tuple[int, int]]]]:
    """Weekdays with the same hours together, in the order of their first day."""
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day in sorted(week):
        if week[day]:
            groups.setdefault(tuple(week[day]), []).append(day)
    return [(days, list(ranges)) for ranges, days in
            sorted(groups.items(), key=lambda item: item[1][0])]


def _days_text(days: list[int], names: tuple[str, ...], dash: str, comma: str) -> str:
    parts = []
    for run in weekday_runs(days):
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}{dash}{names[run[-1]]}")
        else:
            parts += [names[day] for day in run]
    return comma.join(parts)


def to_schedule(week: Week) -> str:
    """The stored form: each weekday in exactly one rule, so the catalogue syntax's "a later
    rule replaces an earlier one" cannot change the meaning; "Mo-Su off" for no time at all."""
    groups = _groups(week)
    if not groups:
        return "Mo-Su off"
    return "; ".join(_days_text(days, WEEKDAYS, "-", ",") + " "
                     + ",".join(_range(start, end, "-") for start, end in ranges)
                     for days, ranges in groups)


def week_de(week: Week) -> str:
    """"Mo–Fr 09:00–12:00; Di 09:00–12:00, 14:00–16:00", or "keine" for no time."""
    groups = _groups(week)
    if not groups:
        return "keine"
    return "; ".join(_days_text(days, DAYS_DE, "–", ", ") + " "
                     + ", ".join(_range(start, end) for start, end in ranges)
                     for days, ranges in groups)


def stored_week(text: str, timezone: str = "Europe/Berlin") -> Week | None:
    """The weekly hours of a stored schedule, or None if it says more than a plain week can
    (the n-th weekday of a month, closed dates), as `kimbot staff workplace` allows."""
    try:
        schedule = parse(text, timezone)
    except HoursSyntaxError:
        return None
    week: Week = {}
    for rule in schedule.rules:
        if isinstance(rule, HolidayClosure):
            continue  # holidays are never bookable anyway
        if not isinstance(rule, WeekdayRule) or any(nth != EVERY for _, nth in rule.days):
            return None
    for day in range(7):
        rule = schedule.rule_for_weekday(day)
        if rule is not None and rule.ranges:
            week[day] = [(r.start, r.end) for r in rule.ranges]
    return week


def schedule_de(text: str, timezone: str = "Europe/Berlin") -> str:
    """A stored schedule in German; one that a plain week cannot say is shown as stored."""
    week = stored_week(text, timezone)
    return week_de(week) if week is not None else text
