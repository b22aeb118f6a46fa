"""What the answers suggest, for the German summary: never a decision.

KIM admits a case management case when at least 3 of 5 criteria hold (DOMAIN.md): complex
needs, many actors involved, regular services not working, missing resources of the person,
and consent. The fifth, consent, is given in the interview, so the answers can point to four.
The decision belongs to the case manager; this module only counts what the answers show:

- several topics: 3 or more (a Kurzberatung has at most two needs in focus);
- several services involved: 2 or more of MBE, JMD, Jobcenter, refugee counselling, youth office;
- a service not helping: one supports the person and it helps only partly or not at all;
- missing resources: no German or A1 only, or an interpreter needed, or raising children alone.

And a letter's deadline is "near" when it is at most DEADLINE_WARNING_DAYS days away (or past):
a week is the time a case manager needs to see the person, read the letter and answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.intake.codes import NO_INTERPRETER, YES, real_services
from storage.models import Intake

SEVERAL_TOPICS = 3
SEVERAL_SERVICES = 2
LOW_GERMAN = frozenset({"none", "a1"})
DEADLINE_WARNING_DAYS = 7
CRITERIA_FROM_ANSWERS = 4  # of the five; consent is the fifth


@dataclass(frozen=True)
class Criterion:
    code: str
    german: str  # why it is suggested, for the summary


def suggested_criteria(intake: Intake) -> list[Criterion]:
    found = []
    topics = intake.topics or []
    if len(topics) >= SEVERAL_TOPICS:
        found.append(Criterion("complex_needs", f"mehrere Themen ({len(topics)})"))
    services = real_services(intake.services)
    if len(services) >= SEVERAL_SERVICES:
        found.append(Criterion("many_actors", f"mehrere Dienste beteiligt ({len(services)})"))
    if services and intake.services_helping in ("partly", "no"):
        found.append(Criterion("services_not_working",
                               "ein Dienst hilft laut Person nicht ausreichend"))
    resources = _missing_resources(intake)
    if resources:
        found.append(Criterion("missing_resources",
                               "fehlende Ressourcen (" + ", ".join(resources) + ")"))
    return found


def _missing_resources(intake: Intake) -> list[str]:
    reasons = []
    if intake.german_level in LOW_GERMAN:
        reasons.append("kaum Deutsch")
    if intake.interpreter and intake.interpreter != NO_INTERPRETER:
        reasons.append("braucht Dolmetschung")
    if intake.household == "alone" and (intake.children or 0) > 0:
        reasons.append("allein mit Kind(ern)")
    return reasons


def days_to_deadline(intake: Intake, today: date) -> int | None:
    """Days from `today` to the letter's deadline (negative: past); None without one."""
    if intake.letter != YES or intake.letter_deadline is None:
        return None
    return (intake.letter_deadline - today).days


def deadline_near(intake: Intake, today: date) -> bool:
    days = days_to_deadline(intake, today)
    return days is not None and days <= DEADLINE_WARNING_DAYS
