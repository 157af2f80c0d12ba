"""The apps form layers (DESIGN.md): each imports only the apps below it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["core", "stakeholders", "journeys", "feedback", "metrics", "improvement", "reports"]
ROOF = "loyaltyqms"


def imported_top_level_names(path: Path) -> set[str]:
    """Return the top-level packages a module imports, relative imports excluded."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def upward_imports(app: str) -> list[str]:
    """Return "file: package" for every import of a higher layer (or the roof) in an app."""
    forbidden = set(LAYERS[LAYERS.index(app) + 1 :]) | {ROOF}
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for name in sorted(imported_top_level_names(path) & forbidden):
            found.append(f"{path.relative_to(ROOT)}: imports {name}")
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_app_imports_no_higher_layer(app: str) -> None:
    """An app never imports an app above it, nor the project wiring."""
    assert upward_imports(app) == []


def test_layer_scan_catches_an_upward_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan reports an upward import, so a green run means something."""
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "views.py").write_text("from metrics.models import Indicator\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)

    found = upward_imports("journeys")

    assert found == ["journeys/views.py: imports metrics"]


def test_every_app_exists_with_a_models_module() -> None:
    """Each layer is a Django app with a models module (or package), as the layout fixes."""
    for app in LAYERS:
        models = ROOT / app / "models.py"
        package = ROOT / app / "models" / "__init__.py"
        assert models.is_file() or package.is_file(), app
        assert (ROOT / app / "apps.py").is_file(), app
