"""The client address comes from X-Forwarded-For only behind the trusted proxies the settings name.

Without TRUSTED_PROXY_COUNT anyone could write the header and pass as anyone; behind compose's
TLS proxy, ignoring it would make every customer one client of the survey throttle.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.network import client_address
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import SurveyFactory

PROXY = "10.0.0.2"  # the TLS proxy, as the application sees it


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Start each test with no throttle counts (they live in the cache)."""
    cache.clear()


@pytest.fixture
def answer_page(db: None) -> str:
    """Return the address of an open survey's public answer page."""
    survey = SurveyFactory.create(starts_at=timezone.now() - timedelta(days=1))
    return reverse("public-survey:answer", args=[survey.public_token])


def address(header: str | None) -> str:
    """Return client_address of a request from the proxy carrying the X-Forwarded-For given."""
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY)
    if header is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = header
    return client_address(request)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings) -> None:
    """By default the address is the connection's, whatever the request claims."""
    settings.TRUSTED_PROXY_COUNT = 0

    assert address("203.0.113.7") == PROXY


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client wrote the left entries; the proxy appended the right-most one.
        ("198.51.100.66, 203.0.113.7", "203.0.113.7"),
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8::7", "2001:db8::7"),
        ("not-an-address", PROXY),
        ("", PROXY),
        (None, PROXY),
    ],
)
def test_behind_one_proxy_the_right_most_entry_is_the_client(settings, header, expected) -> None:
    """One trusted proxy: its entry is the client; junk or no header falls back to the proxy."""
    settings.TRUSTED_PROXY_COUNT = 1

    assert address(header) == expected


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings) -> None:
    """With a load balancer before the TLS proxy, the balancer's peer is the client."""
    settings.TRUSTED_PROXY_COUNT = 2

    assert address("198.51.100.66, 203.0.113.7, 10.0.0.1") == "203.0.113.7"
    assert address("203.0.113.7") == "203.0.113.7"  # only the inner proxy was passed


# The public survey throttle ----------------------------------------------------------------------


def test_behind_the_proxy_customers_are_throttled_separately(answer_page, settings) -> None:
    """Two customers reaching the survey through the one TLS proxy each have their own limit."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_SURVEY_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR=PROXY)

    first = [client.get(answer_page, HTTP_X_FORWARDED_FOR="203.0.113.7") for _ in range(4)]
    second = client.get(answer_page, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert [response.status_code for response in first] == [200, 200, 200, 429]
    assert second.status_code == 200


def test_without_the_setting_a_spoofed_forwarded_address_does_not_escape_the_throttle(
    answer_page, settings
) -> None:
    """A client writing a new X-Forwarded-For each time is still counted by its connection."""
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_SURVEY_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [
        client.get(answer_page, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code
        for number in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


# The sign-in limiter -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_behind_the_proxy_sign_in_failures_count_per_forwarded_address(make_user, settings) -> None:
    """A guesser behind the proxy is locked out; a colleague behind the same proxy is not."""
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("frontline", username="sam")
    login = "/accounts/login/"
    guesser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post(login, {"username": "sam", "password": "wrong"})

    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").post(
        login, {"username": "sam", "password": TEST_PASSWORD}
    )

    assert colleague.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


@pytest.mark.django_db
def test_without_the_setting_a_spoofed_address_does_not_buy_more_guesses(
    make_user, settings
) -> None:
    """Rotating X-Forwarded-For does not reset the count: the connection's address is used."""
    settings.TRUSTED_PROXY_COUNT = 0
    make_user("frontline", username="sam")

    statuses = [
        Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        .post("/accounts/login/", {"username": "sam", "password": "wrong"})
        .status_code
        for number in range(settings.AXES_FAILURE_LIMIT + 1)
    ]

    assert statuses[-2:] == [429, 429]
