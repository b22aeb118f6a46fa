"""Free appointment slots: working hours minus holidays, consultation hours, absences and
existing appointments, on a fixed grid, correct across the clock changes. A pure function: the
caller loads the case manager's schedules and appointments; nothing here touches a database.

The rule, for one case manager (see `free_slots`):

- **Days**: the local date of `now` in the working schedule's zone and the following
  `days - 1` dates. Never on an NRW public holiday, whatever the schedule says (`PH off` or not).
- **Working time**: the day's intervals of the working schedule, read as `Schedule.intervals_on`
  reads them (wall-clock times, the first occurrence of a repeated time).
- **Grid**: slot starts are `interval start + k * step` for k = 0, 1, 2, ..., counted in real
  elapsed time from the start of each working interval (so 08:00, 08:30, ... local, also in the
  weeks of the clock changes). A slot `[start, start + duration)` must lie inside its working
  interval; it may end exactly when the interval ends.
- **Blocked time**: consultation (drop-in) intervals, absences and existing appointments, as
  half-open ranges `[start, end)`; they may overlap each other and lie partly outside working time.
- **Buffer** (the one rule for all blocked time): a slot `[s, s + duration)` is free when
  `[s - buffer, s + duration + buffer)` overlaps no blocked range. So there are `buffer` minutes
  between an existing appointment and a new one on either side, and likewise between a new
  appointment and consultation hours or an absence. The buffer is only kept from blocked time,
  not from the edges of working time: a slot may start when work starts and end when it ends
  (but an absence ending at 07:55 still keeps an 08:00 slot away with a 10-minute buffer).
- **Lead time**: no slot starts before `now + lead_time` (so never in the past); the grid stays
  anchored at the interval start (09:10 + 2 h on a 08:00/30-minute grid gives 11:30 first).

All comparisons are made in UTC (integer microseconds since the epoch): Python compares two
datetimes that share a tzinfo by wall-clock time, which is wrong on the day the clocks go back.

Cost: linear in days x intervals plus the slots found, plus the blocked ranges: those outside
the horizon are dropped with two comparisons each, the rest are sorted once, merged, and swept
with one pointer (no slot is ever checked against every range). Nothing is cached between calls.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.catalogue.schedule import (
    EVERY,
    HolidayClosure,
    Schedule,
    WeekdayRule,
    is_public_holiday,
)

__all__ = ["SlotRules", "day_groups", "free_slots", "overlaps"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICRO = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_DAY = timedelta(days=1)
_DAY_US = 86_400_000_000
_ZERO = timedelta(0)


@dataclass(frozen=True)
class SlotRules:
    """How appointments of one type are cut from working time (configurable per office)."""

    duration: timedelta  # 60 min for a first interview, 30 min for a follow-up
    buffer: timedelta = timedelta(minutes=10)  # kept free between an appointment and blocked time
    step: timedelta = timedelta(minutes=30)  # the grid, from the start of each working interval
    lead_time: timedelta = timedelta(hours=2)  # no slot starts before now + lead_time
    days: int = 14  # today and the next days - 1 days

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError(f"duration must be positive, not {self.duration}")
        if self.step <= timedelta(0):
            raise ValueError(f"step must be positive, not {self.step}")
        if self.buffer < timedelta(0):
            raise ValueError(f"buffer must not be negative, not {self.buffer}")
        if self.lead_time < timedelta(0):
            raise ValueError(f"lead_time must not be negative, not {self.lead_time}")
        if self.days < 0:
            raise ValueError(f"days must not be negative, not {self.days}")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether the half-open ranges [a_start, a_end) and [b_start, b_end) share an instant.

    Compared in UTC, so ranges in different zones, or around the October clock change, compare
    correctly. Ranges that only touch (a_end == b_start) don't overlap; an empty range overlaps
    nothing. Naive datetimes raise ValueError.
    """
    a0, a1, b0, b1 = (_utc(moment) for moment in (a_start, a_end, b_start, b_end))
    return a0 < a1 and b0 < b1 and a0 < b1 and b0 < a1


