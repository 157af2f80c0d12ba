"""Who sees what: every route that reads insights, eNPS answers and recognition, for each role.

Three rules, each one selector: `insights_visible_to` (a complaint's insight only with the
complaint, eNPS comments never), `selectors.shown_one_by_one` with the anonymity
threshold (eNPS answers only in aggregate, groups of at least five), and `recognition_feed`
(a complaint is linked and named only for those who may read it).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import selectors, services
from feedback.models import Complaint, Insight, Recognition, Survey, SurveyResponse
from stakeholders.models import Department
from tests.feedback.factories import RecognitionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

ROLES = ["frontline", "quality_manager", "executive"]
READ_ALL = {"quality_manager", "executive"}  # roles that read every complaint and survey result


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    """Return what a page, a CSV download or an API answer says, as text."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# Insights ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Complaints:
    """The viewer, their own complaint and a colleague's, each with its insight."""

    viewer: Any
    own: Complaint
    other: Complaint


@pytest.fixture
def complaints(
    make_user: Callable[..., Any], log_complaint: Callable[..., Complaint]
) -> Callable[[str], Complaints]:
    """Return a function making a viewer of a role, a complaint they logged (a frontline
    colleague logs it for roles that log none) and a frontline colleague's complaint."""

    def make(role: str) -> Complaints:
        viewer = make_user(role)
        own = log_complaint(
            logged_by=viewer if role != "executive" else None,
            description="Wardrobe door arrived cracked",
        )
        other = log_complaint(description="Wardrobe delivered to the neighbour")
        return Complaints(viewer=viewer, own=own, other=other)

    return make


INSIGHT_ROUTES = {
    "insights page search": lambda: reverse("feedback:insight-list") + "?q=wardrobe",
    "insights page, complaints": lambda: reverse("feedback:insight-list") + "?source=complaint",
    "insights CSV export": lambda: reverse("feedback:insight-export") + "?q=wardrobe",
    "insights API list": lambda: reverse("insight-list") + "?source=complaint",
    "insights API search": lambda: reverse("insight-list") + "?search=Wardrobe",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(INSIGHT_ROUTES))
def test_insight_routes_show_a_complaint_only_to_who_may_read_it(
    complaints, role: str, route: str
) -> None:
    """Frontline staff see their own complaint's insight, not a colleague's; quality managers
    and executives see both."""
    given = complaints(role)

    response = signed_in(given.viewer).get(INSIGHT_ROUTES[route]())

    assert response.status_code == 200
    body = text_of(response)
    assert "Wardrobe door arrived cracked" in body
    sees_other = role in READ_ALL
    assert ("Wardrobe delivered to the neighbour" in body) == sees_other
    assert (given.other.reference in body) == sees_other


@pytest.mark.parametrize("role", ROLES)
def test_insight_detail_api_hides_a_complaint_the_user_may_not_read(complaints, role) -> None:
    given = complaints(role)
    client = signed_in(given.viewer)

    own = client.get(reverse("insight-detail", args=[given.own.insight.pk]))
    other = client.get(reverse("insight-detail", args=[given.other.insight.pk]))

    assert own.status_code == 200
    assert other.status_code == (200 if role in READ_ALL else 404)


@pytest.mark.parametrize("role", ROLES)
def test_insight_counts_hold_only_what_the_user_may_read(complaints, make_user, role) -> None:
    """The page's total, the theme trend and the theme list count visible insights only."""
    given = complaints(role)
    tagger = make_user("quality_manager")
    theme = services.theme_create(by=tagger, name="Damaged furniture")
    for complaint in (given.own, given.other):
        services.insight_tag(insight=complaint.insight, themes=[theme], by=tagger)
    client = signed_in(given.viewer)

    page = client.get(reverse("feedback:insight-list"), {"q": "wardrobe"}).content.decode()
    themes = client.get(reverse("feedback:theme-list")).content.decode()

    expected = 2 if role in READ_ALL else 1
    noun = "insights" if expected > 1 else "insight"
    assert f"{expected} {noun}, newest first" in page
    assert f'<td data-count="{expected}"' in page
    assert f'?theme={theme.pk}">{expected}</a>' in themes


