"""Sign-in with the company account: OpenID Connect against a real (mock) identity provider.

The provider (oidc-provider-mock) runs in a thread on a local port; the test client plays the
browser on our side and httpx posts the provider's authorize form with the person's claims.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import oidc_provider_mock
import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role, sync_roles, user_roles
from core.two_factor import SECOND_STEP
from tests.core.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROLE_MAP = {"qms-quality": Role.QUALITY_MANAGER.value, "staff": Role.FRONTLINE.value}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """Run the identity provider for the module; return its issuer address."""
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def company_sign_in(settings: Any, issuer: str) -> str:
    """Configure sign-in with the company account against the provider, as the env would."""
    sync_roles()
    settings.OIDC_ISSUER = issuer
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.OIDC_DEFAULT_ROLE = ""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "company",
                    "name": "Brightline SSO",
                    "client_id": "loyaltyqms",
                    "secret": "client-secret",
                    "settings": {"server_url": issuer},
                }
            ]
        }
    }
    return issuer


def set_claims(issuer: str, sub: str, **claims: Any) -> None:
    """Tell the provider the person's claims for their next sign-in."""
    response = httpx.put(f"{issuer}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204


def sign_in_with_company_account(client: Client, sub: str) -> Any:
    """Press the button, sign in at the provider as `sub`, come back; return the last answer."""
    login_page = client.get(reverse("login")).content.decode()
    start = reverse("openid_connect_login", kwargs={"provider_id": "company"})
    assert f'action="{start}"' in login_page

    to_provider = client.post(start)
    assert to_provider.status_code == 302
    authorized = httpx.post(to_provider["Location"], data={"sub": sub})
    assert authorized.status_code == 302
    back = urlsplit(authorized.headers["location"])
    assert back.path == reverse("openid_connect_callback", kwargs={"provider_id": "company"})
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client: Client) -> User | None:
    """Return the user the client's session is signed in as, if any."""
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def test_first_sign_in_creates_the_person_with_the_mapped_role(company_sign_in: str) -> None:
    """A new colleague signs in once and lands on the home page with their group's role."""
    set_claims(
        company_sign_in,
        "u-1001",
        email="dana.quality@brightline.example",
        email_verified=True,
        preferred_username="dana",
        given_name="Dana",
        family_name="Kovač",
        groups=["qms-quality", "all-staff"],
    )
    client = Client()

    response = sign_in_with_company_account(client, "u-1001")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user is not None
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "dana",
        "Dana",
        "Kovač",
        "dana.quality@brightline.example",
    )
    assert user.is_active
    assert not user.is_superuser
    assert not user.is_staff
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.QUALITY_MANAGER}


def test_each_sign_in_sets_the_role_from_the_current_groups(company_sign_in: str) -> None:
    """A move between teams at the company changes the role at the next sign-in; other groups
    the person has here stay."""
    set_claims(company_sign_in, "u-1002", email="sam@brightline.example", groups=["staff"])
    sign_in_with_company_account(Client(), "u-1002")
    user = User.objects.get(email="sam@brightline.example")
    user.groups.create(name="Newsletter readers")
    assert user_roles(user) == {Role.FRONTLINE}

    set_claims(company_sign_in, "u-1002", email="sam@brightline.example", groups=["qms-quality"])
    client = Client()
    sign_in_with_company_account(client, "u-1002")

    user = User.objects.get(pk=user.pk)
    assert signed_in_user(client) == user
    assert User.objects.filter(email="sam@brightline.example").count() == 1
    assert user_roles(user) == {Role.QUALITY_MANAGER}
    assert user.groups.filter(name="Newsletter readers").exists()


def test_a_person_without_a_mapped_group_is_refused(company_sign_in: str) -> None:
    """No group that gives a role and no default role: no account, no session, and the sign-in
    page says why."""
    set_claims(company_sign_in, "u-1003", email="guest@brightline.example", groups=["visitors"])
    client = Client()

    response = sign_in_with_company_account(client, "u-1003")

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="guest@brightline.example").exists()
    page = client.get(reverse("login")).content.decode()
    assert "Your company account has no role in LoyaltyQMS" in page


def test_a_person_who_left_every_mapped_group_loses_the_role_and_is_refused(
    company_sign_in: str,
) -> None:
    """The provider decides the role: with none left, the old role goes and no session opens."""
    set_claims(company_sign_in, "u-1009", email="max@brightline.example", groups=["staff"])
    sign_in_with_company_account(Client(), "u-1009")
    set_claims(company_sign_in, "u-1009", email="max@brightline.example", groups=[])
    client = Client()

    sign_in_with_company_account(client, "u-1009")

    assert signed_in_user(client) is None
    assert user_roles(User.objects.get(email="max@brightline.example")) == frozenset()


def test_a_taken_username_gives_the_new_person_another_one(company_sign_in: str) -> None:
    """A `preferred_username` that names a local account never signs in as that account."""
    admin = UserFactory.create(username="admin", is_superuser=True, is_staff=True)
    set_claims(
        company_sign_in,
        "u-1010",
        email="new.admin@brightline.example",
        preferred_username="admin",
        groups=["staff"],
    )
    client = Client()

    sign_in_with_company_account(client, "u-1010")

    user = signed_in_user(client)
    assert user is not None
    assert user != admin
    assert user.username != "admin"
    assert not user.is_superuser


