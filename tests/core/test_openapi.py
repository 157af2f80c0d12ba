"""The API schema tells the truth: real answers, refusals included, match what it declares.

Each test sends one request through the WSGI application, as a client would, and validates the
answer against the live schema (`/api/schema/`) with schemathesis: the three mismatches issue 13
found, and the shared refusals `core.openapi` declares on every operation.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from rest_framework.authtoken.models import Token
from werkzeug.test import Client

from metrics import services as metrics_services
from tests.feedback.factories import ComplaintFactory, SurveyFactory
from tests.metrics.factories import IndicatorFactory
from tests.wsgi import wsgi_application

pytestmark = pytest.mark.django_db


@dataclass
class Answer:
    """The status and JSON body of an answer."""

    status_code: int
    json: Any


class Api:
    """A client of the API with a token, and the schema its answers are held to."""

    def __init__(self, application: WSGIHandler, token: str) -> None:
        self.client = Client(application)
        self.headers = {"Authorization": f"Token {token}"}
        self.raw: dict[str, Any] = self.client.get(
            "/api/schema/?format=json", headers=self.headers
        ).get_json()
        self.schema = schemathesis.openapi.from_dict(self.raw)

    def call(self, method: str, path: str, template: str, **kwargs: Any) -> Answer:
        """Send a request and validate its answer against the operation `template` names."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        self.schema[template][method.upper()].validate_response(response)
        return Answer(response.status_code, response.get_json())


@pytest.fixture
def api(settings: Any, make_user: Callable[..., Any]) -> Iterator[Api]:
    """The API as a quality manager calls it."""
    settings.ALLOWED_HOSTS = ["localhost"]  # werkzeug's client sends this host
    with wsgi_application() as application:
        yield Api(application, Token.objects.create(user=make_user("quality_manager")).key)


def test_a_complaint_without_a_root_cause_matches_its_schema(
    api: Api, make_user: Callable[..., Any]
) -> None:
    """`root_cause_category` is blank until recorded, and the schema now allows blank (as for
    `sla_state`): the wire format is unchanged, the schema stopped lying about it."""
    complaint = ComplaintFactory.create(logged_by=make_user("frontline"))

    response = api.call("GET", f"/api/v1/complaints/{complaint.pk}/", "/api/v1/complaints/{id}/")

    assert response.json["root_cause_category"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {"starts_on": "not a date", "reason": "New courier"},  # a field refused by the serializer
        {"starts_on": "2026-03-01", "reason": ""},  # a business rule refused by the service
    ],
)
def test_the_limits_refusals_match_their_schema(api: Api, body: dict[str, str]) -> None:
    """The limits action's 400 is either a field's messages or a rule's detail: both declared."""
    indicator = IndicatorFactory.create(code="delivery-csat")

    response = api.call(
        "POST",
        f"/api/v1/indicators/{indicator.code}/limits/",
        "/api/v1/indicators/{code}/limits/",
        json=body,
    )

    assert response.status_code == 400


def test_the_frontline_limit_answers_the_declared_list(api: Api) -> None:
    """The action answers every policy as a plain list, and the schema declares a list."""
    response = api.call(
        "POST",
        "/api/v1/severity-policies/frontline-limit/",
        "/api/v1/severity-policies/frontline-limit/",
        json={"highest_severity": 2},
    )

    assert [policy["frontline_may_resolve"] for policy in response.json] == [
        True,
        True,
        False,
        False,
    ]


def test_a_page_past_the_last_is_a_declared_404(api: Api) -> None:
    """A list asked for a page it does not have answers 404, which the schema declares."""
    response = api.call("GET", "/api/v1/complaints/?page=99", "/api/v1/complaints/")

    assert response.status_code == 404


def test_a_reused_idempotency_key_is_a_declared_422(api: Api) -> None:
    """The same Idempotency-Key with another body is refused with 422, which is declared."""
    headers = {"Idempotency-Key": "crm-42"}
    api.call(
        "POST",
        "/api/v1/complaints/",
        "/api/v1/complaints/",
        json={"description": "Parcel lost."},
        headers=headers,
    )

    response = api.call(
        "POST",
        "/api/v1/complaints/",
        "/api/v1/complaints/",
        json={"description": "Another parcel lost."},
        headers=headers,
    )

    assert response.status_code == 422


def test_an_observation_dated_too_early_is_a_declared_400(api: Api) -> None:
    """The observations action names the row at fault in the shared refusal shape."""
    metrics_services.indicator_create(
        code="wait-minutes",
        name="Wait minutes",
        kind="leading",
        stakeholder_group="customers",
        computation="observed",
        chart_type="xmr",
    )

    response = api.call(
        "POST",
        "/api/v1/indicators/wait-minutes/observations/",
        "/api/v1/indicators/{code}/observations/",
        json=[{"period": date(1999, 1, 1).isoformat(), "value": 4}],
    )

    assert response.status_code == 400
    assert response.json["extra"]["rows"] == [
        "Row 1: period: Enter a date on or after Jan. 1, 2000."
    ]


def test_every_operation_declares_the_shared_refusals(api: Api) -> None:
    """400 and 403 everywhere; 404 wherever a record or a page is looked up."""
    operations = [
        (path, method, operation)
        for path, methods in api.raw["paths"].items()
        for method, operation in methods.items()
    ]

    assert all({"400", "403"} <= set(operation["responses"]) for *_, operation in operations)
    assert all("404" in operation["responses"] for path, _, operation in operations if "{" in path)


def test_an_employee_answer_created_by_an_integration_matches_its_schema(api: Api) -> None:
    """An eNPS answer comes back without what it says (score, time): still as declared."""
    pulse = SurveyFactory.create(kind="enps", recurrence_weeks=6)

    response = api.call(
        "POST",
        "/api/v1/survey-responses/",
        "/api/v1/survey-responses/",
        json={"survey": pulse.pk, "score": 7},
    )

    assert response.status_code == 201
    assert response.json["score"] is None
