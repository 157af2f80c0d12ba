"""The survey-response and complaint importers' rules."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from core.imports import registry
from core.imports.registry import ORIGIN_API, ORIGIN_FILE
from feedback.models import Complaint, Insight, Survey, SurveyDay, SurveyResponse
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(journey: Journey, delivery: Touchpoint) -> Survey:
    return Survey.objects.create(
        name="Delivery CSAT",
        kind=Survey.Kind.CSAT,
        question="How satisfied are you?",
        journey=journey,
        touchpoint=delivery,
    )


def importer(key: str) -> registry.Importer:
    found = registry.get(key)
    assert found is not None
    return found


def response_row(**cells: str) -> dict[str, str]:
    return {
        "survey": "delivery csat",
        "external_id": "R-1",
        "responded_at": "2026-02-01T09:00",
        "score": "4",
        "comment": "",
        "improvement_suggestion": "",
        "customer_reference": "",
        "follow_up_consent": "",
    } | cells


def test_responses_take_the_surveys_scope_and_comments_become_insights(
    survey: Survey, journey: Journey, delivery: Touchpoint, customer: Customer
) -> None:
    rows = [
        response_row(comment=" Driver was kind ", improvement_suggestion="Text me first"),
        response_row(external_id="R-2", survey=str(survey.pk), customer_reference="CRM-000001"),
    ]

    result = importer("survey_responses").import_rows(rows, user=None, origin=ORIGIN_FILE)

    assert result.created == 2
    first = SurveyResponse.objects.get(external_id="R-1")
    assert (first.channel, first.touchpoint, first.journey) == ("import", delivery, journey)
    assert SurveyResponse.objects.get(external_id="R-2").customer == customer
    insight = Insight.objects.get(source=Insight.Source.SURVEY)
    assert (insight.response, insight.text) == (first, "Driver was kind\n\nText me first")
    assert insight.touchpoint == delivery


def test_an_imported_answer_to_a_touchpoint_survey_counts_in_the_touchpoint_s_journey(
    journey: Journey, delivery: Touchpoint
) -> None:
    """A survey scoped to a touchpoint only: its imported answers carry the touchpoint's journey,
    as answers given on its page do, so that the journey's indicators count them."""
    Survey.objects.create(
        name="Delivery CSAT", kind=Survey.Kind.CSAT, question="Happy?", touchpoint=delivery
    )
    assert delivery.stage.journey == journey

    result = importer("survey_responses").import_rows(
        [response_row()], user=None, origin=ORIGIN_FILE
    )

    assert result.created == 1
    answer = SurveyResponse.objects.get(external_id="R-1")
    assert (answer.touchpoint, answer.journey) == (delivery, journey)


def test_a_score_outside_the_surveys_scale_is_refused(survey: Survey) -> None:
    _valid, errors = importer("survey_responses").validate([response_row(score="9")])

    assert [(error.column, error.reason) for error in errors] == [("score", "9 is outside 1 to 5.")]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"survey": "Nope"}, "survey"),
        ({"score": "four"}, "score"),
        ({"follow_up_consent": "maybe"}, "follow_up_consent"),
        ({"customer_reference": "CRM-404"}, "customer_reference"),
        ({"responded_at": ""}, "responded_at"),
    ],
)
def test_wrong_response_cells_are_refused(
    survey: Survey, cells: dict[str, str], column: str
) -> None:
    _valid, errors = importer("survey_responses").validate([response_row(**cells)])

    assert [error.column for error in errors] == [column]


def test_a_formula_comment_is_refused_and_the_other_responses_kept(survey: Survey) -> None:
    """The reported case: a =HYPERLINK(...) comment refuses its row instead of being saved."""
    rows = [
        response_row(comment='=HYPERLINK("http://evil","Claim your refund")'),
        response_row(external_id="R-2", comment="- late again", score="1"),
    ]

    result = importer("survey_responses").import_rows(rows, user=None, origin=ORIGIN_FILE)

    assert result.created == 1
    assert [(error.index, error.column) for error in result.errors] == [(0, "comment")]
    assert "spreadsheet formula" in result.errors[0].reason
    assert list(SurveyResponse.objects.values_list("external_id", "comment")) == [
        ("R-2", "- late again")
    ]


def test_responses_are_deduplicated_per_survey_and_api_ones_marked(survey: Survey) -> None:
    importer("survey_responses").import_rows([response_row()], user=None, origin=ORIGIN_API)

    again = importer("survey_responses").import_rows(
        [response_row()], user=None, origin=ORIGIN_FILE
    )

    assert (again.created, again.duplicates) == (0, 1)
    assert SurveyResponse.objects.get().channel == "api"


