"""/healthz reports the database and the broker, for load balancers and containers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_both_checks_ok(client) -> None:
    """With the database and the configured broker reachable, the answer is 200."""
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings) -> None:
    """A broker nobody listens on makes the service unhealthy, with the reason named."""
    # Port 9 (discard) on loopback has no listener here: a real, refused connection.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]


def test_healthz_is_never_cached(client) -> None:
    """Health answers are fresh each time."""
    response = client.get(reverse("healthz"))

    assert "no-cache" in response["Cache-Control"]
