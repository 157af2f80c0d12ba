"""The demo command: seeded names, and no demo in production.

The demo organisation itself is checked in tests/demo/.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from core.demo import staff_names

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    """Return every user row with its groups, password hash included."""
    return [
        (user.username, user.first_name, user.last_name, user.email, user.password,
         user.is_superuser, tuple(group.name for group in user.groups.all()))
        for user in User.objects.order_by("username").prefetch_related("groups")
    ]  # fmt: skip


def run_demo(*args: str) -> str:
    """Run the demo command and return what it printed."""
    output = StringIO()
    call_command("demo", *args, stdout=output)
    return output.getvalue()


def test_seed_decides_the_staff_names() -> None:
    """The same seed gives the same people; another seed gives others."""
    assert staff_names(1) == staff_names(1)
    assert staff_names(1) != staff_names(2)


def test_demo_refuses_to_run_with_debug_off(settings) -> None:
    """Published demo passwords never reach a production database by accident."""
    settings.DEBUG = False
    before = snapshot()

    with pytest.raises(CommandError, match="Refusing to load demo data"):
        run_demo()

    assert snapshot() == before
