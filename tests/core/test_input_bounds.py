"""Input bounds: hostile or absurd input is refused with a 400 that says why, never a 500.

Each case is one the probe of the running product found (issue 13): JSON nested 10,000 deep, a
body too large, `?date_to=9999-12-31`, a complaint received in the year 1, a description of two
million characters, NUL characters in the address, query, headers, forms and JSON.
"""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.parsers import MAX_DEPTH, nesting_depth_exceeds
from core.validation import LATEST_DATE, LONG_TEXT, validate_record_date
from feedback import services
from feedback.models import Complaint, ImprovementIdea
from journeys.models import Touchpoint
from tests.feedback.factories import AuditFactory, ChecklistFactory, ComplaintFactory
from tests.metrics.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.fixture
def api(make_user: Callable[..., Any]) -> APIClient:
    """An API client of a quality manager, who may use every write below."""
    client = APIClient()
    client.force_authenticate(make_user("quality_manager"))
    return client


def post_json(client: Any, path: str, body: str) -> Any:
    """Post a raw JSON body (already encoded as text)."""
    return client.generic("POST", path, body, content_type="application/json")


# Nested and malformed JSON --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/complaints/", "/api/v1/ideas/", "/api/v1/indicators/fuzz/observations/"]
)
def test_deeply_nested_json_is_refused_with_400_naming_the_depth(api: APIClient, path: str) -> None:
    """10,000 opening brackets recursed json.load into a RecursionError (a 500): now a 400,
    also where an action chooses its own parser (observations)."""
    IndicatorFactory.create(code="fuzz")

    response = post_json(api, path, DEEP)

    assert response.status_code == 400
    assert f"nested deeper than {MAX_DEPTH} levels" in response.json()["detail"]


def test_json_nested_to_the_limit_is_still_parsed(api: APIClient) -> None:
    """The limit refuses only what is deeper: a body nested to the limit is read as usual."""
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # inside the body's own object
    body = json.dumps({"description": "x", "extra": "PLACEHOLDER"}).replace('"PLACEHOLDER"', nested)

    response = post_json(api, reverse("complaint-list"), body)

    assert response.status_code == 201


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    """Text full of brackets is not nesting; escaped quotes do not end a string early."""
    text = json.dumps({"description": "[" * 100 + '\\" {{{' + "]" * 3})

    assert not nesting_depth_exceeds(text, MAX_DEPTH)
    assert nesting_depth_exceeds("[" * (MAX_DEPTH + 1), MAX_DEPTH)


def test_malformed_json_is_refused_with_400_saying_where(api: APIClient) -> None:
    """A body that is not JSON gets the parser's reason and position."""
    response = post_json(api, reverse("complaint-list"), '{"description": ')

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - Expecting value")


def test_json_not_in_utf8_is_refused_with_400(api: APIClient) -> None:
    """Bytes that are not UTF-8 text are a parse error, not a 500."""
    body: Any = b'{"description": "\xff"}'  # bytes, as a client may send them

    response = api.generic("POST", reverse("complaint-list"), body, "application/json")

    assert response.status_code == 400
    assert "not utf-8 text" in response.json()["detail"]


# Body size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["complaint-list", "idea-list"])
def test_an_oversize_json_body_is_answered_413_with_json(
    api: APIClient, settings: Any, route: str
) -> None:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it is parsed, with JSON."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000

    response = post_json(api, reverse(route), json.dumps({"description": "x" * 2_000}))

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 1,000 bytes this site accepts."
    }


def test_an_oversize_form_is_answered_413_with_a_readable_page(
    client_for: Callable[[str | None], Client], settings: Any
) -> None:
    """A person who pastes too much into a page's form gets a page that says so, not a 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = client_for("frontline")

    response = client.post(reverse("feedback:complaint-log"), {"description": "x" * 2_000})

    assert response.status_code == 413
    assert b"Request too large" in response.content
    assert b"1,000 bytes" in response.content


def test_an_oversize_form_on_the_api_is_answered_with_json(api: APIClient, settings: Any) -> None:
    """A URL-encoded body over the limit gets the API's JSON answer."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000

    response = api.post(
        reverse("complaint-list"),
        "description=" + "x" * 2_000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]


# Dates ----------------------------------------------------------------------------------------


def test_insights_api_refuses_a_date_beyond_the_calendar_with_400(api: APIClient) -> None:
    """`?date_to=9999-12-31` overflowed adding its day (OverflowError, a 500): now a 400."""
    response = api.get(reverse("insight-list"), {"date_to": "9999-12-31"})

    assert response.status_code == 400
    assert list(response.json()) == ["date_to"]


def test_insights_page_shows_the_date_error_and_keeps_the_other_filters(
    client_for: Callable[[str | None], Client],
) -> None:
    """The page answers 200, says what is wrong with the date, and still applies the rest."""
    client = client_for("quality_manager")

    response = client.get(reverse("feedback:insight-list"), {"date_to": "9999-12-31", "q": "x"})

    assert response.status_code == 200
    assert b'data-field-error="date_to"' in response.content
    assert response.context["form"].filters().search == "x"


