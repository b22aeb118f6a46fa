"""The intake in the client bot: a few short questions before the first interview, so the case
manager knows who is coming and why. After consent only; offered after booking a first
interview and in the menu ("Tell KIM about you", /aboutme).

Answers are written to the person's draft in the database as they come (codes only, the free
text as written), so a person who stops halfway continues days later, whatever happened to the
conversation state. The state holds only which question is open. Before sending, the person
checks every answer in their language and can change each; sending hands the intake to
clearing (bot.flows.intake_clearing). Answering the questions (buttons and typed text) lives in
the answers module beside this one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.flows import intake_clearing
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.booking.render import directed
from bot.flows.client.intake.prefill import interpreter_language, prefill
from bot.flows.client.intake.questions import MAIN, MULTI, QUESTIONS, Asked, ask, key_of, step
from bot.flows.client.intake.render import SECTIONS, answer_lines
from bot.flows.client.menu import back_to_menu, menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, Reply, in_rows, rows
from storage import intakes as store
from storage.clearing import takes_cases
from storage.models import (
    Appointment,
    AppointmentKind,
    AssignmentReason,
    Intake,
    IntakeStatus,
    StaffMember,
)


def next_open(intake: Intake) -> str | None:
    """The first question without an answer, or None when everything is answered."""
    return next((key for key, question in QUESTIONS.items() if question.unanswered(intake)),
                None)


# --- entry points -------------------------------------------------------------------------

async def open_intake(turn: ClientTurn) -> Outcome:
    """The menu button and /aboutme: the introduction, the next question, or what was sent."""
    if turn.client is None:
        return _needs_consent(turn)
    intake = await store.active_for_client(turn.ctx.session, turn.client.id)
    if intake is None or (intake.status == IntakeStatus.DRAFT.value and intake.town is None):
        return _intro(turn)
    if intake.status != IntakeStatus.DRAFT.value:
        return await view(turn)
    notice = turn.tr._("Welcome back! Your answers so far are saved.")
    filled = await prefill(turn, intake)
    return await resume(turn, intake, "\n".join([notice, *_filled_notice(turn, filled)]))


def _intro(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.MENU)
    text = "\n\n".join([
        tr._("A few short questions about you. Then the KIM case manager can prepare for "
             "your first meeting. It takes about 3 minutes."),
        tr._("You can change every answer before you send it."),
        "⚠️ " + tr._("Please do not write about your health or your asylum case here."),
    ])
    return Outcome([turn.reply(text, rows([Button(tr._("Start"), action("i_go"))],
                                          *back_to_menu(turn)))])


def _needs_consent(turn: ClientTurn) -> Outcome:
    from bot.flows.client.onboarding.flow import needs_consent

    why = turn.tr._("To save your answers we must save some data about you. Please read this "
                    "first:")
    return needs_consent(turn, why, "intake")


async def go(turn: ClientTurn) -> Outcome:
    """"Start" / "Answer the questions": a new draft, or the one already begun."""
    if turn.client is None:
        return _needs_consent(turn)
    intake = await store.start_draft(turn.ctx.session, turn.client.id, turn.ctx.clock.now())
    if intake.status != IntakeStatus.DRAFT.value:
        return await view(turn)
    filled = await prefill(turn, intake)
    return await resume(turn, intake, "\n".join(_filled_notice(turn, filled)) or None)


def _filled_notice(turn: ClientTurn, filled: list[str]) -> list[str]:
    """What was filled in from the finder, the booking or a referral, by the names the check
    screen uses, where it can be changed."""
    if not filled:
        return []
    tr = turn.tr
    names = dict(SECTIONS)
    return [tr._("You told us this already, so we filled it in: {answers}. You can change it "
                 "before you send.", answers=", ".join(tr._(names[key]) for key in filled))]


async def later(turn: ClientTurn) -> Outcome:
    text = turn.tr._("Your answers are saved. You can go on later: tap \"Tell KIM about you\" "
                     "in the menu.")
    return Outcome([turn.reply(text), menu(turn)])


# --- asking -------------------------------------------------------------------------------

async def draft_in_step(turn: ClientTurn) -> tuple[Intake, str, dict[str, Any]] | None:
    """The person's draft and the open question, if the chat is at one of its questions."""
    conversation = turn.ctx.conversation
    key = key_of(conversation.step)
    if key is None or turn.client is None:
        return None
    intake = await store.own_draft(turn.ctx.session, conversation.data.get("intake"),
                                   turn.client.id)
    return (intake, key, dict(conversation.data)) if intake is not None else None


def asked_from(data: dict[str, Any]) -> Asked:
    return Asked(edit=bool(data.get("edit")), selected=tuple(data.get("sel") or ()),
                 all_languages=bool(data.get("all")))