def test_insight_api_list_runs_a_fixed_number_of_queries_for_frontline(
    complaints, log_complaint, django_assert_num_queries
) -> None:
    given = complaints("frontline")
    client = signed_in(given.viewer)
    url = reverse("insight-list")
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for index in range(5):
        log_complaint(logged_by=given.viewer, description=f"Mine {index}")
        log_complaint(description=f"Theirs {index}")

    with django_assert_num_queries(len(few.captured_queries)):
        rows = client.get(url).json()["results"]
    assert len(rows) == 6


# eNPS anonymity ---------------------------------------------------------------------------------

ENPS_COMMENT = "Too much overtime since the reorganisation"


@pytest.fixture
def pulse(colleague: User) -> Survey:
    """Return an open eNPS pulse."""
    return SurveyFactory.create(
        created_by=colleague,
        name="Staff pulse",
        kind=Survey.Kind.ENPS,
        comment_question="Why?",
        starts_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def answer_pulse(
    pulse: Survey, department: Department, make_user: Callable[..., Any]
) -> Callable[[int], SurveyResponse]:
    """Return a function having that many employees of Customer Service answer the pulse;
    the first one writes a comment. Returns the first answer."""

    def answer(count: int) -> SurveyResponse:
        answers = [
            services.employee_pulse_respond(
                user=make_user("frontline"),
                survey=pulse,
                score=3 if number == 0 else 9,
                comment=ENPS_COMMENT if number == 0 else "",
                department=department,
            )
            for number in range(count)
        ]
        return answers[0]

    return answer


ENPS_ROUTES: dict[str, Callable[[Survey, SurveyResponse], str]] = {
    "survey results page": lambda pulse, _answer: reverse(
        "feedback:survey-detail", args=[pulse.pk]
    ),
    "survey list page": lambda _pulse, _answer: reverse("feedback:survey-list"),
    "survey-responses API list": lambda pulse, _answer: (
        reverse("survey-response-list") + f"?survey={pulse.pk}"
    ),
    "survey-responses API detail": lambda _pulse, answer: reverse(
        "survey-response-detail", args=[answer.pk]
    ),
    "insights page search": lambda _pulse, _answer: (
        reverse("feedback:insight-list") + "?q=overtime"
    ),
    "insights CSV export": lambda _pulse, _answer: (
        reverse("feedback:insight-export") + "?q=overtime"
    ),
    "insights API search": lambda _pulse, _answer: reverse("insight-list") + "?search=overtime",
}
RESPONSE_API = {"survey-responses API list", "survey-responses API detail"}


@pytest.mark.parametrize("answers", [1, selectors.ANONYMITY_THRESHOLD])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ENPS_ROUTES))
def test_enps_routes_show_answers_only_in_aggregate_from_the_threshold(
    make_user, pulse, answer_pulse, route: str, role: str, answers: int
) -> None:
    """No route shows one eNPS answer, its comment or time; the score and the department
    show on the results page only from the threshold, to those who read results."""
    first = answer_pulse(answers)
    client = signed_in(make_user(role))

    response = client.get(ENPS_ROUTES[route](pulse, first))

    body = text_of(response)
    if route in RESPONSE_API and role not in READ_ALL:
        assert response.status_code == 403
    elif route == "survey-responses API detail":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
    assert ENPS_COMMENT not in body
    assert '"score"' not in body
    aggregate = route == "survey results page" and role in READ_ALL
    aggregate_shown = aggregate and answers >= selectors.ANONYMITY_THRESHOLD
    assert ('data-testid="headline-score"' in body) == aggregate_shown
    assert ("Customer Service" in body) == aggregate_shown


def test_enps_answers_never_become_insights(answer_pulse) -> None:
    answer_pulse(selectors.ANONYMITY_THRESHOLD)

    assert not Insight.objects.filter(response__survey__kind=Survey.Kind.ENPS).exists()