def test_the_default_role_lets_in_a_person_without_a_mapped_group(
    company_sign_in: str, settings: Any
) -> None:
    """OIDC_DEFAULT_ROLE gives everyone the provider lets through a role."""
    settings.OIDC_DEFAULT_ROLE = Role.FRONTLINE.value
    set_claims(company_sign_in, "u-1004", email="kim@brightline.example")
    client = Client()

    sign_in_with_company_account(client, "u-1004")

    user = signed_in_user(client)
    assert user is not None
    assert user.username == "kim@brightline.example"
    assert user_roles(user) == {Role.FRONTLINE}


def test_a_verified_address_of_a_local_account_links_to_it(company_sign_in: str) -> None:
    """A colleague who had a password account comes in as that account, not as a second one."""
    local = UserFactory.create(username="lee", email="lee@brightline.example", role=Role.EXECUTIVE)
    set_claims(
        company_sign_in,
        "u-1005",
        email="Lee@brightline.example",
        email_verified=True,
        groups=["staff"],
    )
    client = Client()

    sign_in_with_company_account(client, "u-1005")

    assert signed_in_user(client) == local
    assert user_roles(User.objects.get(pk=local.pk)) == {Role.FRONTLINE}


@pytest.mark.parametrize("verified", [False, None], ids=["unverified", "not-said"])
def test_an_unverified_address_of_a_local_account_is_refused(
    company_sign_in: str, verified: bool | None
) -> None:
    """Without the provider vouching for the address, nobody takes over the account holding it."""
    UserFactory.create(username="ray", email="ray@brightline.example", role=Role.EXECUTIVE)
    claims: dict[str, Any] = {"email": "ray@brightline.example", "groups": ["qms-quality"]}
    if verified is not None:
        claims["email_verified"] = verified
    set_claims(company_sign_in, "u-1006", **claims)
    client = Client()

    sign_in_with_company_account(client, "u-1006")

    assert signed_in_user(client) is None
    assert "already uses the e-mail address" in client.get(reverse("login")).content.decode()


def test_an_administrators_address_is_never_linked(company_sign_in: str) -> None:
    """The break-glass administrators stay password accounts, whatever the provider says."""
    UserFactory.create(
        username="root", email="it@brightline.example", is_superuser=True, is_staff=True
    )
    set_claims(
        company_sign_in,
        "u-1007",
        email="it@brightline.example",
        email_verified=True,
        groups=["qms-quality"],
    )
    client = Client()

    sign_in_with_company_account(client, "u-1007")

    assert signed_in_user(client) is None
    assert not User.objects.filter(username="u-1007").exists()


def test_the_provider_stands_in_for_the_authenticator_code(company_sign_in: str) -> None:
    """The company's provider authenticated the person: no code page after its sign-in."""
    set_claims(
        company_sign_in,
        "u-1008",
        email="ana@brightline.example",
        email_verified=True,
        groups=["qms-quality"],
    )
    sign_in_with_company_account(Client(), "u-1008")
    user = User.objects.get(email="ana@brightline.example")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()

    sign_in_with_company_account(client, "u-1008")

    assert SECOND_STEP not in client.session
    assert client.get(reverse("my-work")).status_code == 200


def test_a_local_password_sign_in_still_asks_for_its_code(company_sign_in: str) -> None:
    """Password accounts sign in as before, with their authenticator code when they have one."""
    user = UserFactory.create(username="pat", role=Role.QUALITY_MANAGER)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()

    response = client.post(reverse("login"), {"username": "pat", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert signed_in_user(client) == user
    assert client.session[SECOND_STEP] is True
    assert client.get(reverse("my-work"))["Location"].startswith(reverse("two-factor-verify"))


def test_a_cancelled_sign_in_returns_to_the_sign_in_page(company_sign_in: str) -> None:
    """Denying at the provider leads back to our sign-in page with a message, signed out."""
    client = Client()
    to_provider = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}))

    denied = httpx.post(to_provider["Location"], data={"action": "deny"})
    back = urlsplit(denied.headers["location"])
    response = client.get(f"{back.path}?{back.query}")

    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert "did not work" in client.get(reverse("login")).content.decode()


def test_a_get_of_the_start_address_only_offers_to_continue(company_sign_in: str) -> None:
    """A link or an image cannot start a sign-in: a GET shows a page that posts."""
    response = Client().get(reverse("openid_connect_login", kwargs={"provider_id": "company"}))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert "Location" not in response


def test_a_post_from_another_site_cannot_start_a_sign_in(company_sign_in: str) -> None:
    """The start takes the sign-in page's CSRF token: a forged post is refused."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}))

    assert response.status_code == 403


def test_without_an_issuer_there_is_no_button_and_no_route(settings: Any) -> None:
    """Unconfigured, the sign-in page is the password form alone and the routes answer 404."""
    settings.OIDC_ISSUER = ""
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    client = Client()

    page = client.get(reverse("login")).content.decode()
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}))

    assert "Sign in with" not in page
    assert 'name="password"' in page
    assert start.status_code == 404