def _first_selection(turn: ClientTurn, intake: Intake, key: str) -> tuple[str, ...]:
    current = getattr(intake, QUESTIONS[key].column)
    if current is None and key == "languages":
        # The language of this chat and the interpreter's (the person speaks both), ticked
        # to start with.
        spoken = [code for code in (turn.language, interpreter_language(intake))
                  if code is not None and code != "de"]
        return tuple(dict.fromkeys(spoken))
    return tuple(current or ())


async def ask_question(turn: ClientTurn, intake: Intake, key: str, asked: Asked | None = None,
                       notice: str | None = None, edit: bool = False,
                       replace_message: bool = False) -> Outcome:
    if asked is None:
        selected = _first_selection(turn, intake, key) if key in MULTI else ()
        asked = Asked(edit=edit, selected=selected)
    data: dict[str, Any] = {"intake": intake.id}
    if asked.edit:
        data["edit"] = 1
    if key in MULTI:
        data["sel"] = list(asked.selected)
    if asked.all_languages:
        data["all"] = 1
    turn.ctx.conversation.go(step(key), **data)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    reply = ask(turn, intake, key, index, asked, notice)
    return Outcome([replace(reply, edit=replace_message)])


async def resume(turn: ClientTurn, intake: Intake, notice: str | None = None) -> Outcome:
    key = next_open(intake)
    if key is None:
        return await show_summary(turn, intake, notice)
    return await ask_question(turn, intake, key, notice=notice)


async def not_now(turn: ClientTurn, notice: str, toast: bool = True) -> Outcome:
    """Input that does not fit the open question: it changes nothing, and the question (or,
    for a person whose chat moved on, their draft's next question) comes again."""
    state = await draft_in_step(turn)
    if state is not None:
        intake, key, data = state
        outcome = await ask_question(turn, intake, key, asked_from(data), notice=notice)
    elif turn.client is not None and turn.ctx.conversation.step == steps.INTAKE_SUMMARY \
            and (intake := await _summary_draft(turn)) is not None:
        outcome = await show_summary(turn, intake, notice)
    else:
        draft = (await store.active_for_client(turn.ctx.session, turn.client.id)
                 if turn.client is not None else None)
        if draft is None or draft.status != IntakeStatus.DRAFT.value:
            return await stale_button(turn)
        outcome = await resume(turn, draft, notice)
    outcome.notice = notice if toast else None
    return outcome


# --- the check screen and sending ---------------------------------------------------------

async def show_summary(turn: ClientTurn, intake: Intake, notice: str | None = None) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.INTAKE_SUMMARY, intake=intake.id)
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    text = "\n".join([*([notice, ""] if notice else []), tr._("Please check your answers:"),
                      *answer_lines(intake, tr, index), "",
                      tr._("You can change an answer. When everything is right, tap "
                           "\"Send to KIM\".")])
    change = [Button("✏️ " + tr._(label), action("i_edit", key)) for key, label in SECTIONS]
    buttons = (*in_rows(change, 2),
               (Button("✅ " + tr._("Send to KIM"), action("i_send")),),
               (Button(tr._("Later"), action("i_later")),))
    return Outcome([turn.reply(_directed(text, turn), buttons)])


async def _summary_draft(turn: ClientTurn) -> Intake | None:
    if turn.client is None or turn.ctx.conversation.step != steps.INTAKE_SUMMARY:
        return None
    return await store.own_draft(turn.ctx.session, turn.ctx.conversation.data.get("intake"),
                                 turn.client.id)


async def back_to_summary(turn: ClientTurn) -> Outcome:
    """"Back to the overview" under a question opened from the check screen."""
    state = await draft_in_step(turn)
    if state is None:
        return await not_now(turn, turn.tr._("This button does not work any more."))
    return await resume(turn, state[0])


async def edit(turn: ClientTurn, key: str) -> Outcome:
    intake = await _summary_draft(turn)
    if intake is None or key not in MAIN:
        return await not_now(turn, turn.tr._("This button does not work any more."))
    return await ask_question(turn, intake, key, edit=True)


async def send(turn: ClientTurn) -> Outcome:
    intake = await _summary_draft(turn)
    if intake is None:
        return await not_now(turn, turn.tr._("This button does not work any more."))
    ctx, tr = turn.ctx, turn.tr
    if next_open(intake) is not None:
        return await resume(turn, intake)
    index = await ctx.catalogue.index(ctx.session)
    if intake.town not in index.towns:  # a catalogue import removed the town meanwhile
        intake.town = None
        return await resume(turn, intake)
    assert turn.client is not None
    store.submit(intake, index.town_region[intake.town], ctx.clock.now())
    office = await intake_clearing.clear_new(ctx, intake, turn.client)
    sent = "\n".join([tr._("Your answers for KIM:"), *answer_lines(intake, tr, index), "",
                      "✅ " + tr._("Sent on {date}.", date=tr.date(ctx.clock.now()))])
    thanks = [tr._("Thank you! We sent your answers to KIM."),
              tr._("{office} will contact you soon.", office=office) if office
              else tr._("The KIM team will decide who helps you. We will tell you here.")]
    return Outcome([turn.reply(_directed(sent, turn), edit=True),
                    turn.reply(_directed("\n".join(thanks), turn)), menu(turn)])


