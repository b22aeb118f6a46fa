"""/clearing: coordination's queue of new intakes in its Kreis, and assignment with buttons.

The case managers working for the person's town (or named by the town's clearing rule) come
first, then the Kreis's other case managers, each with their current caseload: the running CM
cases and Kurzberatungen of this month, as /stats counts them, against the recommendation for
their share of a post, and the intakes assigned to them now. Assigning again is reassigning;
every step is written to the intake's history and the access log.
"""

from __future__ import annotations

from datetime import date

from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.intake_clearing import assign
from bot.flows.staff import audit_trail
from bot.flows.staff.clearing.access import NOT_FOUND, clearable, parse_id
from bot.flows.staff.clearing.intakes import list_line
from bot.flows.staff.local_days import day_bounds, local_date
from bot.flows.staff.stats.command import CASELOAD_PER_POST
from storage import intakes as store
from storage.clearing import Candidates, candidates
from storage.models import AssignmentReason, CatalogueRegion, Client, Intake, StaffMember
from storage.stats import month_stats

MAX_LISTED = 30
MAX_CANDIDATES = 16
RECENT_ASSIGNED = 20
QUEUE = "🗂 Clearing {kreis}: {count} Anfrage(n) warten."
EMPTY = "🗂 Clearing {kreis}: Keine Anfrage wartet."
ASSIGNED_HEAD = "👥 Zuletzt zugewiesen ({kreis}):"
NONE_ASSIGNED = "Es ist noch keine Anfrage zugewiesen."
PICK = "Wer übernimmt Anfrage Nr. {id} ({town})?"
LOCAL = "Für {town} zuständig:"
OTHERS = "Weitere im Kreis:"
NOBODY = ("Es gibt keine aktive Case-Managerin und keinen aktiven Case-Manager für diese "
          "Anfrage. Bitte legen Sie zuerst ein Konto an (/einladen).")
ALREADY = "Anfrage Nr. {id} ist schon bei {name}. Es wurde nichts geändert."
NOT_A_CANDIDATE = ("Diese Person kann die Anfrage nicht übernehmen (nicht aktiv oder nicht im "
                   "Kreis). Es wurde nichts geändert.")
DONE = ("✅ Anfrage Nr. {id} ist jetzt bei {name}. {name} hat die Zusammenfassung erhalten; "
        "die Person erfährt in ihrer Sprache, wer sich meldet{office}.")
CURRENT = " (hat sie jetzt)"


async def command(ctx: FlowContext, member: StaffMember) -> Outcome:
    return Outcome([await _queue(ctx, member)])


