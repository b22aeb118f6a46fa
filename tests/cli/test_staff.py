"""`kimbot staff add`, `kimbot staff workplace` and `kimbot offices booking-rules`."""

from __future__ import annotations

import pytest

from bot.catalogue.samples import RBK
from storage.models import CaseManagerWorkplace, OfficeBookingRules, StaffMember
from tests.support.cli import invoke, stored

WORKPLACE = ["staff", "workplace", "--telegram-id", "501", "--office", "kim-odenthal",
             "--towns", "odenthal,kuerten", "--working-hours", "Mo-Fr 08:00-12:00,13:00-16:00"]


@pytest.fixture
def prepared(tmp_path):
    assert invoke(["db", "upgrade"], tmp_path).exit_code == 0
    assert invoke(["offices", "import", str(RBK)], tmp_path).exit_code == 0
    added = invoke(["staff", "add", "--telegram-id", "501", "--name", "S. Kaya",
                    "--role", "case_manager"], tmp_path)
    assert added.exit_code == 0, added.output
    assert "S. Kaya registered as case_manager" in added.output
    return tmp_path


def test_staff_add_checks_role_name_and_duplicates(prepared):
    again = invoke(["staff", "add", "--telegram-id", "501", "--name", "X", "--role", "admin"],
                   prepared)
    assert again.exit_code != 0 and "already registered (case_manager)" in again.output
    bad_role = invoke(["staff", "add", "--telegram-id", "502", "--name", "X", "--role", "boss"],
                      prepared)
    assert bad_role.exit_code != 0 and "boss" in bad_role.output
    empty = invoke(["staff", "add", "--telegram-id", "503", "--name", " ", "--role",
                    "volunteer"], prepared)
    assert empty.exit_code != 0 and "1 to 100 characters" in empty.output
    assert [(m.telegram_id, m.role) for m in stored(prepared, StaffMember)] == [
        (501, "case_manager")]


def test_workplace_is_added_then_updated(prepared):
    first = invoke(WORKPLACE, prepared)
    assert first.exit_code == 0, first.output
    assert "Workplace at kim-odenthal added" in first.output
    [workplace] = stored(prepared, CaseManagerWorkplace)
    assert (workplace.towns, workplace.working_hours, workplace.consultation_hours) == (
        ["odenthal", "kuerten"], "Mo-Fr 08:00-12:00,13:00-16:00", None)
    second = invoke([*WORKPLACE[:6], "--towns", "odenthal", "--working-hours", "Tu 09:00-12:00",
                     "--consultation-hours", "Tu 10:00-11:00"], prepared)
    assert "updated" in second.output
    [workplace] = stored(prepared, CaseManagerWorkplace)
    assert (workplace.towns, workplace.working_hours, workplace.consultation_hours) == (
        ["odenthal"], "Tu 09:00-12:00", "Tu 10:00-11:00")


@pytest.mark.parametrize(("change", "problem"), [
    ({"--telegram-id": "999"}, "no staff member with Telegram id 999"),
    ({"--office": "kim-nowhere"}, "unknown office 'kim-nowhere'"),
    ({"--towns": "odenthal,atlantis"}, "unknown town(s) in the office's region 'rbk': atlantis"),
    ({"--towns": " , "}, "--towns needs at least one town id"),
    ({"--working-hours": "Mo-Fr 8-12"}, "--working-hours:"),
    ({"--working-hours": "Mo-Fr 08:00-12:00; Tu " + "x" * 500}, "too long"),
])
def test_workplace_refuses_bad_input_and_writes_nothing(prepared, change, problem):
    args = list(WORKPLACE)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    result = invoke(args, prepared)
    assert result.exit_code != 0
    assert problem in result.output
    assert stored(prepared, CaseManagerWorkplace) == []


def test_bad_consultation_hours_are_refused(prepared):
    result = invoke([*WORKPLACE, "--consultation-hours", "sometimes"], prepared)
    assert result.exit_code != 0 and "--consultation-hours:" in result.output
    assert stored(prepared, CaseManagerWorkplace) == []


