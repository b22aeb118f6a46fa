"""Routing in the sample region: every topic, KIM's boundaries, and the JMD/MBE age split."""

from __future__ import annotations

from functools import cache

import pytest

from bot.catalogue.model import Office, Region, Town
from bot.catalogue.routing import KIM, NOT_KIM, CatalogueIndex, Reason
from bot.catalogue.samples import RBK
from bot.catalogue.topics import TOPICS
from storage.catalogue_io import read_files

TOWNS = ["bergisch-gladbach", "burscheid", "kuerten", "leichlingen", "odenthal", "overath",
         "roesrath", "wermelskirchen"]


@cache
def sample_index() -> CatalogueIndex:
    batch = read_files([RBK])
    region_file = batch.regions[0]
    region = Region.model_validate(region_file.region.data)
    towns = [Town.model_validate(t.data) for t in region_file.towns]
    offices = [Office.model_validate({"region": region.id, **o.record.data})
               for o in batch.offices]
    return CatalogueIndex([(region, towns, offices)])


def answer_for(topic: str, town: str, age: int | None = None):
    answer = sample_index().route(topic, town, age)
    if answer.ask_age:
        answer = sample_index().route(topic, town, 30 if age is None else age)
    return answer


def test_the_sample_has_the_eight_towns():
    assert sorted(sample_index().towns) == sorted(TOWNS)


@pytest.mark.parametrize("town", TOWNS)
@pytest.mark.parametrize("topic", [topic.code for topic in TOPICS])
def test_every_topic_finds_one_to_three_places_in_every_town(topic, town):
    answer = answer_for(topic, town)
    assert 1 <= len(answer.places) <= 3
    for place in answer.places:
        assert topic in place.office.topics
        assert place.office.serves(town)
        assert place.reasons  # every place says why it fits


@pytest.mark.parametrize("topic", sorted(NOT_KIM))
@pytest.mark.parametrize("town", TOWNS)
def test_kim_refers_on_for_its_boundaries(topic, town):
    answer = answer_for(topic, town)
    assert answer.referred_on
    assert all(place.office.type != KIM for place in answer.places)


@pytest.mark.parametrize(("topic", "first_type"), [
    ("legal_advice", "legal_advice"),
    ("family_reunification", "mbe"),  # for an adult; the young get the JMD (see below)
    ("return_counselling", "return_counselling"),
    ("residence", "foreigners_office"),
    ("naturalisation", "naturalisation_office"),
    ("debts", "debt_counselling"),
    ("recognition", "recognition_counselling"),
])
def test_the_responsible_office_comes_first(topic, first_type):
    answer = answer_for(topic, "odenthal", age=35)
    assert answer.places[0].office.type == first_type
    assert answer.places[0].reasons[0] is Reason.RESPONSIBLE


def test_the_age_decides_between_jmd_and_mbe():
    index = sample_index()
    unknown = index.route("language_courses", "burscheid")
    assert unknown.ask_age and not unknown.places  # ask first, answer after
    assert 27 in [bracket.low for bracket in unknown.ask_age]
    young = index.route("language_courses", "burscheid", age=19)
    adult = index.route("language_courses", "burscheid", age=27)
    young_types = [place.office.type for place in young.places]
    adult_types = [place.office.type for place in adult.places]
    assert "jmd" in young_types and "mbe" not in young_types
    assert "mbe" in adult_types and "jmd" not in adult_types
    jmd = next(place for place in young.places if place.office.type == "jmd")
    assert Reason.AGE in jmd.reasons


def test_no_age_question_when_the_age_changes_nothing_shown():
    # Residence: the foreigners' office and refugee counselling rank above JMD and MBE.
    assert not sample_index().route("residence", "roesrath").ask_age


def test_kim_is_offered_where_it_is_the_right_place():
    answer = answer_for("letters", "wermelskirchen")
    assert answer.offers_kim
    kim = next(p for p in answer.places if p.office.type == KIM)
    assert Reason.KIM in kim.reasons
    assert "wermelskirchen" in kim.office.towns  # the town's own case managers


def test_local_offices_come_before_district_wide_ones_of_the_same_kind():
    answer = answer_for("letters", "roesrath")
    kinds = [(p.office.type, "roesrath" in p.office.towns) for p in answer.places]
    kim_local = [local for kind, local in kinds if kind == KIM]
    assert kim_local == sorted(kim_local, reverse=True)


def test_an_unknown_town_finds_nothing():
    assert not sample_index().route("housing", "atlantis").found
