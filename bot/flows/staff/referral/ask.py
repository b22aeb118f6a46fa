"""The questions of /vermitteln (refer a person) and /meldung (a partner hands over a complex
case). Each moves the conversation to its step with what was chosen so far and returns the
question with its buttons.

The person's agreement is asked first: without it nothing about them is typed in at all. The
answers wait in the conversation state (cleared on sending or abandoning, expired after a day)
until "Absenden" stores them; after that the referrer sees only the status.
"""

from __future__ import annotations

from typing import Any

from bot.catalogue.topics import TOPICS
from bot.flows.actions import action
from bot.flows.appointment_notices import bidi_safe, language_de
from bot.flows.context import FlowContext
from bot.flows.events import Button, Reply, in_rows, rows
from bot.flows.staff import steps
from bot.i18n import LANGUAGES
from bot.intake.summary_de import topics_de
from bot.referral.codes import LEGAL_AREA_BY_CODE, LEGAL_AREAS, REASON_BY_CODE, REASONS, german
from storage.models import IntakeSource

ABORT = Button("Abbrechen", action("abort"))
MAX_NOTE = 500

ASK_AGREED = {
    IntakeSource.REFERRAL.value: (
        "Eine Person an das KIM-Team vermitteln.\n\n"
        "Zuerst: Ist die Person damit einverstanden, dass Sie ihren Vornamen, ihren Wohnort, "
        "ihre Sprache und ihre Anliegen an das Kommunale Integrationsmanagement weitergeben "
        "und dass das KIM-Team sie kontaktiert?"),
    IntakeSource.HANDOVER.value: (
        "Einen komplexen Fall an das KIM-Case-Management melden.\n\n"
        "Zuerst: Ist die Person damit einverstanden, dass Sie ihren Fall mit Vornamen, Wohnort, "
        "Sprache und den Gründen an das Kommunale Integrationsmanagement melden und dass das "
        "KIM-Team sie kontaktiert?"),
}
AGREED = "✅ Ja, die Person ist einverstanden"
NOT_AGREED = "Nein / nicht gefragt"
REFUSED = ("Ohne das Einverständnis der Person können wir keine Vermittlung annehmen. Es wurde "
           "nichts gespeichert.\n\nSie können der Person stattdessen den Flyer oder den Link "
           "zum KIM-Bot geben: Dort kann sie sich selbst melden, in ihrer Sprache.")
ASK_ALIAS = ("Wie heißt die Person? Ein Vorname oder ein Kürzel genügt (höchstens 60 Zeichen). "
             "Das KIM-Team spricht sie damit an.")
ASK_TOWN = "In welchem Ort wohnt {name}?"
NO_CATALOGUE = ("Es ist noch kein Angebotskatalog mit Orten importiert (kimbot offices import). "
                "Ohne Orte lässt sich niemand vermitteln.")
ASK_LANGUAGE = "In welcher Sprache möchte {name} am liebsten schreiben oder sprechen?"
ASK_TOPICS = ("Worum geht es? Tippen Sie ein oder mehrere Themen an (✓ = gewählt), dann "
              "„Weiter“.")
TOPICS_NEEDED = "Bitte wählen Sie mindestens ein Thema."
ASK_REASONS = ("Warum ist der Fall komplex? Tippen Sie die Gründe an (✓ = gewählt), dann "
               "„Weiter“.")
REASONS_NEEDED = "Bitte wählen Sie mindestens einen Grund."
ASK_AREAS = ("Welche Rechtskreise oder Stellen sind beteiligt? Tippen Sie an (✓ = gewählt), "
             "dann „Weiter“ – oder „Weiter“ ohne Auswahl.")
ASK_NOTE = (f"Beschreiben Sie den Fall kurz für das Case Management (höchstens {MAX_NOTE} "
            "Zeichen). Bitte keine Gesundheitsdaten und nur, was für die Übernahme nötig ist. "
            "Oder „Ohne Beschreibung“.")
NO_NOTE = "Ohne Beschreibung"
ASK_REACH = "Wie erreicht das KIM-Team {name}?"
REACH_LINK = "📲 Einladungslink: die Person meldet sich selbst im Bot"
REACH_PHONE = "☎️ Per Telefon"
ASK_PHONE = "Unter welcher Telefonnummer ist {name} erreichbar?"
CONFIRM = {
    IntakeSource.REFERRAL.value: "Bitte prüfen – Vermittlung an das KIM-Team:",
    IntakeSource.HANDOVER.value: "Bitte prüfen – Meldung eines komplexen Falls:",
}
CONFIRM_END = ("✔️ Die Person ist einverstanden (von Ihnen bestätigt).\n\n"
               "Nach dem Absenden sehen Sie nur noch den Stand (eingegangen, Kontakt "
               "hergestellt), keine Angaben zur Person mehr.")