def day_groups(slots: Iterable[datetime], tz: tzinfo | str) -> dict[date, list[datetime]]:
    """Slots grouped by their local date in `tz` (a tzinfo or a zone name like "Europe/Berlin"),
    for choosing a day and then a time.

    Days come in order, and each day's slots in order of time, as aware datetimes in `tz` (the
    same instants as given, ready to print as local times).
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    groups: dict[date, list[datetime]] = {}
    for slot in sorted(slots, key=_utc):
        local = slot.astimezone(zone)
        groups.setdefault(local.date(), []).append(local)
    return groups


def free_slots(
    working: Schedule,
    now: datetime,
    rules: SlotRules,
    *,
    consultation: Schedule | None = None,
    absences: Sequence[tuple[datetime, datetime]] = (),
    busy: Sequence[tuple[datetime, datetime]] = (),
) -> list[datetime]:
    """The start times that can be booked with one case manager, as aware UTC datetimes, sorted
    and unique; the rule is in this module's docstring.

    `working`: the weekly working hours. `consultation`: open consultation (drop-in) hours, which
    are not bookable. `absences`: blocked [start, end) ranges (leave, a meeting, a day blocked by
    staff). `busy`: the existing appointments as [start, end) ranges. All datetimes must be aware
    (any zone; naive ones raise ValueError); empty or inverted ranges are ignored. `now` sets the
    first day (its local date in the working schedule's zone) and, with `rules.lead_time`, the
    earliest start.
    """
    now_us = _micros(now)
    earliest = now_us + rules.lead_time // _MICRO
    first_day = now.astimezone(working.zone).date()
    intervals, workdays = _intervals(working, first_day, rules.days, earliest)
    if not intervals:
        return []

    buffer_us = rules.buffer // _MICRO
    duration = rules.duration // _MICRO
    lo = max(earliest, min(start for start, _ in intervals))
    hi = max(end for _, end in intervals)
    blocked: list[tuple[int, int]] = []
    if consultation is not None:
        if consultation.timezone == working.timezone:
            blocked += _intervals(consultation, first_day, rules.days, earliest, workdays)[0]
        else:  # another zone's dates reach into ours: one day more either side, the plain way
            for n in range(-1, rules.days + 1):
                blocked += [(_micros(i.start), _micros(i.end))
                            for i in consultation.intervals_on(first_day + timedelta(days=n))]
    # Ranges outside the horizon are dropped with two datetime comparisons (in UTC: the bounds
    # are UTC); only the rest is converted.
    lo_cut = _EPOCH + _MICRO * (lo - buffer_us)
    hi_cut = _EPOCH + _MICRO * (hi + buffer_us)
    try:
        relevant = [(start, end) for ranges in (absences, busy) for start, end in ranges
                    if end > lo_cut and start < hi_cut]
    except TypeError:
        raise ValueError("absences and busy need aware datetimes") from None
    blocked += [(_micros(start), _micros(end)) for start, end in relevant]

    # Widened by the buffer, sorted and merged: disjoint ranges, starts and ends ascending.
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted((start - buffer_us, end + buffer_us)
                             for start, end in blocked if end > start):
        if ends and start <= ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    count = len(ends)

    # The free gaps of each interval between the blocked ranges, and the grid points in them.
    step = rules.step // _MICRO
    offsets = [_ZERO]
    for _ in range(max(end - start for start, end in intervals) // step):
        offsets.append(offsets[-1] + rules.step)
    found: list[datetime] = []
    for interval_start, interval_end in intervals:
        gap_start = max(interval_start, earliest)
        if gap_start + duration > interval_end:
            continue
        base = _EPOCH + _MICRO * interval_start
        j = bisect_right(ends, gap_start)  # the first blocked range that ends after gap_start
        while True:
            gap_end = starts[j] if j < count and starts[j] < interval_end else interval_end
            first = -((interval_start - gap_start) // step)  # rounded up to the grid
            last = (gap_end - duration - interval_start) // step  # rounded down
            if last >= first:
                found += [base + offset for offset in offsets[first : last + 1]]
            if gap_end == interval_end:
                break
            gap_start = ends[j]
            j += 1
            if gap_start + duration > interval_end:
                break
    if any(a_end > b_start for (_, a_end), (b_start, _) in pairwise(intervals)):
        found = sorted(set(found))  # only on odd clock-change days: intervals out of order
    return found


def _intervals(schedule: Schedule, first_day: date, days: int, earliest: int,
               only: Collection[date] | None = None) -> tuple[list[tuple[int, int]], list[date]]:
    """The intervals of `schedule` on `days` days from `first_day` that end after `earliest`,
    as UTC microseconds, exactly as `Schedule.intervals_on` gives them but without public
    holidays; and the days that have them. With `only`, just those days (known not to be public
    holidays). This is the bulk of a slot listing, hence the shortcuts."""
    zone = schedule.zone
    closures = [rule for rule in schedule.rules
                if not isinstance(rule, WeekdayRule | HolidayClosure)]
    # The last rule that names a day sets its hours: look from the end. A rule for every such
    # weekday (no [n]) is a set lookup.
    weekday_rules = [(rule, frozenset(weekday for weekday, _ in rule.days)
                      if all(nth == EVERY for _, nth in rule.days) else None)
                     for rule in reversed(schedule.rules) if isinstance(rule, WeekdayRule)]
    found: list[tuple[int, int]] = []
    workdays: list[date] = []
    midnight = datetime(first_day.year, first_day.month, first_day.day)  # naive, local
    midnight_us = (midnight - _NAIVE_EPOCH) // _MICRO  # the wall time as if it were UTC
    for _ in range(days):
        day = midnight.date()
        this_midnight, midnight = midnight, midnight + _DAY
        this_midnight_us, midnight_us = midnight_us, midnight_us + _DAY_US
        if only is not None and day not in only:
            continue
        weekday = day.weekday()
        rule = None
        for candidate, weekdays in weekday_rules:
            if weekday in weekdays if weekdays is not None else candidate.applies_to(day):
                rule = candidate
                break
        if (rule is None or not rule.ranges
                or (closures and any(closure.applies_to(day) for closure in closures))
                or (only is None and is_public_holiday(day))):
            continue
        offset = zone.utcoffset(this_midnight)
        if offset == zone.utcoffset(midnight):
            # No clock change that day: one offset for every wall time, 24:00 included.
            base = this_midnight_us - offset // _MICRO
            pairs = [(base + r.start * _MINUTE_US, base + r.end * _MINUTE_US)
                     for r in rule.ranges]
        else:
            # A clock change: each wall time with its own offset, read as the schedule reads it
            # (fold=0: a repeated time is its first occurrence, a skipped one uses the offset
            # before the change).
            pairs = [(_wall_micros(this_midnight, r.start, zone),
                      _wall_micros(this_midnight, r.end, zone)) for r in rule.ranges]
        added = False
        for start, end in pairs:
            if end > start and end > earliest:
                found.append((start, end))
                added = True
        if added:
            workdays.append(day)
    return found, workdays


def _wall_micros(midnight: datetime, minutes: int, zone: tzinfo) -> int:
    wall = midnight + timedelta(minutes=minutes)
    offset = zone.utcoffset(wall)
    assert offset is not None
    return (wall - _NAIVE_EPOCH - offset) // _MICRO


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch (UTC) of an aware datetime."""
    try:
        return (moment - _EPOCH) // _MICRO
    except TypeError:
        raise ValueError(f"moment {moment.isoformat()} has no time zone") from None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC)
