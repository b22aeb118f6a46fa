"""Which offices answer a question: topic + town (+ age group where it decides) -> 1 to 3 places.

Everything here works on an in-memory index built from the validated catalogue, so an answer
costs no database round trip; the index is rebuilt when a new catalogue is imported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from bot.catalogue.model import Office, Region, Town

MAX_PLACES = 3
KIM = "kim_case_management"

# The office types responsible for a topic, most fitting first. Types not named here still
# match when their data lists the topic; they rank after the named ones.
RESPONSIBLE: dict[str, tuple[str, ...]] = {
    "income_benefits": ("jobcenter", "social_welfare_office", "employment_agency"),
    "housing": ("social_welfare_office", KIM),
    "residence": ("foreigners_office", "refugee_counselling", "mbe", "jmd"),
    "naturalisation": ("naturalisation_office", "mbe"),
    "work": ("employment_agency", "jobcenter", "recognition_counselling"),
    "training_study": ("study_career_counselling", "employment_agency", "jmd"),
    "language_courses": ("language_course", "mbe", "jmd"),
    "kita_school": ("school_counselling", "youth_office", "integration_centre"),
    "health": ("health_office",),
    "mental_health": ("psychosocial_centre", "health_office"),
    "family": ("family_counselling", "youth_office", "pregnancy_counselling"),
    "family_reunification": ("mbe", "jmd", "refugee_counselling"),
    "debts": ("debt_counselling",),
    "recognition": ("recognition_counselling",),
    "legal_advice": ("legal_advice", "refugee_counselling"),
    "return_counselling": ("return_counselling", "foreigners_office"),
    "letters": (KIM, "mbe", "jmd", "refugee_counselling"),
    "social_participation": ("volunteer_initiative", "migrant_organisation",
                             "integration_agency"),
}
# KIM's own boundaries (DOMAIN.md): these are referred on, never handled by KIM case management.
NOT_KIM = frozenset({"legal_advice", "family_reunification", "return_counselling"})


class Reason(StrEnum):
    RESPONSIBLE = "responsible"  # the office type in charge of this topic
    ADVICE = "advice"  # a service that advises on this topic
    KIM = "kim"  # KIM case management: several problems at once, help with next steps
    IN_TOWN = "in_town"  # serves the person's town specifically
    DISTRICT = "district"  # serves the whole district
    AGE = "age"  # fits the person's age group


@dataclass(frozen=True)
class Place:
    office: Office
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class AgeBracket:
    low: int  # inclusive
    high: int | None  # inclusive; None = no upper limit


@dataclass(frozen=True)
class Answer:
    places: tuple[Place, ...]
    # Set when the age decides between the candidates and was not given: ask, then route again.
    ask_age: tuple[AgeBracket, ...] = ()
    # The topic is one KIM refers on (legal advice, family reunification, return).
    referred_on: bool = False

    @property
    def found(self) -> bool:
        return bool(self.places)

    @property
    def offers_kim(self) -> bool:
        return any(place.office.type == KIM for place in self.places)


class CatalogueIndex:
    """The whole catalogue, indexed for answering (region, topic) questions fast."""

    def __init__(self, regions: list[tuple[Region, list[Town], list[Office]]]) -> None:
        self.regions = {region.id: region for region, _, _ in regions}
        self.towns: dict[str, Town] = {}
        self.offices: dict[str, Office] = {}
        self.town_region: dict[str, str] = {}
        self.towns_by_region: dict[str, list[Town]] = {}
        self._by_region_topic: dict[tuple[str, str], list[Office]] = defaultdict(list)
        for region, towns, offices in regions:
            self.towns_by_region[region.id] = list(towns)
            for town in towns:
                self.towns[town.id] = town
                self.town_region[town.id] = region.id
            for office in offices:
                self.offices[office.id] = office
                for topic in office.topics:
                    self._by_region_topic[region.id, topic].append(office)

    def office_name(self, office_id: str) -> str:
        """The office's name; its id if a later import removed it (old appointments)."""
        office = self.offices.get(office_id)
        return office.name if office else office_id

    @property
    def empty(self) -> bool:
        return not self.towns

    def route(self, topic: str, town_id: str, age: int | None = None) -> Answer:
        region = self.town_region.get(town_id)
        if region is None:
            return Answer(())
        candidates = [office for office in self._by_region_topic.get((region, topic), ())
                      if office.serves(town_id)
                      and not (topic in NOT_KIM and office.type == KIM)]
        if age is None:
            brackets = _age_brackets(candidates)
            # Ask for the age only when it changes the places shown, not merely the candidates.
            shown = {tuple(place.office.id for place in _best(candidates, topic, town_id, b.low))
                     for b in brackets}
            if len(shown) > 1:
                return Answer((), ask_age=brackets, referred_on=topic in NOT_KIM)
        return Answer(_best(candidates, topic, town_id, age), referred_on=topic in NOT_KIM)


def _best(candidates: list[Office], topic: str, town_id: str,
          age: int | None) -> tuple[Place, ...]:
    fitting = [(position, office) for position, office in enumerate(candidates)
               if office.fits_age(age)]
    ranked = sorted(fitting, key=lambda item: _rank(item, topic, town_id))
    return tuple(Place(office, _reasons(office, topic, town_id, age))
                 for _, office in ranked[:MAX_PLACES])


def _rank(item: tuple[int, Office], topic: str, town_id: str) -> tuple[int, int, int]:
    position, office = item
    order = RESPONSIBLE.get(topic, ())
    responsibility = order.index(office.type) if office.type in order else len(order)
    local = 0 if town_id in office.towns else 1
    return responsibility, local, position


def _reasons(office: Office, topic: str, town_id: str, age: int | None) -> tuple[Reason, ...]:
    order = RESPONSIBLE.get(topic, ())
    if office.type == KIM:
        kind = Reason.KIM
    elif order and office.type == order[0]:
        kind = Reason.RESPONSIBLE
    else:
        kind = Reason.ADVICE
    where = Reason.IN_TOWN if town_id in office.towns else Reason.DISTRICT
    extra = (Reason.AGE,) if age is not None and office.age_limited else ()
    return (kind, where, *extra)


def _age_brackets(candidates: list[Office]) -> tuple[AgeBracket, ...]:
    """The age groups the candidates' age limits divide people into; () when none has one."""
    cuts = sorted({cut for office in candidates
                   for cut in (office.age_min, None if office.age_max is None
                               else office.age_max + 1) if cut is not None and cut > 0})
    if not cuts:
        return ()
    bounds = [0, *cuts]
    return tuple(AgeBracket(low, (bounds[i + 1] - 1) if i + 1 < len(bounds) else None)
                 for i, low in enumerate(bounds))
