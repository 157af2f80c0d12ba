"""No module-level import cycles between the project's modules (STYLE.md, "Layers").

The graph is built from the source with `ast`, following what Python runs when it loads a module:

- Only statements that run at import time count: the module body, including `if`, `try`, `with`
  and class bodies, but not function bodies (an import there runs when the function is called)
  and not `if TYPE_CHECKING:` blocks (they never run).
- `import a.b.c` is an edge to `a.b.c`. `from x import name` is an edge to the submodule `x.name`
  when there is one (Python imports it, even from a package still half-loaded), else to `x`
  itself, whose `__init__` must have bound `name` already; `from x import *` is an edge to `x`.
  Relative imports are resolved against the importing module's package first.
- Importing `a.b.c` also runs the `__init__` of `a` and `a.b`: those are edges too, except to the
  importing module's own packages, which Python has always started loading before the module
  itself (so that `feedback/services/complaints.py` reaching `feedback.tasks` does not count as
  an edge back to `feedback.services`). An explicit `from . import name` of a name defined in
  the package's `__init__` does count: it needs that `__init__` to have run past the name.

A cycle is a strongly connected component of more than one module, or a module importing
itself. Each is reported with the modules in it and the imports that close it.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "core",
    "stakeholders",
    "journeys",
    "feedback",
    "metrics",
    "improvement",
    "reports",
    "loyaltyqms",
]


def first_party_modules(root: Path) -> dict[str, Path]:
    """Return every first-party module by dotted name (a package by its `__init__`)."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_statements(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Yield the import statements that run when the module is loaded."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _import_time_statements(node.body)
            yield from _import_time_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _import_time_statements(block)
            for handler in node.handlers:
                yield from _import_time_statements(handler.body)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from _import_time_statements(node.body)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """Return the absolute name of the module a `from ... import` reads from."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def import_graph(root: Path) -> dict[str, dict[str, int]]:
    """Return {module: {imported first-party module: line of the import}}."""
    modules = first_party_modules(root)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        own_packages = {module, *_ancestors(module)} if is_package else set(_ancestors(module))
        edges: dict[str, int] = {}
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _import_time_statements(tree.body):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _absolute(module, is_package, node)
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in modules else source)
            for target in targets:
                implicit = [name for name in _ancestors(target) if name not in own_packages]
                for name in [*implicit, target]:
                    if name in modules:
                        edges.setdefault(name, node.lineno)
        graph[module] = edges
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Return the graph's strongly connected components (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def import_cycles(root: Path) -> list[str]:
    """Return one line per cycle: its modules, then each import inside it with its line."""
    graph = import_graph(root)
    modules = first_party_modules(root)
    found = []
    for component in strongly_connected(graph):
        members = set(component)
        if len(component) == 1 and component[0] not in graph[component[0]]:
            continue
        links = [
            f"{modules[module].relative_to(root)}:{line} -> {target}"
            for module in component
            for target, line in sorted(graph[module].items())
            if target in members
        ]
        found.append(f"cycle {' <-> '.join(component)}: {'; '.join(links)}")
    return found


def test_no_module_level_import_cycle() -> None:
    """No first-party module imports, through any chain at import time, itself."""
    assert import_cycles(ROOT) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project laid out like this one, scanned instead of the real one."""
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGES"]), "PACKAGES", ["app"])
    _write(tmp_path, {"app/__init__.py": ""})
    return tmp_path


def test_cycle_scan_reports_a_service_and_task_importing_each_other(tree: Path) -> None:
    """A cycle at module level is reported, with the imports closing it."""
    _write(
        tree,
        {
            "app/services.py": "from . import tasks\n",
            "app/tasks.py": "from .services import thing_do\n",
        },
    )

    found = import_cycles(tree)

    assert found == [
        "cycle app.services <-> app.tasks: "
        "app/services.py:1 -> app.tasks; app/tasks.py:1 -> app.services"
    ]


def test_cycle_scan_ignores_imports_in_functions_and_type_checking(tree: Path) -> None:
    """An import inside a function or under TYPE_CHECKING does not run at load: no cycle."""
    _write(
        tree,
        {
            "app/services.py": "from . import tasks\n",
            "app/tasks.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from .services import Thing\n"
                "def thing_task(thing_id):\n"
                "    from .services import thing_do\n"
            ),
        },
    )

    assert import_cycles(tree) == []


def test_cycle_scan_follows_packages_that_re_export_their_modules(tree: Path) -> None:
    """A package re-exporting its modules is no cycle with them, unless one of them reads a name
    from the package, or something the package loads imports back into it."""
    _write(
        tree,
        {
            "app/services/__init__.py": "from .complaints import log\nfrom .surveys import ask\n",
            "app/services/complaints.py": "from .. import tasks\nfrom ..selectors import top\n",
            "app/services/surveys.py": "from . import complaints\n",
            "app/selectors/__init__.py": "from .ranking import top\n",
            "app/selectors/ranking.py": "from ..models import Thing\n",
            "app/models.py": "",
            "app/tasks.py": "",
        },
    )
    assert import_cycles(tree) == []

    _write(tree, {"app/services/surveys.py": "from . import log\n"})
    assert import_cycles(tree) == [
        "cycle app.services <-> app.services.surveys: "
        "app/services/__init__.py:2 -> app.services.surveys; "
        "app/services/surveys.py:1 -> app.services"
    ]

    _write(
        tree,
        {
            "app/services/surveys.py": "",
            "app/selectors/ranking.py": "from ..services.complaints import log\n",
        },
    )
    assert [line.split(":")[0] for line in import_cycles(tree)] == [
        "cycle app.selectors <-> app.selectors.ranking <-> app.services <-> app.services.complaints"
    ]
