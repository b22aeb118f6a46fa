"""Opening hours as short lines a person reads in their own language.

    describe(parse('Mo-Fr 08:30-12:00; Tu 16:00-18:00 "Begegnungscafé"; PH off'), "de")
    -> ["Mo. und Mi.–Fr.: 08:30–12:00", "Di.: 16:00–18:00 (Begegnungscafé)",
        "An Feiertagen geschlossen"]

Weekdays with the same hours share a line; weekday and month names come from Babel (CLDR). The
few phrases CLDR lacks (the nth weekday of the month, "closed", "closed on public holidays") are
kept here per language, because this module must not depend on the gettext catalogs yet. Times,
dates and comments are wrapped in Unicode isolates in right-to-left languages, so "08:30–12:00"
is not reordered inside Arabic text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_interval, format_skeleton, get_day_names
from babel.lists import format_list

from bot.catalogue.schedule import (
    EVERY,
    DateClosure,
    Schedule,
    WeekdayRule,
    hhmm,
    nth_order,
    weekday_runs,
)
from bot.i18n import isolate


@dataclass(frozen=True)
class _Phrases:
    nth: str  # the nth weekday of the month, with {ordinal} and {day} (an abbreviated name)
    # Ordinals 1-4 and -1 (last), per grammatical gender ("" where they don't agree).
    ordinals: dict[str, dict[int, str]]
    public_holidays: str
    closed: str
    genders: str = ""  # the gender of each weekday Mo..Su, keys of `ordinals`


def _same(first: str, second: str, third: str, fourth: str, last: str) -> dict[str, dict[int, str]]:
    return {"": {1: first, 2: second, 3: third, 4: fourth, -1: last}}


# machine-drafted, needs native review (German and English excepted); least sure: ps, ku, ti, so.
_PHRASES: dict[str, _Phrases] = {
    "de": _Phrases("{ordinal} {day} im Monat", _same("1.", "2.", "3.", "4.", "letzter"),
                   "An Feiertagen geschlossen", "geschlossen"),
    "en": _Phrases("{ordinal} {day} of the month", _same("1st", "2nd", "3rd", "4th", "last"),
                   "Closed on public holidays", "closed"),
    "ar": _Phrases("{day} {ordinal} من الشهر",
                   _same("الأول", "الثاني", "الثالث", "الرابع", "الأخير"),
                   "مغلق في العطل الرسمية", "مغلق"),
    "uk": _Phrases("{ordinal} {day} місяця",
                   {"m": {1: "перший", 2: "другий", 3: "третій", 4: "четвертий", -1: "останній"},
                    "f": {1: "перша", 2: "друга", 3: "третя", 4: "четверта", -1: "остання"}},
                   "У святкові дні зачинено", "зачинено", genders="mmfmfff"),
    "ru": _Phrases("{ordinal} {day} месяца",
                   {"m": {1: "первый", 2: "второй", 3: "третий", 4: "четвёртый", -1: "последний"},
                    "f": {1: "первая", 2: "вторая", 3: "третья", 4: "четвёртая", -1: "последняя"},
                    "n": {1: "первое", 2: "второе", 3: "третье", 4: "четвёртое", -1: "последнее"}},
                   "В праздничные дни закрыто", "закрыто", genders="mmfmffn"),
    "fa": _Phrases("{ordinal} {day} ماه", _same("اولین", "دومین", "سومین", "چهارمین", "آخرین"),
                   "در تعطیلات رسمی بسته است", "بسته"),
    "ps": _Phrases("د میاشتې {ordinal} {day}",
                   _same("لومړۍ", "دوهمه", "درېیمه", "څلورمه", "وروستۍ"),
                   "په رسمي رخصتیو کې بند دی", "بند"),
    "tr": _Phrases("ayın {ordinal} {day}", _same("ilk", "ikinci", "üçüncü", "dördüncü", "son"),
                   "Resmî tatillerde kapalı", "kapalı"),
    "ku": _Phrases("{ordinal} {day} di mehê de",
                   _same("yekemîn", "duyemîn", "sêyemîn", "çaremîn", "dawîn"),
                   "Di betlaneyên fermî de girtî ye", "girtî"),
    "ti": _Phrases("{ordinal} {day} ናይ ወርሒ",
                   _same("ቀዳማይ", "ካልኣይ", "ሳልሳይ", "ራብዓይ", "ናይ መወዳእታ"),
                   "ኣብ ህዝባዊ በዓላት ዕጹው", "ዕጹው"),
    "fr": _Phrases("{ordinal} {day} du mois", _same("1er", "2e", "3e", "4e", "dernier"),
                   "Fermé les jours fériés", "fermé"),
    "so": _Phrases("{day} {ordinal} ee bisha",
                   _same("koowaad", "labaad", "saddexaad", "afraad", "ugu dambeysa"),
                   "Xiran maalmaha fasaxa dadweynaha", "xiran"),
    "ro": _Phrases("{ordinal} {day} din lună",
                   _same("prima", "a doua", "a treia", "a patra", "ultima"),
                   "Închis în zilele de sărbătoare legală", "închis"),
    "bg": _Phrases("{ordinal} {day} от месеца",
                   {"m": {1: "първи", 2: "втори", 3: "трети", 4: "четвърти", -1: "последен"},
                    "f": {1: "първа", 2: "втора", 3: "трета", 4: "четвърта", -1: "последна"}},
                   "Затворено в официалните празници", "затворено", genders="mmfmmff"),
}


@dataclass(frozen=True)
class _Style:
    """How one language writes: its locale, direction, phrases and weekday names."""

    locale: Locale
    rtl: bool
    phrases: _Phrases
    day_names: dict[int, str]  # 0 = Monday

    @classmethod
    def of(cls, code: str) -> _Style:
        locale = Locale.parse(code)
        return cls(locale, locale.character_order == "right-to-left",
                   _PHRASES.get(locale.language, _PHRASES["en"]),
                   dict(get_day_names("abbreviated", locale=locale)))

    def isolated(self, value: str) -> str:
        return isolate(value, self.rtl)

    def join(self, parts: list[str]) -> str:
        return format_list(parts, locale=self.locale)


def describe(schedule: Schedule, locale: str, *, today: date | None = None) -> list[str]:
    """One line per group of weekdays with the same hours, then the nth weekdays of the month
    that differ, public holidays and closed dates (those over before `today` left out)."""
    style = _Style.of(locale)
    weekly = [schedule.rule_for_weekday(weekday) for weekday in range(7)]
    lines = _weekly_lines(weekly, style) + _monthly_lines(schedule, weekly, style)
    if schedule.closes_on_public_holidays:
        lines.append(style.phrases.public_holidays)
    for closure in schedule.date_closures:
        if today is None or closure.every_year or closure.last >= today:
            lines.append(f"{_capitalized(style.phrases.closed)}: {_dates(closure, style)}")
    return lines


def _weekly_lines(weekly: list[WeekdayRule | None], style: _Style) -> list[str]:
    groups: dict[str, list[int]] = {}  # hours -> weekdays; dicts keep the first weekday's order
    for weekday, rule in enumerate(weekly):
        if rule is not None and rule.ranges:
            groups.setdefault(_hours(rule, style), []).append(weekday)
    return [f"{_weekdays(weekdays, style)}: {hours}" for hours, weekdays in groups.items()]


def _monthly_lines(schedule: Schedule, weekly: list[WeekdayRule | None],
                   style: _Style) -> list[str]:
    nths = {(weekday, nth) for rule in schedule.rules if isinstance(rule, WeekdayRule)
            for weekday, nth in rule.days if nth != EVERY}
    groups: dict[str, list[str]] = {}  # hours -> "1st Mon of the month", ...
    for weekday, nth in sorted(nths, key=lambda key: (key[0], nth_order(key[1]))):
        rule = schedule.rule_for_weekday(weekday, nth)
        if _opening(rule) == _opening(weekly[weekday]):
            continue  # a later weekly rule overrode it, or it repeats the weekly hours
        hours = _hours(rule, style) if rule and rule.ranges else style.phrases.closed
        groups.setdefault(hours, []).append(_nth_weekday(weekday, nth, style))
    return [f"{style.join(labels)}: {hours}" for hours, labels in groups.items()]


def _opening(rule: WeekdayRule | None) -> object:
    """What a rule means for a day's hours: closed days all look alike."""
    return (rule.ranges, rule.comment) if rule and rule.ranges else None


