"""Stable codes for a partner's hand-over of a complex case, with the German labels staff read.
The reasons follow the Ennepe-Ruhr-Kreis reporting procedure for complex cases (KIM concept,
"Ebene 2"); codes are stored and never change once data uses them."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import IntakeSource

# What staff call the two kinds, in lists, notices and summaries.
KIND_LABELS = {IntakeSource.REFERRAL.value: "Vermittlung",
               IntakeSource.HANDOVER.value: "Meldung komplexer Fall"}


@dataclass(frozen=True)
class Label:
    code: str
    german: str


REASONS: tuple[Label, ...] = (
    Label("legal_areas", "Mehrere Rechtskreise / Zuständigkeiten greifen nicht ineinander"),
    Label("structural", "Strukturelle Schwierigkeiten (Übergänge, fehlende Angebote)"),
    Label("multiple", "Mehrfachbenachteiligung (Problemkumulation)"),
    Label("conflict", "Persönliche Konflikte / unterschiedliche Ermessensausübung"),
)

LEGAL_AREAS: tuple[Label, ...] = (
    Label("sgb2", "SGB II (Jobcenter)"),
    Label("sgb3", "SGB III (Agentur für Arbeit)"),
    Label("sgb8", "SGB VIII (Jugendamt)"),
    Label("sgb12", "SGB XII (Sozialamt)"),
    Label("asylblg", "AsylbLG"),
    Label("aufenthg", "AufenthG (Ausländerbehörde)"),
    Label("sgb5", "SGB V / Gesundheit"),
    Label("school", "Schule / Bildung"),
)

REASON_BY_CODE = {label.code: label for label in REASONS}
LEGAL_AREA_BY_CODE = {label.code: label for label in LEGAL_AREAS}


def german(codes: list[str] | None, table: dict[str, Label]) -> str:
    """The labels of known codes, in table order, joined for one line."""
    chosen = set(codes or [])
    return "; ".join(label.german for code, label in table.items() if code in chosen)