async def show_queue(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    return Outcome([await _queue(ctx, member)])


async def _kreis(ctx: FlowContext, member: StaffMember) -> str:
    if member.region_id is None:
        return "alle Kreise"
    region = await ctx.session.get(CatalogueRegion, member.region_id)
    return region.name if region else member.region_id


async def _queue(ctx: FlowContext, member: StaffMember) -> Reply:
    waiting = await store.queue(ctx.session, member.region_id)
    kreis = await _kreis(ctx, member)
    more = (Button("👥 Zugewiesene Anfragen", action("clr_assigned")),)
    if not waiting:
        return Reply(EMPTY.format(kreis=kreis), (more,))
    shown = waiting[:MAX_LISTED]
    lines = [QUEUE.format(kreis=kreis, count=len(waiting)),
             *await _lines(ctx, shown)]
    audit_trail.seen(ctx, member, (i.client_id for i in shown), "intake.queue")
    buttons = tuple((Button(f"Nr. {i.id} ansehen", action("intake_open", str(i.id))),
                     Button(f"Nr. {i.id} zuweisen", action("clr_pick", str(i.id))))
                    for i in shown)
    return Reply("\n".join(lines), (*buttons, more))


async def _lines(ctx: FlowContext, intakes: list[Intake]) -> list[str]:
    index = await ctx.catalogue.index(ctx.session)
    names = {i.town: index.towns[i.town].name for i in intakes if i.town in index.towns}
    today = local_date(ctx.clock.now(), ctx.settings.timezone)
    return [list_line(i, names, today, ctx.settings.timezone) for i in intakes]


async def show_assigned(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    recent = await store.assigned_in_region(ctx.session, member.region_id, RECENT_ASSIGNED)
    if not recent:
        return Outcome([Reply(NONE_ASSIGNED)])
    holders = {i.assigned_staff_id: await ctx.session.get(StaffMember, i.assigned_staff_id)
               for i in recent}
    lines = [ASSIGNED_HEAD.format(kreis=await _kreis(ctx, member))]
    for intake, line in zip(recent, await _lines(ctx, recent), strict=True):
        holder = holders.get(intake.assigned_staff_id)
        lines.append(f"{line} · bei {holder.display_name if holder else '?'}")
    audit_trail.seen(ctx, member, (i.client_id for i in recent), "intake.list")
    buttons = tuple((Button(f"Nr. {i.id} ansehen", action("intake_open", str(i.id))),)
                    for i in recent)
    return Outcome([Reply("\n".join(lines), buttons)])


async def pick(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    intake = await clearable(ctx, member, arg)
    if intake is None:
        return Outcome([Reply(NOT_FOUND)])
    found = await candidates(ctx.session, intake)
    people = [*found.local, *found.others][:MAX_CANDIDATES]
    if not people:
        return Outcome([Reply(NOBODY)])
    loads = await _loads(ctx, people)
    index = await ctx.catalogue.index(ctx.session)
    town = index.towns[intake.town].name if intake.town in index.towns else (intake.town or "–")
    lines = [PICK.format(id=intake.id, town=town)]
    for title, group in ((LOCAL.format(town=town), found.local), (OTHERS, found.others)):
        listed = [m for m in group if m in people]
        if listed:
            lines.append(title)
            lines += [f"• {m.display_name}{CURRENT if m.id == intake.assigned_staff_id else ''}"
                      f": {loads[m.id]}" for m in listed]
    buttons = [Button(m.display_name[:60], action("clr_to", f"{intake.id}_{m.id}"))
               for m in people if m.id != intake.assigned_staff_id]
    return Outcome([Reply("\n".join(lines), rows(*([b] for b in buttons)))])


async def _loads(ctx: FlowContext, people: list[StaffMember]) -> dict[int, str]:
    """Each person's caseload this month (as /stats counts it) and open intakes, as text."""
    zone = ctx.settings.timezone
    month = local_date(ctx.clock.now(), zone).replace(day=1)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    stats = await month_stats(ctx.session, people, day_bounds(month, zone)[0],
                              day_bounds(following, zone)[0])
    open_intakes = await store.open_counts(ctx.session, (m.id for m in people))
    loads = {}
    for m in people:
        caseload = stats.per_member[m.id].caseload
        if m.fte:
            low, high = (round(limit * m.fte) for limit in CASELOAD_PER_POST)
            caseload_text = f"Fallzahl {caseload} (Empfehlung {low}–{high})"
        else:
            caseload_text = f"Fallzahl {caseload}"
        loads[m.id] = f"{caseload_text}, {open_intakes[m.id]} offene Anfrage(n)"
    return loads


async def assign_to(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    intake_arg, _, staff_arg = arg.partition("_")
    intake = await clearable(ctx, member, intake_arg)
    staff_id = parse_id(staff_arg)
    if intake is None or staff_id is None:
        return Outcome([Reply(NOT_FOUND)])
    target = await ctx.session.get(StaffMember, staff_id)
    if target is not None and target.id == intake.assigned_staff_id:
        return Outcome([Reply(ALREADY.format(id=intake.id, name=target.display_name))])
    found: Candidates = await candidates(ctx.session, intake)
    if target is None or target.id not in found:
        return Outcome([Reply(NOT_A_CANDIDATE)])
    client = await ctx.session.get(Client, intake.client_id)
    assert client is not None
    office = await assign(ctx, intake, client, target, by=member,
                          reason=AssignmentReason.COORDINATION)
    audit_trail.seen(ctx, member, [client.id], "intake.assign")
    where = f" ({office})" if office else ""
    return Outcome([Reply(DONE.format(id=intake.id, name=target.display_name, office=where),
                          edit=True)], notice="Zugewiesen")
