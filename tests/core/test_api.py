"""The API's foundations: authentication, the business-error handler and the schema."""

from typing import Any

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory

from core.api import exception_handler
from core.exceptions import ApplicationError
from core.openapi import CachedSchemaGenerator

pytestmark = pytest.mark.django_db


# Anonymous API callers get a 401 or 403, never the HTML login page: tests/test_access.py walks
# every route, api-me included.


def test_me_accepts_a_token_and_returns_the_roles(make_user) -> None:
    """An integration authenticates with its token and sees its roles."""
    user = make_user("quality_manager", username="crm-sync")
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get(reverse("api-me"))

    assert response.status_code == 200
    assert response.json()["username"] == "crm-sync"
    assert response.json()["roles"] == ["Quality manager"]


def test_application_error_becomes_a_400_with_its_message() -> None:
    """A business-rule violation reaches the API caller as a 400 with the user-facing text."""
    request = APIRequestFactory().get("/")

    response = exception_handler(
        ApplicationError("A closed complaint cannot be acknowledged.", extra={"status": "closed"}),
        {"request": request},
    )

    assert response is not None
    assert response.status_code == 400
    assert response.data == {
        "detail": "A closed complaint cannot be acknowledged.",
        "extra": {"status": "closed"},
    }


def test_schema_documents_the_api(client_for) -> None:
    """The OpenAPI schema is served and lists the endpoints."""
    response = client_for("quality_manager").get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]


def test_the_schema_is_built_once_and_served_to_everyone_after(
    client_for, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    """Building the schema walks every view and serializer (about a second): the next request,
    whoever asks, gets what the first built; a changed setting builds it again."""
    CachedSchemaGenerator.built.clear()
    builds = []
    build = SchemaGenerator.get_schema

    def counted(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        builds.append(self.api_version)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    url = reverse("api-schema")

    first = client_for("quality_manager").get(url, {"format": "json"})
    second = client_for("frontline").get(url, {"format": "json"})
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert len(builds) == 1

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 7}
    third = client_for("executive").get(url, {"format": "json"})
    assert third.status_code == 200
    assert len(builds) == 2


def test_api_docs_page_loads_swagger_from_our_own_static_files(client_for) -> None:
    """The Swagger UI page references no CDN."""
    html = client_for("quality_manager").get(reverse("api-docs")).content.decode()

    assert "drf_spectacular_sidecar" in html
    assert "cdn." not in html
    assert "unpkg" not in html
