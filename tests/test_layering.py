"""The house rules of DESIGN.md as a test over the import graph of src/kjdesk.

Every ``import`` counts, also those inside functions (a lazy import is still a dependency);
only imports under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "kjdesk"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, here: str, is_package: bool) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".") if is_package else here.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@cache
def graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (names resolved to existing modules)."""
    sources = {
        _module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts
    }
    edges: dict[str, set[str]] = {}
    for name, path in sources.items():
        raw = _imports(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
        targets = set()
        for imported in raw:
            if imported.startswith("kjdesk") and imported in sources:
                targets.add(imported)
            elif not imported.startswith("kjdesk"):
                targets.add(imported)  # third-party, kept for the PySide6 rule
        targets.discard(name)
        edges[name] = targets
    return edges


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _violations(rule) -> list[str]:
    return sorted(f"{m} → {t}" for m, targets in graph().items() for t in targets if rule(m, t))


def test_the_graph_sees_the_whole_package():
    assert len(graph()) > 140
    assert "kjdesk.services.disbursement.plan" in graph()


def test_policy_is_pure():
    def bad(m: str, t: str) -> bool:
        if _layer(m) != "policy":
            return False
        if t.startswith("kjdesk"):
            return _layer(t) not in {"policy", "money", "resources"}
        return t.split(".")[0] in {
            "PySide6",
            "sqlalchemy",
            "alembic",
            "openpyxl",
            "reportlab",
            "python_calamine",
        }

    assert _violations(bad) == []


def test_only_ui_imports_qt():
    assert _violations(lambda m, t: t.split(".")[0] == "PySide6" and _layer(m) != "ui") == []


def test_nothing_below_imports_the_window_or_the_command_line():
    def bad(m: str, t: str) -> bool:
        return _layer(t) in {"ui", "cli"} and _layer(m) not in {"ui", "cli", "__main__"}

    assert _violations(bad) == []


def test_services_are_the_only_door_for_the_window_and_the_command_line():
    def bad(m: str, t: str) -> bool:
        return _layer(m) in {"ui", "cli"} and t.startswith("kjdesk.") and _layer(t) in {"store", "io"}

    assert _violations(bad) == []


def test_the_window_and_the_command_line_do_not_import_each_other():
    def bad(m: str, t: str) -> bool:
        pair = {_layer(m), _layer(t)}
        return pair == {"ui", "cli"} and not (_layer(m) == "cli" and t == "kjdesk.ui.app")

    # the one door from the command line to the window: ``kjdesk`` without a sub-command opens it
    assert _violations(bad) == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one project module (Tarjan)."""
    edges = {m: {t for t in ts if t in graph()} for m, ts in graph().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def _without_packages(cycle: list[str]) -> bool:
    """A package importing its own submodules (its front door) is not a cycle of features."""
    return True


def test_no_import_cycles():
    # a package __init__ that re-exports from its submodules, while they import the package's
    # other submodules, is reported too: that is a cycle a reader has to untangle as well
    assert _cycles() == []
