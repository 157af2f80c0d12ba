"""Load the demo for a load test and write what the locustfile needs to a JSON file.

    python -m tests.load.prepare TARGETS.json      (run by tests/load/run.sh, `make load`)

The locust process must not import Django (gevent patches the standard library first), so the
sign-in names and the public survey's link are looked up here, in a process of their own, and
handed over as JSON: {"frontline": [...], "quality": [...], "survey_token": "..."}.
"""

import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaltyqms.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402 - after django.setup()
from django.core.management import call_command  # noqa: E402

from core.demo import DEMO_LOGINS  # noqa: E402
from core.roles import Role  # noqa: E402
from feedback.models import Survey  # noqa: E402


def refuse_a_real_database() -> None:
    """Stop when the database holds users but not the demo's: it is not a throw-away one."""
    demo_names = [login.username for login in DEMO_LOGINS]
    if User.objects.exists() and not User.objects.filter(username__in=demo_names).exists():
        sys.exit(
            "The database has users but no demo login: the load test loads the demo and logs "
            "complaints, so point DATABASE_URL at a throw-away database."
        )


def usernames(role: Role) -> list[str]:
    """Return the active demo staff in a role (they all share the demo password)."""
    return list(
        User.objects.filter(groups__name=role.value, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )


def open_public_survey_token() -> str:
    """Return the link token of a customer survey that takes answers now."""
    for survey in Survey.objects.exclude(kind=Survey.Kind.ENPS).order_by("pk"):
        if survey.is_open():
            return survey.public_token
    sys.exit("The demo has no open customer survey to answer.")


def main() -> None:
    """Load the demo (idempotent) and write the targets file named on the command line."""
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    refuse_a_real_database()
    call_command("demo", force=True)
    targets = {
        "frontline": usernames(Role.FRONTLINE),
        "quality": usernames(Role.QUALITY_MANAGER),
        "survey_token": open_public_survey_token(),
    }
    Path(sys.argv[1]).write_text(json.dumps(targets, indent=2))
    print(
        f"Load targets: {len(targets['frontline'])} frontline and {len(targets['quality'])} "
        f"quality-manager logins, public survey /s/{targets['survey_token']}/"
    )


if __name__ == "__main__":
    main()
