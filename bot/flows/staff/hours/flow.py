"""/zeiten: see and change the weekly hours in which people can book a case manager, per
workplace (an office and the towns served from there); a member without a workplace picks the
office first, so a newly invited case manager gets bookings without the command line.

Changing: the member writes the week in German; every problem is named and nothing changes.
Before saving, the new hours are shown in German together with the booked appointments that
would lie outside them (they stay until cancelled, like appointments in a new absence).
Saving tells the waiting list: new hours may free times for people waiting in those towns.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.appointments.hours_de import (
    EXAMPLE,
    Week,
    WeekError,
    parse_week,
    schedule_de,
    stored_week,
    to_schedule,
    week_de,
)
from bot.catalogue.model import ALL_TOWNS, Office
from bot.catalogue.routing import KIM, CatalogueIndex
from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.staff import audit_trail, steps
from bot.flows.staff.appointments.lines import client_name, dated_line
from storage import waitlist
from storage.models import Appointment, CaseManagerWorkplace, Client, StaffMember
from storage.staff_agenda import open_overlapping

OVERVIEW = "Ihre buchbaren Zeiten (hier buchen Ratsuchende Termine bei Ihnen):"
NO_WORKPLACE = ("Sie haben noch keinen Arbeitsort mit Zeiten: Ratsuchende können bei Ihnen noch "
                "keine Termine buchen. Wählen Sie Ihr Büro:")
CONSULTATION = "   Offene Sprechstunde (nicht buchbar): {hours}"
FOR_TOWNS = "   für: {towns}"
BUTTON_EDIT = "Ändern: {office}"
BUTTON_NEW = "Weiteren Arbeitsort hinzufügen"
CHOOSE_OFFICE = "Für welches Büro möchten Sie Zeiten eintragen?"
NO_OFFICES = ("Im Angebotskatalog gibt es für Ihre Orte kein KIM-Büro. Bitte wenden Sie sich an "
              "die Koordination.")
NO_TOWNS = ("Für {office} ist kein Ort festgelegt, für den Sie arbeiten. Bitte wenden Sie sich "
            "an die Koordination (Orte: kimbot staff update --towns).")
ASK = ("Arbeitszeiten für {office}: Schreiben Sie Ihre Wochenzeiten, zum Beispiel\n"
       f"{EXAMPLE}\n"
       "Mehrere Zeiten an einem Tag: Di 09:00-12:00, 14:00-16:00. „keine“ heißt: keine "
       "buchbaren Zeiten. An Feiertagen wird nie gebucht. /abbrechen beendet die Eingabe.")
NOW = "Bisher: {hours}"
REFUSED = "Das kann ich so nicht speichern:\n{problems}\nBitte noch einmal – oder /abbrechen."
CHECK = "Neue Zeiten für {office}:\n{hours}"
SAME = "Das sind die bisherigen Zeiten; es ändert sich nichts."
CLASHES = ("⚠️ {count} gebuchte(r) Termin(e) liegen außerhalb der neuen Zeiten. Sie bleiben "
           "bestehen, bis Sie sie absagen:")
NO_CLASHES = "Keine gebuchten Termine liegen außerhalb der neuen Zeiten."
BUTTON_SAVE = "Speichern"
BUTTON_AGAIN = "Anders eingeben"
SAVED = ("✅ Gespeichert: {office}\n{hours}\nNeue Termine werden ab jetzt in diesen Zeiten "
         "gebucht.")
GONE = "Dieser Arbeitsort gehört nicht (mehr) zu Ihnen. Es wurde nichts geändert. /zeiten"
ABORT = Button("Abbrechen", action("abort"))


async def show(ctx: FlowContext, member: StaffMember) -> Outcome:
    """/zeiten: the hours of every workplace, each with a change button."""
    ctx.conversation.go("")
    index = await ctx.catalogue.index(ctx.session)
    mine = await _workplaces(ctx, member)
    if not mine:
        return Outcome([_choose_office(ctx, member, index, NO_WORKPLACE, mine)])
    timezone = ctx.settings.timezone
    lines = [OVERVIEW]
    for workplace in mine:
        lines += ["", f"🏢 {index.office_name(workplace.office_id)}",
                  "   " + schedule_de(workplace.working_hours, timezone),
                  FOR_TOWNS.format(towns=_towns(index, workplace.towns))]
        if workplace.consultation_hours:
            lines.append(CONSULTATION.format(
                hours=schedule_de(workplace.consultation_hours, timezone)))
    buttons = [(Button(BUTTON_EDIT.format(office=index.office_name(w.office_id))[:60],
                       action("zt_edit", str(w.id))),) for w in mine]
    if _offices(member, index, mine):
        buttons.append((Button(BUTTON_NEW, action("zt_new")),))
    return Outcome([Reply("\n".join(lines), tuple(buttons))])


async def edit(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """"Ändern: <office>": ask for the new week."""
    workplace = await _own(ctx, member, arg)
    if workplace is None:
        return Outcome([Reply(GONE)])
    index = await ctx.catalogue.index(ctx.session)
    ctx.conversation.go(steps.HOURS_TEXT, workplace=workplace.id)
    now = schedule_de(workplace.working_hours, ctx.settings.timezone)
    text = "\n\n".join([ASK.format(office=index.office_name(workplace.office_id)),
                        NOW.format(hours=now)])
    return Outcome([Reply(text, rows([ABORT]))])


async def new(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """"Weiteren Arbeitsort hinzufügen": the offices to choose from."""
    if arg:
        return Outcome([Reply(GONE)])
    index = await ctx.catalogue.index(ctx.session)
    return Outcome([_choose_office(ctx, member, index, CHOOSE_OFFICE,
                                   await _workplaces(ctx, member))])


async def choose_office(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    index = await ctx.catalogue.index(ctx.session)
    office = index.offices.get(arg)
    mine = await _workplaces(ctx, member)
    if office is None or office not in _offices(member, index, mine):
        return Outcome([Reply(GONE)])
    if not _new_towns(member, index, office):
        return Outcome([Reply(NO_TOWNS.format(office=office.name))])
    ctx.conversation.go(steps.HOURS_TEXT, office=office.id)
    return Outcome([Reply(ASK.format(office=office.name), rows([ABORT]))])


async def typed(ctx: FlowContext, member: StaffMember) -> Outcome:
    """The week as written: problems named, or the new hours with the clashes to confirm."""
    target = await _target(ctx, member)
    if target is None:
        ctx.conversation.go("")
        return Outcome([Reply(GONE)])
    workplace, office_id = target
    try:
        week = parse_week(ctx.event.text)
    except WeekError as error:
        problems = "\n".join(f"• {problem}" for problem in error.problems)
        return Outcome([Reply(REFUSED.format(problems=problems), rows([ABORT]))])
    index = await ctx.catalogue.index(ctx.session)
    data = {"workplace": workplace.id} if workplace else {"office": office_id}
    ctx.conversation.go(steps.HOURS_CONFIRM, **data, hours=to_schedule(week))
    lines = [CHECK.format(office=index.office_name(office_id), hours=week_de(week))]
    if workplace is not None and stored_week(workplace.working_hours,
                                             ctx.settings.timezone) == week:
        lines.append(SAME)
    clashes = await _clashes(ctx, member, office_id, week) if workplace is not None else []
    buttons: list[tuple[Button, ...]] = [(Button(BUTTON_SAVE, action("zt_save")),),
                                         (Button(BUTTON_AGAIN, action("zt_again")), ABORT)]
    if clashes:
        audit_trail.seen(ctx, member, (client.id for _, client in clashes),
                         "appointments.clash")
        timezone = ctx.settings.timezone
        lines += ["", CLASHES.format(count=len(clashes)),
                  *(dated_line(a, c, timezone) for a, c in clashes)]
        buttons += [(Button(f"{a.starts_at.astimezone(ZoneInfo(timezone)):%d.%m. %H:%M} "
                            f"{client_name(c)[:20]} absagen", action("cancel", str(a.id))),)
                    for a, c in clashes]
    elif workplace is not None:
        lines += ["", NO_CLASHES]
    return Outcome([Reply("\n".join(lines), tuple(buttons))])


async def again(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """"Anders eingeben" on the check: write the week once more."""
    if ctx.conversation.step != steps.HOURS_CONFIRM or arg:
        return Outcome([Reply(GONE)])
    target = await _target(ctx, member)
    if target is None:
        return Outcome([Reply(GONE)])
    workplace, office_id = target
    index = await ctx.catalogue.index(ctx.session)
    data = {"workplace": workplace.id} if workplace else {"office": office_id}
    ctx.conversation.go(steps.HOURS_TEXT, **data)
    return Outcome([Reply(ASK.format(office=index.office_name(office_id)), rows([ABORT]))])


async def save(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    if ctx.conversation.step != steps.HOURS_CONFIRM or arg:
        return Outcome([Reply(GONE)])
    target = await _target(ctx, member)
    hours = ctx.conversation.data.get("hours")
    week = stored_week(hours, ctx.settings.timezone) if isinstance(hours, str) else None
    if target is None or week is None:
        ctx.conversation.go("")
        return Outcome([Reply(GONE)])
    workplace, office_id = target
    index = await ctx.catalogue.index(ctx.session)
    if workplace is None:
        office = index.offices[office_id]
        workplace = CaseManagerWorkplace(staff_member_id=member.id, office_id=office_id,
                                         towns=_new_towns(member, index, office),
                                         working_hours=to_schedule(week))
        ctx.session.add(workplace)
    else:
        workplace.working_hours = to_schedule(week)
    await ctx.session.flush()
    # New or longer hours may free times: the people waiting in these towns look again.
    await waitlist.mark_pending(ctx.session, workplace.towns, ctx.clock.now())
    ctx.conversation.go("")
    return Outcome([Reply(SAVED.format(office=index.office_name(office_id), hours=week_de(week)),
                          edit=True)])


# --- helpers --------------------------------------------------------------------------------

async def _workplaces(ctx: FlowContext, member: StaffMember) -> list[CaseManagerWorkplace]:
    return list(await ctx.session.scalars(
        select(CaseManagerWorkplace).where(CaseManagerWorkplace.staff_member_id == member.id)
        .order_by(CaseManagerWorkplace.id)))


async def _own(ctx: FlowContext, member: StaffMember,
               arg: object) -> CaseManagerWorkplace | None:
    """The member's own workplace with this id; ids in buttons and state can be forged."""
    if not isinstance(arg, str | int) or not str(arg).isdigit() or len(str(arg)) > 12:
        return None
    workplace = await ctx.session.get(CaseManagerWorkplace, int(arg))
    return workplace if workplace is not None and workplace.staff_member_id == member.id \
        else None


