"""Answers to the question after an appointment (question.py).

    Erschienen        a follow-up: recorded. A first interview asks one more tap:
                      Kurzberatung (then its topic) or KIM-Fallmanagement, or neither.
    Nicht erschienen  recorded.
    Verschoben        the appointment is closed as cancelled by the team, and the person is
                      asked in their language to choose a new time.

The ids in the buttons come from the chat and can be forged: every answer loads the appointment
only if it is the presser's own, open and started, and records through the same
`storage.appointments.close` as /heute, whose conditional UPDATE lets one press win. For a
first interview "attended" is recorded together with the Kurzberatung or the case, in one
transaction, so a second press of any old button finds the appointment closed and counts
nothing twice - no extra state, and it holds across restarts and instances.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows.actions import action
from bot.flows.appointment_notices import STATUS_LABELS, bidi_safe
from bot.flows.client.notices import moved_by_team
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, rows
from bot.flows.staff import audit_trail, texts
from bot.flows.staff.appointments.actions import (
    ALREADY,
    CALL_THEM,
    NO_CONTACT,
    NOT_STARTED,
    NOT_YOURS,
    after_missed,
    owned,
)
from bot.flows.staff.appointments.lines import status_de
from bot.flows.staff.cases import flow as cases
from bot.flows.staff.kurz import flow as kurz
from bot.flows.staff.outcomes.question import label, question_buttons, question_text
from bot.flows.staff.towns import town_names
from storage.appointments import close
from storage.counting import add_short_consultation, default_town, open_case, open_cases
from storage.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Client,
    ConsultationChannel,
    StaffMember,
)
from storage.staff_agenda import NotMarkable, mark_outcome

RECORDED = "{label}: {status} ✔️"
ASK_NEXT = "{label}: erschienen. Wie geht es weiter?"
ASK_TOPIC = "Kurzberatung nach dem {label}: Worum ging es?"
MOVED = "{label}: verschoben ✔️"
ASK_BOOK = "Die Person wurde im Chat gebeten, einen neuen Termin zu wählen."
CASE_OPENED = "{label}: erschienen.\n✅ KIM-Fall eröffnet{town}. Offene Fälle: {count}."
ONLY_FIRST = ("Kurzberatung oder Fall lassen sich hier nur nach einem Erstgespräch zählen. "
              "Es wurde nichts geändert. /kurz und /fall gehen immer.")
ALREADY_CLOSED = ALREADY + " Kurzberatung oder Fall zählen Sie mit /kurz bzw. /fall."
BUTTON_KURZ = "📝 Kurzberatung"
BUTTON_CASE = "📂 KIM-Fallmanagement"
BUTTON_ONLY = "Nur „erschienen“ vermerken"
BUTTON_BACK = "↩️ Zurück"


async def ask_again(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """*Zurück*: the question as it first came, nothing recorded yet."""
    found = await _open_started(ctx, member, arg)
    if isinstance(found, Reply):
        return Outcome([found])
    appointment, client = found
    _seen(ctx, member, client, "appointment.view")
    text = question_text(appointment, client, ctx.clock.now(), ctx.settings.timezone)
    return Outcome([Reply(text, question_buttons(appointment), edit=True)])


async def attended(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    found = await _open_started(ctx, member, arg)
    if isinstance(found, Reply):
        return Outcome([found])
    appointment, client = found
    if appointment.kind == AppointmentKind.FIRST_INTERVIEW.value:
        _seen(ctx, member, client, "appointment.view")
        return Outcome([_ask_next(ctx, appointment, client)])
    return await _record(ctx, member, appointment, client, AppointmentStatus.ATTENDED)


async def missed(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """Recorded, and the person kindly invited to book again (no sanctions in KIM)."""
    found = await _open_started(ctx, member, arg)
    if isinstance(found, Reply):
        return Outcome([found])
    appointment, client = found
    return await _record(ctx, member, appointment, client, AppointmentStatus.MISSED,
                         then=lambda: after_missed(ctx, client, appointment))


async def attended_only(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """A first interview that led to neither (a referral elsewhere, say)."""
    found = await _open_started(ctx, member, arg, already=ALREADY_CLOSED)
    if isinstance(found, Reply):
        return Outcome([found])
    return await _record(ctx, member, *found, AppointmentStatus.ATTENDED)


async def moved(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    found = await _open_started(ctx, member, arg)
    if isinstance(found, Reply):
        return Outcome([found])
    appointment, client = found
    if not await close(ctx.session, appointment, AppointmentStatus.CANCELLED, ctx.clock.now(),
                       cancelled_by="staff"):
        return Outcome([Reply(ALREADY.format(status=status_de(appointment)))])
    _seen(ctx, member, client, "appointment.moved")
    if await moved_by_team(ctx, client, appointment):
        told = ASK_BOOK
    else:
        told = CALL_THEM.format(phone=bidi_safe(client.phone)) if client.phone else NO_CONTACT
    text = MOVED.format(label=_label(ctx, appointment, client)) + "\n" + told
    return Outcome([Reply(text, edit=True)], notice="Vermerkt: verschoben.")


async def ask_topic(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """*Kurzberatung*: the /kurz topics; the channel is in person (a first interview is)."""
    found = await _first_interview(ctx, member, arg)
    if isinstance(found, Reply):
        return Outcome([found])
    appointment, client = found
    _seen(ctx, member, client, "appointment.view")
    keyboard = kurz.topic_keyboard(lambda code: action("oc_topic", f"{appointment.id}_{code}"))
    back = rows([Button(BUTTON_BACK, action("oc_att", str(appointment.id)))])
    text = ASK_TOPIC.format(label=_label(ctx, appointment, client))
    return Outcome([Reply(text, keyboard + back, edit=True)])


async def _attend_first_interview(ctx: FlowContext, member: StaffMember, appointment_id: str
                                  ) -> tuple[Appointment, Client, str | None] | Outcome:
    """Mark the member's first interview attended (logged); the appointment, the person and
    the town to count in, or the answer when that is not possible."""
    found = await _first_interview(ctx, member, appointment_id)
    if isinstance(found, Reply):
        return Outcome([found])
    appointment, client = found
    if not await _mark(ctx, appointment, AppointmentStatus.ATTENDED):
        return Outcome([Reply(ALREADY_CLOSED.format(status=status_de(appointment)))])
    _seen(ctx, member, client, "appointment.attended")
    return appointment, client, await _town(ctx, member, appointment, client)


async def short_consultation(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """A topic pressed: attended and one Kurzberatung, in one transaction."""
    appointment_id, _, topic = arg.partition("_")
    if topic not in TOPIC_BY_CODE:
        return Outcome([Reply(texts.STALE_BUTTON)])
    attended = await _attend_first_interview(ctx, member, appointment_id)
    if isinstance(attended, Outcome):
        return attended
    appointment, client, town = attended
    # The consultation ran in the interpreter's language if one was booked; otherwise the
    # case manager can add the language from the confirmation.
    entry = await add_short_consultation(ctx.session, member, town, (topic,),
                                         ConsultationChannel.IN_PERSON.value,
                                         appointment.interpreter_language, ctx.clock.now())
    confirmation = await kurz.confirmation(ctx, member, entry, edit=True)
    head = RECORDED.format(label=_label(ctx, appointment, client),
                           status=STATUS_LABELS[AppointmentStatus.ATTENDED.value])
    return Outcome([Reply(f"{head}\n{confirmation.text}", confirmation.buttons, edit=True)],
                   notice="Gezählt")


async def cm_case(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """*KIM-Fallmanagement*: attended and a new case, in one transaction."""
    attended = await _attend_first_interview(ctx, member, arg)
    if isinstance(attended, Outcome):
        return attended
    appointment, client, town = attended
    case = await open_case(ctx.session, member, town, ctx.clock.now())
    count = len(await open_cases(ctx.session, member))
    where = f" ({(await town_names(ctx.session, [town]))[town]})" if town else ""
    text = CASE_OPENED.format(label=_label(ctx, appointment, client), town=where, count=count)
    buttons = rows([Button(cases.BUTTON_UNDO, action("case_undo", str(case.id))),
                    Button(cases.BUTTON_LIST, action("case_list"))])
    return Outcome([Reply(text, buttons, edit=True)], notice="Eröffnet")


async def _record(ctx: FlowContext, member: StaffMember, appointment: Appointment,
                  client: Client, outcome: AppointmentStatus,
                  then: Callable[[], str] | None = None) -> Outcome:
    """Record the outcome once; `then` runs only for the press that recorded it, and what it
    returns is added to the reply."""
    if not await _mark(ctx, appointment, outcome):
        return Outcome([Reply(ALREADY.format(status=status_de(appointment)))])
    _seen(ctx, member, client, f"appointment.{outcome.value}")
    status = STATUS_LABELS[outcome.value]
    text = RECORDED.format(label=_label(ctx, appointment, client), status=status)
    if then is not None:
        text += "\n" + then()
    return Outcome([Reply(text, edit=True)], notice=f"Vermerkt: {status}.")


async def _mark(ctx: FlowContext, appointment: Appointment, outcome: AppointmentStatus) -> bool:
    try:
        await mark_outcome(ctx.session, appointment, outcome, ctx.clock.now())
    except NotMarkable:  # a colleague, /heute or another instance got there first
        return False
    return True


async def _open_started(ctx: FlowContext, member: StaffMember, arg: str,
                        already: str = ALREADY) -> tuple[Appointment, Client] | Reply:
    """The member's own appointment named by `arg`, open and started, with its client; or the
    reply that says why nothing changes."""
    appointment = await owned(ctx, member, arg)
    if appointment is None:
        return Reply(NOT_YOURS)
    if appointment.status not in OPEN_STATUSES:
        return Reply(already.format(status=status_de(appointment)))
    if appointment.starts_at > ctx.clock.now():
        return Reply(NOT_STARTED)
    client = await ctx.session.get(Client, appointment.client_id)
    assert client is not None  # a foreign key with ON DELETE CASCADE
    return appointment, client


async def _first_interview(ctx: FlowContext, member: StaffMember,
                           arg: str) -> tuple[Appointment, Client] | Reply:
    found = await _open_started(ctx, member, arg, already=ALREADY_CLOSED)
    if isinstance(found, Reply):
        return found
    if found[0].kind != AppointmentKind.FIRST_INTERVIEW.value:
        return Reply(ONLY_FIRST)
    return found


def _ask_next(ctx: FlowContext, appointment: Appointment, client: Client) -> Reply:
    arg = str(appointment.id)
    return Reply(ASK_NEXT.format(label=_label(ctx, appointment, client)),
                 rows([Button(BUTTON_KURZ, action("oc_kurz", arg)),
                       Button(BUTTON_CASE, action("oc_case", arg))],
                      [Button(BUTTON_ONLY, action("oc_only", arg))],
                      [Button(BUTTON_BACK, action("oc_ask", arg))]), edit=True)


async def _town(ctx: FlowContext, member: StaffMember, appointment: Appointment,
                client: Client) -> str | None:
    """Where the consultation or case counts: the person's own town if they named one in the
    finder, else the office's first town, else the case manager's first town."""
    if client.town:
        return client.town
    index = await ctx.catalogue.index(ctx.session)
    office = index.offices.get(appointment.office_id)
    if office is not None and office.towns:
        return office.towns[0]
    return await default_town(ctx.session, member)


def _label(ctx: FlowContext, appointment: Appointment, client: Client) -> str:
    return label(appointment, client, ctx.clock.now(), ctx.settings.timezone)


def _seen(ctx: FlowContext, member: StaffMember, client: Client, what: str) -> None:
    audit_trail.seen(ctx, member, [client.id], what)
