"""Fixtures shared by every test module."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.roles import Role, sync_roles
from tests.factories import UserFactory

# The four kinds of signed-in user, and anonymous visitors, as the URL walks name them.
ROLE_KEYS = ["frontline", "quality_manager", "executive", "administrator"]
ROLES_BY_KEY = {
    "frontline": Role.FRONTLINE,
    "quality_manager": Role.QUALITY_MANAGER,
    "executive": Role.EXECUTIVE,
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hash passwords with a fast algorithm: the real one is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def roles(db: None) -> None:
    """Make sure the role groups and their permissions exist (flushes remove them)."""
    sync_roles()


@pytest.fixture
def make_user(roles: None) -> Callable[..., User]:
    """Return a function creating a user in a role ("administrator" makes a superuser)."""

    def make(key: str, **fields: object) -> User:
        if key == "administrator":
            return UserFactory.create(is_superuser=True, is_staff=True, **fields)
        return UserFactory.create(role=ROLES_BY_KEY[key], **fields)

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[[str | None], Client]:
    """Return a function giving a test client signed in as a new user of that role."""

    def make(key: str | None) -> Client:
        client = Client()
        if key is not None:
            client.force_login(make_user(key))
        return client

    return make