async def _target(ctx: FlowContext,
                  member: StaffMember) -> tuple[CaseManagerWorkplace | None, str] | None:
    """The workplace being changed, or the office of a new one, as the conversation says."""
    data = ctx.conversation.data
    if "workplace" in data:
        workplace = await _own(ctx, member, data["workplace"])
        return (workplace, workplace.office_id) if workplace is not None else None
    index = await ctx.catalogue.index(ctx.session)
    office = index.offices.get(str(data.get("office")))
    if office is None or office not in _offices(member, index, await _workplaces(ctx, member)):
        return None
    return None, office.id


def _offices(member: StaffMember, index: CatalogueIndex,
             mine: list[CaseManagerWorkplace]) -> list[Office]:
    """KIM offices the member may add: in their Kreis, serving one of their towns (any, for a
    member without towns), where they have no workplace yet."""
    taken = {workplace.office_id for workplace in mine}
    towns = set(member.towns or ())
    found = []
    for office in index.offices.values():
        if office.type != KIM or office.id in taken or office.example:
            continue
        if member.region_id is not None and office.region != member.region_id:
            continue
        if towns and not (ALL_TOWNS in office.towns or towns & set(office.towns)):
            continue
        found.append(office)
    return sorted(found, key=lambda office: office.name)


def _new_towns(member: StaffMember, index: CatalogueIndex, office: Office) -> list[str]:
    """The towns a new workplace serves: the member's own towns, else the office's."""
    if member.towns:
        return list(member.towns)
    if ALL_TOWNS in office.towns:
        return [town for town, region in index.town_region.items() if region == office.region]
    return [town for town in office.towns if town in index.towns]