def test_booking_rules_upsert_keeps_what_is_left_out(prepared):
    first = invoke(["offices", "booking-rules", "--office", "kim-odenthal",
                    "--first-interview-minutes", "90"], prepared)
    assert first.exit_code == 0, first.output
    assert ("first interview 90 min, follow-up 30 min, buffer 10 min, lead time 120 min"
            in first.output)
    invoke(["offices", "booking-rules", "--office", "kim-odenthal", "--buffer-minutes", "0",
            "--lead-time-minutes", "60"], prepared)
    [rules] = stored(prepared, OfficeBookingRules)
    assert (rules.first_interview_minutes, rules.follow_up_minutes, rules.buffer_minutes,
            rules.lead_time_minutes) == (90, 30, 0, 60)


def test_an_office_sets_its_reminder_times_or_none(prepared):
    result = invoke(["offices", "booking-rules", "--office", "kim-odenthal",
                     "--reminder-minutes", "120, 2880"], prepared)
    assert result.exit_code == 0 and "reminders 2880, 120 min before" in result.output
    assert stored(prepared, OfficeBookingRules)[0].reminder_minutes == [2880, 120]
    invoke(["offices", "booking-rules", "--office", "kim-odenthal", "--reminder-minutes",
            "none"], prepared)
    assert stored(prepared, OfficeBookingRules)[0].reminder_minutes == []


def test_an_office_sets_its_notice_for_cancelling_and_its_channels(prepared):
    result = invoke(["offices", "booking-rules", "--office", "kim-odenthal",
                     "--cancel-notice-minutes", "2880", "--no-late-cancel",
                     "--channels", "phone,video"], prepared)
    assert result.exit_code == 0, result.output
    assert ("cancel notice 2880 min (later: phone only), follow-ups in_person, phone, video"
            in result.output)
    [rules] = stored(prepared, OfficeBookingRules)
    assert (rules.cancel_notice_minutes, rules.late_cancel, rules.channels) == (
        2880, False, ["in_person", "phone", "video"])
    invoke(["offices", "booking-rules", "--office", "kim-odenthal", "--late-cancel"], prepared)
    [rules] = stored(prepared, OfficeBookingRules)
    assert (rules.cancel_notice_minutes, rules.late_cancel) == (2880, True)


def test_new_rules_start_with_a_day_of_notice_and_in_person_only(prepared):
    result = invoke(["offices", "booking-rules", "--office", "kim-odenthal",
                     "--buffer-minutes", "5"], prepared)
    assert "cancel notice 1440 min (later: taken, case manager told), follow-ups in_person" in (
        result.output)


@pytest.mark.parametrize(("args", "problem"), [
    (["--office", "kim-odenthal", "--channels", "phone,fax"], "not fax"),
    (["--office", "kim-odenthal", "--cancel-notice-minutes", "-1"],
     "--cancel-notice-minutes must be between 0 and 20160, not -1"),
    (["--office", "nowhere"], "unknown office 'nowhere'"),
    (["--office", "kim-odenthal", "--follow-up-minutes", "0"],
     "--follow-up-minutes must be between 5 and 720, not 0"),
    (["--office", "kim-odenthal", "--buffer-minutes", "-5"], "--buffer-minutes must be"),
    (["--office", "kim-odenthal", "--lead-time-minutes", "99999"], "--lead-time-minutes must"),
    (["--office", "kim-odenthal", "--first-interview-minutes", "sixty"], "sixty"),
    (["--office", "kim-odenthal", "--reminder-minutes", "1440,abends"], "1440,abends"),
    (["--office", "kim-odenthal", "--reminder-minutes", "5"], "15 to 10080 minutes"),
    (["--office", "kim-odenthal", "--reminder-minutes", "60,120,180,240"], "1 to 3"),
])
def test_booking_rules_refuse_bad_values(prepared, args, problem):
    result = invoke(["offices", "booking-rules", *args], prepared)
    assert result.exit_code != 0 and problem in result.output
    assert stored(prepared, OfficeBookingRules) == []
