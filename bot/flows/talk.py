"""Talk to KIM, the part both bots share: where a person's message goes, what staff see of it,
and how an answer reaches the person. Used by the client flow (writing) and the staff flow
(answering, handing on, closing).

A message goes to whoever already has the person (storage.clearing.decide_for_person, the
order intakes use), else to coordination. It reaches staff through the outbox: the text as
written, bidi-isolated and labelled with its language, or the file passed on through the
staff bot. An answer reaches the person through the outbox too: a written one under a header
in their language, a template entirely in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton

from bot.flows.actions import action
from bot.flows.appointment_notices import language_de
from bot.flows.context import FlowContext
from bot.flows.events import Attachment, BotKind, Button, rows
from bot.flows.intake_clearing import coordination_for
from bot.i18n import isolate, translator
from bot.intake.summary_de import isolated, person_de
from bot.talk.templates import DOCUMENT_BY_KEY, Field, Template
from storage import audit, kim_messages, outbox
from storage.clearing import decide_for_person
from storage.models import AssignmentReason, Client, KimConversation, KimMessage, StaffMember

ATTACHMENT_DE = {"photo": "📷 Foto", "document": "📄 Dokument (PDF)", "voice": "🎤 Sprachnachricht"}


@dataclass(frozen=True)
class Delivered:
    conversation: KimConversation
    first: bool  # the message opened the conversation
    member: StaffMember | None  # who answers; None: the KIM team (coordination)
    own_case_manager: bool  # the person's own case manager (not a rule or the queue)


async def receive(ctx: FlowContext, client: Client, text: str | None,
                  attachment: Attachment | None) -> Delivered:
    """Store a person's message in their open conversation (opening one if needed) and pass
    it on to staff."""
    now = ctx.clock.now()
    conversation = await kim_messages.open_conversation(ctx.session, client.id)
    first, own = conversation is None, False
    index = await ctx.catalogue.index(ctx.session)
    if conversation is None:
        decision = await decide_for_person(ctx.session, client.id, client.town, now)
        region = index.town_region.get(client.town) if client.town else None
        conversation = kim_messages.start(ctx.session, client, decision.staff_member_id, region,
                                          now)
        await ctx.session.flush()
        own = decision.reason is AssignmentReason.FIRST_INTERVIEW
    member = (await ctx.session.get(StaffMember, conversation.staff_member_id)
              if conversation.staff_member_id else None)
    message = await kim_messages.add_from_client(
        ctx.session, conversation, text, attachment.kind if attachment else None, now)
    header = staff_header(client, conversation, member, await town_name(ctx, client))
    await _relay(ctx, conversation, client, message, attachment, header)
    return Delivered(conversation, first, member, own)


async def town_name(ctx: FlowContext, client: Client) -> str | None:
    index = await ctx.catalogue.index(ctx.session)
    town = index.towns.get(client.town) if client.town else None
    return town.name if town else client.town


async def recipients(ctx: FlowContext, conversation: KimConversation) -> list[StaffMember]:
    """The assigned member if they can still answer; else the region's coordination."""
    if conversation.staff_member_id is not None:
        member = await ctx.session.get(StaffMember, conversation.staff_member_id)
        if member is not None and member.active and member.telegram_id is not None:
            return [member]
    return await coordination_for(ctx, conversation.region_id)


async def _relay(ctx: FlowContext, conversation: KimConversation, client: Client,
                 message: KimMessage, attachment: Attachment | None, header: str) -> None:
    now = ctx.clock.now()
    buttons = [[(b.label, b.action) for b in row] for row in staff_buttons(conversation.id)]
    for recipient in await recipients(ctx, conversation):
        if recipient.telegram_id is None:
            continue
        if attachment is not None:
            caption = f"{header}\n{ATTACHMENT_DE.get(attachment.kind, attachment.kind)}"
            outbox.relay(ctx.session, bot=BotKind.STAFF.value, chat_id=recipient.telegram_id,
                         text=caption, buttons=buttons, now=now, kim_message_id=message.id,
                         file={"from": BotKind.CLIENT.value, "kind": attachment.kind,
                               "file_id": attachment.file_id,
                               "file_name": attachment.file_name,
                               "mime_type": attachment.mime_type})
        else:
            body = f"{header}\n\n{text_de(client, message.text or '')}"
            outbox.add(ctx.session, bot=BotKind.STAFF.value, chat_id=recipient.telegram_id,
                       text=body, buttons=buttons, now=now, kim_message_id=message.id)
        audit.record(ctx.session, staff_member_id=recipient.id, client_ids=[client.id],
                     action="messages.received", now=now)
        ctx.outbox_written = True


