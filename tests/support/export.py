"""Reading the statistics export's tables in tests."""

from __future__ import annotations

Row = dict[str, object]


def table(rows: list[tuple]) -> list[Row]:
    """The rows under the header, up to the empty row before the notes."""
    header, *body = rows
    found = []
    for values in body:
        if all(value is None for value in values):
            break
        found.append({k: v for k, v in zip(header, values, strict=True) if v is not None})
    return found


def pick(rows: list[Row], kind: str, town: str | None = None,
         person: str | None = None) -> Row:
    [found] = [row for row in rows if row["Art"] == kind and row.get("Ort") == town
               and row.get("Person") == person]
    return found
