"""Free appointment slots: weekly hours, consultation hours, absences, NRW holidays, buffers, the
clock changes of 2026 (29 March, 25 October), lead time, the 14-day horizon. Fixed datetimes only:
no test reads the real clock."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.appointments.slots import SlotRules, _intervals, day_groups, free_slots, overlaps
from bot.catalogue.schedule import Schedule, is_public_holiday, parse

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
WEEKDAYS = parse("Mo-Fr 08:00-16:00")
# A week without public holidays: Monday 7 to Sunday 13 September 2026.
MONDAY = date(2026, 9, 7)


def at(day: date, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    """A wall-clock moment in Berlin."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN, fold=fold)


def rules(minutes: int = 30, *, buffer: int = 10, step: int = 30, lead: int = 120,
          days: int = 14) -> SlotRules:
    return SlotRules(duration=timedelta(minutes=minutes), buffer=timedelta(minutes=buffer),
                     step=timedelta(minutes=step), lead_time=timedelta(minutes=lead), days=days)


def times(slots: list[datetime], day: date) -> list[str]:
    """The local "HH:MM" start times of `day`."""
    return [f"{slot:%H:%M}" for slot in day_groups(slots, BERLIN).get(day, [])]


def grid(first: str, last: str, step: int = 30) -> list[str]:
    """ "08:00", "09:00" -> ["08:00", "08:30", "09:00"]."""
    start = datetime.strptime(first, "%H:%M")
    end = datetime.strptime(last, "%H:%M")
    found = []
    while start <= end:
        found.append(f"{start:%H:%M}")
        start += timedelta(minutes=step)
    return found


def check_shape(slots: list[datetime]) -> None:
    """Aware UTC datetimes, strictly ascending (so sorted and unique)."""
    assert all(slot.tzinfo is UTC for slot in slots)
    assert all(a < b for a, b in pairwise(slots))


# Weekly hours and the grid


def test_weekly_hours_give_every_grid_start_that_fits():
    working = parse("Mo-Th 08:00-12:00; Fr 08:00-10:00")
    slots = free_slots(working, at(MONDAY, 6), rules(days=7))
    check_shape(slots)
    groups = day_groups(slots, BERLIN)
    assert list(groups) == [MONDAY + timedelta(days=n) for n in range(5)]  # no weekend
    # The last slot ends when work ends: no buffer is kept from the end of working time.
    for n in range(4):
        assert times(slots, MONDAY + timedelta(days=n)) == grid("08:00", "11:30")
    assert times(slots, MONDAY + timedelta(days=4)) == ["08:00", "08:30", "09:00", "09:30"]


def test_sixty_minute_slots_on_a_thirty_minute_grid():
    slots = free_slots(parse("Mo 08:00-12:00"), at(MONDAY, 6), rules(60, days=1))
    assert times(slots, MONDAY) == grid("08:00", "11:00")  # 11:30 would end at 12:30


def test_the_grid_counts_from_the_start_of_each_working_interval():
    slots = free_slots(parse("Mo 08:15-10:00,13:00-14:00"), at(MONDAY, 6), rules(days=1))
    assert times(slots, MONDAY) == ["08:15", "08:45", "09:15", "13:00", "13:30"]


def test_an_interval_just_long_enough_for_one_slot():
    slots = free_slots(parse("Mo 08:00-08:30; Tu 08:00-08:29"), at(MONDAY, 6), rules(days=2))
    assert times(slots, MONDAY) == ["08:00"]
    assert times(slots, MONDAY + timedelta(days=1)) == []


def test_a_step_shorter_than_the_appointment():
    slots = free_slots(parse("Mo 08:00-09:00"), at(MONDAY, 6), rules(30, step=15, days=1))
    assert times(slots, MONDAY) == ["08:00", "08:15", "08:30"]


def test_an_empty_schedule_has_no_slots():
    assert free_slots(parse("Mo-Su off"), at(MONDAY, 6), rules()) == []
    # Only Saturdays, but the horizon (Monday to Friday) has none.
    assert free_slots(parse("Sa 08:00-12:00"), at(MONDAY, 6), rules(days=5)) == []
    assert free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=0)) == []


# Consultation hours


@pytest.mark.parametrize(("minutes", "buffer", "morning"), [
    (30, 10, []),  # 08:00-08:30 leaves no 10 minutes before the consultation at 08:30
    (20, 10, ["08:00"]),  # 08:00-08:20, then 10 minutes free: exactly fits
    (30, 0, ["08:00"]),
])
def test_consultation_hours_are_not_bookable(minutes, buffer, morning):
    consultation = parse("Mo-Fr 08:30-12:00")
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(minutes, buffer=buffer, days=1),
                       consultation=consultation)
    # After 12:00 the buffer pushes the first start to the next grid point after 12:10.
    afternoon = grid("12:30" if buffer else "12:00", "15:30")
    assert times(slots, MONDAY) == morning + afternoon


