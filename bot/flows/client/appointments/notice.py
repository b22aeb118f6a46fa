"""Each office's notice rule for cancelling and moving in the chat (`kimbot offices
booking-rules --cancel-notice-minutes`, 24 hours by default). Closer to the appointment the
person is asked to phone the office instead; if the office allows it (`--late-cancel`, the
default) they can still cancel here, and the case manager is told it was late. There are no
sanctions: the rule only makes sure a late change reaches a person, not only a chat."""

from __future__ import annotations

import math
from datetime import timedelta

from bot.appointments.availability import DEFAULT_RULES
from bot.catalogue.routing import KIM, CatalogueIndex
from bot.flows.actions import action
from bot.flows.client import steps
from bot.flows.client.booking.render import directed
from bot.flows.client.menu import back_to_menu
from bot.flows.client.turn import ClientTurn
from bot.flows.events import Button, Outcome, rows
from bot.i18n import isolate
from storage.models import Appointment, OfficeBookingRules


async def rules_of(turn: ClientTurn, appointment: Appointment) -> OfficeBookingRules:
    return await turn.ctx.session.get(OfficeBookingRules, appointment.office_id) \
        or DEFAULT_RULES


async def too_late(turn: ClientTurn, appointment: Appointment) -> OfficeBookingRules | None:
    """The office's rules if the appointment is closer than its notice allows, else None."""
    rules = await rules_of(turn, appointment)
    notice = timedelta(minutes=rules.cancel_notice_minutes)
    return rules if appointment.starts_at - turn.ctx.clock.now() < notice else None


def office_phone(index: CatalogueIndex, office_id: str) -> str | None:
    """The office's phone, or that of another KIM office for the same towns (the Kreis's
    KI team) when the catalogue has none for it."""
    office = index.offices.get(office_id)
    if office is None:
        return None
    if office.phone:
        return office.phone
    towns = set(office.towns)
    return next((other.phone for other in index.offices.values()
                 if other.type == KIM and other.phone and other.region == office.region
                 and towns & set(other.towns)), None)


async def late_screen(turn: ClientTurn, appointment: Appointment, rules: OfficeBookingRules,
                      moving: bool) -> Outcome:
    """Too late to cancel or move here: phone the office; cancel anyway where allowed."""
    tr = turn.tr
    index = await turn.ctx.catalogue.index(turn.ctx.session)
    hours = max(1, math.ceil(rules.cancel_notice_minutes / 60))
    phone = office_phone(index, appointment.office_id)
    lines = [tr.ngettext("Your appointment is in less than {n} hour.",
                         "Your appointment is in less than {n} hours.", hours),
             tr._("It is too late to choose another time here.") if moving
             else tr._("It is too late to cancel it here.")]
    if phone:
        lines.append("📞 " + tr._("Please phone the KIM office: {phone}",
                                 phone=isolate(phone, tr.rtl)))
    else:
        lines.append(tr._("Please tell the KIM office."))
    buttons: list[list[Button]] = []
    if rules.late_cancel:
        lines += ["", tr._("If you cannot come, you can still cancel here. Your case manager "
                           "will know that it was at short notice.")]
        buttons.append([Button(tr._("Cancel anyway"), action("alate", str(appointment.id)))])
    # Or write to the team instead of phoning (Talk to KIM).
    buttons.append([Button(tr._("✉️ Write to KIM"), action("write"))])
    buttons.append([Button(tr._("Keep my appointment"), action("appointments"))])
    turn.ctx.conversation.go(steps.LATE_CANCEL, appointment=appointment.id)
    return Outcome([turn.reply(directed(lines, tr), rows(*buttons, *back_to_menu(turn)))])
