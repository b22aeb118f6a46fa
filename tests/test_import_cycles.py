"""No import circles anywhere in the tree: bot, storage, scheduler, the tests and the benchmarks.

Every import counts: at module level, inside functions (a late import only hides a circle) and
under `if TYPE_CHECKING:`. `import a.b` and `from a.b import c` are edges to the module `a.b`,
or to `a.b.c` where that is a module; the parent packages, which Python runs first, are left
out, so a package's `__init__` importing its own submodules is the usual relation. A submodule
that imports from its package's `__init__` when that `__init__` imports it is a circle.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ("bot", "storage", "scheduler", "tests", "bench")
SKIPPED = ("storage/migrations",)  # Alembic loads these files itself; nothing imports them

# module -> {imported module: first line in the importing file}
Graph = dict[str, dict[str, int]]


def project_modules(root: Path, packages=PACKAGES, skipped=SKIPPED) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if any(relative.is_relative_to(skip) for skip in skipped):
                continue
            parts = relative.with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_names(module: str, path: Path) -> list[tuple[list[str], int]]:
    """For each import in the file, wherever it stands: the module names it may mean, the more
    specific first, and its line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [([alias.name], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            found += [([f"{source}.{alias.name}", source], node.lineno) for alias in node.names]
    return found


def import_graph(modules: dict[str, Path]) -> Graph:
    graph: Graph = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for candidates, line in imported_names(module, path):
            target = next((name for name in candidates if name in modules), None)
            if target is not None and target != module:
                edges.setdefault(target, line)
    return graph


def circles(graph: Graph) -> list[list[str]]:
    """One circle through each group of modules that import each other (Tarjan's strongly
    connected components), as a list of modules that starts and ends with the same one."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                lowest[module] = min(lowest[module], lowest[target])
            elif target in stack:
                lowest[module] = min(lowest[module], index[target])
        if lowest[module] == index[module]:
            group = set()
            while not group or module not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_circle_in(graph, group) for group in groups]


def _circle_in(graph: Graph, group: set[str]) -> list[str]:
    """A shortest way from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target in sorted(graph[module]):
                if target == start:
                    return [*paths[module], start]
                if target in group and target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{sorted(group)} is no circle")


def describe(graph: Graph, circle: list[str], modules: dict[str, Path], root: Path) -> str:
    steps = [f"{a} ({modules[a].relative_to(root)}:{graph[a][b]}) -> {b}"
             for a, b in pairwise(circle)]
    return "; ".join(steps)


def test_no_import_circles():
    modules = project_modules(ROOT)
    graph = import_graph(modules)
    found = [describe(graph, circle, modules, ROOT) for circle in circles(graph)]
    assert not found, "import circles:\n" + "\n".join(found)


def test_the_check_sees_every_kind_of_circle(tmp_path):
    # Guard against a checker that passes because it reads nothing.
    files = {
        # a late import inside a function, back to a module-level import
        "bot/a.py": "from bot.b import thing\n",
        "bot/b.py": "def thing():\n    from bot import a\n",
        # a relative import, and a submodule taking a name from its package's __init__
        "bot/pkg/__init__.py": "from .inner import helper\nVALUE = 1\n",
        "bot/pkg/inner.py": "from bot.pkg import VALUE\n\ndef helper():\n    return VALUE\n",
        # the usual relation and a plain chain: no circles
        "bot/tidy/__init__.py": "from bot.tidy.leaf import x\n",
        "bot/tidy/leaf.py": "import bot.tidy.other\nx = 1\n",
        "bot/tidy/other.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                             "    import bot.a\n",
        "storage/migrations/env.py": "from bot.a import thing\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    modules = project_modules(tmp_path, packages=("bot", "storage"))
    assert "storage.migrations.env" not in modules
    graph = import_graph(modules)
    assert graph["bot.tidy.other"] == {"bot.a": 3}
    found = sorted(circles(graph))
    assert found == [["bot.a", "bot.b", "bot.a"], ["bot.pkg", "bot.pkg.inner", "bot.pkg"]]
    assert describe(graph, found[0], modules, tmp_path) == (
        "bot.a (bot/a.py:1) -> bot.b; bot.b (bot/b.py:2) -> bot.a")
