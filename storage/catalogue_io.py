"""Import and export of the offer catalogue in the YAML and CSV formats of
docs/catalogue-format.md.

An import is all or nothing: every file is read and checked first, every problem is collected
with file, line and field (a Kreis fixing its spreadsheet wants the whole list at once, not one
error per attempt), and only a batch without problems replaces the stored regions, in one
transaction.
"""

from __future__ import annotations

import csv
import io
import re
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalogue.model import ALL_TOWNS, Office, Region, Town
from storage.catalogue_repo import (
    RegionReplacement,
    load_catalogue,
    replace_regions,
    stored_ids,
)
from storage.db import Database

Format = Literal["yaml", "csv"]
Loc = tuple[str | int, ...]

YAML_SUFFIXES = (".yaml", ".yml")
CSV_SUFFIXES = (".csv",)
LIST_SEPARATOR = "|"
# WAHR/FALSCH is how German Excel writes a boolean cell into a CSV.
TRUE_WORDS = frozenset({"ja", "yes", "true", "1", "wahr"})
FALSE_WORDS = frozenset({"nein", "no", "false", "0", "falsch"})
_DESCRIPTION_COLUMN = re.compile(r"^description_([a-z]{2,3})$")
_YAML_KEYS = ("region", "towns", "offices")


# --- problems and the batch -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = f"{where}: {self.field}" if self.field else where
        return f"{prefix}: {self.message}"


class CatalogueImportError(Exception):
    """The files have problems; nothing was imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}, nothing imported:\n{lines}")


@dataclass
class Record:
    """One region, town or office as read from a file, before validation.

    `lines` maps a path inside the record to its line: () is the record itself, ("towns",) the
    key, ("towns", 2) the third item when the format knows it (YAML block lists).
    """

    file: str
    kind: Format
    data: dict[str, Any]
    lines: dict[Loc, int]

    @property
    def line(self) -> int:
        return self.lines[()]

    def line_of(self, loc: Loc) -> int:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return self.line

    def field_name(self, loc: Loc) -> str | None:
        """The name a person filling in the file knows: a CSV column or a YAML key path."""
        if not loc:
            return None
        if loc[0] == "description" and len(loc) > 1:
            return f"description_{loc[1]}" if self.kind == "csv" else f"description.{loc[1]}"
        return str(loc[0])

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.file, self.line_of(loc), self.field_name(loc), message)

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class RegionFile:
    """What one YAML file defines: its region and towns. `region` is None when unusable."""

    file: str
    region: Record | None
    towns: list[Record]
    towns_line: int  # where `towns:` is, or the file's first line when it is missing
    towns_given: bool


@dataclass
class OfficeRecord:
    record: Record
    file_region: str | None  # the YAML file's region id; None for CSV rows
    region_from_file: bool = False  # `region` was left out and taken from the file


@dataclass
class ImportBatch:
    """Everything read from the files of one import, plus the problems found while reading."""

    files: list[str] = field(default_factory=list)
    regions: list[RegionFile] = field(default_factory=list)
    offices: list[OfficeRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- field kinds, derived from the model so both formats follow it ---------------------------

FieldKind = Literal["str", "list", "bool", "int", "float", "dict"]


def _kind(annotation: Any) -> FieldKind:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _kind(inner[0]) if len(inner) == 1 else "str"
    if origin in (tuple, list):
        return "list"
    if origin is dict:
        return "dict"
    if annotation is bool:  # before int: bool is a subclass of int
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return "str"


def _field_kinds(model: type[BaseModel]) -> dict[str, FieldKind]:
    return {name: _kind(info.annotation) for name, info in model.model_fields.items()}


OFFICE_FIELDS = _field_kinds(Office)
REGION_FIELDS = _field_kinds(Region)
TOWN_FIELDS = _field_kinds(Town)


def parse_bool(text: str) -> bool | None:
    """ja/nein, yes/no, true/false, 1/0 in any case; None for anything else."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# --- reading -------------------------------------------------------------------------------