def staff_header(client: Client, conversation: KimConversation, member: StaffMember | None,
                 town: str | None) -> str:
    town = town or "Ort unbekannt"
    line = (f"✉️ Nachricht von {person_de(client)} · {language_de(client.language)} · {town}"
            f" · Gespräch Nr. {conversation.id}")
    if member is None:
        line += "\n(noch niemandem zugewiesen – Koordination)"
    return line


def text_de(client: Client, text: str) -> str:
    """The person's text exactly as written, isolated so its direction cannot mix with the
    German around it, and labelled with its language."""
    return f"Text ({language_de(client.language)}, wie geschrieben):\n{isolated(text)}"


def staff_buttons(conversation_id: int) -> tuple[tuple[Button, ...], ...]:
    return rows([Button("Antworten", action("km_re", str(conversation_id))),
                 Button("Vorlage senden", action("km_tpl", str(conversation_id)))],
                [Button("Erledigt", action("km_done", str(conversation_id))),
                 Button("Weitergeben", action("km_fwd", str(conversation_id)))])


# ------------------------------------------------------------------------- answers


def fill(template: Template, values: dict[str, str], language: str, timezone: str) -> str:
    """The template in `language` with its fields filled in the same language."""
    tr = translator(language, timezone)
    shown = {field.value: _shown(field, values.get(field.value, ""), language)
             for field in template.fields}
    return tr._(template.text, **shown)


def _shown(field: Field, value: str, language: str) -> str:
    tr = translator(language)
    if field is Field.DATE:
        return format_date(date.fromisoformat(value), format="long", locale=tr.locale)
    if field is Field.WEEKDAY:
        day = date(2026, 11, 23 + int(value))  # a Monday, plus the weekday's number
        return format_date(day, format="EEEE", locale=tr.locale)
    if field is Field.TIME:
        hour, minute = int(value[:2]), int(value[2:])
        return format_skeleton("Hm", datetime(2026, 1, 1, hour, minute), locale=tr.locale)
    if field is Field.DOCUMENTS:
        return tr._(DOCUMENT_BY_KEY[value])
    return value  # a phone number or a service's name: as typed


async def answer(ctx: FlowContext, conversation: KimConversation, member: StaffMember,
                 text: str, template: Template | None = None,
                 values: dict[str, str] | None = None) -> bool:
    """Send the person an answer: `text` (German, as written) or the template, filled, in
    their language. False if the person cannot be reached in the chat."""
    client = await ctx.session.get(Client, conversation.client_id)
    if client is None or client.telegram_id is None:
        return False
    tr = ctx.tr(client.language)
    now = ctx.clock.now()
    if template is not None:
        body = fill(template, values or {}, client.language, ctx.settings.timezone)
        german = fill(template, values or {}, "de", ctx.settings.timezone)
        stored = german
    else:
        header = tr._("Message from your KIM case manager (in German):")
        # German inside a right-to-left chat keeps its own direction.
        body = f"{header}\n\n{isolate(text, tr.rtl)}"
        stored = text
    buttons: tuple[tuple[Button, ...], ...] = ()
    if template is not None and template.book_button:
        buttons = rows([Button(tr._("Book an appointment"), action("book"))])
    buttons = (*buttons, *rows([Button(tr._("Answer"), action("write"))]))
    sent = await kim_messages.add_answer(ctx.session, conversation, member.id, stored,
                                         template.key if template else None, now)
    # Linked to the answer, so a person who blocked the bot is reported to its author.
    outbox.add(ctx.session, bot=BotKind.CLIENT.value, chat_id=client.telegram_id, text=body,
               buttons=[[(b.label, b.action) for b in row] for row in buttons], rtl=tr.rtl,
               now=now, kim_message_id=sent.id)
    ctx.outbox_written = True
    audit.record(ctx.session, staff_member_id=member.id, client_ids=[client.id],
                 action="messages.answer", now=now)
    return True


def waiting_de(since: datetime | None, now: datetime) -> str:
    """"wartet seit 3 Std." / "seit 2 Tagen"; "beantwortet" when nobody waits."""
    if since is None:
        return "beantwortet"
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"wartet seit {max(minutes, 1)} Min."
    if minutes < 48 * 60:
        return f"wartet seit {minutes // 60} Std."
    return f"wartet seit {minutes // (24 * 60)} Tagen"


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()