def test_consultation_on_one_weekday_only():
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=2),
                       consultation=parse("Tu 08:00-16:00"))
    assert times(slots, MONDAY) == grid("08:00", "15:30")
    assert times(slots, MONDAY + timedelta(days=1)) == []


# Absences


def test_a_full_day_absence():
    tuesday = MONDAY + timedelta(days=1)
    absent = (at(tuesday), at(tuesday + timedelta(days=1)))
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=3), absences=[absent])
    assert times(slots, MONDAY) == grid("08:00", "15:30")
    assert times(slots, tuesday) == []
    assert times(slots, tuesday + timedelta(days=1)) == grid("08:00", "15:30")


def test_an_absence_across_midnight():
    # Monday 15:00 to Tuesday 09:00, e.g. a trip; given in UTC.
    absent = (at(MONDAY, 15).astimezone(UTC), at(MONDAY + timedelta(days=1), 9).astimezone(UTC))
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=2), absences=[absent])
    assert times(slots, MONDAY) == grid("08:00", "14:00")  # 14:00-14:30, 10 min, 14:40 < 15:00
    assert times(slots, MONDAY + timedelta(days=1)) == grid("09:30", "15:30")  # 09:10 + grid


def test_an_absence_covering_part_of_a_slot():
    absent = (at(MONDAY, 10, 15), at(MONDAY, 10, 45))
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=1), absences=[absent])
    # 09:30-10:00 keeps 10:00-10:10 free before 10:15; 11:00 starts 15 minutes after 10:45.
    assert times(slots, MONDAY) == grid("08:00", "09:30") + grid("11:00", "15:30")


def test_the_buffer_also_keeps_off_blocked_time_just_outside_working_hours():
    early = (at(MONDAY, 7), at(MONDAY, 7, 55))  # ends 5 minutes before work starts
    late = (at(MONDAY, 16, 5), at(MONDAY, 17))  # starts 5 minutes after work ends
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=1), absences=[early], busy=[late])
    assert times(slots, MONDAY) == grid("08:30", "15:00")
    # Without the buffer both edges are free.
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(buffer=0, days=1), absences=[early],
                       busy=[late])
    assert times(slots, MONDAY) == grid("08:00", "15:30")


def test_absences_and_busy_far_outside_the_horizon_change_nothing():
    far = (at(MONDAY - timedelta(days=400), 8), at(MONDAY - timedelta(days=399), 8))
    later = (at(MONDAY + timedelta(days=30), 8), at(MONDAY + timedelta(days=31), 8))
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(), absences=[far, later], busy=[later])
    assert slots == free_slots(WEEKDAYS, at(MONDAY, 6), rules())


# Public holidays


def test_no_slots_on_fronleichnam_even_without_ph_off():
    monday = date(2026, 6, 1)
    assert is_public_holiday(date(2026, 6, 4))
    slots = free_slots(parse("Mo-Fr 08:00-10:00"), at(monday, 6), rules(days=7))
    assert sorted(day_groups(slots, BERLIN)) == [
        date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 5)]


def test_no_slots_at_christmas_even_on_a_seven_day_schedule():
    slots = free_slots(parse("Mo-Su 08:00-10:00"), at(date(2026, 12, 23), 6), rules(days=5))
    assert sorted(day_groups(slots, BERLIN)) == [
        date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 27)]


def test_ph_off_in_the_schedule_gives_the_same_result():
    slots = free_slots(parse("Mo-Fr 08:00-10:00; PH off"), at(date(2026, 6, 1), 6), rules(days=7))
    assert slots == free_slots(parse("Mo-Fr 08:00-10:00"), at(date(2026, 6, 1), 6),
                               rules(days=7))


# Buffers around existing appointments


@pytest.mark.parametrize(("busy_until", "buffer", "expected"), [
    ((9, 30), 10, ["08:00", "10:00", "10:30"]),  # 08:30 would end at 09:00: no 10 minutes left
    ((9, 30), 0, ["08:00", "08:30", "09:30", "10:00", "10:30"]),
    ((9, 45), 10, ["08:00", "10:00", "10:30"]),  # 09:55 <= 10:00
    ((9, 55), 10, ["08:00", "10:30"]),  # 10:00 would start only 5 minutes after
])
def test_a_buffer_is_kept_before_and_after_an_appointment(busy_until, buffer, expected):
    busy = [(at(MONDAY, 9), at(MONDAY, *busy_until))]
    slots = free_slots(parse("Mo 08:00-11:00"), at(MONDAY, 6), rules(buffer=buffer, days=1),
                       busy=busy)
    assert times(slots, MONDAY) == expected