def read_files(paths: Iterable[str | Path]) -> ImportBatch:
    """Read every file; syntax and layout problems go into `batch.problems`, nothing raises."""
    if isinstance(paths, str | Path):
        paths = [paths]  # one path given bare: a str would otherwise iterate its characters
    batch = ImportBatch()
    for path in paths:
        name = str(path)
        batch.files.append(name)
        text = _read_text(Path(path), name, batch.problems)
        if text is None:
            continue
        suffix = Path(path).suffix.lower()
        if suffix in YAML_SUFFIXES:
            _read_yaml(name, text, batch)
        else:
            _read_csv(name, text, batch)
    return batch


def _read_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + CSV_SUFFIXES:
        problems.append(Problem(name, None, None,
                                "unknown file type: use .yaml, .yml or .csv"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, None, f"cannot read the file: {exc.strerror}"))
        return None
    try:
        # utf-8-sig drops the byte order mark Excel writes in front of "CSV UTF-8" files.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, None,
                                "the file is not UTF-8 text (in Excel save as 'CSV UTF-8')"))
        return None
    if not text.strip():
        problems.append(Problem(name, None, None, "the file is empty"))
        return None
    return text


# YAML


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _read_yaml(name: str, text: str, batch: ImportBatch) -> None:
    # Composing (not loading) keeps the node tree, whose marks give every value its line.
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            batch.problems.append(Problem(name, None, None, "the file is empty"))
            return
        _YamlFile(name, loader, batch).read(root)
    except yaml.YAMLError as exc:
        batch.problems.append(_yaml_syntax_problem(name, exc))
    finally:
        loader.dispose()


def _yaml_syntax_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line != (mark and mark.line):
        context = f"{context} (started at line {context_mark.line + 1})"
    detail = f"{context}, {problem}" if context else problem
    return Problem(name, line, None, f"YAML syntax error: {detail}")


