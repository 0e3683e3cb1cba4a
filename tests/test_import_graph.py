"""Which way imports go (STYLE.md, README "Where things are"): no cycle between the project's
files, and scoring/ imports nothing else of the project (the methodology stands alone)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("data", "scoring", "wording", "charts", "reports", "ui", "pages", "bench", "tests")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    for script in ("app.py", "serve.py"):
        found[script.removesuffix(".py")] = ROOT / script
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the project's modules it imports (at any depth of the file, lazy ones too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                            for a in node.names}  # fmt: skip
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_cycle_between_files() -> None:
    assert cycles(import_graph()) == []


def test_scoring_imports_nothing_else_of_the_project() -> None:
    upward = sorted((a, b) for a, targets in import_graph().items() if a.startswith("scoring")
                    for b in targets if not b.startswith("scoring"))  # fmt: skip
    assert upward == []


# Longest file allowed (README "Where things are", issue 24): a file longer than this is split
# into modules named by what they hold; pages stay thin (house rules: under 150 lines).
MAX_LINES = {"data": 500, "scoring": 500}
MAX_PAGE_LINES = 149


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_file_in_data_or_scoring_is_over_500_lines_and_pages_stay_thin() -> None:
    too_long = [
        (str(path.relative_to(ROOT)), _lines(path))
        for package, most in MAX_LINES.items()
        for path in sorted((ROOT / package).rglob("*.py"))
        if _lines(path) > most
    ]
    pages = sorted((ROOT / "pages").glob("*.py"))
    too_long += [(str(p.relative_to(ROOT)), _lines(p)) for p in pages if _lines(p) > MAX_PAGE_LINES]
    assert too_long == []
    assert len(pages) >= 10  # the walk sees the pages


def test_the_checker_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("given", [None, "x/other.duckdb"])
def test_both_clis_find_the_same_database(given: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    from data import store
    from scoring import cli

    for env in (None, "/tmp/env.duckdb"):
        if env is None:
            monkeypatch.delenv("CPT_DB", raising=False)
        else:
            monkeypatch.setenv("CPT_DB", env)
        assert cli.db_path(given) == store.db_path(given)