def test_overlapping_and_unsorted_appointments():
    busy = [(at(MONDAY, 13), at(MONDAY, 14)), (at(MONDAY, 8), at(MONDAY, 9)),
            (at(MONDAY, 8, 30), at(MONDAY, 10)), (at(MONDAY, 12), at(MONDAY, 12))]  # last empty
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=1), busy=busy)
    assert times(slots, MONDAY) == grid("10:30", "12:00") + grid("14:30", "15:30")


def test_a_fully_booked_day():
    busy = [(at(MONDAY, 8) + n * 30 * MINUTE, at(MONDAY, 8) + (n + 1) * 30 * MINUTE)
            for n in range(16)]
    slots = free_slots(WEEKDAYS, at(MONDAY, 6), rules(days=2), busy=busy)
    assert times(slots, MONDAY) == []
    assert times(slots, MONDAY + timedelta(days=1)) == grid("08:00", "15:30")


# The clock changes


@pytest.mark.parametrize(("wednesday", "friday_utc", "monday_utc"), [
    (date(2026, 3, 25), "07:00", "06:00"),  # winter (UTC+1) -> summer (UTC+2) on Sunday 29 March
    (date(2026, 10, 21), "06:00", "07:00"),  # summer -> winter on Sunday 25 October
])
def test_local_times_stay_on_the_grid_in_a_week_with_a_clock_change(wednesday, friday_utc,
                                                                   monday_utc):
    slots = free_slots(parse("Mo-Fr 08:00-10:00"), at(wednesday, 6), rules(buffer=0, days=7))
    check_shape(slots)
    groups = day_groups(slots, BERLIN)
    assert len(groups) == 5  # We, Th, Fr, Mo, Tu
    for day in groups:
        assert times(slots, day) == ["08:00", "08:30", "09:00", "09:30"]
    friday, monday = wednesday + timedelta(days=2), wednesday + timedelta(days=5)
    assert f"{groups[friday][0].astimezone(UTC):%H:%M}" == friday_utc
    assert f"{groups[monday][0].astimezone(UTC):%H:%M}" == monday_utc


def test_the_night_the_clocks_go_back_has_an_hour_more():
    sunday = date(2026, 10, 25)
    slots = free_slots(parse("Su 01:00-05:00"), at(sunday, 0), rules(buffer=0, lead=0, days=1))
    # Five real hours: 02:00-03:00 happens twice.
    assert [f"{slot.astimezone(UTC):%H:%M}" for slot in slots] == grid("23:00", "23:30") + grid(
        "00:00", "03:30")
    assert times(slots, sunday) == ["01:00", "01:30", "02:00", "02:30", "02:00", "02:30",
                                    "03:00", "03:30", "04:00", "04:30"]


def test_the_night_the_clocks_go_forward_has_an_hour_less():
    sunday = date(2026, 3, 29)
    slots = free_slots(parse("Su 01:00-05:00"), at(sunday, 0), rules(buffer=0, lead=0, days=1))
    assert times(slots, sunday) == ["01:00", "01:30", "03:00", "03:30", "04:00", "04:30"]


def test_intervals_that_overlap_in_real_time_give_each_start_once():
    # On 29 March 02:30 does not exist and is read as 03:30 summer time (01:30 UTC), so the two
    # intervals overlap from 03:00 to 03:30 summer time.
    sunday = date(2026, 3, 29)
    slots = free_slots(parse("Su 01:00-02:30,03:00-04:00"), at(sunday, 0),
                       rules(buffer=0, lead=0, days=1))
    check_shape(slots)
    assert [f"{slot:%H:%M}" for slot in slots] == ["00:00", "00:30", "01:00", "01:30"]


def test_an_appointment_in_the_repeated_hour_blocks_only_its_own_occurrence():
    # Python compares two Berlin datetimes by wall time: 02:00 (summer) == 02:00 (winter) there.
    sunday = date(2026, 10, 25)
    second = (at(sunday, 2, fold=1), at(sunday, 2, 30, fold=1))  # 02:00-02:30 winter time
    slots = free_slots(parse("Su 01:00-05:00"), at(sunday, 0), rules(buffer=0, lead=0, days=1),
                       busy=[second])
    assert [f"{slot.astimezone(UTC):%H:%M}" for slot in slots] == [
        "23:00", "23:30", "00:00", "00:30", "01:30", "02:00", "02:30", "03:00", "03:30"]