class _YamlFile:
    """Turns the node tree of one region file into records with line numbers."""

    def __init__(self, name: str, loader: yaml.SafeLoader, batch: ImportBatch) -> None:
        self.name, self.loader, self.batch = name, loader, batch

    def problem(self, line: int | None, field_name: str | None, message: str) -> None:
        self.batch.problems.append(Problem(self.name, line, field_name, message))

    def read(self, root: Node) -> None:
        if not isinstance(root, MappingNode):
            self.problem(_line(root), None,
                         "a region file must be a mapping with the keys region, towns, offices")
            return
        entries = self.entries(root)
        for key, key_node, _value in entries.values():
            if key not in _YAML_KEYS:
                self.problem(_line(key_node), key,
                             "unknown key: a region file has only region, towns and offices")
        region = self.region(entries.get("region"), _line(root))
        region_id = region.data.get("id") if region is not None else None
        towns_entry = entries.get("towns")
        towns_line, towns = self.towns(towns_entry, _line(root))
        self.batch.regions.append(
            RegionFile(self.name, region, towns, towns_line, towns_entry is not None))
        file_region = region_id if isinstance(region_id, str) else None
        for record in self.records(entries.get("offices"), "offices", OFFICE_FIELDS):
            # An office in a region file belongs to that region unless it says otherwise.
            implied = "region" not in record.data and file_region is not None
            if implied:
                record.data["region"] = file_region
            self.batch.offices.append(OfficeRecord(record, file_region, implied))

    def entries(self, node: MappingNode) -> dict[str, tuple[str, Node, Node]]:
        """Key text -> (key, key node, value node); a repeated key is a problem, not a
        silent overwrite as in plain YAML loading."""
        result: dict[str, tuple[str, Node, Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            if key in result:
                first = _line(result[key][1])
                self.problem(_line(key_node), key, f"key appears twice (first at line {first})")
                continue
            result[key] = (key, key_node, value_node)
        return result

    def region(self, entry: tuple[str, Node, Node] | None, root_line: int) -> Record | None:
        if entry is None:
            self.problem(root_line, "region", "missing: a region file needs region: {id, name}")
            return None
        _key, key_node, value = entry
        if not isinstance(value, MappingNode):
            self.problem(_line(key_node), "region", "must be a mapping with id and name")
            return None
        return self.record(value, REGION_FIELDS)

    def towns(self, entry: tuple[str, Node, Node] | None,
              root_line: int) -> tuple[int, list[Record]]:
        if entry is None:
            self.problem(root_line, "towns", "missing: a region file lists its towns")
            return root_line, []
        return _line(entry[1]), self.records(entry, "towns", TOWN_FIELDS)

    def records(self, entry: tuple[str, Node, Node] | None, key: str,
                kinds: Mapping[str, FieldKind]) -> list[Record]:
        if entry is None:
            return []
        _key, key_node, value = entry
        if isinstance(value, ScalarNode) and value.tag.endswith(":null"):
            return []  # "offices:" with nothing below it
        if not isinstance(value, SequenceNode):
            self.problem(_line(key_node), key, "must be a list (items start with '- ')")
            return []
        records = []
        for item in value.value:
            if isinstance(item, MappingNode):
                records.append(self.record(item, kinds))
            else:
                self.problem(_line(item), key, "each item must be a mapping of field: value")
        return records

    def record(self, node: MappingNode, kinds: Mapping[str, FieldKind]) -> Record:
        data: dict[str, Any] = {}
        lines: dict[Loc, int] = {(): _line(node)}
        for key, key_node, value in self.entries(node).values():
            lines[(key,)] = _line(key_node)
            if isinstance(value, SequenceNode):
                for index, item in enumerate(value.value):
                    lines[(key, index)] = _line(item)
            elif isinstance(value, MappingNode):
                for sub_key, _sub_value in value.value:
                    lines[(key, str(sub_key.value))] = _line(sub_key)
            converted = self.value(value, kinds.get(key, "str"), key, _line(key_node))
            if converted is not _SKIP:
                data[key] = converted
        return Record(self.name, "yaml", data, lines)

    def value(self, node: Node, kind: FieldKind, key: str, line: int) -> Any:
        if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
            return None
        if isinstance(node, ScalarNode) and kind == "str":
            # The text as written: YAML 1.1 would turn 'yes' into True, 01234 into 668 and
            # 51469 into an int; a postcode, name or id is text whatever it looks like.
            return node.value
        if kind == "list":
            items = node.value if isinstance(node, SequenceNode) else [node]
            return [self.value(item, "str", key, line) for item in items]
        if kind == "dict" and isinstance(node, MappingNode):
            return {k: self.value(v, "str", key, line) for k, _kn, v in self.entries(node).values()}
        if kind == "bool" and isinstance(node, ScalarNode):
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, str):
                parsed = parse_bool(value)
                if parsed is None:
                    self.problem(line, key, _not_a_bool(value))
                    return _SKIP
                return parsed
            return value
        return self.loader.construct_object(node, deep=True)


_SKIP = object()  # a value already reported as a problem; left out so it is not reported twice


def _not_a_bool(value: str) -> str:
    return f"not a yes/no value: {value!r} (use ja/nein, yes/no, true/false or 1/0)"


# CSV


def _delimiter(text: str) -> str:
    # German Excel writes ';' (the comma is the decimal separator there); decide by the header.
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


class _CsvSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells); a cell may span lines inside quotes."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # Reported at the row's first line: an unclosed quote swallows the lines after it.
            raise _CsvSyntaxError(start, str(exc)) from exc
        yield start, row


