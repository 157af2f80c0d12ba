"""Business errors reach the user one way: no view or API module catches them itself.

Pages run service calls inside `core.forms.service_errors`; API views let the errors propagate to
`core.api.exception_handler`. A `try / except ApplicationError` or `except ValidationError` in a
views or API module is a copy of that mechanism, so the scan below refuses it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "stakeholders", "journeys", "feedback", "metrics", "improvement", "reports"]
CAUGHT = {"ApplicationError", "ValidationError"}

# "path:function catches names" -> why that is not turning a service's refusal into a response.
ALLOWED = {
    "core/imports/views.py:job_preview catches ApplicationError, OSError": (
        "reads the stored file to preview it: a file gone or unreadable is a 404, not a refusal"
    ),
}


def is_views_or_api(path: Path) -> bool:
    """Return whether a module answers requests: views.py, api.py, or a views/ or api/ package."""
    names = {*path.parent.parts, path.stem}
    return bool(names & {"views", "api"})


def caught_names(handler: ast.ExceptHandler, aliases: dict[str, str]) -> set[str]:
    """Return the exception classes an `except` clause names, import aliases resolved."""
    if handler.type is None:
        return set()  # a bare `except:`, which ruff refuses anyway
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = set()
    for node in nodes:
        if isinstance(node, ast.Name):
            names.add(aliases.get(node.id, node.id))
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def catches(path: Path, root: Path) -> list[str]:
    """Return "path:function catches names" for each `except` naming a business error."""
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ExceptHandler) and caught_names(node, aliases) & CAUGHT:
                names = ", ".join(sorted(caught_names(node, aliases)))
                found.append(f"{path.relative_to(root).as_posix()}:{function.name} catches {names}")
    return found


def business_error_catches(root: Path) -> list[str]:
    """Return every `except` of the apps' views and API modules naming a business error."""
    found: list[str] = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts and is_views_or_api(path.relative_to(root)):
                found.extend(catches(path, root))
    return sorted(set(found))


def test_no_view_or_api_module_catches_business_errors_itself() -> None:
    """Each page and API route leaves a service's refusal to the one helper of its side."""
    found = business_error_catches(ROOT)

    assert [place for place in found if place not in ALLOWED] == []


def test_every_allowed_catch_still_exists() -> None:
    """An exception listed as allowed that the code no longer has is removed from the list."""
    found = business_error_catches(ROOT)

    assert sorted(set(ALLOWED) - set(found)) == []


@pytest.mark.parametrize(
    "clause",
    [
        "except ApplicationError as error:",
        "except (ApplicationError, ValidationError):",
        "except DjangoValidationError:",
        "except exceptions.ValidationError:",
    ],
)
def test_the_scan_catches_a_copied_error_block(tmp_path: Path, clause: str) -> None:
    """The scan finds each spelling of the block, so a green run means something."""
    views = tmp_path / "feedback" / "views"
    views.mkdir(parents=True)
    (views / "ideas.py").write_text(
        "from django.core.exceptions import ValidationError as DjangoValidationError\n"
        "def idea_create(request):\n"
        "    try:\n"
        "        services.idea_submit()\n"
        f"    {clause}\n"
        "        pass\n"
    )
    (tmp_path / "feedback" / "forms.py").write_text(
        "def clean():\n    try:\n        pass\n    except ValidationError:\n        pass\n"
    )

    found = business_error_catches(tmp_path)

    assert [place.split(" ")[0] for place in found] == ["feedback/views/ideas.py:idea_create"]
