"""Answering a person: "Antworten" then the text, Telegram's own reply to a relayed message,
or "Vorlage senden": a template chosen by its German wording, its fields filled with buttons
or a short typed value. The person gets a written answer under a header in their language,
a template entirely in their language; staff see the German that was sent."""

from __future__ import annotations

import re
from datetime import date

from bot.flows.actions import action
from bot.flows.context import FlowContext
from bot.flows.events import Button, Outcome, Reply, in_rows, rows
from bot.flows.staff import steps
from bot.flows.staff.local_days import local_date
from bot.flows.staff.messages.access import NOT_YOURS, may_answer, own_conversation
from bot.flows.talk import answer, fill
from bot.i18n import translator
from bot.talk.days import working_days_after
from bot.talk.templates import BY_KEY, DOCUMENTS, MAX_TYPED, TEMPLATES, Field, Template
from storage import kim_messages
from storage.models import KimConversation, StaffMember

WRITE = ("Ihre Antwort an Gespräch Nr. {id}, bitte auf Deutsch. Die Person bekommt sie mit dem "
         "Hinweis in ihrer Sprache, dass die Nachricht auf Deutsch ist. /abbrechen bricht ab.")
SENT = "✅ Gesendet an Gespräch Nr. {id}:\n{text}"
UNREACHABLE = ("Die Person ist im Chat nicht erreichbar (ohne Telegram gebucht). Bitte rufen Sie "
               "sie an. Es wurde nichts gesendet.")
CHOOSE = "Welche Vorlage für Gespräch Nr. {id}? Die Person bekommt sie in ihrer Sprache."
ASK = {
    Field.PHONE: "Welche Telefonnummer? (z. B. 02202 123456)",
    Field.SERVICE: "Welche Stelle? Bitte den Namen schreiben (höchstens 60 Zeichen).",
    Field.DATE: "Welcher Tag?",
    Field.WEEKDAY: "An welchem Wochentag?",
    Field.TIME: "Um welche Uhrzeit?",
    Field.DOCUMENTS: "Was soll die Person mitbringen?",
}
BAD_PHONE = "Das ist keine Telefonnummer. Bitte nur Ziffern, Leerzeichen und + / - ( )."
TOO_LONG = "Bitte kürzer (höchstens 60 Zeichen)."
CHOOSE_A_BUTTON = "Bitte wählen Sie eine der Schaltflächen – oder /abbrechen."
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag")
TIMES = tuple(f"{hour:02d}{minute:02d}" for hour in range(8, 18) for minute in (0, 30))
_PHONE = re.compile(r"\+?[0-9][0-9 /()\-]{3,25}")
LABEL_CHARS = 40


