"""The questions of /termin (booking for a person who phoned). Each moves the conversation to
its step with what was chosen so far and returns the question with its buttons.

The conversation data holds the caller's name and phone number between the steps: the person
agreed on the phone, and the state is cleared when the booking is done or abandoned (and
expires after a day in any case).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.appointments.slots import day_groups
from bot.catalogue.routing import CatalogueIndex
from bot.flows.actions import action
from bot.flows.appointment_notices import CHANNEL_LABELS, KIND_LABELS, language_de, when_de
from bot.flows.context import FlowContext
from bot.flows.events import Button, Reply, in_rows, rows
from bot.flows.staff import steps
from bot.flows.staff.local_days import hhmm
from bot.flows.staff.phone_booking.options import (
    ANY,
    chosen_places,
    day_arg,
    on_day,
    options_for,
    parse_day,
    parse_start,
    start_arg,
    starting_at,
)
from bot.i18n import LANGUAGES
from storage.models import AppointmentKind, CaseManagerWorkplace, StaffMember

ABORT = Button("Abbrechen", action("abort"))
WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"

ASK_NAME = ("Termin für eine Person buchen, die angerufen hat.\n"
            "Wie heißt die Person? Ein Vorname oder ein Kürzel genügt (höchstens 60 Zeichen).")
ASK_PHONE = ("Unter welcher Telefonnummer ist {name} erreichbar? Die Person bekommt keine "
             "Nachrichten vom Bot; das Team ruft bei Änderungen an.")
NO_PHONE = "Ohne Telefonnummer"
ASK_LANGUAGE = "In welcher Sprache spricht {name} am liebsten?"
ASK_TOWN = "In welchem Ort wohnt {name}?"
NO_CATALOGUE = ("Es ist noch kein Angebotskatalog mit Orten importiert (kimbot offices import). "
                "Ohne Orte lässt sich kein Termin buchen.")
ASK_KIND = "Welche Art von Termin?"
ASK_PLACE = "Wo in {town}? ({kind}: Orte mit freien Zeiten)"
ANY_PLACE = "Egal wo in {town}"
ASK_CHANNEL = "Wie findet der Folgetermin statt? Zur Wahl steht, was {where} anbietet."
ANY_WHERE = "mindestens ein Ort in {town}"
ASK_INTERPRETER = "Wird eine Dolmetschung gebraucht? (Sprache: {language})"
INTERPRETER_YES = "Ja, {language}"
INTERPRETER_NO = "Nein"
ASK_DAY = "An welchem Tag? (Tage mit freien Zeiten in {town})"
NO_DAYS = ("In {town} ist in den nächsten {days} Tagen kein {kind} frei. Bitte wählen Sie "
           "einen anderen Ort – oder /abbrechen.")
ASK_TIME = "Um wie viel Uhr am {day}?"
OTHER_DAY = "Anderer Tag"
NOT_FREE = "Diese Zeit ist nicht (mehr) frei.\n\n"
CONFIRM = ("Bitte prüfen:\n👤 {person}\n🗣 Sprache: {language} · Dolmetschung: {interpreter}\n"
           "📋 {kind}, {channel}\n🕒 {when}\n📍 {town}: {office}\n\n"
           "Mit „Buchen“ bestätigen Sie: Die Person hat am Telefon der Datenschutzerklärung "
           "zugestimmt (Fassung {version}).")
BOOK = "Zugestimmt – buchen"
OTHER_TIME = "Andere Zeit"


def ask_name(ctx: FlowContext) -> Reply:
    ctx.conversation.go(steps.PHONE_NAME)
    return Reply(ASK_NAME, rows([ABORT]))


def ask_phone(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.PHONE_NUMBER, **data)
    return Reply(ASK_PHONE.format(name=data["name"]),
                 rows([Button(NO_PHONE, action("no_phone"))], [ABORT]))


def ask_language(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.PHONE_LANGUAGE, **data)
    buttons = [Button(language_de(lang.code), action("pb_language", lang.code))
               for lang in LANGUAGES]
    return Reply(ASK_LANGUAGE.format(name=data["name"]), (*in_rows(buttons, 3), (ABORT,)))


async def ask_town(ctx: FlowContext, data: dict[str, Any], text: str = ASK_TOWN) -> Reply:
    index = await ctx.catalogue.index(ctx.session)
    if index.empty:
        ctx.conversation.go("")
        return Reply(NO_CATALOGUE)
    ctx.conversation.go(steps.PHONE_TOWN, **data)
    towns = sorted(index.towns.values(), key=lambda town: town.name)
    buttons = [Button(town.name, action("pb_town", town.id)) for town in towns]
    return Reply(text.format(name=data["name"]), (*in_rows(buttons, 2), (ABORT,)))


def ask_kind(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.PHONE_KIND, **data)
    buttons = [Button(KIND_LABELS[kind.value], action("pb_kind", kind.value))
               for kind in AppointmentKind]
    return Reply(ASK_KIND, rows(buttons, [ABORT]))


async def ask_place(ctx: FlowContext, data: dict[str, Any],
                    found: list[CaseManagerWorkplace]) -> Reply:
    """The town's places with free times: an office, or an office and a case manager where
    several work there; or any of them."""
    ctx.conversation.go(steps.PHONE_PLACE, **data)
    index = await ctx.catalogue.index(ctx.session)
    per_office = Counter(workplace.office_id for workplace in found)
    buttons = []
    for workplace in found:
        label = index.office_name(workplace.office_id)
        if per_office[workplace.office_id] > 1:  # the case manager first: long names are cut
            member = await ctx.session.get(StaffMember, workplace.staff_member_id)
            label = f"{member.display_name} – {label}" if member is not None else label
        buttons.append(Button(label[:60], action("pb_place", str(workplace.id))))
    buttons.sort(key=lambda button: button.label)
    town = _town_name(index, data["town"])
    return Reply(ASK_PLACE.format(town=town, kind=KIND_LABELS[data["kind"]]),
                 (*in_rows(buttons, 1), (Button(ANY_PLACE.format(town=town),
                                                action("pb_place", ANY)),), (ABORT,)))


async def ask_channel(ctx: FlowContext, data: dict[str, Any], allowed: list[str]) -> Reply:
    """Only the ways to meet the chosen place offers."""
    ctx.conversation.go(steps.PHONE_CHANNEL, **data)
    index = await ctx.catalogue.index(ctx.session)
    places = await chosen_places(ctx, data)
    if data.get("place") == ANY or len(places) != 1:
        where = ANY_WHERE.format(town=_town_name(index, data["town"]))
    else:
        where = index.office_name(places[0].office_id)
    buttons = [Button(CHANNEL_LABELS[code], action("pb_channel", code)) for code in allowed]
    return Reply(ASK_CHANNEL.format(where=where), rows(buttons, [ABORT]))


def ask_interpreter(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.PHONE_INTERPRETER, **data)
    language = language_de(data["language"])
    return Reply(ASK_INTERPRETER.format(language=language),
                 rows([Button(INTERPRETER_YES.format(language=language),
                              action("pb_interpreter", "yes")),
                       Button(INTERPRETER_NO, action("pb_interpreter", "no"))], [ABORT]))


async def nothing_free(ctx: FlowContext, data: dict[str, Any], before: str = "") -> Reply:
    """No free time of the kind in the town (or at the place chosen): back to the towns."""
    index = await ctx.catalogue.index(ctx.session)
    kept = {key: data[key] for key in ("name", "phone", "language")}
    return await ask_town(ctx, kept, before + NO_DAYS.format(
        town=_town_name(index, data["town"]), days=ctx.settings.booking_days,
        kind=KIND_LABELS[data["kind"]]))


async def ask_day(ctx: FlowContext, data: dict[str, Any], before: str = "") -> Reply:
    """The days with free times; none: back to the choice of town."""
    index = await ctx.catalogue.index(ctx.session)
    town = _town_name(index, data["town"])
    days = day_groups([o.starts_at for o in await options_for(ctx, data)], ctx.settings.timezone)
    if not days:
        return await nothing_free(ctx, data, before)
    ctx.conversation.go(steps.PHONE_DAY, **data)
    buttons = [Button(f"{WEEKDAYS[day.weekday()]} {day:%d.%m.}", action("pb_day", day_arg(day)))
               for day in days]
    return Reply(before + ASK_DAY.format(town=town), (*in_rows(buttons, 3), (ABORT,)))


async def ask_time(ctx: FlowContext, data: dict[str, Any], before: str = "") -> Reply:
    """The free times of the chosen day; none left: the days again."""
    day = parse_day(data["day"])
    assert day is not None
    found = on_day(await options_for(ctx, data), day, ctx.settings.timezone)
    if not found:
        return await ask_day(ctx, {k: v for k, v in data.items() if k != "day"}, before)
    ctx.conversation.go(steps.PHONE_TIME, **data)
    index = await ctx.catalogue.index(ctx.session)
    # Where each time is: one office named in the question, several numbered on the buttons.
    offices = list(dict.fromkeys(o.office_id for o in found))
    marks = ({office: MARKERS[n % len(MARKERS)] for n, office in enumerate(offices)}
             if len(offices) > 1 else {})
    buttons = [Button(f"{hhmm(o.starts_at, ctx.settings.timezone)} {marks.get(o.office_id, '')}"
                      .strip(), action("pb_time", start_arg(o))) for o in found]
    label = f"{WEEKDAYS[day.weekday()]} {day:%d.%m.%Y}"
    where = ([f"{marks[office]} {index.office_name(office)}" for office in offices] if marks
             else [f"📍 {index.office_name(offices[0])}"])
    return Reply("\n".join([before + ASK_TIME.format(day=label), *where]),
                 (*in_rows(buttons, 4), (Button(OTHER_DAY, action("pb_other_day")), ABORT)))


async def ask_confirm(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    start = parse_start(str(data["start"]))
    assert start is not None
    option = starting_at(await options_for(ctx, data), start)
    if option is None:
        return await ask_time(ctx, {k: v for k, v in data.items() if k != "start"},
                              before=NOT_FREE)
    # "Buchen" books exactly this: this case manager at this office (book.py checks it).
    ctx.conversation.go(steps.PHONE_CONFIRM, **data, staff=option.staff_member_id,
                        office=option.office_id)
    index = await ctx.catalogue.index(ctx.session)
    text = CONFIRM.format(
        person=data["name"] + (f", Tel. {data['phone']}" if data["phone"] else ""),
        language=language_de(data["language"]),
        interpreter="ja" if data["interpreter"] else "nein",
        kind=KIND_LABELS[data["kind"]], channel=CHANNEL_LABELS[data["channel"]],
        when=when_de(option.starts_at, option.starts_at + option.duration,
                     ctx.settings.timezone),
        town=_town_name(index, data["town"]),
        office=index.office_name(option.office_id),
        version=ctx.settings.privacy_notice_version)
    return Reply(text, rows([Button(BOOK, action("pb_book"))],
                            [Button(OTHER_TIME, action("pb_other_time")), ABORT]))


def _town_name(index: CatalogueIndex, town_id: str) -> str:
    town = index.towns.get(town_id)
    return town.name if town else town_id