def test_an_older_enps_insight_stays_hidden_from_everyone(make_user, answer_pulse) -> None:
    """Insights made from eNPS comments before they stopped being made are read by no one."""
    answer = answer_pulse(1)
    Insight.objects.filter(response=answer).delete()
    Insight.objects.create(source=Insight.Source.SURVEY, response=answer, text=ENPS_COMMENT)
    viewers = [make_user(role) for role in ROLES]

    seen = [
        text_of(signed_in(viewer).get(reverse("insight-list"), {"search": "overtime"}))
        for viewer in viewers
    ]

    assert all(ENPS_COMMENT not in body for body in seen)


def test_survey_responses_api_runs_a_fixed_number_of_queries_and_leaves_out_enps(
    make_user, colleague: User, answer_pulse, django_assert_num_queries
) -> None:
    survey = SurveyFactory.create(
        created_by=colleague,
        name="Delivery NPS",
        kind=Survey.Kind.NPS,
        starts_at=timezone.now() - timedelta(days=1),
    )
    client = signed_in(make_user("quality_manager"))
    url = reverse("survey-response-list")
    services.survey_respond(survey=survey, score=9, comment="Quick")
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for score in range(10):
        services.survey_respond(survey=survey, score=score, comment=f"Answer {score}")
    answer_pulse(2)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) == 11


# Recognition ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kudos:
    """A viewer who received kudos for their own complaint and for a colleague's."""

    viewer: Any
    own: Complaint
    other: Complaint


@pytest.fixture
def kudos(colleague: User, complaints: Callable[[str], Complaints]) -> Callable[[str], Kudos]:
    """Return a function making a viewer of a role who received kudos linked to their own
    complaint and to a colleague's."""

    def make(role: str) -> Kudos:
        given = complaints(role)
        for complaint, behaviour in [
            (given.own, "Calmed the customer down"),
            (given.other, "Covered for a colleague"),
        ]:
            RecognitionFactory.create(
                given_by=colleague, recipient=given.viewer, behaviour=behaviour, complaint=complaint
            )
        return Kudos(viewer=given.viewer, own=given.own, other=given.other)

    return make


RECOGNITION_ROUTES = {
    "recognition feed": lambda: reverse("feedback:recognition-feed"),
    "my recognitions": lambda: reverse("feedback:my-submissions") + "?tab=recognitions",
    "recognition API list": lambda: reverse("recognition-list"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(RECOGNITION_ROUTES))
def test_recognition_links_a_complaint_only_for_who_may_read_it(
    kudos, role: str, route: str
) -> None:
    """Both kudos show; frontline staff get the link and reference of their own complaint
    only."""
    given = kudos(role)

    response = signed_in(given.viewer).get(RECOGNITION_ROUTES[route]())

    assert response.status_code == 200
    body = text_of(response)
    assert "Calmed the customer down" in body
    assert "Covered for a colleague" in body
    assert given.own.reference in body
    sees_other = role in READ_ALL
    assert (given.other.reference in body) == sees_other
    api = route == "recognition API list"
    assert (given.other.get_absolute_url() in body) == (sees_other and not api)
    assert (f'"complaint":{given.other.pk},' in body) == (sees_other and api)


@pytest.mark.parametrize("role", ROLES)
def test_recognition_api_detail_names_a_complaint_only_for_who_may_read_it(kudos, role) -> None:
    given = kudos(role)
    other = Recognition.objects.get(complaint=given.other)

    row = signed_in(given.viewer).get(reverse("recognition-detail", args=[other.pk])).json()

    expected = given.other.reference if role in READ_ALL else None
    assert row["complaint_reference"] == expected
    assert row["complaint"] == (given.other.pk if role in READ_ALL else None)


def test_recognition_feed_runs_a_fixed_number_of_queries(
    colleague: User, kudos, log_complaint, django_assert_num_queries
) -> None:
    given = kudos("frontline")
    client = signed_in(given.viewer)
    url = reverse("feedback:recognition-feed")
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for index in range(8):
        RecognitionFactory.create(
            given_by=colleague,
            recipient=given.viewer,
            behaviour=f"Kudos {index}",
            complaint=log_complaint(logged_by=given.viewer if index % 2 else None),
        )

    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    links = re.findall(r'href="/feedback/complaints/\d+/"', page.content.decode())
    assert len(links) == 5  # the viewer's own complaints only