def _read_csv(name: str, text: str, batch: ImportBatch) -> None:
    rows = _rows(text, _delimiter(text))
    try:
        header_line, header = next(rows)
        columns = _csv_columns(name, header_line, header, batch.problems)
        count = 0
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue  # Excel leaves empty rows behind
            record = _csv_record(name, line, columns, cells, batch.problems)
            batch.offices.append(OfficeRecord(record, None))
            count += 1
        if count == 0:
            batch.problems.append(Problem(name, header_line, None,
                                          "the file has a header but no offices"))
    except _CsvSyntaxError as exc:
        batch.problems.append(Problem(name, exc.line, None,
                                      f"CSV syntax error in the row starting here: {exc.message} "
                                      "(check the quotes)"))
    except StopIteration:  # cannot happen: _read_text refuses blank files
        batch.problems.append(Problem(name, None, None, "the file is empty"))


def _csv_columns(name: str, line: int, header: list[str],
                 problems: list[Problem]) -> list[str | None]:
    """Field name per column: None for a column already reported (unknown or repeated),
    "" for a column without a name, whose cells must stay empty."""
    columns: list[str | None] = []
    seen: set[str] = set()
    for cell in header:
        column = cell.strip().lower()
        known = column in OFFICE_FIELDS and column != "description"
        if column and not known and not _DESCRIPTION_COLUMN.match(column):
            problems.append(Problem(name, line, column, _unknown_column(column)))
            columns.append(None)
        elif column and column in seen:
            problems.append(Problem(name, line, column, "column appears twice"))
            columns.append(None)
        else:
            seen.add(column)
            columns.append(column)
    return columns


def _unknown_column(column: str) -> str:
    if column == "description":
        return "unknown column: descriptions go in one column per language, e.g. description_de"
    return "unknown column (see docs/catalogue-format.md for the column names)"


def _csv_record(name: str, line: int, columns: list[str | None], cells: list[str],
                problems: list[Problem]) -> Record:
    record = Record(name, "csv", {}, {(): line})
    if len(cells) > len(columns):
        extra = [cell for cell in cells[len(columns):] if cell.strip()]
        if extra:
            problems.append(Problem(name, line, None,
                                    f"the row has {len(cells)} cells but the header only "
                                    f"{len(columns)} columns"))
    for position, (column, cell) in enumerate(zip(columns, cells, strict=False), start=1):
        value = cell.strip()
        if column is None or not value:
            continue  # an empty cell means "not set": the field keeps its default
        if column == "":
            problems.append(Problem(name, line, None,
                                    f"a value in column {position}, which has no header"))
            continue
        description = _DESCRIPTION_COLUMN.match(column)
        if description:
            record.data.setdefault("description", {})[description.group(1)] = value
            continue
        converted = _csv_value(value, OFFICE_FIELDS[column])
        if isinstance(converted, _CellError):
            problems.append(Problem(name, line, column, converted.message))
        else:
            record.data[column] = converted
    return record


@dataclass(frozen=True)
class _CellError:
    message: str


def _csv_value(value: str, kind: FieldKind) -> Any:
    if kind == "list":
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    if kind == "bool":
        parsed = parse_bool(value)
        return _CellError(_not_a_bool(value)) if parsed is None else parsed
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            return _CellError(f"not a whole number: {value!r}")
    if kind == "float":
        try:
            return float(value.replace(",", "."))  # German Excel writes a decimal comma
        except ValueError:
            return _CellError(f"not a number: {value!r}")
    return value


# --- validation ----------------------------------------------------------------------------


@dataclass
class _Planned:
    region: Region
    towns: list[Town] | None
    offices: list[Office] = field(default_factory=list)


def validate(batch: ImportBatch, known_towns: Mapping[str, Iterable[str]],
             known_offices: Mapping[str, str] | None = None) -> list[Problem]:
    """Every problem of the batch, in file and line order; empty when it can be imported.

    `known_towns` maps each stored region to its town ids (a CSV may use a stored region);
    `known_offices` maps stored office ids to their region, to catch ids already used
    by a region this import does not replace.
    """
    return _Checker(batch, known_towns, known_offices or {}).run()[1]


