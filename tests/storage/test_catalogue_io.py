"""Catalogue import and export: the RBK sample, broken files that name their exact problem and
change nothing, YAML+CSV imports, round trips, and replacing one region without touching others."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.catalogue.model import ALL_TOWNS
from bot.catalogue.samples import RBK
from bot.catalogue.topics import OFFICE_TYPES, TOPICS
from storage.catalogue_io import (
    CatalogueImportError,
    Problem,
    export_catalogue,
    import_catalogue,
    read_files,
    validate,
)
from storage.catalogue_repo import has_catalogue, load_catalogue
from storage.db import Database
from storage.models import CatalogueRegion

DATA = Path(__file__).parents[1] / "data" / "catalogue"
DOCS = Path(__file__).parents[2] / "docs" / "catalogue-format.md"
RBK_TOWNS = {"bergisch-gladbach", "burscheid", "kuerten", "leichlingen", "odenthal", "overath",
             "roesrath", "wermelskirchen"}
BOUNDARY_TOPICS = {"legal_advice", "family_reunification", "return_counselling"}


async def snapshot(db: Database) -> tuple[Any, dict[str, Any]]:
    """Everything an import may change: the catalogue and each region's import time."""
    async with db.transaction() as session:
        catalogue = await load_catalogue(session)
        times = {region.id: region.imported_at
                 for region in await session.scalars(select(CatalogueRegion))}
    return catalogue, times


async def offices_of(db: Database, region_id: str) -> list[Any]:
    async with db.transaction() as session:
        [(_region, _towns, offices)] = await load_catalogue(session, region_id)
    return offices


def problems_of(*paths: Path, known: dict[str, set[str]] | None = None) -> list[Problem]:
    return validate(read_files(paths), known or {})


# --- the sample ------------------------------------------------------------------------------


async def test_the_sample_imports_cleanly(db, clock):
    async with db.transaction() as session:
        assert not await has_catalogue(session)
    report = await import_catalogue(db, [RBK], clock.now())
    [region] = report.regions
    assert (region.region_id, region.towns, region.towns_replaced) == ("rbk", 8, True)
    async with db.transaction() as session:
        assert await has_catalogue(session)
        [(stored, towns, offices)] = await load_catalogue(session)
    assert stored.name == "Rheinisch-Bergischer Kreis"
    assert {town.id for town in towns} == RBK_TOWNS
    assert [town.name for town in towns][:2] == ["Bergisch Gladbach", "Burscheid"]  # file order
    assert region.offices == len(offices) > 30
    assert offices[0].id == "kim-bergisch-gladbach"
    _, times = await snapshot(db)
    assert times == {"rbk": clock.now()}


def test_every_topic_has_an_office_in_every_town_of_the_sample():
    batch = read_files([RBK])
    assert validate(batch, {}) == []
    from bot.catalogue.model import Office

    offices = [Office.model_validate(item.record.data) for item in batch.offices]
    missing = [(town, topic.code) for town in sorted(RBK_TOWNS) for topic in TOPICS
               if not any(o.serves(town) and topic.code in o.topics for o in offices)]
    assert missing == []


def sample_offices() -> list[Any]:
    from bot.catalogue.model import Office

    return [Office.model_validate(item.record.data) for item in read_files([RBK]).offices]


def test_the_sample_has_a_kim_office_for_every_town_and_keeps_kims_boundaries():
    kim = [o for o in sample_offices() if o.type == "kim_case_management"]
    assert {town for office in kim for town in office.towns} == RBK_TOWNS
    assert all(not set(office.topics) & BOUNDARY_TOPICS for office in kim)
    assert all({"de", "en", "ar"} <= set(office.description) for office in kim)
    leichlingen = [o.id for o in kim if "leichlingen" in o.towns]
    assert leichlingen == ["kim-ki-nord"]  # covered by the KI team, region Nord


def test_the_sample_keeps_the_real_hours_and_invents_none():
    offices = {office.id: office for office in sample_offices()}
    assert offices["kim-wermelskirchen"].consultation_hours == "Mo-Fr 08:30-12:00; PH off"
    assert offices["kim-roesrath-begegnungscafe"].consultation_hours.startswith("Tu 16:00-18:00")
    assert offices["kim-burscheid-jugendbuero"].opening_hours == "Mo-Fr 09:00-16:00; PH off"
    for office_id in ("kim-odenthal", "kim-kuerten", "kim-ki-nord", "kim-overath"):
        office = offices[office_id]
        assert office.opening_hours is None and office.consultation_hours is None
        assert office.appointment_needed
        assert "Termine nach Vereinbarung" in office.description["de"]
    assert offices["kim-ki-mitte"].street == "Am Rübezahlwald 7"
    assert offices["kim-ki-mitte"].phone == "02202 13-0"


