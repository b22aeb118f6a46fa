"""DESIGN.md's one rule: flows, storage and scheduler never talk Telegram directly."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TELEGRAM_LIBRARIES = {"telegram", "aiogram"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["bot/flows", "storage", "scheduler"])
def test_no_telegram_library_below_the_adapters(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no Python files"
    offenders = [str(f.relative_to(ROOT)) for f in files
                 if imported_roots(f) & TELEGRAM_LIBRARIES]
    assert offenders == []


def test_the_check_sees_an_import():
    # Guard against a checker that finds nothing because it reads nothing.
    assert "telegram" in imported_roots(ROOT / "bot" / "telegram" / "client_bot.py")