SEND = "📨 Absenden"
CONTINUE = "Weiter ➡️"


def ask_agreed(ctx: FlowContext, kind: str) -> Reply:
    ctx.conversation.go(steps.REFER_AGREED, kind=kind)
    return Reply(ASK_AGREED[kind], rows([Button(AGREED, action("ref_agree", "yes"))],
                                        [Button(NOT_AGREED, action("ref_agree", "no"))]))


def ask_alias(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_ALIAS, **data)
    return Reply(ASK_ALIAS, rows([ABORT]))


async def ask_town(ctx: FlowContext, data: dict[str, Any], region_id: str | None) -> Reply:
    """The towns of the referrer's Kreis (all towns for an account without one)."""
    index = await ctx.catalogue.index(ctx.session)
    towns = [town for town in index.towns.values()
             if region_id is None or index.town_region.get(town.id) == region_id]
    if not towns:
        ctx.conversation.go("")
        return Reply(NO_CATALOGUE)
    ctx.conversation.go(steps.REFER_TOWN, **data)
    buttons = [Button(town.name, action("ref_town", town.id))
               for town in sorted(towns, key=lambda town: town.name)]
    return Reply(ASK_TOWN.format(name=bidi_safe(data["alias"])),
                 (*in_rows(buttons, 2), (ABORT,)))


def ask_language(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_LANGUAGE, **data)
    buttons = [Button(language_de(lang.code), action("ref_lang", lang.code))
               for lang in LANGUAGES]
    return Reply(ASK_LANGUAGE.format(name=bidi_safe(data["alias"])),
                 (*in_rows(buttons, 3), (ABORT,)))


def ask_topics(ctx: FlowContext, data: dict[str, Any], before: str = "") -> Reply:
    ctx.conversation.go(steps.REFER_TOPICS, **data)
    chosen = set(data.get("topics", []))
    buttons = [Button(("✓ " if topic.code in chosen else "") + topic.german,
                      action("ref_topic", topic.code)) for topic in TOPICS]
    return Reply(before + ASK_TOPICS, (*in_rows(buttons, 2),
                                       (Button(CONTINUE, action("ref_topics")), ABORT)))


def ask_reasons(ctx: FlowContext, data: dict[str, Any], before: str = "") -> Reply:
    ctx.conversation.go(steps.REFER_REASONS, **data)
    chosen = set(data.get("reasons", []))
    buttons = [(Button(("✓ " if reason.code in chosen else "") + reason.german,
                       action("ref_reason", reason.code)),) for reason in REASONS]
    return Reply(before + ASK_REASONS, (*buttons,
                                        (Button(CONTINUE, action("ref_reasons")), ABORT)))


def ask_areas(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_AREAS, **data)
    chosen = set(data.get("areas", []))
    buttons = [Button(("✓ " if area.code in chosen else "") + area.german,
                      action("ref_area", area.code)) for area in LEGAL_AREAS]
    return Reply(ASK_AREAS, (*in_rows(buttons, 2),
                             (Button(CONTINUE, action("ref_areas")), ABORT)))


def ask_note(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_NOTE, **data)
    return Reply(ASK_NOTE, rows([Button(NO_NOTE, action("ref_nonote"))], [ABORT]))


def ask_reach(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_REACH, **data)
    return Reply(ASK_REACH.format(name=bidi_safe(data["alias"])),
                 rows([Button(REACH_LINK, action("ref_reach", "chat"))],
                      [Button(REACH_PHONE, action("ref_reach", "phone"))], [ABORT]))


def ask_phone(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_PHONE, **data)
    return Reply(ASK_PHONE.format(name=bidi_safe(data["alias"])), rows([ABORT]))


async def ask_confirm(ctx: FlowContext, data: dict[str, Any]) -> Reply:
    ctx.conversation.go(steps.REFER_CONFIRM, **data)
    index = await ctx.catalogue.index(ctx.session)
    town = index.towns.get(data["town"])
    lines = [CONFIRM[data["kind"]],
             f"👤 {bidi_safe(data['alias'])} · 🗣 {language_de(data['language'])}",
             f"📍 {town.name if town else data['town']}",
             f"📋 Themen: {topics_de(data['topics'])}"]
    if data["kind"] == IntakeSource.HANDOVER.value:
        lines += [f"⚠️ Gründe: {german(data['reasons'], REASON_BY_CODE)}",
                  f"⚖️ Rechtskreise: {german(data['areas'], LEGAL_AREA_BY_CODE) or '–'}",
                  f"📝 {data['note'] or 'ohne Beschreibung'}"]
    lines.append("☎️ " + (f"Telefon {bidi_safe(data['phone'])}" if data["contact"] == "phone"
                          else "Einladungslink (die Person meldet sich selbst)"))
    return Reply("\n".join([*lines, "", CONFIRM_END]),
                 rows([Button(SEND, action("ref_send"))], [ABORT]))