class _Checker:
    def __init__(self, batch: ImportBatch, known_towns: Mapping[str, Iterable[str]],
                 known_offices: Mapping[str, str], known_names: Mapping[str, str] | None = None
                 ) -> None:
        self.batch = batch
        self.known_towns = {region: set(towns) for region, towns in known_towns.items()}
        self.known_offices = known_offices
        self.known_names = known_names or {}
        self.problems: list[Problem] = list(batch.problems)
        self.plans: dict[str, _Planned] = {}
        self.batch_towns: dict[str, set[str]] = {}  # town ids as written, valid or not
        self.region_files: dict[str, str] = {}  # region id -> where it is defined
        self.replaced: set[str] = set()  # regions whose offices this import replaces

    def run(self) -> tuple[list[_Planned], list[Problem]]:
        for region_file in self.batch.regions:
            self.check_region_file(region_file)
        self.check_town_ids()
        # Offices of every region in the batch are replaced, whichever file names the region.
        self.replaced = set(self.plans) | {
            str(item.record.data.get("region")) for item in self.batch.offices}
        seen_offices: dict[str, Record] = {}
        for office in self.batch.offices:
            self.check_office(office, seen_offices)
        order = {name: index for index, name in enumerate(self.batch.files)}
        self.problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
        return list(self.plans.values()), self.problems

    def model(self, model: type[BaseModel], record: Record) -> Any:
        return self.validated(model, record)[0]

    def validated(self, model: type[BaseModel], record: Record,
                  silent: frozenset[str] = frozenset()) -> tuple[Any, set[str]]:
        """The model, or None and the fields pydantic found wrong. Those are reported, except
        the `silent` ones, whose problem is reported elsewhere."""
        try:
            return model.model_validate(record.data), set()
        except ValidationError as exc:
            self.problems.extend(problem for problem in _problems_from(exc, record)
                                 if problem.field not in silent)
            return None, {str(detail["loc"][0]) for detail in exc.errors() if detail["loc"]}

    def check_region_file(self, region_file: RegionFile) -> None:
        record = region_file.region
        region = self.model(Region, record) if record is not None else None
        towns = [town for town in (self.model(Town, item) for item in region_file.towns) if town]
        if region is None or record is None:
            return
        if region.id in self.region_files:
            self.problems.append(record.problem(("id",), (
                f"region {region.id!r} is already defined at {self.region_files[region.id]}; "
                "one file per region")))
            return
        self.region_files[region.id] = record.where()
        if not region_file.towns and region_file.towns_given:
            self.problems.append(Problem(region_file.file, region_file.towns_line, "towns",
                                         "a region needs at least one town"))
        self.batch_towns[region.id] = {str(item.data.get("id")) for item in region_file.towns}
        self.plans[region.id] = _Planned(region, towns)

    def check_town_ids(self) -> None:
        # Town ids are unique across all regions (they are primary keys).
        stored = {town: region for region, towns in self.known_towns.items() for town in towns}
        seen: dict[str, Record] = {}
        for region_file in self.batch.regions:
            for record in region_file.towns:
                town_id = record.data.get("id")
                if not isinstance(town_id, str):
                    continue
                if town_id in seen:
                    self.problems.append(record.problem(("id",), (
                        f"duplicate town id {town_id!r}: also at {seen[town_id].where()}")))
                    continue
                seen[town_id] = record
                owner = stored.get(town_id)
                if owner is not None and owner not in self.plans:
                    self.problems.append(record.problem(("id",), (
                        f"town id {town_id!r} already belongs to the stored region {owner!r}")))

    def check_office(self, item: OfficeRecord, seen: dict[str, Record]) -> None:
        # The checks across records run on the raw values even when pydantic refused the
        # record, so one round of fixing sees every problem; fields pydantic already reported
        # are skipped so nothing is reported twice.
        record = item.record
        # A bad region id taken from the file is the file's problem, reported once at `region:`.
        silent = frozenset({"region"}) if item.region_from_file else frozenset()
        office, failed = self.validated(Office, record, silent)
        data = record.data
        if "id" not in failed:
            self.check_office_id(record, str(data["id"]), seen)
        if "region" in failed:
            return
        plan = self.office_region(item, str(data["region"]))
        if plan is None:
            return
        if "towns" not in failed:
            self.check_towns(record, str(data["region"]), data["towns"])
        if office is not None:
            plan.offices.append(office)

    def check_office_id(self, record: Record, office_id: str, seen: dict[str, Record]) -> None:
        if office_id in seen:
            self.problems.append(record.problem(("id",), (
                f"duplicate office id {office_id!r}: also at {seen[office_id].where()}")))
            return
        seen[office_id] = record
        owner = self.known_offices.get(office_id)
        if owner is not None and owner not in self.replaced:
            self.problems.append(record.problem(("id",), (
                f"office id {office_id!r} is already used in the stored region {owner!r}, "
                "which this import does not replace")))

    def check_towns(self, record: Record, region_id: str, towns: Sequence[str]) -> None:
        known = self.batch_towns.get(region_id, self.known_towns.get(region_id, set()))
        for index, town in enumerate(towns):
            if town != ALL_TOWNS and town not in known:
                self.problems.append(record.problem(("towns", index), (
                    f"unknown town {town!r} in region {region_id!r} "
                    f"(use a town id of the region or {ALL_TOWNS!r} for all towns)")))

    def office_region(self, item: OfficeRecord, region_id: str) -> _Planned | None:
        record = item.record
        if item.file_region is not None and region_id != item.file_region:
            self.problems.append(record.problem(("region",), (
                f"office is in region {region_id!r} but this file defines "
                f"{item.file_region!r}; put it in that region's file")))
            return None
        if region_id in self.plans:
            return self.plans[region_id]
        if region_id in self.known_towns:
            # A CSV for a stored region: its offices are replaced, its towns are kept.
            name = self.known_names.get(region_id, region_id)
            plan = _Planned(Region(id=region_id, name=name), None)
            self.plans[region_id] = plan
            return plan
        if item.file_region is None:
            self.problems.append(record.problem(("region",), (
                f"region {region_id!r} is not defined: import its YAML file together with "
                "this CSV, or import it first")))
        return None