# Lead time and the past


def test_lead_time_moves_the_first_slot_to_the_next_grid_point():
    slots = free_slots(WEEKDAYS, at(MONDAY, 9, 10), rules(days=1))
    assert slots[0] == at(MONDAY, 11, 30).astimezone(UTC)  # 09:10 + 2 h = 11:10 -> 11:30
    assert times(slots, MONDAY) == grid("11:30", "15:30")


def test_a_start_exactly_at_now_plus_lead_time_is_offered():
    slots = free_slots(WEEKDAYS, at(MONDAY, 9, 30), rules(days=1))
    assert times(slots, MONDAY)[0] == "11:30"


def test_never_in_the_past():
    slots = free_slots(WEEKDAYS, at(MONDAY, 9, 10), rules(lead=0, days=1))
    assert times(slots, MONDAY) == grid("09:30", "15:30")
    slots = free_slots(WEEKDAYS, at(MONDAY, 17), rules(lead=0, days=2))
    assert times(slots, MONDAY) == []
    assert times(slots, MONDAY + timedelta(days=1)) == grid("08:00", "15:30")


def test_lead_time_reaches_into_the_next_day():
    slots = free_slots(WEEKDAYS, at(MONDAY, 15), rules(lead=20 * 60, days=2))
    assert times(slots, MONDAY) == []
    assert times(slots, MONDAY + timedelta(days=1)) == grid("11:00", "15:30")


def test_the_first_day_is_now_s_local_date():
    # 23:30 UTC on Monday is 01:30 on Tuesday in Berlin: Tuesday is "today".
    now = datetime(2026, 9, 7, 23, 30, tzinfo=UTC)
    slots = free_slots(WEEKDAYS, now, rules(days=1))
    assert list(day_groups(slots, BERLIN)) == [MONDAY + timedelta(days=1)]


# The horizon


def test_fourteen_days_today_included_day_fifteen_excluded():
    slots = free_slots(parse("Mo-Su 08:00-09:00"), at(MONDAY, 6), rules())
    days = list(day_groups(slots, BERLIN))
    assert days == [MONDAY + timedelta(days=n) for n in range(14)]
    assert days[-1] == date(2026, 9, 20)
    longer = free_slots(parse("Mo-Su 08:00-09:00"), at(MONDAY, 6), rules(days=15))
    assert list(day_groups(longer, BERLIN))[-1] == date(2026, 9, 21)


# Against a plain reference: the sweep equals checking every grid point against every range


def reference(working: Schedule, now: datetime, slot_rules: SlotRules, *,
              consultation: Schedule | None = None, absences=(), busy=()) -> list[datetime]:
    """The rule of the module docstring, written the slow, obvious way."""
    first = now.astimezone(working.zone).date()
    earliest = now + slot_rules.lead_time
    found = []
    for n in range(slot_rules.days):
        day = first + timedelta(days=n)
        if is_public_holiday(day):
            continue
        blocked = list(absences) + list(busy)
        if consultation is not None:
            blocked += [(i.start, i.end) for i in consultation.intervals_on(day)]
        for interval in working.intervals_on(day):
            start = interval.start.astimezone(UTC)
            while start + slot_rules.duration <= interval.end.astimezone(UTC):
                end = start + slot_rules.duration
                if start >= earliest and not any(
                        overlaps(start - slot_rules.buffer, end + slot_rules.buffer, b0, b1)
                        for b0, b1 in blocked):
                    found.append(start)
                start += slot_rules.step
    return sorted(set(found))


