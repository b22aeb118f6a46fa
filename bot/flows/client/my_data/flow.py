"""The person's rights: see everything stored (/mydata) and erase it at once (/delete)."""

from __future__ import annotations

from bot.catalogue.topics import TOPIC_BY_CODE
from bot.flows import appointment_notices, intake_clearing, notify
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.booking.render import directed
from bot.flows.client.intake import flow as intake
from bot.flows.client.intake.render import answer_lines
from bot.flows.client.menu import back_to_menu, menu, stale_button
from bot.flows.client.turn import ClientTurn
from bot.flows.context import TOWN_HINT
from bot.flows.events import Button, Outcome, rows
from bot.i18n import BY_CODE, isolate
from storage import intakes, kim_messages, waitlist
from storage.appointments import upcoming_for_client
from storage.models import IntakeStatus, StaffMember


async def show_my_data(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    hours = int(turn.ctx.settings.state_ttl.total_seconds() // 3600)
    kept_briefly = tr.ngettext(
        "We keep your language and your place in this chat for {n} hour after your last "
        "message. Then we delete them automatically.",
        "We keep your language and your place in this chat for {n} hours after your last "
        "message. Then we delete them automatically.",
        hours)
    client = turn.client
    if client is None:
        parts = [tr._("We store nothing about you."), kept_briefly]
        data = turn.ctx.conversation.data
        town = data.get("town") or data.get(TOWN_HINT)
        if town:  # the finder keeps the chosen town in the conversation, too
            parts.append(tr._("Town for the office search: {town}",
                              town=await _town_name(turn, town)))
        return Outcome([turn.reply("\n\n".join(parts), back_to_menu(turn))])
    upcoming = len(await upcoming_for_client(turn.ctx.session, client.id,
                                             turn.ctx.clock.now()))
    lines = [
        tr._("This is everything we store about you:"),
        "• " + tr._("Telegram ID: {number}", number=client.telegram_id),
        "• " + tr._("Language: {language}", language=BY_CODE[client.language].native_name),
        "• " + tr._("You agreed to the privacy notice (version {version}) on {date} at {time}.",
                    version=client.consent_version, date=tr.date(client.consent_at),
                    time=tr.time(client.consent_at)),
        "• " + tr._("Last contact: {date}", date=tr.date(client.last_seen_at)),
        *(["• " + tr._("Town for the office search: {town}",
                       town=await _town_name(turn, client.town))] if client.town else []),
        *(["• " + tr._("Name for appointments: {name}", name=client.alias)]
          if client.alias else []),
        *(["• " + tr._("Phone number: {phone}", phone=client.phone)] if client.phone else []),
        *(["• " + tr.ngettext("{n} upcoming appointment: see /appointments",
                              "{n} upcoming appointments: see /appointments", upcoming)]
          if upcoming else []),
        *await _waiting_line(turn),
        "",
        kept_briefly,
        tr._("You can delete everything with /delete."),
    ]
    lines[-3:-3] = await _referral_lines(turn)
    parts = [part for part in (await _intake_part(turn), await _messages_part(turn)) if part]
    replies = [turn.reply("\n".join(lines)), *(turn.reply(part) for part in parts)]
    last = replies[-1]
    replies[-1] = turn.reply(last.text, back_to_menu(turn))
    return Outcome(replies)


async def _messages_part(turn: ClientTurn) -> str | None:
    """What the person and KIM wrote to each other, as stored: texts, and the kind of each
    file (the files themselves are not kept)."""
    tr = turn.tr
    assert turn.client is not None
    found = await kim_messages.of_client(turn.ctx.session, turn.client.id)
    if not found:
        return None
    files = {"photo": tr._("(a photo)"), "document": tr._("(a PDF file)"),
             "voice": tr._("(a voice message)")}
    lines = [tr._("Your messages with the KIM team:")]
    for message in found[-MAX_MESSAGES_SHOWN:]:
        who = tr._("You") if message.from_client else tr._("KIM")
        content = files.get(message.attachment or "", "") if message.attachment \
            else isolate(message.text or "", True)
        lines.append(f"{tr.date(message.at)} {tr.time(message.at)} · {who}: {content}")
    if len(found) > MAX_MESSAGES_SHOWN:
        lines.append(tr.ngettext("… and {n} older message.", "… and {n} older messages.",
                                 len(found) - MAX_MESSAGES_SHOWN))
    return directed(lines, tr)


# A Telegram message holds 4,096 characters; 20 messages of up to 1,000 would not fit in one.
MAX_MESSAGES_SHOWN = 3


async def _waiting_line(turn: ClientTurn) -> list[str]:
    assert turn.client is not None
    entry = await waitlist.active_for_client(turn.ctx.session, turn.client.id)
    if entry is None:
        return []
    tr = turn.tr
    return ["• " + tr._("You are on the waiting list for {town} until {date}.",
                        town=await _town_name(turn, entry.town), date=tr.date(entry.expires_at))]


async def _intake_part(turn: ClientTurn) -> str | None:
    """The intake's answers in the person's language, and whether they were sent."""
    ctx, tr = turn.ctx, turn.tr
    assert turn.client is not None
    found = await intakes.active_for_client(ctx.session, turn.client.id)
    if found is None:
        return None
    index = await ctx.catalogue.index(ctx.session)
    status = (tr._("Not sent yet. You can go on with /aboutme.")
              if found.status == IntakeStatus.DRAFT.value
              else await intake.status_line(turn, found))
    lines = [tr._("Your answers for KIM:"), *answer_lines(found, tr, index), "", status]
    return directed(lines, tr)


async def _referral_lines(turn: ClientTurn) -> list[str]:
    """Referrals by a volunteer or a service: the person sees what was passed on about them."""
    tr = turn.tr
    assert turn.client is not None
    lines = []
    for found in await intakes.referrals_for_client(turn.ctx.session, turn.client.id):
        topics = tr.join(tr._(TOPIC_BY_CODE[code].label) for code in found.topics or []
                           if code in TOPIC_BY_CODE)
        when = tr.date(found.submitted_at or found.created_at)
        lines.append("• " + tr._("On {date} a service that helps you told the KIM team about "
                                 "you. Topics: {topics}", date=when, topics=topics or "–"))
    return lines


async def _town_name(turn: ClientTurn, town_id: str) -> str:
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    town = index.towns.get(town_id)
    return town.name if town else town_id


async def ask_delete(turn: ClientTurn) -> Outcome:
    tr = turn.tr
    turn.ctx.conversation.go(steps.CONFIRM_DELETE)
    buttons = rows([Button(tr._("Yes, delete everything"), action("delete", "yes"))],
                   [Button(tr._("No, keep it"), action("delete", "no"))])
    text = tr._("Do you want to delete all your data? You cannot get it back.")
    return Outcome([turn.reply(text, buttons)])


async def confirm_delete(turn: ClientTurn, answer: str) -> Outcome:
    if turn.ctx.conversation.step != steps.CONFIRM_DELETE:
        # An old confirmation button must not erase anything by surprise.
        return await stale_button(turn)
    tr = turn.tr
    if answer != "yes":
        return Outcome([turn.reply(tr._("We deleted nothing."), edit=True), menu(turn)])
    if turn.client is not None:  # relayed messages go from the staff chats too, where possible
        await kim_messages.forget_client(turn.ctx.session, turn.client.id, turn.ctx.clock.now())
        turn.ctx.outbox_written = True
    await _tell_case_managers_before_erasure(turn)
    await _withdraw_intake_before_erasure(turn)
    await turn.clients.erase(turn.ctx.event.user_id)
    turn.ctx.conversation.erased = True
    text = tr._("Done. We deleted all your data. Write /start if you want to begin again.")
    return Outcome([turn.reply(text, edit=True)])


async def _withdraw_intake_before_erasure(turn: ClientTurn) -> None:
    """The intake goes with the person (ON DELETE CASCADE); whoever holds it hears only that
    it was withdrawn."""
    if turn.client is None:
        return
    own = await intakes.active_for_client(turn.ctx.session, turn.client.id)
    referred = await intakes.referrals_for_client(turn.ctx.session, turn.client.id)
    for found in [*([own] if own is not None else []), *referred]:
        await intake_clearing.tell_withdrawn(turn.ctx, found, erased=True)


async def _tell_case_managers_before_erasure(turn: ClientTurn) -> None:
    """Erasure takes the appointments with it; their case managers must not wait in vain."""
    ctx, client = turn.ctx, turn.client
    if client is None:
        return
    upcoming = await upcoming_for_client(ctx.session, client.id, ctx.clock.now())
    if not upcoming:
        return
    index = await ctx.catalogue.index(ctx.session)
    for appointment in upcoming:
        member = await ctx.session.get(StaffMember, appointment.staff_member_id)
        if member is None:
            continue
        appointment.cancelled_by = "erased"  # for the message only: the row goes with the client
        notify.to_staff(ctx, member, appointment_notices.cancelled(
            appointment, client, index.office_name(appointment.office_id),
            ctx.settings.timezone))
        # The time becomes free with the erasure: people waiting there look again.
        await waitlist.time_freed(ctx.session, appointment.staff_member_id,
                                  appointment.office_id, ctx.clock.now())