def test_a_batch_of_answers_with_and_without_words_keeps_the_first_row_of_each_id(
    survey: Survey,
) -> None:
    """Answers with words (insights, saved with their ids) and without (COPY on PostgreSQL) are
    loaded apart: an id repeated in the batch still keeps its first row whichever kind comes
    first, the day counts hold both kinds, and the API's second delivery adds nothing."""
    rows = [
        response_row(external_id="R-1", score="2"),
        response_row(external_id="R-1", score="5", comment="Repeated: dropped"),
        response_row(
            external_id="R-2", score="5", comment="Lovely", responded_at="2026-02-02T09:00"
        ),
        response_row(external_id="R-2", score="1"),
        response_row(external_id="R-3", score="3", responded_at="2026-02-02T23:30"),
    ]

    result = importer("survey_responses").import_rows(rows, user=None, origin=ORIGIN_FILE)
    again = importer("survey_responses").import_rows(rows, user=None, origin=ORIGIN_API)

    assert (result.created, result.duplicates) == (3, 2)
    assert (again.created, again.duplicates) == (0, 5)
    scores = dict(SurveyResponse.objects.values_list("external_id", "score"))
    assert scores == {"R-1": 2, "R-2": 5, "R-3": 3}
    assert list(Insight.objects.values_list("response__external_id", "text")) == [("R-2", "Lovely")]
    days = SurveyDay.objects.filter(survey=survey).values_list("day", "answers", "score_total")
    assert sorted((day.isoformat(), answers, total) for day, answers, total in days) == [
        ("2026-02-01", 1, 2),
        ("2026-02-02", 2, 8),  # 23:30 is still the 2nd in the organisation's time zone
    ]


def complaint_row(**cells: str) -> dict[str, str]:
    return {
        "external_id": "HD-1",
        "received_at": "2026-02-01T09:00",
        "description": "Parcel soaked",
        "severity": "high",
        "channel": "email",
        "touchpoint": "delivery",
        "customer_reference": "CRM-000001",
        "remedy_requested": "",
    } | cells


@pytest.mark.usefixtures("delivery")
def test_complaints_are_logged_with_reference_owner_and_clocks(
    colleague: User, partner: Partner, customer: Customer
) -> None:
    result = importer("complaints").import_rows(
        [complaint_row(), complaint_row(external_id="HD-2", severity="4", touchpoint="")],
        user=colleague,
        origin=ORIGIN_FILE,
    )

    assert result.created == 2
    complaint = Complaint.objects.get(external_id="HD-1")
    assert complaint.source == "import"
    assert complaint.severity == 3
    assert complaint.owner_partner == partner
    assert complaint.customer == customer
    assert complaint.reference.startswith("CMP-2026-")
    assert Complaint.objects.get(external_id="HD-2").severity == 4


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"severity": "5"}, "severity"),
        ({"channel": "pigeon"}, "channel"),
        ({"touchpoint": "Moon base"}, "touchpoint"),
        ({"received_at": "2999-01-01"}, "received_at"),
        ({"description": ""}, "description"),
    ],
)
@pytest.mark.usefixtures("delivery", "customer")
def test_wrong_complaint_cells_are_refused(
    colleague: User, cells: dict[str, str], column: str
) -> None:
    result = importer("complaints").import_rows(
        [complaint_row(**cells)], user=colleague, origin=ORIGIN_FILE
    )

    assert [error.column for error in result.errors] == [column]
    assert not Complaint.objects.filter(external_id="HD-1").exists()


@pytest.mark.usefixtures("delivery", "customer")
def test_importing_a_complaint_again_adds_nothing(colleague: User) -> None:
    importer("complaints").import_rows([complaint_row()], user=colleague, origin=ORIGIN_FILE)

    again = importer("complaints").import_rows(
        [complaint_row()], user=colleague, origin=ORIGIN_FILE
    )

    assert (again.created, again.duplicates) == (0, 1)
    assert Complaint.objects.filter(external_id="HD-1").count() == 1


def test_the_survey_responses_bulk_api_loads_items(survey: Survey, client_for: Any) -> None:
    response = client_for("quality_manager").post(
        "/api/v1/survey-responses/bulk/",
        {
            "items": [
                {
                    "survey": "Delivery CSAT",
                    "external_id": 7,
                    "responded_at": "2026-02-01",
                    "score": 5,
                    "follow_up_consent": True,
                }
            ]
        },
        content_type="application/json",
    )

    assert response.json() == {"created": 1, "duplicates": 0, "refused": 0, "errors": []}
    assert SurveyResponse.objects.get().follow_up_consent is True