def _hours(rule: WeekdayRule, style: _Style) -> str:
    separator = "، " if style.rtl else ", "
    times = separator.join(style.isolated(f"{hhmm(r.start)}–{hhmm(r.end)}") for r in rule.ranges)
    # The comment is kept as written: a German place name people will look for on a sign.
    return f"{times} ({style.isolated(rule.comment)})" if rule.comment else times


def _weekdays(weekdays: list[int], style: _Style) -> str:
    """"Mo.–Mi. und Fr.": runs of three or more days as a range."""
    parts = []
    for run in weekday_runs(weekdays):
        if len(run) >= 3:
            parts.append(f"{style.day_names[run[0]]}–{style.day_names[run[-1]]}")
        else:
            parts.extend(style.day_names[weekday] for weekday in run)
    return style.join(parts)


def _nth_weekday(weekday: int, nth: int, style: _Style) -> str:
    phrases = style.phrases
    gender = phrases.genders[weekday] if phrases.genders else ""
    return phrases.nth.format(ordinal=phrases.ordinals[gender][nth],
                              day=style.day_names[weekday])


def _dates(closure: DateClosure, style: _Style) -> str:
    skeleton = "MMMd" if closure.every_year else "yMMMd"
    if closure.first == closure.last:
        text = format_skeleton(skeleton, closure.first, locale=style.locale)
    else:
        text = format_interval(closure.first, closure.last, skeleton, locale=style.locale)
    return style.isolated(text)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