def test_the_sample_marks_invented_entries_and_sources_real_ones():
    for office in sample_offices():
        if office.example:
            assert "Beispieleintrag" in office.description["de"], office.id
            assert office.email is None or office.email.endswith("@example.org"), office.id
            assert office.website is None or office.website.startswith("https://example.org/")
            assert office.phone is None or "0000-" in office.phone, office.id
        else:
            assert office.source, office.id
            assert "example.org" not in f"{office.email}{office.website}", office.id


def test_the_sample_has_jmd_and_mbe_split_by_age():
    offices = sample_offices()
    jmd = [o for o in offices if o.type == "jmd"]
    mbe = [o for o in offices if o.type == "mbe"]
    assert jmd and mbe
    assert all(o.age_min == 12 and o.age_max == 26 for o in jmd)
    assert all(o.age_min == 27 and o.age_max is None for o in mbe)
    shared = set(jmd[0].topics) & set(mbe[0].topics)
    assert {"residence", "work", "language_courses"} <= shared  # so the age question matters


def test_the_docs_list_every_topic_and_office_type():
    text = DOCS.read_text(encoding="utf-8")
    missing = [item.code for item in (*TOPICS, *OFFICE_TYPES) if f"`{item.code}`" not in text]
    assert missing == []


# --- broken files: exact problem, nothing changed ---------------------------------------------

BROKEN = [
    # file, line, field, part of the message
    ("missing-field.yaml", 5, "name", "required field is missing"),
    ("bad-hours.yaml", 10, "opening_hours", "ends before it starts"),
    ("unknown-topic.yaml", 11, "topics", "unknown topic 'astrology'"),
    ("unknown-town.yaml", 10, "towns", "unknown town 'koeln'"),
    ("duplicate-id.yaml", 11, "id", "duplicate-id.yaml:5"),
    ("malformed.yaml", 8, None, "YAML syntax error"),
    ("bad-boolean.csv", 3, "appointment_needed", "not a yes/no value: 'vielleicht'"),
    ("unknown-column.csv", 1, "fax", "unknown column"),
]


@pytest.mark.parametrize(("name", "line", "field", "message"), BROKEN,
                         ids=[case[0] for case in BROKEN])
async def test_a_broken_file_names_the_problem_and_changes_nothing(
        db, clock, name, line, field, message):
    await import_catalogue(db, [RBK], clock.now())
    await import_catalogue(db, [DATA / "other-region.yaml"], clock.now())
    before = await snapshot(db)
    path = DATA / name
    with pytest.raises(CatalogueImportError) as raised:
        await import_catalogue(db, [path], clock.now() + timedelta(hours=1))
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), line, field)
    assert message in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")
    assert await snapshot(db) == before


async def test_a_valid_file_beside_a_broken_one_is_not_imported_either(sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    before = await snapshot(sqlite_db)
    with pytest.raises(CatalogueImportError):
        await import_catalogue(sqlite_db, [DATA / "other-region.yaml", DATA / "bad-hours.yaml"],
                               clock.now())
    assert await snapshot(sqlite_db) == before


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = write(tmp_path, "many.yaml", """\
region: {id: rbk, name: RBK}
towns:
  - {id: overath, name: Overath}
  - {id: overath, name: Overath again}
offices:
  - id: one
    type: spaceport
    name: One
    towns: [overath]
    topics: [housing]
    postcode: 1234
    appointment_needed: vielleicht
    description: {de: Eins}
  - id: two
    region: test-kreis
    type: other
    name: Two
    towns: [overath]
    topics: [housing]
    description: {de: Zwei}
    colour: blue
""")
    found = {(p.line, p.field) for p in problems_of(path)}
    assert found == {
        (4, "id"),  # duplicate town id
        (7, "type"),  # unknown office type
        (11, "postcode"),  # four digits
        (12, "appointment_needed"),
        (15, "region"),  # not this file's region, reported although the record has more
        (21, "colour"),  # unknown field
    }


def test_cross_field_problems_name_the_field(tmp_path):
    # pydantic runs these checks only once every field is valid: a second round may find them.
    path = write(tmp_path, "ages.csv",
                 "id,region,type,name,towns,topics,age_min,age_max,description_de,description_en\n"
                 "x,rbk,jmd,JMD,*,work,30,20,Text,\n"
                 "y,rbk,jmd,JMD,*,work,,,,English only\n")
    first, second = problems_of(path, known={"rbk": set()})
    assert (first.line, first.field) == (2, "age_min")
    assert "above age_max" in first.message
    assert (second.line, second.field) == (3, "description")
    assert "German" in second.message


def test_a_csv_needs_its_region_defined(tmp_path):
    path = write(tmp_path, "lonely.csv",
                 "id,region,type,name,towns,topics,description_de\n"
                 "x,nowhere,other,X,*,work,Text\n")
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (2, "region")
    assert "not defined" in problem.message


def test_duplicates_across_files_name_both_places(tmp_path):
    csv_path = write(tmp_path, "more.csv",
                     "id,region,type,name,towns,topics,description_de\n"
                     "test-kim,test-kreis,other,X,*,work,Text\n")
    [problem] = problems_of(DATA / "other-region.yaml", csv_path)
    assert (problem.file, problem.line, problem.field) == (str(csv_path), 2, "id")
    assert f"{DATA / 'other-region.yaml'}:9" in problem.message


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("empty.yaml", "", None, "empty"),
    ("comments.yaml", "# nothing here\n", None, "empty"),
    ("empty.csv", "\ufeff\n", None, "empty"),
    ("header.csv", "id,region,type,name,towns,topics,description_de\n", 1, "no offices"),
    ("list.yaml", "- a\n- b\n", 1, "mapping"),
    ("no-towns.yaml", "region: {id: x, name: X}\ntowns: []\n", 2, "at least one town"),
    ("quote.csv", 'id,name\n"x,y\n', 2, "CSV syntax error"),
    ("notes.txt", "hello", None, "unknown file type"),
])
def test_files_that_cannot_be_read(tmp_path, name, text, line, message):
    path = write(tmp_path, name, text)
    problems = problems_of(path)
    assert problems, name
    assert problems[0].line == line
    assert message in problems[0].message
    assert problems[0].file == str(path)