def _problems_from(error: ValidationError, record: Record) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        loc: Loc = tuple(detail["loc"])
        message = _message(detail, loc)
        if not loc:
            loc = _guess_loc(message)
        problems.append(record.problem(_item_loc(record, loc, message), message))
    return problems


def _item_loc(record: Record, loc: Loc, message: str) -> Loc:
    # A list validator names the bad item ("unknown topic 'x'") but pydantic locates the whole
    # list; pointing at the item's own line helps in a long YAML block list.
    items = record.data.get(str(loc[0])) if len(loc) == 1 else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if repr(item) in message:
                return (*loc, index)
    return loc


_PATTERN_HINTS = {
    "id": "use lower-case letters a-z, digits and '-', at most 63 characters "
          "(e.g. 'kim-overath')",
    "region": "use the region id: lower-case letters a-z, digits and '-'",
    "postcode": "a German postcode has five digits",
    "website": "must start with http:// or https://",
}


def _message(detail: Mapping[str, Any], loc: Loc) -> str:
    kind, text = detail["type"], str(detail["msg"])
    field_name = str(loc[0]) if loc else ""
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (see docs/catalogue-format.md for the field names)"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(field_name, "has the wrong form")
        return f"{hint}; got {detail.get('input')!r}"
    if kind == "value_error":
        return text.removeprefix("Value error, ")
    if kind == "dict_type" and field_name == "description":
        return "must be a mapping of language code to text, e.g. de: Beratung für ..."
    return text


