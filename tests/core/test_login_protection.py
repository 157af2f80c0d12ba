"""Sign-in limits: wrong passwords lock an account out for a while, on the page and the API alike.

The limits are counted before a password is checked (core.login_protection), so that attempts
sent at the same moment cannot all slip through; the integration test proves it with 24 threads
against a live server on PostgreSQL.
"""

import json
import re
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from io import StringIO
from typing import Any
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.core.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5  # LOGIN_FAILURE_LIMIT's default


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    """Post the sign-in form."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def ask_token(client: APIClient, username: str, password: str, **extra: Any) -> Any:
    """Post a username and password to the API token endpoint."""
    return client.post(
        reverse("api-token"), {"username": username, "password": password}, format="json", **extra
    )


def test_the_limits_default_to_five_failures_and_fifteen_minutes(settings) -> None:
    """The documented defaults hold unless the environment changes them."""
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30


def test_wrong_passwords_lock_the_account_with_a_page_saying_when_to_retry(make_user) -> None:
    """Four wrong passwords get the form again; the fifth gets the lockout page (429)."""
    make_user("frontline", username="sam")
    client = Client()

    answers = [sign_in(client, "sam", "wrong") for _ in range(LIMIT)]

    assert [answer.status_code for answer in answers] == [200] * (LIMIT - 1) + [429]
    html = answers[-1].content.decode()
    assert "Sign-in paused" in html
    assert "too many failed sign-ins to this account" in html
    until = timezone.localtime(timezone.now() + timedelta(minutes=15))
    assert re.search(r"You can try again after \d\d:\d\d \(in about 15 minutes\)", html)
    assert f"{until:%H}:" in html
    assert "ask an administrator to unlock your account" in html
    assert int(answers[-1]["Retry-After"]) > 14 * 60


def test_the_right_password_is_refused_during_a_lockout(make_user) -> None:
    """Once locked, even the right password gets the lockout page and no session."""
    make_user("frontline", username="sam")
    client = Client()
    for _ in range(LIMIT):
        sign_in(client, "sam", "wrong")

    response = sign_in(client, "sam", TEST_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_attempts_refused_during_a_lockout_do_not_prolong_it(make_user) -> None:
    """Refused attempts are not counted, so the lockout ends when the page said it would."""
    make_user("frontline", username="sam")
    client = Client()
    for _ in range(LIMIT):
        sign_in(client, "sam", "wrong")

    for _ in range(3):
        sign_in(client, "sam", "wrong")

    assert AccessAttempt.objects.get(username="sam").failures_since_start == LIMIT


def test_the_lockout_ends_after_the_cool_off(make_user) -> None:
    """Fifteen minutes after the last failure the right password works again."""
    make_user("frontline", username="sam")
    client = Client()
    for _ in range(LIMIT):
        sign_in(client, "sam", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = sign_in(client, "sam", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_right_password_clears_the_accounts_failures(make_user) -> None:
    """Typos before a successful sign-in do not count towards the next lockout."""
    make_user("frontline", username="sam")
    client = Client()
    for _ in range(LIMIT - 1):
        sign_in(client, "sam", "wrong")
    sign_in(client, "sam", TEST_PASSWORD)
    client.logout()

    answers = [sign_in(client, "sam", "wrong").status_code for _ in range(LIMIT - 1)]

    assert answers == [200] * (LIMIT - 1)


def test_a_lockout_holds_for_the_account_from_that_address_only(make_user) -> None:
    """Someone guessing from elsewhere cannot lock a colleague out of their own desk."""
    make_user("frontline", username="sam")
    for _ in range(LIMIT):
        sign_in(Client(), "sam", "wrong", REMOTE_ADDR="198.51.100.9")

    response = sign_in(Client(), "sam", TEST_PASSWORD, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302


def test_many_accounts_tried_from_one_address_lock_the_address(make_user, settings) -> None:
    """Spraying one password over many accounts hits the per-address limit."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    make_user("quality_manager", username="quinn")
    client = Client()

    answers = [sign_in(client, f"user{number}", "Summer2026!").status_code for number in range(7)]
    honest = sign_in(client, "quinn", TEST_PASSWORD)

    assert answers == [200] * 5 + [429, 429]
    assert "too many failed sign-ins from your network address" in honest.content.decode()
    assert honest.status_code == 429


