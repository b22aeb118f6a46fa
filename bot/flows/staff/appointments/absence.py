"""/abwesend: block a day, several days or a time range, and delete blocked times.

The free-slot engine leaves absences out of new bookings; appointments already booked inside a
new absence stay and are listed with cancel buttons, since only the case manager knows whether
a colleague takes them over or the person has to be told.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.staff import audit_trail, steps
from bot.flows.staff.appointments.lines import client_name, dated_line
from bot.flows.staff.local_days import day_bounds, day_de, hhmm, local_date
from bot.flows.staff.period import Period, PeriodError, parse_period
from storage import waitlist
from storage.models import Absence, StaffMember
from storage.staff_agenda import (
    add_absence,
    delete_absence,
    open_overlapping,
    upcoming_absences,
)

ASK = ("Abwesenheit eintragen: Schreiben Sie den Zeitraum, zum Beispiel\n"
       "24.12. (ganzer Tag)\n24.12.-31.12. (mehrere Tage)\n24.12. 13:00-16:00 (Uhrzeit)\n"
       "Die Jahreszahl ist freiwillig (24.12.2026). /abbrechen beendet die Eingabe.")
CURRENT = "Ihre eingetragenen Abwesenheiten:"
NONE_YET = "Sie haben keine Abwesenheiten eingetragen."
TODAY_BUTTON = "Heute ganztags"
TOMORROW_BUTTON = "Morgen ganztags"
REFUSED = "{problem} Es wurde nichts eingetragen. Bitte noch einmal, z. B. 24.12. oder " \
          "24.12.-31.12. oder 24.12. 13:00-16:00 – oder /abbrechen."
SAVED = ("Eingetragen: abwesend {period}. In dieser Zeit werden Ihnen keine neuen Termine "
         "gebucht.")
CONFLICTS = ("Achtung: In dieser Zeit haben Sie noch {count} gebuchte(n) Termin(e). Sie "
             "bleiben bestehen, bis Sie sie absagen:")
DELETED = "Abwesenheit gelöscht. Die Zeit ist wieder buchbar."
NOT_YOURS = ("Diese Abwesenheit gibt es nicht (mehr) oder sie gehört nicht zu Ihnen. "
             "Es wurde nichts geändert.")
BAD_QUICK = "Diese Schaltfläche ist nicht mehr gültig. /abwesend zeigt Ihre Abwesenheiten."


async def start(ctx: FlowContext, member: StaffMember) -> Outcome:
    ctx.conversation.go(steps.ABSENCE_PERIOD)
    return Outcome([await _overview(ctx, member), _ask()])


async def typed_period(ctx: FlowContext, member: StaffMember) -> Outcome:
    try:
        period = parse_period(ctx.event.text, ctx.clock.now(), ctx.settings.timezone)
    except PeriodError as problem:
        return Outcome([Reply(REFUSED.format(problem=problem))])
    return await _save(ctx, member, period)


async def quick_day(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """"Heute ganztags" (0) / "Morgen ganztags" (1)."""
    if arg not in ("0", "1"):
        return Outcome([Reply(BAD_QUICK)])
    day = local_date(ctx.clock.now(), ctx.settings.timezone) + timedelta(days=int(arg))
    start, end = day_bounds(day, ctx.settings.timezone)
    return await _save(ctx, member, Period(start, end, day, day))


async def remove(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    if not arg.isdigit() or len(arg) > 12:
        return Outcome([Reply(NOT_YOURS)])
    if not await delete_absence(ctx.session, int(arg), member.id):
        return Outcome([Reply(NOT_YOURS)])
    # The time is bookable again: people waiting in the member's towns look again.
    await waitlist.staff_time_freed(ctx.session, member.id, ctx.clock.now())
    return Outcome([Reply(DELETED), await _overview(ctx, member)])


async def _save(ctx: FlowContext, member: StaffMember, period: Period) -> Outcome:
    await add_absence(ctx.session, member.id, period.starts_at, period.ends_at, ctx.clock.now())
    ctx.conversation.go("")
    replies = [Reply(SAVED.format(period=describe(period)))]
    warning = await _conflicts(ctx, member, period)
    return Outcome(replies + ([warning] if warning else []))


async def _conflicts(ctx: FlowContext, member: StaffMember, period: Period) -> Reply | None:
    """Open appointments still to come inside the new absence, with cancel buttons."""
    now, timezone = ctx.clock.now(), ctx.settings.timezone
    found = [(appointment, client) for appointment, client
             in await open_overlapping(ctx.session, member.id, period.starts_at, period.ends_at)
             if appointment.starts_at > now]
    if not found:
        return None
    audit_trail.seen(ctx, member, (client.id for _, client in found), "appointments.clash")
    text = "\n".join([CONFLICTS.format(count=len(found)),
                      *(dated_line(a, c, timezone) for a, c in found)])
    buttons = [(Button(f"{a.starts_at.astimezone(ZoneInfo(timezone)):%d.%m. %H:%M} "
                       f"{client_name(c)[:20]} absagen", action("cancel", str(a.id))),)
               for a, c in found]
    return Reply(text, tuple(buttons))


def describe(period: Period) -> str:
    if period.times is not None:
        start, end = period.times
        return f"am {day_de(period.first_day)}, {start:%H:%M}–{end:%H:%M} Uhr"
    if period.first_day == period.last_day:
        return f"am {day_de(period.first_day)} (ganztags)"
    return f"vom {day_de(period.first_day)} bis {day_de(period.last_day)} (ganztags)"


async def _overview(ctx: FlowContext, member: StaffMember) -> Reply:
    found = await upcoming_absences(ctx.session, member.id, ctx.clock.now())
    if not found:
        return Reply(NONE_YET)
    timezone = ctx.settings.timezone
    lines = [CURRENT, *(f"• {_absence_text(a, timezone)}" for a in found)]
    buttons = [(Button(f"Löschen: {_absence_text(a, timezone)}"[:60],
                       action("absence_del", str(a.id))),) for a in found]
    return Reply("\n".join(lines), tuple(buttons))


def _absence_text(absence: Absence, timezone: str) -> str:
    first = local_date(absence.starts_at, timezone)
    last = local_date(absence.ends_at - timedelta(microseconds=1), timezone)
    whole = (day_bounds(first, timezone)[0] == absence.starts_at
             and day_bounds(last, timezone)[1] == absence.ends_at)
    if whole:
        return day_de(first) if first == last else f"{day_de(first)} – {day_de(last)}"
    end_day = "" if first == last else f"{day_de(last)} "
    return (f"{day_de(first)} {hhmm(absence.starts_at, timezone)}–"
            f"{end_day}{hhmm(absence.ends_at, timezone)} Uhr")


def _ask() -> Reply:
    return Reply(ASK, rows([Button(TODAY_BUTTON, action("absence_day", "0")),
                            Button(TOMORROW_BUTTON, action("absence_day", "1"))]))
