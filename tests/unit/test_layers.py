"""The layers depend one way only: gui -> services -> domain/store/security.

Parses every module's imports (no importing, so a violation cannot hide behind a
lazy import inside a function).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "keyworker_app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.rglob("*.py"))


def test_package_has_modules() -> None:
    # Guards the guards: an empty walk would make every check below pass vacuously.
    assert len(modules_under("domain")) >= 3
    assert len(modules_under("")) >= 10


@pytest.mark.parametrize("path", modules_under("domain"), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    forbidden = ("PySide6", "sqlcipher3", "sqlite3", "keyring", "reportlab", "pikepdf",
                 "keyworker_app.store", "keyworker_app.services", "keyworker_app.gui",
                 "keyworker_app.security", "keyworker_app.reports")
    bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules_under(""), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_gui_imports_qt(path: Path) -> None:
    if "gui" in path.relative_to(PACKAGE).parts:
        return
    bad = {m for m in imported_modules(path) if m.startswith(("PySide6", "shiboken6"))}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules_under("gui"), ids=lambda p: p.name)
def test_gui_never_touches_the_store_directly(path: Path) -> None:
    forbidden = ("sqlcipher3", "sqlite3", "keyworker_app.store", "keyworker_app.security")
    bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_checker_catches_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from PySide6 import QtCore\n", encoding="utf-8")
    assert "PySide6" in imported_modules(sample)


UPPER = {
    "domain": ("keyworker_app.store", "keyworker_app.security", "keyworker_app.reports",
               "keyworker_app.services", "keyworker_app.gui", "keyworker_app.cli",
               "keyworker_app.app"),
    "store": ("keyworker_app.services", "keyworker_app.gui", "keyworker_app.cli",
              "keyworker_app.app", "keyworker_app.reports"),
    "security": ("keyworker_app.services", "keyworker_app.gui", "keyworker_app.cli",
                 "keyworker_app.app", "keyworker_app.reports", "keyworker_app.store"),
    "reports": ("keyworker_app.services", "keyworker_app.gui", "keyworker_app.cli",
                "keyworker_app.app", "keyworker_app.store", "keyworker_app.security"),
    "services": ("keyworker_app.gui", "keyworker_app.cli", "PySide6"),
}


@pytest.mark.parametrize(
    ("layer", "path"),
    [(layer, p) for layer in UPPER for p in modules_under(layer)],
    ids=lambda v: v if isinstance(v, str) else str(v.relative_to(PACKAGE)))
def test_no_layer_imports_one_above_it(layer: str, path: Path) -> None:
    bad = {m for m in imported_modules(path) if m.startswith(UPPER[layer])}
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, lazy (in-function) imports included;
    ``from pkg import sub`` counts as importing ``pkg.sub`` where that is a module."""
    paths = sorted(root.rglob("*.py"))
    known = {module_name(p, root) for p in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in known)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = {f"{node.module}.{a.name}" for a in node.names} & known
                if subs:
                    edges.update(subs)
                elif node.module in known:
                    edges.add(node.module)
        graph[module_name(path, root)] = edges - {module_name(path, root)}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules (first == last), or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_no_import_cycles() -> None:
    graph = import_graph(PACKAGE)
    # The package root only declares names (version, product name); everything may use it.
    for edges in graph.values():
        edges.discard("keyworker_app")
    cycle = find_cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_catches_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "keyworker_app"
    pkg.mkdir()
    (pkg / "a.py").write_text("def f():\n    from keyworker_app.b import g\n", encoding="utf-8")
    (pkg / "b.py").write_text("from keyworker_app import a\n", encoding="utf-8")
    assert find_cycle(import_graph(pkg)) in (["keyworker_app.a", "keyworker_app.b",
                                              "keyworker_app.a"],
                                             ["keyworker_app.b", "keyworker_app.a",
                                              "keyworker_app.b"])


SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|VACUUM|"
                       r"BEGIN|COMMIT|ROLLBACK|WITH)\b", re.IGNORECASE)


def sql_in(path: Path) -> list[str]:
    """Calls of execute*/fetch* and string literals that read as SQL statements."""
    found: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "executescript")):
            found.append(f"line {node.lineno}: .{node.func.attr}()")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and SQL_START.match(node.value) and " " in node.value.strip()
              and node.value.strip().split()[0].isupper()):
            found.append(f"line {node.lineno}: {node.value.strip()[:40]!r}")
    return found


@pytest.mark.parametrize("path", modules_under("services") + modules_under("gui")
                         + modules_under("cli"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_sql_above_the_store(path: Path) -> None:
    found = sql_in(path)
    assert not found, f"{path.relative_to(PACKAGE)} runs SQL: {found}"


def test_sql_finder_catches_sql(tmp_path: Path) -> None:
    sample = tmp_path / "s.py"
    sample.write_text('def f(c):\n    c.execute("SELECT 1 FROM t")\n', encoding="utf-8")
    assert len(sql_in(sample)) == 2
