"""Render the access table of tests/test_access.py into docs/access.md.

`make access-doc` (or `python -m tests.access_doc`) rewrites the file; `--check` exits 1 when it
is out of date, as `tests/test_access.py` fails then too.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the walk's module needs Django set up, which main() does first
    from tests.access_rules import Route

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "access.md"

INTRODUCTION = """\
# Access matrix

<!-- Generated from tests/test_access.py by `make access-doc`: edit the table there, not here. -->

Who may use which page and API route, method by method. The table is `ROUTES` in
`tests/test_access.py`; the test suite signs in one user per column and sends each of them every
method of every route (writes with a valid CSRF token, and once more without it, which is
refused), and fails on a route without a row, a row without a route, a method a row forgets, an
answer that differs from the row, and on this file when it is not the table's rendering.

- **✓** served: a read answers 200, a write is not refused (it may still be invalid: 400).
- **own** served for the visitor's own records only; anyone else's answer 404, as if absent.
- **✗** refused, the way the route's kind refuses:
{refusals}
- A write without the CSRF token is refused (403) for everyone.

Columns: anonymous visitors; the three staff roles; administrators (superusers, who also have
Django's admin); and **partner**, a contact of a service partner (the Partner contact role, invited
by a quality manager), who gets the partner portal and nothing of the staff's: its own partner's
scorecard and the complaints at its touchpoints without customer data, where it adds
corrective-action notes, besides the public pages and its own account's pages (home, sign-out,
password, `api/v1/me/`, the API docs). The walk's partner records are another partner's, so its
**own** cells answer 404.
"""

OBJECT_RULES = """\
## Object rules

Some routes serve a visitor only part of the records. These rules are tested over every place the
records appear ({module}):

{rules}

Indicators, control charts and partner scorecards count complaints and answers in aggregate for
everyone who reads them; they name no complaint and no answer.
"""


def render(routes: Mapping[str, "Route"]) -> str:
    """Return the Markdown of the access table."""
    from tests import access_objects
    from tests.access_rules import REFUSALS, VISITOR_TITLES, VISITORS, Kind, addresses

    where = addresses()
    refusals = "\n".join(f"  - {kind.value}: {REFUSALS[kind]}." for kind in Kind)
    pairs = sum(len(route.methods) for route in routes.values())
    size = (
        f"The table has {len(routes)} routes and {pairs} route methods: "
        f"{pairs * len(VISITORS)} cells, each one a request of the walk.\n"
    )
    lines = [INTRODUCTION.format(refusals=refusals), size]
    sections = [
        ("Pages", [Kind.PAGE, Kind.PUBLIC, Kind.ADMIN], False),
        ("API", [Kind.API], True),
    ]
    for title, kinds, is_api in sections:
        header = ["route", "address", "methods", *(VISITOR_TITLES[v] for v in VISITORS), "note"]
        lines += [
            f"## {title}",
            "",
            "| " + " | ".join(header) + " |",
            "| " + " | ".join(["---"] * 3 + [":---:"] * len(VISITORS) + ["---"]) + " |",
        ]
        for name, route in routes.items():
            if route.kind not in kinds:
                continue
            kind_note = "" if is_api or route.kind == Kind.PAGE else route.kind.value
            note = "; ".join(text for text in (kind_note, route.note) if text)
            for methods, allowed in _grouped(route.methods):
                cells = [
                    ("own" if visitor in route.own else "✓") if visitor in allowed else "✗"
                    for visitor in VISITORS
                ]
                lines.append(
                    f"| `{name}` | `{where.get(name, '')}` | {methods} | "
                    + " | ".join(cells)
                    + f" | {note} |"
                )
        lines.append("")
    rules = "\n".join(
        f"- {' '.join(test.__doc__.split())} (`{name}`)"
        for name, test in vars(access_objects).items()
        if name.startswith("test_") and test.__doc__
    )
    lines.append(OBJECT_RULES.format(module="`tests/access_objects.py`", rules=rules))
    return "\n".join(lines)


def _grouped(methods: Mapping[str, frozenset[str]]) -> list[tuple[str, frozenset[str]]]:
    """Return the methods joined by who may use them: ("PUT PATCH DELETE", quality)."""
    groups: dict[frozenset[str], list[str]] = {}
    for method, allowed in methods.items():
        groups.setdefault(allowed, []).append(method)
    return [(" ".join(names), allowed) for allowed, names in groups.items()]


def main(argv: list[str]) -> int:
    """Write docs/access.md from the table, or with `--check` say whether it is up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaltyqms.settings")
    import django

    django.setup()
    from tests.test_access import ROUTES

    text = render(ROUTES)
    if "--check" in argv:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date: run `make access-doc`", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"Wrote {DOC_PATH} ({len(ROUTES)} routes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