def test_an_administrator_unlocks_an_account_in_the_admin(make_user, client_for) -> None:
    """Deleting the account's access attempts in the admin lifts the lockout at once."""
    make_user("frontline", username="sam")
    for _ in range(LIMIT):
        sign_in(Client(), "sam", "wrong")
    admin = client_for("administrator")
    changelist = reverse("admin:axes_accessattempt_changelist")
    listed = admin.get(changelist, {"q": "sam"})
    attempts = list(AccessAttempt.objects.filter(username="sam").values_list("pk", flat=True))

    admin.post(
        changelist,
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert "Locked Out" in listed.content.decode()
    assert sign_in(Client(), "sam", TEST_PASSWORD).status_code == 302


def test_axes_reset_username_unlocks_an_account_from_the_command_line(make_user) -> None:
    """`manage.py axes_reset_username sam` lifts sam's lockout."""
    make_user("frontline", username="sam")
    for _ in range(LIMIT):
        sign_in(Client(), "sam", "wrong")

    call_command("axes_reset_username", "sam", stdout=StringIO())

    assert sign_in(Client(), "sam", TEST_PASSWORD).status_code == 302


def test_the_admin_sign_in_is_limited_too(make_user) -> None:
    """The Django admin's own sign-in form counts towards the same limits."""
    make_user("administrator", username="ada")
    client = Client()
    admin_login = reverse("admin:login")

    answers = [
        client.post(admin_login, {"username": "ada", "password": "wrong"}).status_code
        for _ in range(LIMIT)
    ]

    assert answers[-1] == 429


# The API token endpoint ------------------------------------------------------------------------


def test_the_token_endpoint_gives_the_users_token_for_the_right_password(make_user) -> None:
    """An integration exchanges a username and password for the user's one API token."""
    user = make_user("quality_manager", username="quinn")

    first = ask_token(APIClient(), "quinn", TEST_PASSWORD)
    again = ask_token(APIClient(), "quinn", TEST_PASSWORD)

    assert first.status_code == 200
    assert first.json() == {"token": Token.objects.get(user=user).key}
    assert again.json() == first.json()


def test_the_token_endpoint_refuses_a_wrong_password_with_a_message(make_user) -> None:
    """A wrong password is a 400 with a readable reason, and no token is made."""
    make_user("quality_manager", username="quinn")

    response = ask_token(APIClient(), "quinn", "wrong")

    assert response.status_code == 400
    assert response.json() == {"detail": "Unable to sign in with this username and password."}
    assert not Token.objects.exists()


def test_the_token_endpoint_locks_out_with_json_naming_the_reason(make_user) -> None:
    """After the limit the endpoint answers 429 JSON: why, for what, and when to retry."""
    make_user("quality_manager", username="quinn")
    api = APIClient()

    answers = [ask_token(api, "quinn", "wrong") for _ in range(LIMIT)]
    right = ask_token(api, "quinn", TEST_PASSWORD)

    assert [answer.status_code for answer in answers] == [400] * (LIMIT - 1) + [429]
    body = right.json()
    assert right.status_code == 429
    assert body["reason"] == "too_many_failed_sign_ins"
    assert body["scope"] == "account"
    assert 14 * 60 < body["retry_after"] <= 15 * 60 + 1
    assert "too many failed sign-ins" in body["detail"]
    assert "administrator" in body["detail"]
    assert right["Retry-After"] == str(body["retry_after"])
    assert not Token.objects.exists()


def test_failures_on_the_page_and_the_api_add_up(make_user) -> None:
    """Switching between the sign-in page and the API does not buy more guesses."""
    make_user("quality_manager", username="quinn")
    for _ in range(LIMIT - 1):
        sign_in(Client(), "quinn", "wrong")

    response = ask_token(APIClient(), "quinn", "wrong")

    assert response.status_code == 429


def test_signing_in_is_recorded_with_the_client_address(make_user) -> None:
    """Each sign-in is kept in the access log (admin: Access logs) with where it came from."""
    make_user("frontline", username="sam")

    sign_in(Client(), "sam", TEST_PASSWORD, REMOTE_ADDR="192.0.2.44")

    assert list(AccessLog.objects.values_list("username", "ip_address")) == [("sam", "192.0.2.44")]


# Concurrency on the real PostgreSQL ------------------------------------------------------------

ATTACKERS = 24


class CountingSlowHasher(MD5PasswordHasher):
    """The tests' fast hasher, slowed to a real hasher's pace, counting the passwords it checks.

    A real password check takes a few hundred milliseconds (PBKDF2); the pause keeps concurrent
    attempts overlapping as they would in production.
    """

    algorithm = "counted_md5"
    checked = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        time.sleep(0.3)
        with CountingSlowHasher.lock:
            CountingSlowHasher.checked += 1
        return super().verify(password, encoded)


def page_sign_in(base_url: str, username: str, password: str, ready: threading.Barrier) -> int:
    """Open the sign-in page, wait for the others, post the form; return the answer's status.

    The CSRF cookie is marked Secure (the settings' default) and the live server speaks plain
    HTTP, so the cookie is sent back by hand rather than by a cookie jar.
    """
    url = f"{base_url}{reverse('login')}"
    with urllib.request.urlopen(url, timeout=120) as page:
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert cookie is not None
    assert token is not None
    form = urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    )
    post = urllib.request.Request(
        url, data=form.encode(), headers={"Cookie": f"csrftoken={cookie.group(1)}"}
    )
    ready.wait()
    # The live server's listen queue holds 10 connections: a connection it reset never reached
    # Django (nothing was counted or checked), so it is made again, as a browser would.
    for _ in range(5):
        try:
            with urllib.request.urlopen(post, timeout=120) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refusal:
            return refusal.code
        except urllib.error.URLError as failure:
            if not isinstance(failure.reason, ConnectionResetError):
                raise
            time.sleep(0.2)
        except ConnectionResetError:
            time.sleep(0.2)
    raise ConnectionResetError("the live server reset the connection five times")