async def ask_reply(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    conversation = await own_conversation(ctx, member, arg)
    if conversation is None:
        return Outcome([Reply(NOT_YOURS)])
    ctx.conversation.go(steps.MSG_REPLY, conv=conversation.id)
    return Outcome([Reply(WRITE.format(id=conversation.id))])


async def typed_reply(ctx: FlowContext, member: StaffMember) -> Outcome:
    conversation = await own_conversation(ctx, member,
                                          str(ctx.conversation.data.get("conv", "")))
    ctx.conversation.go("")
    if conversation is None:
        return Outcome([Reply(NOT_YOURS)])
    return await _send_text(ctx, member, conversation, ctx.event.text)


async def telegram_reply(ctx: FlowContext, member: StaffMember) -> Outcome | None:
    """A text sent as Telegram's reply to a relayed message is the answer to its
    conversation. None when the replied-to message is no relayed one."""
    reply_to = ctx.event.reply_to
    if reply_to is None:
        return None
    conversation = await kim_messages.by_staff_message(ctx.session, ctx.event.chat_id, reply_to)
    if conversation is None:
        return None
    if not may_answer(member, conversation):
        return Outcome([Reply(NOT_YOURS)])
    ctx.conversation.go("")
    return await _send_text(ctx, member, conversation, ctx.event.text)


async def _send_text(ctx: FlowContext, member: StaffMember, conversation: KimConversation,
                     text: str) -> Outcome:
    if not await answer(ctx, conversation, member, text):
        return Outcome([Reply(UNREACHABLE)])
    return Outcome([Reply(SENT.format(id=conversation.id, text=text))])


# ------------------------------------------------------------------------ templates


def _label(template: Template) -> str:
    german = translator("de")._(template.text, **{f.value: "…" for f in template.fields})
    return german if len(german) <= LABEL_CHARS else german[:LABEL_CHARS - 1] + "…"


async def choose_template(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    conversation = await own_conversation(ctx, member, arg)
    if conversation is None:
        return Outcome([Reply(NOT_YOURS)])
    ctx.conversation.go("")
    buttons = [Button(_label(t), action("km_t", f"{conversation.id}_{t.key}"))
               for t in TEMPLATES]
    return Outcome([Reply(CHOOSE.format(id=conversation.id), in_rows(buttons, 1))])


async def template(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    raw_id, _, key = arg.partition("_")
    conversation = await own_conversation(ctx, member, raw_id)
    chosen = BY_KEY.get(key)
    if conversation is None or chosen is None:
        return Outcome([Reply(NOT_YOURS)])
    return await _next_field(ctx, member, conversation, chosen, {})


async def _next_field(ctx: FlowContext, member: StaffMember, conversation: KimConversation,
                      chosen: Template, values: dict[str, str]) -> Outcome:
    missing = [field for field in chosen.fields if field.value not in values]
    if not missing:
        ctx.conversation.go("")
        if not await answer(ctx, conversation, member, "", chosen, values):
            return Outcome([Reply(UNREACHABLE)])
        german = fill(chosen, values, "de", ctx.settings.timezone)
        return Outcome([Reply(SENT.format(id=conversation.id, text=german))])
    field = missing[0]
    ctx.conversation.go(steps.MSG_FIELD, conv=conversation.id, tpl=chosen.key, values=values)
    return Outcome([Reply(ASK[field], _field_buttons(ctx, field))])


def _field_buttons(ctx: FlowContext, field: Field) -> tuple[tuple[Button, ...], ...]:
    if field is Field.DATE:
        today = local_date(ctx.clock.now(), ctx.settings.timezone)
        days = [today, *working_days_after(today, 9)]
        return in_rows([Button(f"{day:%d.%m.}", action("km_v", day.isoformat()))
                        for day in days], 5)
    if field is Field.WEEKDAY:
        return in_rows([Button(name, action("km_v", str(number)))
                        for number, name in enumerate(WEEKDAYS_DE)], 3)
    if field is Field.TIME:
        return in_rows([Button(f"{t[:2]}:{t[2:]}", action("km_v", t)) for t in TIMES], 5)
    if field is Field.DOCUMENTS:
        german = translator("de")
        return in_rows([Button(german._(text), action("km_v", key)) for key, text in DOCUMENTS],
                       1)
    return rows()  # typed


async def field_value(ctx: FlowContext, member: StaffMember, arg: str) -> Outcome:
    """A button's value for the template field being asked."""
    state = await _field_state(ctx, member)
    if state is None:
        return Outcome([Reply(NOT_YOURS)])
    conversation, chosen, values, field = state
    if not _valid_choice(field, arg):
        return Outcome([Reply(CHOOSE_A_BUTTON)])
    return await _next_field(ctx, member, conversation, chosen, {**values, field.value: arg})


async def typed_field(ctx: FlowContext, member: StaffMember) -> Outcome:
    state = await _field_state(ctx, member)
    if state is None:
        ctx.conversation.go("")
        return Outcome([Reply(NOT_YOURS)])
    conversation, chosen, values, field = state
    text = ctx.event.text.strip()
    if field not in (Field.PHONE, Field.SERVICE):
        return Outcome([Reply(CHOOSE_A_BUTTON)])
    if len(text) > MAX_TYPED:
        return Outcome([Reply(TOO_LONG)])
    if field is Field.PHONE and not _PHONE.fullmatch(text):
        return Outcome([Reply(BAD_PHONE)])
    return await _next_field(ctx, member, conversation, chosen, {**values, field.value: text})


async def _field_state(ctx: FlowContext, member: StaffMember
                       ) -> tuple[KimConversation, Template, dict[str, str], Field] | None:
    data = ctx.conversation.data
    if ctx.conversation.step != steps.MSG_FIELD:
        return None
    conversation = await own_conversation(ctx, member, str(data.get("conv", "")))
    chosen = BY_KEY.get(str(data.get("tpl", "")))
    values = data.get("values")
    if conversation is None or chosen is None or not isinstance(values, dict):
        return None
    missing = [field for field in chosen.fields if field.value not in values]
    if not missing:
        return None
    return conversation, chosen, {str(k): str(v) for k, v in values.items()}, missing[0]


def _valid_choice(field: Field, value: str) -> bool:
    if field is Field.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if field is Field.WEEKDAY:
        return value in {str(n) for n in range(len(WEEKDAYS_DE))}
    if field is Field.TIME:
        return value in TIMES
    if field is Field.DOCUMENTS:
        return value in dict(DOCUMENTS)
    return False