def _directed(text: str, turn: ClientTurn) -> str:
    return directed(text.split("\n"), turn.tr)


# --- after sending ------------------------------------------------------------------------

async def view(turn: ClientTurn) -> Outcome:
    """What was sent, where it is now, and the way to take it back."""
    if turn.client is None:
        return _needs_consent(turn)
    ctx, tr = turn.ctx, turn.tr
    intake = await store.active_for_client(ctx.session, turn.client.id)
    if intake is None or intake.status == IntakeStatus.DRAFT.value:
        return await open_intake(turn)
    ctx.conversation.go(steps.MENU)
    index = await ctx.catalogue.index(ctx.session)
    lines = [tr._("Your answers for KIM:"), *answer_lines(intake, tr, index), "",
             await status_line(turn, intake)]
    buttons = rows([Button(tr._("Take back my answers"), action("i_wd"))],
                   *back_to_menu(turn))
    return Outcome([turn.reply(_directed("\n".join(lines), turn), buttons)])


async def status_line(turn: ClientTurn, intake: Intake) -> str:
    tr, ctx = turn.tr, turn.ctx
    assert intake.submitted_at is not None
    sent = tr._("Sent on {date}.", date=tr.date(intake.submitted_at))
    if intake.status != IntakeStatus.ASSIGNED.value:
        return sent + " " + tr._("The KIM team will decide who helps you. We will tell you "
                                 "here.")
    member = await ctx.session.get(StaffMember, intake.assigned_staff_id)
    index = await ctx.catalogue.index(ctx.session)
    office = await intake_clearing.office_name(ctx, index, member, intake.town)
    if office is None:
        return sent
    return sent + " " + tr._("{office} will contact you soon.", office=office)


async def ask_withdraw(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    intake = (await store.active_for_client(turn.ctx.session, turn.client.id)
              if turn.client is not None else None)
    if intake is None or intake.status not in store.SENT_STATUSES:
        return await stale_button(turn)
    turn.ctx.conversation.go(steps.INTAKE_WITHDRAW, intake=intake.id)
    text = tr._("Do you want to take back your answers? We delete them. The KIM team only "
                "learns that you took them back.")
    return Outcome([turn.reply(text, rows(
        [Button(tr._("Yes, take them back"), action("i_wdok", "yes"))],
        [Button(tr._("No, keep them"), action("i_wdok", "no"))]))])


async def confirm_withdraw(turn: ClientTurn, answer: str) -> Outcome:
    ctx, tr = turn.ctx, turn.tr
    if ctx.conversation.step != steps.INTAKE_WITHDRAW or turn.client is None:
        return await stale_button(turn)
    intake = await store.active_for_client(ctx.session, turn.client.id)
    if intake is None or intake.id != ctx.conversation.data.get("intake") \
            or intake.status not in store.SENT_STATUSES:
        return await stale_button(turn)
    if answer != "yes":
        return await view(turn)
    await intake_clearing.tell_withdrawn(ctx, intake, erased=False)
    store.withdraw(intake, ctx.clock.now())
    return Outcome([turn.reply(tr._("Done. We deleted your answers."), edit=True), menu(turn)])


# --- with a booking -----------------------------------------------------------------------

async def after_booking(turn: ClientTurn, appointment: Appointment) -> Reply | None:
    """After a first interview is booked: an intake waiting for coordination goes to the
    case manager the person will meet; a person without one is invited to answer."""
    if appointment.kind != AppointmentKind.FIRST_INTERVIEW.value or turn.client is None:
        return None
    ctx, tr = turn.ctx, turn.tr
    intake = await store.active_for_client(ctx.session, turn.client.id)
    if intake is not None and intake.status == IntakeStatus.QUEUED.value:
        member = await ctx.session.get(StaffMember, appointment.staff_member_id)
        if takes_cases(member):
            assert member is not None
            await intake_clearing.assign(ctx, intake, turn.client, member, by=None,
                                         reason=AssignmentReason.FIRST_INTERVIEW)
        return None
    if intake is not None and intake.status != IntakeStatus.DRAFT.value:
        return None
    text = tr._("Before the meeting: do you want to answer a few short questions? Then your "
                "case manager can prepare.")
    return turn.reply(text, rows([Button(tr._("Answer the questions"), action("i_go"))],
                                 [Button(tr._("Not now"), action("menu"))]))
