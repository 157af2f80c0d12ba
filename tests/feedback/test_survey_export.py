"""A survey's answers as CSV, from its page and the API: the results page's filters, streamed,
formulas defused, for those who read results, and never an eNPS survey's answers."""

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Survey, SurveyResponse
from journeys.models import Touchpoint
from stakeholders.models import CustomerSegment
from tests.feedback.factories import SurveyFactory
from tests.stakeholders.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")
HEADER = [
    "answered_at",
    "score",
    "comment",
    "one_thing_to_improve",
    "follow_up_consent",
    "channel",
    "journey",
    "touchpoint",
    "customer_reference",
    "segment",
]


@pytest.fixture
def survey(colleague: User, delivery: Touchpoint) -> Survey:
    """An NPS survey about the delivery, asking what to improve, open since 1 January 2026."""
    return SurveyFactory.create(
        name="Delivery NPS",
        kind=Survey.Kind.NPS,
        touchpoint=delivery,
        ask_improvement=True,
        ask_follow_up=True,
        created_by=colleague,
        starts_at=datetime(2026, 1, 1, tzinfo=ZONE),
    )


def answer(survey: Survey, score: int, day: int, **fields: Any) -> SurveyResponse:
    """Record an answer given at noon on a day of March 2026."""
    return services.survey_respond(
        survey=survey,
        score=score,
        channel=SurveyResponse.Channel.API,
        responded_at=datetime(2026, 3, day, 12, tzinfo=ZONE),
        **fields,
    )


def rows_of(response: Any) -> list[list[str]]:
    """Return the CSV rows of a streamed download, header first."""
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode()
    return list(csv.reader(io.StringIO(text)))


def export_url(survey: Survey) -> str:
    return reverse("feedback:survey-export", args=[survey.pk])


def test_export_streams_the_filtered_answers_newest_first(
    client_for: Callable[[str], Client], survey: Survey, segment: CustomerSegment
) -> None:
    """The segment and dates of the results page pick the rows; each row has every column."""
    household = CustomerFactory.create(external_reference="CRM-1", segment=segment)
    firm = CustomerFactory.create(segment=SegmentFactory.create(name="Small businesses"))
    answer(survey, 9, 2, customer=household, comment="On time.", follow_up_consent=True)
    answer(survey, 3, 10, customer=household, improvement_suggestion="Call before coming.")
    answer(survey, 10, 11, customer=firm)
    answer(survey, 8, 25, customer=household)

    response = client_for("quality_manager").get(
        export_url(survey),
        {"date_from": "2026-03-01", "date_to": "2026-03-20", "segment": str(segment.pk)},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="survey-{survey.pk}-answers-'
    )
    rows = rows_of(response)
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            "2026-03-10T12:00+01:00",
            "3",
            "",
            "Call before coming.",
            "False",
            "api",
            "Buy online",
            "Delivery",
            "CRM-1",
            "Households",
        ],
        [
            "2026-03-02T12:00+01:00",
            "9",
            "On time.",
            "",
            "True",
            "api",
            "Buy online",
            "Delivery",
            "CRM-1",
            "Households",
        ],
    ]


def test_export_defuses_text_a_spreadsheet_would_run(
    client_for: Callable[[str], Client], survey: Survey
) -> None:
    """A comment that is a formula comes out as text: a quote before it."""
    answer(survey, 0, 3, comment='=HYPERLINK("http://evil.example","Click")')
    answer(survey, 0, 4, improvement_suggestion="@SUM(1+1)*cmd|' /C calc'!A0")

    rows = rows_of(client_for("executive").get(export_url(survey)))

    assert rows[2][2] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[1][3] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_export_is_for_those_who_read_results(
    client_for: Callable[[str], Client], survey: Survey
) -> None:
    answer(survey, 9, 2)

    assert client_for("frontline").get(export_url(survey)).status_code == 403
    assert client_for("executive").get(export_url(survey)).status_code == 200


def test_enps_answers_are_never_exported_one_by_one(
    client_for: Callable[[str], Client], colleague: User
) -> None:
    """The page refuses with the reason and where the aggregates are; nothing is streamed."""
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS, created_by=colleague)
    for _number in range(6):
        services.survey_respond(survey=pulse, score=9, channel=SurveyResponse.Channel.API)

    response = client_for("quality_manager").get(export_url(pulse))

    assert response.status_code == 403
    assert not response.streaming
    assert "never exported one by one" in response.content.decode()


def test_a_refused_filter_exports_nothing_and_says_why(
    client_for: Callable[[str], Client], survey: Survey
) -> None:
    """An end before the start: the survey's page with the error by its field, no file."""
    answer(survey, 9, 2)

    response = client_for("quality_manager").get(
        export_url(survey), {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )

    assert response.status_code == 400
    assert not response.streaming
    assert 'data-field-error="date_to"' in response.content.decode()


# The API ----------------------------------------------------------------------------------------


def api_for(make_user: Callable[..., User], role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(role))
    return client


def api_url(survey: Survey) -> str:
    return reverse("survey-response-export", args=[survey.pk])


def test_api_exports_the_same_csv(make_user: Callable[..., User], survey: Survey) -> None:
    """Asked for text/csv, with a date filter: the page's columns and rows."""
    answer(survey, 9, 2, comment="-2 stars for the wait")
    answer(survey, 4, 20)

    response = api_for(make_user, "executive").get(
        api_url(survey), {"date_to": "2026-03-05"}, HTTP_ACCEPT="text/csv"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = rows_of(response)
    assert rows[0] == HEADER
    assert [row[1:3] for row in rows[1:]] == [["9", "'-2 stars for the wait"]]


def test_api_names_a_refused_filter(make_user: Callable[..., User], survey: Survey) -> None:
    response = api_for(make_user, "quality_manager").get(
        api_url(survey), {"date_from": "2026-03-10", "date_to": "2026-03-01", "segment": "x"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["date_to"] == ["The end comes on or after the start (March 10, 2026)."]
    assert "segment" in body


def test_api_refuses_enps_and_those_who_do_not_read_results(
    make_user: Callable[..., User], survey: Survey, colleague: User
) -> None:
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS, created_by=colleague)

    enps = api_for(make_user, "quality_manager").get(api_url(pulse))
    frontline = api_for(make_user, "frontline").get(api_url(survey))

    assert enps.status_code == 403
    assert "never exported one by one" in enps.json()["detail"]
    assert frontline.status_code == 403
