"""What the waiting list says on its own, through the outbox: an offer of free times, each a
button (the first tap gets it, kept for them while they answer), and the end of the entry
after 30 days."""

from __future__ import annotations

from bot.appointments.availability import Option
from bot.catalogue.routing import CatalogueIndex
from bot.flows.actions import action
from bot.flows.client.booking.render import address_line, day_label, directed
from bot.flows.events import Button, Reply, rows
from bot.i18n import translator
from storage.models import Client, WaitlistOffer


def offer(client: Client, town: str, offered: list[tuple[WaitlistOffer, Option]],
          index: CatalogueIndex, timezone: str) -> Reply:
    """"A time became free": one line and one button per time."""
    tr = translator(client.language, timezone)
    town_name = index.towns[town].name if town in index.towns else town
    lines = ["🔔 " + tr._("Good news: a time became free in {town}.", town=town_name), ""]
    buttons = []
    for row, option in offered:
        office = index.offices.get(option.office_id)
        when = f"{day_label(option.starts_at, tr)}, {tr.time(option.starts_at)}"
        where = ", ".join(part for part in (office.name if office else option.office_id,
                                            address_line(office) if office else "") if part)
        lines.append(f"• {when}: {where}")
        buttons.append([Button(when, action("wl_take", str(row.id)))])
    lines += ["", tr._("Tap a time to book it. The first person who taps gets it.")]
    leave = Button(tr._("Leave the waiting list"), action("wl_leave"))
    return Reply(directed(lines, tr), rows(*buttons, [leave]), rtl=tr.rtl)


def ended(client: Client, timezone: str) -> Reply:
    """After 30 days on the list."""
    tr = translator(client.language, timezone)
    text = tr._("Your place on the waiting list has ended after 30 days. If you still need an "
                "appointment, you can book one or join the list again.")
    return Reply(text, rows([Button(tr._("Book an appointment"), action("book"))]), rtl=tr.rtl)