def api_token(base_url: str, username: str, password: str) -> int:
    """Post a username and password to the live server's token endpoint; return the status."""
    body = json.dumps({"username": username, "password": password}).encode()
    post = urllib.request.Request(
        f"{base_url}{reverse('api-token')}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(post, timeout=120) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refusal:
        return refusal.code


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_dozen_simultaneous_wrong_passwords_check_at_most_the_limit(
    require_postgres_and_redis, live_server, make_user, settings
) -> None:
    """24 wrong passwords posted at one moment: 5 are checked, 19 refused unchecked (429).

    The right password is then refused, unchecked, on the page and at the token endpoint.
    django-axes alone reads the count before the password check and writes it after: in this
    test it let 12 of the 24 be checked. The limiter counts each attempt before checking it.
    """
    settings.PASSWORD_HASHERS = ["tests.core.test_login_protection.CountingSlowHasher"]
    make_user("quality_manager", username="quinn")
    CountingSlowHasher.checked = 0
    ready = threading.Barrier(ATTACKERS)
    statuses: list[int] = []
    errors: list[Exception] = []

    def attack() -> None:
        try:
            statuses.append(page_sign_in(live_server.url, "quinn", "guess", ready))
        except Exception as error:  # noqa: BLE001 - handed to the test thread and asserted on
            errors.append(error)
            ready.abort()

    threads = [threading.Thread(target=attack) for _ in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked_under_attack = CountingSlowHasher.checked
    owner = page_sign_in(live_server.url, "quinn", TEST_PASSWORD, threading.Barrier(1))
    integration = api_token(live_server.url, "quinn", TEST_PASSWORD)

    assert errors == []
    assert len(statuses) == ATTACKERS
    assert checked_under_attack == LIMIT
    assert statuses.count(429) >= ATTACKERS - LIMIT
    assert set(statuses) <= {200, 429}
    assert AccessAttempt.objects.get(username="quinn").failures_since_start == LIMIT
    assert owner == 429
    assert integration == 429
    assert CountingSlowHasher.checked == LIMIT
