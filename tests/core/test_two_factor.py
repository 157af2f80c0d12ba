"""Two-step sign-in: an authenticator app's code after the password, for whoever sets one up.

It is offered to quality managers and administrators on their account page, asked for by every
way of signing in (the page, the admin, the API token endpoint), and an administrator lets
someone who lost their phone back in by deleting the device.
"""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.core.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """Return the code the authenticator app shows (a later one: a code is accepted once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def no_code_throttle(settings) -> None:
    """Let a right code follow a wrong one at once (django-otp otherwise waits a second)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in(username: str) -> Client:
    """Return a client that has posted the right password on the sign-in page."""
    client = Client()
    client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    return client


def with_authenticator(user) -> TOTPDevice:
    """Give the user a confirmed authenticator device, as the set-up page would."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_the_account_page_recommends_two_step_sign_in_to_quality_managers(client_for) -> None:
    """Quality managers (and administrators) are told it is recommended for their role."""
    page = client_for("quality_manager").get(reverse("account")).content.decode()

    assert "Recommended for your role" in page
    assert reverse("two-factor") in page


def test_frontline_staff_may_set_it_up_too_without_the_recommendation(client_for) -> None:
    """Everyone is offered it; only the managing roles get the stronger wording."""
    page = client_for("frontline").get(reverse("account")).content.decode()

    assert "Recommended for your role" not in page
    assert "Set up two-step sign-in" in page


def test_set_up_shows_an_inline_svg_qr_code_without_script_or_style(client_for) -> None:
    """The QR code is inline SVG with no script, handler or style attribute (strict CSP)."""
    client = client_for("quality_manager")

    client.post(reverse("two-factor"), {"start": "1"})
    page = client.get(reverse("two-factor")).content.decode()

    qr = re.search(r'data-testid="qr-code">(.*?)</div>', page, re.DOTALL)
    assert qr is not None
    assert qr.group(1).startswith('<svg role="img"')
    assert not re.search(r"<script|style=|\son\w+=", qr.group(1))
    assert re.search(r'data-testid="secret">(\w{4} ){7}\w{4}</code>', page)


def test_set_up_is_confirmed_by_the_first_code_only(make_user, no_code_throttle) -> None:
    """A wrong first code leaves the device unconfirmed; the right one turns the step on."""
    user = make_user("quality_manager")
    client = Client()
    client.force_login(user)
    client.post(reverse("two-factor"), {"start": "1"})
    device = TOTPDevice.objects.get(user=user)

    wrong = client.post(reverse("two-factor"), {"code": "000000"})
    right = client.post(reverse("two-factor"), {"code": code(device)})

    assert wrong.status_code == 400
    assert "That code did not match" in wrong.content.decode()
    assert right["Location"] == reverse("account")
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("my-work")).status_code == 200  # this session gave its code


def test_turning_it_on_signs_the_account_out_of_its_other_sessions(
    make_user, no_code_throttle
) -> None:
    """A session opened elsewhere with the password alone (a forgotten computer, a stolen
    password) must not outlive the second step; another person's session is left alone."""
    user = make_user("quality_manager")
    colleague = make_user("quality_manager")
    elsewhere, colleagues = sign_in(user.username), sign_in(colleague.username)
    assert elsewhere.get(reverse("my-work")).status_code == 200
    here = sign_in(user.username)
    here.post(reverse("two-factor"), {"start": "1"})

    here.post(reverse("two-factor"), {"code": code(TOTPDevice.objects.get(user=user))})

    assert here.get(reverse("my-work")).status_code == 200
    assert elsewhere.get(reverse("my-work"))["Location"].startswith(reverse("login"))
    assert colleagues.get(reverse("my-work")).status_code == 200


def test_a_wrong_code_makes_the_next_try_wait(make_user) -> None:
    """Guessing codes is slowed down: right after a wrong code even the right one is refused.

    The wrong try's count survives its refusal (the services check codes in django-otp's own
    transaction), so the waits grow with each wrong code.
    """
    user = make_user("quality_manager", username="quinn")
    device = with_authenticator(user)
    client = sign_in("quinn")

    client.post(reverse("two-factor-verify"), {"code": "000000"})
    right_too_soon = client.post(reverse("two-factor-verify"), {"code": code(device)})

    assert right_too_soon.status_code == 400
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1


def test_a_password_sign_in_leads_to_the_code_page_before_anything_else(make_user) -> None:
    """With a device, the password alone opens no page and no API call."""
    user = make_user("quality_manager", username="quinn")
    with_authenticator(user)

    client = sign_in("quinn")
    page = client.get(reverse("home"))
    api = client.get(reverse("api-me"))

    assert page.status_code == 302
    assert page["Location"] == f"{reverse('two-factor-verify')}?next=%2F"
    assert api.status_code == 403
    assert "authenticator" in api.json()["detail"]


def test_the_right_code_finishes_signing_in(make_user, no_code_throttle) -> None:
    """A wrong code is refused on the code page; the right one continues to the page asked for."""
    user = make_user("quality_manager", username="quinn")
    device = with_authenticator(user)
    client = sign_in("quinn")
    verify = reverse("two-factor-verify")

    wrong = client.post(verify, {"code": "123456", "next": reverse("metrics:indicator-list")})
    right = client.post(verify, {"code": code(device), "next": reverse("metrics:indicator-list")})

    assert wrong.status_code == 400
    assert right["Location"] == reverse("metrics:indicator-list")
    assert client.get(reverse("my-work")).status_code == 200
    assert client.get(reverse("api-me")).status_code == 200


def test_the_admin_sign_in_asks_for_the_code_too(make_user) -> None:
    """Signing in through the Django admin does not skip the second step."""
    admin = make_user("administrator", username="ada")
    with_authenticator(admin)
    client = Client()

    client.post(reverse("admin:login"), {"username": "ada", "password": TEST_PASSWORD})
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))


def test_an_administrator_lets_someone_who_lost_their_phone_back_in(make_user, client_for) -> None:
    """Deleting the device in the admin: the password alone signs in again."""
    user = make_user("quality_manager", username="quinn")
    device = with_authenticator(user)
    administrator = client_for("administrator")

    administrator.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )

    assert not TOTPDevice.objects.exists()
    assert sign_in("quinn").get(reverse("my-work")).status_code == 200


def test_the_owner_turns_it_off_with_a_current_code(make_user) -> None:
    """Turning the step off asks for a code, so a borrowed session cannot do it."""
    user = make_user("quality_manager", username="quinn")
    device = with_authenticator(user)
    client = sign_in("quinn")
    client.post(reverse("two-factor-verify"), {"code": code(device)})

    refused = client.post(reverse("account"), {"code": ""})
    response = client.post(reverse("account"), {"code": code(device, steps_ahead=1)})

    assert refused.status_code == 400
    assert response["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_token_endpoint_asks_for_the_code_of_such_an_account(
    make_user, no_code_throttle
) -> None:
    """An API token for an account with two-step sign-in needs the password and the code."""
    user = make_user("quality_manager", username="quinn")
    device = with_authenticator(user)
    api = APIClient()
    body = {"username": "quinn", "password": TEST_PASSWORD}

    missing = api.post(reverse("api-token"), body, format="json")
    wrong = api.post(reverse("api-token"), {**body, "code": "000000"}, format="json")
    right = api.post(reverse("api-token"), {**body, "code": code(device)}, format="json")

    assert missing.status_code == 400
    assert "two-step sign-in" in missing.json()["detail"]
    assert wrong.status_code == 400
    assert "did not match" in wrong.json()["code"][0]
    assert right.status_code == 200
    assert set(right.json()) == {"token"}