def test_a_missing_file_is_a_problem_too(tmp_path):
    [problem] = problems_of(tmp_path / "gone.yaml")
    assert "cannot read" in problem.message


def test_yaml_scalars_are_read_as_written(tmp_path):
    # YAML 1.1 reads 01234 as the octal 668 and "no" as False; postcodes and names are text.
    path = write(tmp_path, "scalars.yaml", """\
region: {id: x, name: X}
towns: [{id: t, name: "no"}]
offices:
  - {id: o, type: other, name: yes, towns: [t], topics: [work], postcode: 01234,
     appointment_needed: ja, description: {de: Text, no: Tekst}}
""")
    batch = read_files([path])
    assert validate(batch, {}) == []
    office = batch.offices[0].record.data
    assert office["postcode"] == "01234" and office["name"] == "yes"
    assert office["appointment_needed"] is True
    assert office["description"] == {"de": "Text", "no": "Tekst"}
    assert batch.regions[0].towns[0].data["name"] == "no"


def test_a_bad_region_id_is_reported_once_not_per_office(tmp_path):
    path = write(tmp_path, "caps.yaml", """\
region: {id: RBK, name: X}
towns: [{id: t, name: T}]
offices:
  - {id: a, type: other, name: A, towns: [t], topics: [work], description: {de: Text}}
  - {id: b, type: other, name: B, towns: [t], topics: [work], description: {de: Text}}
""")
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (1, "id")
    assert "'RBK'" in problem.message


def test_a_repeated_yaml_key_is_a_problem(tmp_path):
    path = write(tmp_path, "twice.yaml", """\
region: {id: x, name: X}
towns: [{id: t, name: T}]
offices:
  - id: o
    type: other
    name: O
    name: O2
    towns: [t]
    topics: [work]
    description: {de: Text}
""")
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (7, "name")
    assert "twice" in problem.message


def test_a_town_id_of_another_stored_region_is_refused(tmp_path):
    path = write(tmp_path, "steal.yaml", "region: {id: y, name: Y}\n"
                                         "towns: [{id: test-stadt, name: T}]\n")
    [problem] = problems_of(path, known={"test-kreis": {"test-stadt"}})
    assert (problem.line, problem.field) == (2, "id")
    assert "test-kreis" in problem.message


# --- combined imports, round trips, replacing --------------------------------------------------


async def test_yaml_and_csv_in_one_import(db, clock):
    report = await import_catalogue(db, [DATA / "other-region.yaml", DATA / "offices-only.csv"],
                                    clock.now())
    assert [(r.region_id, r.towns, r.offices) for r in report.regions] == [("test-kreis", 1, 3)]
    offices = await offices_of(db, "test-kreis")
    assert [o.id for o in offices] == ["test-kim", "beispiel-csv-1", "beispiel-csv-2"]
    assert offices[1].appointment_needed and not offices[2].appointment_needed
    assert offices[2].topics == ("debts", "letters") and offices[2].towns == (ALL_TOWNS,)
    assert offices[2].example


