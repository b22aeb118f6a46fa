"""Stable codes for the intake's answers, with the person's label (translated at the point of
use) and the German label staff read. Codes are stored; they never change once data uses them.
Topics are the finder's (bot.catalogue.topics), languages the bot's (bot.i18n)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Choice:
    code: str
    label: str  # English message id
    german: str


def by_code(choices: tuple[Choice, ...]) -> dict[str, Choice]:
    return {choice.code: choice for choice in choices}


HOUSEHOLDS: tuple[Choice, ...] = (
    Choice("alone", N_("Without a partner"), "ohne Partner:in"),
    Choice("partner", N_("With a partner"), "mit Partner:in"),
)
MAX_CHILDREN_BUTTON = 5  # the last button means "5 or more"

AGE_GROUPS: tuple[Choice, ...] = (
    Choice("u18", N_("Under 18"), "unter 18 Jahre"),
    Choice("18_26", N_("18 to 26"), "18–26 Jahre"),
    Choice("27_39", N_("27 to 39"), "27–39 Jahre"),
    Choice("40_59", N_("40 to 59"), "40–59 Jahre"),
    Choice("60plus", N_("60 or older"), "60 Jahre oder älter"),
)

GERMAN_LEVELS: tuple[Choice, ...] = (
    Choice("none", N_("No German yet"), "keine Deutschkenntnisse"),
    Choice("a1", N_("A1: a few words"), "A1"),
    Choice("a2", N_("A2: simple sentences"), "A2"),
    Choice("b1", N_("B1: everyday talks"), "B1"),
    Choice("b2", N_("B2 or better"), "B2 oder besser"),
)

NO_SERVICE = "none"
SERVICES: tuple[Choice, ...] = (
    Choice("mbe", N_("Migration counselling for adults (MBE)"),
           "Migrationsberatung für Erwachsene (MBE)"),
    Choice("jmd", N_("Youth migration service (JMD)"), "Jugendmigrationsdienst (JMD)"),
    Choice("jobcenter", N_("Jobcenter case manager"), "Fallmanagement im Jobcenter"),
    Choice("refugee", N_("Refugee counselling"), "Flüchtlingsberatung"),
    Choice("youth_office", N_("Youth office (Jugendamt)"), "Jugendamt"),
    Choice(NO_SERVICE, N_("None of these"), "keiner"),
)

HELPING: tuple[Choice, ...] = (
    Choice("yes", N_("Yes, it helps"), "ja"),
    Choice("partly", N_("Partly"), "teilweise"),
    Choice("no", N_("No, it does not help"), "nein"),
)

CONTACTS: tuple[Choice, ...] = (
    Choice("chat", N_("Here in this chat"), "hier im Chat"),
    Choice("phone", N_("By phone"), "per Telefon"),
    Choice("in_person", N_("In person at the office"), "persönlich im Büro"),
)

PREFER_NOT = "prefer_not"
RESIDENCE: tuple[Choice, ...] = (
    Choice("asylum", N_("Asylum procedure (Aufenthaltsgestattung)"),
           "Asylverfahren (Aufenthaltsgestattung)"),
    Choice("duldung", N_("Toleration (Duldung)"), "Duldung"),
    Choice("permit", N_("Residence permit (Aufenthaltserlaubnis)"), "Aufenthaltserlaubnis"),
    Choice("protection", N_("Temporary protection, e.g. from Ukraine"),
           "vorübergehender Schutz (§ 24 AufenthG)"),
    Choice("settlement", N_("Settlement permit (Niederlassungserlaubnis)"),
           "Niederlassungserlaubnis"),
    Choice("eu", N_("EU citizen"), "EU-Bürger:in (Freizügigkeit)"),
    Choice("german", N_("German citizen"), "deutsche Staatsangehörigkeit"),
    Choice("unknown", N_("I do not know"), "weiß ich nicht"),
    Choice(PREFER_NOT, N_("I prefer not to say"), "keine Angabe gewünscht"),
)

OTHER_LANGUAGE = "other"
NO_INTERPRETER = "no"
YES, NO = "yes", "no"

LETTER: tuple[Choice, ...] = (
    Choice(YES, N_("Yes"), "ja"),
    Choice(NO, N_("No"), "nein"),
)

# The answers chosen from one of these lists, by the question's key (the keys of
# bot.flows.client.intake.questions): what a stored code means, for the person and for staff.
CHOICES: dict[str, dict[str, Choice]] = {
    "household": by_code(HOUSEHOLDS),
    "age": by_code(AGE_GROUPS),
    "german": by_code(GERMAN_LEVELS),
    "services": by_code(SERVICES),
    "helping": by_code(HELPING),
    "letter": by_code(LETTER),
    "contact": by_code(CONTACTS),
    "residence": by_code(RESIDENCE),
}


def chosen(question: str, code: str | None) -> Choice | None:
    """The choice a stored code stands for; None without an answer or for an unknown code."""
    return CHOICES[question].get(code or "")


def real_services(codes: list[str] | None) -> list[str]:
    """The services that support the person, without "none"."""
    return [code for code in codes or [] if code != NO_SERVICE]
