"""Roles: the README's table, core.roles and the database groups say the same thing."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import PermissionDenied

from core.roles import ROLE_PERMISSIONS, Role, acting_user, has_role, sync_roles

README = Path(__file__).resolve().parents[2] / "README.md"
CHECK = "✓"


def readme_role_table() -> dict[str, set[str]]:
    """Parse the README's role table into {role name: {"app.codename", ...}}."""
    text = README.read_text()
    block = text.split("<!-- role-table:start -->")[1].split("<!-- role-table:end -->")[0]
    rows = [line for line in block.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    role_columns = header[2:]
    table: dict[str, set[str]] = {name: set() for name in role_columns}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        permissions = re.findall(r"`([a-z_]+\.[a-z_]+)`", cells[0])
        assert permissions, f"README role table: no permission in {cells[0]!r}"
        for name, cell in zip(role_columns, cells[2:], strict=True):
            assert cell in ("", CHECK), f"README role table: use {CHECK} or nothing, not {cell!r}"
            if cell == CHECK:
                table[name].update(permissions)
    return table


def group_permissions(name: str) -> set[str]:
    """Return the "app.codename" permissions the group holds in the database."""
    group = Group.objects.get(name=name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_readme_table_lists_every_role_as_a_column() -> None:
    """The README's role table has one column per role, in the code's order."""
    assert list(readme_role_table()) == [role.value for role in Role]


def test_readme_table_matches_the_roles_in_code() -> None:
    """The README's table and core.roles.ROLE_PERMISSIONS agree row by row."""
    assert readme_role_table() == {
        role.value: set(codes) for role, codes in ROLE_PERMISSIONS.items()
    }


@pytest.mark.django_db
def test_migrations_create_each_role_group_with_the_readme_permissions() -> None:
    """After migrate, each group holds exactly the README table's permissions."""
    for name, permissions in readme_role_table().items():
        assert group_permissions(name) == permissions, name


@pytest.mark.django_db
def test_sync_removes_a_permission_granted_by_hand() -> None:
    """Re-syncing restores a group that someone widened by hand."""
    group = Group.objects.get(name=Role.FRONTLINE.value)
    group.permissions.add(*Group.objects.get(name=Role.QUALITY_MANAGER.value).permissions.all())

    sync_roles()

    assert group_permissions(Role.FRONTLINE.value) == set(ROLE_PERMISSIONS[Role.FRONTLINE])


@pytest.mark.django_db
def test_superuser_holds_every_role_and_a_plain_user_none(make_user) -> None:
    """Administrators pass every role check; a user without a group passes none."""
    administrator = make_user("administrator")
    executive = make_user("executive")

    assert has_role(administrator, *Role)
    assert has_role(executive, Role.EXECUTIVE)
    assert not has_role(executive, Role.QUALITY_MANAGER)


def test_acting_user_is_the_signed_in_user(rf) -> None:
    """A page hands its signed-in user to the services as a user."""
    request = rf.post("/")
    request.user = User(username="quality")

    assert acting_user(request) is request.user


def test_acting_user_refuses_an_anonymous_visitor(rf) -> None:
    """An anonymous request reaching a write is refused rather than passed to a service."""
    request = rf.post("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        acting_user(request)
