"""Sample catalogues shipped with kimbot (format: docs/catalogue-format.md)."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent
# The Rheinisch-Bergischer Kreis: real KIM offices and hours from its KIM concept, plus
# entries marked `example: true` so every topic has an answer in every town.
RBK = SAMPLES / "rbk.yaml"