@pytest.mark.parametrize(
    "received_at", ["0001-01-01T00:00:00Z", "1999-12-31T12:00:00Z", "2100-01-01T00:00:00Z"]
)
def test_complaint_api_refuses_a_receipt_date_out_of_range_naming_the_field(
    api: APIClient, received_at: str
) -> None:
    """A complaint received in the year 1 (or next century) is a mistake, not a record."""
    response = api.post(
        reverse("complaint-list"),
        {"description": "Parcel lost.", "received_at": received_at},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["received_at"]
    assert not Complaint.objects.exists()


def test_a_complaint_received_yesterday_is_accepted(api: APIClient) -> None:
    """The bounds leave real dates alone."""
    yesterday = timezone.now() - timedelta(days=1)

    response = api.post(
        reverse("complaint-list"),
        {"description": "Parcel lost.", "received_at": yesterday.isoformat()},
        format="json",
    )

    assert response.status_code == 201


def test_the_complaint_service_refuses_an_early_receipt_date(make_user: Callable[..., Any]) -> None:
    """The rule is the model's: every way in (page, API, import, admin) meets it."""
    with pytest.raises(ValidationError) as refused:
        services.complaint_log(
            logged_by=make_user("frontline"),
            description="Parcel lost.",
            received_at=timezone.now().replace(year=1999),
        )

    assert list(refused.value.message_dict) == ["received_at"]


@pytest.mark.parametrize("day", [date(1999, 12, 31), date.today() + timedelta(days=3)])
def test_record_dates_before_the_earliest_or_ahead_are_refused(day: date) -> None:
    """QMS_EARLIEST_DATE bounds the past; a day of tolerance bounds the future."""
    with pytest.raises(ValidationError):
        validate_record_date(day)


def test_the_earliest_date_is_a_setting(settings: Any) -> None:
    """An organisation with older records moves the bound with QMS_EARLIEST_DATE."""
    settings.QMS_EARLIEST_DATE = date(1990, 1, 1)

    validate_record_date(date(1995, 6, 1))


def test_survey_response_api_refuses_an_answer_from_the_year_1(
    api: APIClient, touchpoint: Touchpoint
) -> None:
    """A survey answer dated before the earliest day is refused on responded_at."""
    survey = api.post(
        reverse("survey-list"), {"name": "Checkout NPS", "kind": "nps"}, format="json"
    ).json()

    response = api.post(
        reverse("survey-response-list"),
        {"survey": survey["id"], "score": 9, "responded_at": "0001-01-01T00:00:00+05:00"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["responded_at"]


def test_audit_api_refuses_a_visit_in_the_future(api: APIClient, touchpoint: Touchpoint) -> None:
    """A mystery shop cannot have been visited next month."""
    template = ChecklistFactory.create(touchpoint=touchpoint)
    item = template.items.first()
    assert item is not None

    response = api.post(
        reverse("audit-list"),
        {
            "template": template.pk,
            "visited_on": (date.today() + timedelta(days=30)).isoformat(),
            "item_scores": [{"item": item.pk, "score": 3}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["visited_on"]


def test_audit_filters_refuse_dates_beyond_the_latest(
    api: APIClient, touchpoint: Touchpoint
) -> None:
    """A filter date is bounded too: `date_to` after LATEST_DATE is a 400 naming it."""
    AuditFactory.create(template=ChecklistFactory.create(touchpoint=touchpoint))

    response = api.get(
        reverse("audit-list"), {"date_to": (LATEST_DATE + timedelta(days=1)).isoformat()}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["date_to"]


def test_imported_complaints_received_before_the_earliest_date_are_refused_per_row(
    api: APIClient,
) -> None:
    """An import row dated 1999 is refused on its column; the good row is saved."""
    items = [
        {"external_id": "OLD-1", "received_at": "1999-12-31T10:00", "description": "Lost."},
        {"external_id": "NEW-1", "received_at": "2026-01-05T10:00", "description": "Late."},
    ]

    response = api.post("/api/v1/imports/complaints/", {"items": items}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["refused"]) == (1, 1)
    assert [(error["index"], error["column"]) for error in body["errors"]] == [(0, "received_at")]


# Text lengths ---------------------------------------------------------------------------------


def test_a_two_million_character_description_is_refused_on_the_api(api: APIClient) -> None:
    """The API takes its limit from the model: the description names its maximum."""
    response = api.post(reverse("complaint-list"), {"description": "x" * 2_000_000}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "description": [f"Ensure this field has no more than {LONG_TEXT} characters."]
    }


def test_a_description_at_the_limit_is_accepted(api: APIClient) -> None:
    """The limit is generous: exactly LONG_TEXT characters are kept whole."""
    response = api.post(reverse("complaint-list"), {"description": "x" * LONG_TEXT}, format="json")

    assert response.status_code == 201
    assert len(Complaint.objects.get().description) == LONG_TEXT


def test_the_model_refuses_long_text_whoever_saves_it(make_user: Callable[..., Any]) -> None:
    """Django checks no TextField's max_length; BoundedTextField makes full_clean do it."""
    with pytest.raises(ValidationError) as refused:
        services.complaint_log(logged_by=make_user("frontline"), description="x" * (LONG_TEXT + 1))

    assert list(refused.value.message_dict) == ["description"]


@pytest.mark.parametrize("action", ["comments", "respond", "reopen"])
def test_complaint_actions_bound_their_text(
    api: APIClient, make_user: Callable[..., Any], action: str
) -> None:
    """The actions' own serializers carry the same limit as the model's text."""
    complaint = ComplaintFactory.create(logged_by=make_user("frontline"))
    field = {"comments": "text", "respond": "decision", "reopen": "reason"}[action]

    response = api.post(
        reverse(f"complaint-{action}", args=[complaint.pk]),
        {field: "x" * (LONG_TEXT + 1)},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_idea_api_bounds_the_proposal(api: APIClient) -> None:
    """An idea's texts are bounded like a complaint's."""
    response = api.post(
        reverse("idea-list"),
        {"title": "SMS", "problem": "Waiting.", "proposal": "x" * (LONG_TEXT + 1)},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["proposal"]
    assert not ImprovementIdea.objects.exists()


# NUL characters -------------------------------------------------------------------------------


def test_a_nul_in_the_public_survey_address_is_a_400_page() -> None:
    """`/s/%00/` carried a NUL to PostgreSQL (a 500 there): now a page that says why."""
    response = Client().get("/s/%00/")

    assert response.status_code == 400
    assert b"This request cannot be accepted" in response.content
    assert b"NUL character" in response.content


@pytest.mark.parametrize(
    "path", ["/api/v1/complaints/%00/", "/api/v1/complaints/?search=%00", "/api/v1/me/?%00=1"]
)
def test_a_nul_in_an_api_address_is_a_json_400(api: APIClient, path: str) -> None:
    """Under /api/ the refusal is JSON like the API's other errors."""
    response = api.get(path)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_query_string_of_a_page_is_a_400(
    client_for: Callable[[str | None], Client],
) -> None:
    """A search with a NUL never reaches the database."""
    response = client_for("quality_manager").get(
        reverse("feedback:complaint-queue"), {"q": "lost\x00"}
    )

    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_a_400(client_for: Callable[[str | None], Client]) -> None:
    """A form with a NUL is refused whole, and nothing is saved."""
    response = client_for("frontline").post(
        reverse("feedback:complaint-log"), {"description": "Parcel\x00 lost", "severity": 2}
    )

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_nul_in_a_json_string_is_a_400(api: APIClient) -> None:
    """`\\u0000` inside JSON text is refused by the parser, whatever field it is in."""
    response = post_json(
        api, reverse("complaint-list"), '{"description": "ok", "unknown": {"k\\u0000": 1}}'
    )

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_put_form_is_a_400(api: APIClient, touchpoint: Touchpoint) -> None:
    """A URL-encoded PUT (parsed by the API, not the middleware) is checked too."""
    response = api.generic(
        "PATCH",
        reverse("touchpoint-detail", args=[touchpoint.pk]),
        "name=Check%00out",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


def test_a_nul_in_a_token_header_is_a_400_not_a_database_error() -> None:
    """A token with a NUL would be looked up in PostgreSQL; it is refused before."""
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc\x00def")

    assert response.status_code == 400


def test_a_nul_in_a_session_cookie_is_a_400() -> None:
    """A quoted cookie may spell a NUL as \\000; the session is never looked up with it."""
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijk"

    response = client.get("/")

    assert response.status_code == 400


# Ids beyond a 64-bit key ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("journey", "-80544038701317586944"),
        ("touchpoint", str(2**63)),
        ("owner", "department:1045628404000000000000"),
        ("assignee", "99999999999999999999999"),
    ],
)
def test_complaint_filters_refuse_ids_no_record_can_have(
    api: APIClient, parameter: str, value: str
) -> None:
    """schemathesis found it: an id past 64 bits reached the database (OverflowError, a 500)."""
    response = api.get(reverse("complaint-list"), {parameter: value})

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_insight_filters_refuse_ids_no_record_can_have(api: APIClient) -> None:
    """The insights API's journey, touchpoint and theme filters are bounded the same way."""
    response = api.get(
        reverse("insight-list"), {"journey": str(2**64), "theme": "1" * 30, "touchpoint": "-1"}
    )

    assert response.status_code == 400
    assert sorted(response.json()) == ["journey", "theme", "touchpoint"]


def test_bulk_assignment_refuses_ids_no_record_can_have(
    api: APIClient, make_user: Callable[..., Any]
) -> None:
    """A huge id in the list is a 400 on the list, not a database error."""
    response = api.post(
        reverse("complaint-bulk-assign"),
        {"complaints": [2**70], "assignee": make_user("frontline").pk},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["complaints"]