async def test_a_csv_alone_replaces_the_offices_of_a_stored_region(sqlite_db, clock):
    await import_catalogue(sqlite_db, [DATA / "other-region.yaml"], clock.now())
    report = await import_catalogue(sqlite_db, [DATA / "offices-only.csv"], clock.now())
    [region] = report.regions
    assert (region.name, region.towns, region.towns_replaced) == ("Testkreis", 1, False)
    async with sqlite_db.transaction() as session:
        [(stored, towns, offices)] = await load_catalogue(session)
    assert stored.name == "Testkreis" and [t.id for t in towns] == ["test-stadt"]
    assert [o.id for o in offices] == ["beispiel-csv-1", "beispiel-csv-2"]


async def test_german_excel_csv_with_bom_and_semicolons(sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    # A CSV replaces all offices of its region: here the two rows are the whole RBK catalogue.
    await import_catalogue(sqlite_db, [DATA / "german-excel.csv"], clock.now())
    first, second = await offices_of(sqlite_db, "rbk")
    assert first.name == "Bürgerbüro (Beispiel)"
    assert (first.latitude, first.longitude) == (50.9321, 7.2834)  # decimal commas
    assert first.consultation_hours == "Mo-Fr 08:00-12:00; PH off"  # quoted ';'
    assert first.description == {"de": "Beispieleintrag; Anmeldung der Wohnung.",
                                 "ar": "مثال: تسجيل السكن."}
    assert first.languages == ("de", "ar") and first.towns == ("overath", "roesrath")
    assert not first.appointment_needed and first.example
    assert second.age_min == 18
    assert second.description["de"] == "Beispieleintrag:\nKleidung für alle."  # quoted newline


async def test_yaml_export_imports_back_to_the_same_data(db, clock, tmp_path):
    await import_catalogue(db, [RBK], clock.now())
    before, _ = await snapshot(db)
    text = await export_catalogue(db, "rbk", "yaml")
    assert "Am Rübezahlwald 7" in text  # readable umlauts, not escapes
    exported = write(tmp_path, "rbk-export.yaml", text)
    await import_catalogue(db, [exported], clock.now())
    after, _ = await snapshot(db)
    assert after == before


async def test_csv_export_imports_back_to_the_same_data(db, clock, tmp_path):
    await import_catalogue(db, [RBK], clock.now())
    before, _ = await snapshot(db)
    text = await export_catalogue(db, "rbk", "csv")
    assert text.startswith("\ufeffid,region,type,name,")  # BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == len(before[0][2])
    assert {"description_de", "description_en", "description_ar"} <= set(rows[0])
    exported = tmp_path / "rbk-export.csv"
    exported.write_bytes(text.encode("utf-8"))
    await import_catalogue(db, [exported], clock.now())
    after, _ = await snapshot(db)
    assert after == before


async def test_export_of_an_unknown_region_or_format(sqlite_db):
    with pytest.raises(LookupError):
        await export_catalogue(sqlite_db, "nowhere", "yaml")
    with pytest.raises(ValueError):
        await export_catalogue(sqlite_db, "nowhere", "xml")  # type: ignore[arg-type]


async def test_reimport_replaces_the_region_and_leaves_others_alone(db, clock, tmp_path):
    await import_catalogue(db, [DATA / "other-region.yaml"], clock.now())
    await import_catalogue(db, [RBK], clock.now())
    other_before = [entry for entry in (await snapshot(db))[0] if entry[0].id == "test-kreis"]

    document = yaml.safe_load(RBK.read_text(encoding="utf-8"))
    removed = document["offices"].pop(0)["id"]
    document["towns"] = [town for town in document["towns"] if town["id"] != "leichlingen"]
    for office in document["offices"]:
        office["towns"] = [t for t in office["towns"] if t != "leichlingen"] or ["*"]
    smaller = write(tmp_path, "rbk-smaller.yaml", yaml.safe_dump(document, allow_unicode=True))
    later = clock.now() + timedelta(days=1)
    report = await import_catalogue(db, [smaller], later)
    assert [(r.region_id, r.towns) for r in report.regions] == [("rbk", 7)]

    catalogue, times = await snapshot(db)
    [(_, towns, offices)] = [entry for entry in catalogue if entry[0].id == "rbk"]
    assert removed not in {office.id for office in offices}
    assert "leichlingen" not in {town.id for town in towns}
    assert len(offices) == len(document["offices"])
    assert [entry for entry in catalogue if entry[0].id == "test-kreis"] == other_before
    assert times == {"rbk": later, "test-kreis": clock.now()}