def _guess_loc(message: str) -> Loc:
    # Checks across fields (age_min above age_max, no German description) have no location
    # in pydantic; the first field named in the message is where a person will look.
    for name in OFFICE_FIELDS:
        if re.search(rf"\b{name}\b", message):
            return (name,)
    return ()


# --- import and export ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegionImport:
    region_id: str
    name: str
    towns: int
    offices: int
    towns_replaced: bool  # False when only CSV offices came for a stored region


@dataclass(frozen=True)
class ImportReport:
    regions: tuple[RegionImport, ...]

    def __str__(self) -> str:
        return "\n".join(
            f"{item.region_id} ({item.name}): {item.towns} towns"
            f"{'' if item.towns_replaced else ' (kept)'}, {item.offices} offices"
            for item in self.regions)


async def import_catalogue(db: Database, paths: Iterable[str | Path],
                           now: datetime) -> ImportReport:
    """Check all files, then replace each region they contain, all in one transaction.

    Raises CatalogueImportError with every problem and changes nothing if anything is wrong.
    Regions not in the files stay as they are.
    """
    batch = read_files(paths)
    async with db.transaction() as session:
        stored = await stored_ids(session)
        plans, problems = _Checker(batch, stored.towns, stored.office_regions,
                                   stored.region_names).run()
        if problems:
            raise CatalogueImportError(problems)
        await replace_regions(session, [
            RegionReplacement(plan.region, plan.towns, plan.offices) for plan in plans], now)
    return ImportReport(tuple(
        RegionImport(plan.region.id, plan.region.name,
                     len(plan.towns) if plan.towns is not None
                     else len(stored.towns.get(plan.region.id, ())),
                     len(plan.offices), plan.towns is not None)
        for plan in plans))


async def export_catalogue(db: Database, region_id: str, fmt: Format) -> str:
    """The stored region as a file that imports back to the same data.

    CSV carries offices only (its region and towns stay in the database or a YAML file).
    Raises LookupError for a region that is not stored.
    """
    if fmt not in ("yaml", "csv"):
        raise ValueError(f"unknown export format {fmt!r}: use yaml or csv")
    async with db.transaction() as session:
        catalogue = await load_catalogue(session, region_id)
    if not catalogue:
        raise LookupError(f"no catalogue stored for region {region_id!r}")
    region, towns, offices = catalogue[0]
    return to_yaml(region, towns, offices) if fmt == "yaml" else to_csv(offices)


class _Dumper(yaml.SafeDumper):
    """Readable output: indented block lists of records, short lists of codes on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def _office_document(office: Office) -> dict[str, Any]:
    document = office.model_dump(mode="json", exclude_none=True)
    del document["region"]  # implied by the file
    return document


def to_yaml(region: Region, towns: Sequence[Town], offices: Sequence[Office]) -> str:
    document = {
        "region": region.model_dump(mode="json"),
        "towns": [town.model_dump(mode="json") for town in towns],
        "offices": [_office_document(office) for office in offices],
    }
    body = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)
    return f"# Offer catalogue of {region.name}. Format: docs/catalogue-format.md\n{body}"


def csv_columns(offices: Sequence[Office]) -> list[str]:
    """Office fields in model order, `description` spread into one column per language
    (German first, then the others as they first appear)."""
    languages = ["de"]
    for office in offices:
        languages += [code for code in office.description if code not in languages]
    columns: list[str] = []
    for name in OFFICE_FIELDS:
        if name == "description":
            columns += [f"description_{code}" for code in languages]
        else:
            columns.append(name)
    return columns


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, tuple | list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def to_csv(offices: Sequence[Office]) -> str:
    """Comma-separated with a byte order mark, so Excel opens the umlauts correctly."""
    columns = csv_columns(offices)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for office in offices:
        row = []
        for column in columns:
            description = _DESCRIPTION_COLUMN.match(column)
            value = (office.description.get(description.group(1)) if description
                     else getattr(office, column))
            row.append(_csv_cell(value))
        writer.writerow(row)
    return "\ufeff" + out.getvalue()