def _choose_office(ctx: FlowContext, member: StaffMember, index: CatalogueIndex, text: str,
                   mine: list[CaseManagerWorkplace]) -> Reply:
    offices = _offices(member, index, mine)
    if not offices:
        return Reply(text + "\n\n" + NO_OFFICES if not mine else NO_OFFICES)
    buttons = tuple((Button(office.name[:60], action("zt_office", office.id)),)
                    for office in offices)
    return Reply(text, (*buttons, (ABORT,)))


def _towns(index: CatalogueIndex, towns: list[str]) -> str:
    return ", ".join(index.towns[t].name if t in index.towns else t for t in towns) or "–"


async def _clashes(ctx: FlowContext, member: StaffMember, office_id: str,
                   week: Week) -> list[tuple[Appointment, Client]]:
    """The member's booked appointments at this office, still to come, that would lie outside
    the new weekly hours."""
    now = ctx.clock.now()
    zone = ZoneInfo(ctx.settings.timezone)
    found = await open_overlapping(ctx.session, member.id, now, now + timedelta(days=366))
    return [(appointment, client) for appointment, client in found
            if appointment.office_id == office_id and appointment.starts_at > now
            and not _inside(appointment.starts_at, appointment.ends_at, zone, week)]


def _inside(starts_at: datetime, ends_at: datetime, zone: ZoneInfo, week: Week) -> bool:
    """Whether the appointment lies within one of its weekday's ranges (wall-clock time)."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    first = start.hour * 60 + start.minute
    last = end.hour * 60 + end.minute
    if end.date() != start.date():
        if end.date() - start.date() != timedelta(days=1) or last != 0:
            return False
        last = 24 * 60  # ends at midnight
    return any(low <= first and last <= high for low, high in week.get(start.weekday(), []))