@pytest.mark.parametrize("seed", range(12))
def test_same_as_the_reference(seed):
    rng = random.Random(seed)
    working = parse(rng.choice([
        "Mo-Th 08:00-12:00,13:00-16:00; Fr 08:00-12:30",
        "Mo-Fr 07:45-15:15; We[1] 10:00-18:00; 2026 Dec 24-31 off",
        "Mo,We,Fr 09:00-17:00; Su 00:00-24:00",
        "Tu-Sa 01:00-05:00,06:00-23:10",
    ]))
    consultation = rng.choice([None, parse("Mo-Fr 08:30-10:00"), parse("Tu 12:00-18:00")])
    start = rng.choice([date(2026, 3, 20), date(2026, 10, 18), date(2026, 12, 20),
                        date(2026, 5, 10)])
    now = at(start, rng.randrange(24), rng.randrange(60))
    slot_rules = rules(rng.choice([20, 30, 45, 60]), buffer=rng.choice([0, 5, 10, 15]),
                       step=rng.choice([15, 30]), lead=rng.choice([0, 120, 600]))

    def ranges(count: int, longest: int) -> list[tuple[datetime, datetime]]:
        found = []
        for _ in range(count):
            begin = now + rng.randrange(-2 * 24 * 60, 16 * 24 * 60) * MINUTE
            found.append((begin, begin + rng.randrange(5, longest) * MINUTE))
        return found

    absences, busy = ranges(4, 600), ranges(60, 90)
    got = free_slots(working, now, slot_rules, consultation=consultation, absences=absences,
                     busy=busy)
    check_shape(got)
    assert got == reference(working, now, slot_rules, consultation=consultation,
                            absences=absences, busy=busy)


@pytest.mark.parametrize("text", [
    "Mo-Fr 08:00-16:00; PH off",
    "Mo[1],We[-1] 09:00-12:00; Th 01:00-03:30,04:00-24:00; 2026 Oct 26-Nov 02 off",
    "Su 00:00-02:30,02:45-24:00; Sa 02:10-02:50",  # times the clocks skip or repeat
])
def test_the_fast_day_intervals_equal_the_schedule_s(text):
    schedule = parse(text)
    first = date(2026, 1, 1)
    got, _ = _intervals(schedule, first, 365, 0)
    expected = [(i.start.astimezone(UTC), i.end.astimezone(UTC))
                for n in range(365) if not is_public_holiday(day := first + timedelta(days=n))
                for i in schedule.intervals_on(day)]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert [(epoch + timedelta(microseconds=start), epoch + timedelta(microseconds=end))
            for start, end in got] == expected


# overlaps, day_groups, validation


def test_overlaps_is_half_open_and_compares_in_utc():
    assert overlaps(at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 9, 59), at(MONDAY, 11))
    assert not overlaps(at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 10), at(MONDAY, 11))
    assert not overlaps(at(MONDAY, 10), at(MONDAY, 11), at(MONDAY, 9), at(MONDAY, 10))
    assert overlaps(at(MONDAY, 9), at(MONDAY, 10),  # 07:30 UTC is 09:30 in Berlin
                    datetime(2026, 9, 7, 7, 30, tzinfo=UTC), datetime(2026, 9, 7, 8, tzinfo=UTC))
    assert not overlaps(at(MONDAY, 9), at(MONDAY, 9), at(MONDAY, 8), at(MONDAY, 10))  # empty
    sunday = date(2026, 10, 25)
    summer = (at(sunday, 2), at(sunday, 2, 30))
    winter = (at(sunday, 2, fold=1), at(sunday, 2, 30, fold=1))
    assert not overlaps(*summer, *winter)  # same wall times, an hour apart
    with pytest.raises(ValueError, match="time zone"):
        overlaps(datetime(2026, 9, 7, 9), at(MONDAY, 10), at(MONDAY, 9), at(MONDAY, 10))


def test_day_groups_by_local_day_in_order():
    late = datetime(2026, 9, 7, 22, 30, tzinfo=UTC)  # 00:30 on Tuesday in Berlin
    early = datetime(2026, 9, 7, 6, tzinfo=UTC)  # 08:00 on Monday
    groups = day_groups([late, early, early + timedelta(hours=1)], "Europe/Berlin")
    assert list(groups) == [MONDAY, MONDAY + timedelta(days=1)]
    assert [f"{slot:%H:%M}" for slot in groups[MONDAY]] == ["08:00", "09:00"]
    assert groups[MONDAY + timedelta(days=1)] == [late]  # the same instant, in Berlin time
    assert groups[MONDAY + timedelta(days=1)][0].tzinfo is BERLIN
    assert day_groups([], BERLIN) == {}


@pytest.mark.parametrize("changes", [
    {"duration": timedelta(0)},
    {"step": timedelta(0)},
    {"buffer": -MINUTE},
    {"lead_time": -MINUTE},
    {"days": -1},
])
def test_slot_rules_reject_nonsense(changes):
    with pytest.raises(ValueError):
        SlotRules(**{"duration": timedelta(minutes=30), **changes})


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        free_slots(WEEKDAYS, datetime(2026, 9, 7, 6), rules())
    with pytest.raises(ValueError, match="aware"):
        free_slots(WEEKDAYS, at(MONDAY, 6), rules(),
                   busy=[(datetime(2026, 9, 7, 9), datetime(2026, 9, 7, 10))])
