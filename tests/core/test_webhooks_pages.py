"""The Webhooks pages and API: quality managers add endpoints, see the secret once, read the
delivery log and replay; frontline staff reach none of it."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import WebhookAttempt, WebhookEndpoint
from tests.core.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from tests.core.queries import assert_counted_up_to

# A public address written as such: the private-address check needs no name lookup.
PUBLIC_URL = "https://93.184.216.34/hooks"


@pytest.fixture
def api_for(make_user: Any) -> Any:
    def make(key: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(key))
        return client

    return make


@pytest.mark.django_db
def test_a_quality_manager_adds_an_endpoint_and_sees_its_secret_once(client_for: Any) -> None:
    client = client_for("quality_manager")

    response = client.post(
        reverse("webhooks:endpoint-create"),
        {"url": PUBLIC_URL, "description": "CRM", "event_types": ["complaint.closed"]},
    )

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["complaint.closed"]
    assert endpoint.secret in response.content.decode()
    detail = client.get(reverse("webhooks:endpoint-detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in detail
    assert "Reveal secret" in detail


@pytest.mark.django_db
def test_a_private_address_is_refused_next_to_the_url_field(client_for: Any) -> None:
    response = client_for("quality_manager").post(
        reverse("webhooks:endpoint-create"), {"url": "https://10.0.0.8/hooks"}
    )

    assert 'data-field-error="url"' in response.content.decode()
    assert "private address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_the_delivery_log_shows_each_attempt_and_offers_a_replay(client_for: Any) -> None:
    delivery = WebhookDeliveryFactory.create(last_status_code=500)
    WebhookAttempt.objects.create(delivery=delivery, status_code=500, duration_ms=321)

    response = client_for("quality_manager").get(
        reverse("webhooks:endpoint-detail", args=[delivery.endpoint_id])
    )

    html = response.content.decode()
    assert delivery.event.message_id in html
    assert "321 ms" in html
    assert reverse("webhooks:delivery-replay", args=[delivery.pk]) in html


@pytest.mark.django_db
def test_the_delivery_log_counts_only_up_to_its_limit(
    client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every event of every day, for years: counted up to a limit, which the log says."""
    monkeypatch.setattr("core.webhooks.views.COUNT_LIMIT", 30)
    endpoint = WebhookEndpointFactory.create()
    WebhookDeliveryFactory.create_batch(31, endpoint=endpoint)

    assert_counted_up_to(
        client_for("quality_manager"),
        reverse("webhooks:endpoint-detail", args=[endpoint.pk]),
        "core_webhookdelivery",
        limit=30,
        row_marker="data-delivery=",
    )


@pytest.mark.django_db
def test_a_disabled_endpoint_says_why_and_can_be_enabled(client_for: Any, settings: Any) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = True
    endpoint = WebhookEndpointFactory.create(
        is_active=False, disabled_reason="The receiver answered 410 Gone"
    )
    client = client_for("quality_manager")
    url = reverse("webhooks:endpoint-detail", args=[endpoint.pk])
    assert "410 Gone" in client.get(url).content.decode()

    client.post(reverse("webhooks:endpoint-enable", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.disabled_reason == ""


@pytest.mark.django_db
def test_rotating_shows_the_new_secret(client_for: Any) -> None:
    endpoint = WebhookEndpointFactory.create()
    old = endpoint.secret

    response = client_for("quality_manager").post(
        reverse("webhooks:endpoint-rotate", args=[endpoint.pk])
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.previous_secret == old
    assert endpoint.secret in response.content.decode()


@pytest.mark.django_db
def test_frontline_staff_reach_no_webhook_page(client_for: Any) -> None:
    assert client_for("frontline").get(reverse("webhooks:endpoint-list")).status_code == 403


@pytest.mark.django_db
def test_the_api_returns_the_secret_only_on_create_and_rotate(api_for: Any) -> None:
    client = api_for("quality_manager")

    created = client.post(
        "/api/v1/webhook-endpoints/",
        {"url": PUBLIC_URL, "event_types": ["report.published"]},
        format="json",
    )
    pk = created.json()["id"]
    read = client.get(f"/api/v1/webhook-endpoints/{pk}/")
    rotated = client.post(f"/api/v1/webhook-endpoints/{pk}/rotate-secret/")

    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    assert "secret" not in read.json()
    assert rotated.json()["secret"] not in (created.json()["secret"], None)


@pytest.mark.django_db
def test_the_api_refuses_a_private_address_naming_the_field(api_for: Any) -> None:
    response = api_for("quality_manager").post(
        "/api/v1/webhook-endpoints/", {"url": "https://127.0.0.1/x"}, format="json"
    )

    assert response.status_code == 400
    assert "url" in response.json()


@pytest.mark.django_db
def test_the_api_lists_an_endpoints_deliveries_with_their_attempts(api_for: Any) -> None:
    delivery = WebhookDeliveryFactory.create()
    WebhookDeliveryFactory.create()  # another endpoint's
    WebhookAttempt.objects.create(delivery=delivery, status_code=503, duration_ms=12)

    response = api_for("quality_manager").get(
        "/api/v1/webhook-deliveries/", {"endpoint": delivery.endpoint_id}
    )

    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [delivery.pk]
    assert rows[0]["attempt_log"][0]["status_code"] == 503


@pytest.mark.django_db
def test_the_api_replays_a_delivery(api_for: Any) -> None:
    delivery = WebhookDeliveryFactory.create()

    response = api_for("quality_manager").post(f"/api/v1/webhook-deliveries/{delivery.pk}/replay/")

    assert response.status_code == 202


@pytest.mark.django_db
def test_frontline_staff_reach_no_webhook_api(api_for: Any) -> None:
    assert api_for("frontline").get("/api/v1/webhook-endpoints/").status_code == 403
