"""The demo organisation: deterministic, idempotent, one login per role."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from core.demo import DEMO_PASSWORD, staff_names

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


def test_demo_prints_one_working_login_per_role(demo_organisation: str) -> None:
    """Each demo login exists, holds its role and signs in with the printed password."""
    printed = demo_organisation

    for username, role in [
        ("frontline", "Frontline staff"),
        ("quality", "Quality manager"),
        ("executive", "Executive"),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(DEMO_PASSWORD)
        assert f"user {username}" in printed
    assert User.objects.get(username="admin").is_superuser
    assert DEMO_PASSWORD in printed


def test_running_demo_twice_changes_nothing(demo_organisation: str, settings) -> None:
    """A second run with the same seed leaves every row as it was."""
    settings.DEBUG = True
    before = snapshot()

    run_demo()

    assert snapshot() == before


def test_demo_organisation_has_staff_in_every_role(demo_organisation: str) -> None:
    """The demo looks like an organisation: frontline staff outnumber managers."""
    frontline = User.objects.filter(groups__name="Frontline staff").count()
    managers = User.objects.filter(groups__name="Quality manager").count()
    executives = User.objects.filter(groups__name="Executive").count()
    assert frontline > managers >= 2
    assert executives >= 2


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
