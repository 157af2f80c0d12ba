"""The access table's object rules: which records a visitor sees where the route serves them.

Frontline staff see only the complaints they logged or are assigned (`complaints_visible_to`),
wherever complaints appear: lists and searches, exports, counts, insights, recognition, detail
pages, the API. Employees' eNPS answers are never shown one by one, to anyone (the
`shown_one_by_one` rule), and their results only for groups of at least `ANONYMITY_THRESHOLD`
answers.

`tests/test_access.py` imports these tests (pytest collects them there) and `docs/access.md`
lists their docstrings as the rules.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import Complaint, Insight, Survey, SurveyResponse
from feedback.selectors import ANONYMITY_THRESHOLD
from journeys.models import Touchpoint
from metrics import services as metrics_services
from metrics.computations import compute_cells
from tests.feedback.factories import ComplaintFactory, RecognitionFactory, SurveyFactory
from tests.stakeholders.factories import DepartmentFactory

MakeUser = Callable[..., User]
Query = dict[str, Any]


def signed_in(user: User) -> Client:
    """Return a test client signed in as the user."""
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    """Return a response's body as text, downloads included."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# Frontline staff and complaints ------------------------------------------------------------------


@dataclass
class Complaints:
    """A frontline employee, their complaint, one they are assigned, and a colleague's."""

    me: User
    mine: Complaint
    assigned: Complaint
    theirs: Complaint


@pytest.fixture
def complaints(make_user: MakeUser, touchpoint: Touchpoint) -> Complaints:
    """Log three complaints at the checkout: one by me, two by a colleague (one assigned to me),
    and thank me for the colleague's other complaint (kudos linking a complaint I may not read)."""
    me, colleague = make_user("frontline"), make_user("frontline")
    manager = make_user("quality_manager")
    mine = ComplaintFactory.create(
        logged_by=me, touchpoint=touchpoint, description="My parcel story: left in the rain."
    )
    assigned = ComplaintFactory.create(
        logged_by=colleague, touchpoint=touchpoint, description="Assigned story: torn box."
    )
    services.complaint_assign(complaint=assigned, assignee=me, by=manager)
    theirs = ComplaintFactory.create(
        logged_by=colleague, touchpoint=touchpoint, description="Secret story: boiler flooded."
    )
    RecognitionFactory.create(given_by=manager, recipient=me, complaint=theirs)
    return Complaints(me=me, mine=mine, assigned=assigned, theirs=theirs)


def lists_of_complaints(case: Complaints, touchpoint: Touchpoint) -> list[tuple[str, Query]]:
    """Return every list, search, drill-down and export showing complaints or their words, as
    (URL name, query)."""
    journey = touchpoint.stage.journey_id
    return [
        ("feedback:complaint-queue", {}),
        ("feedback:complaint-queue", {"q": "flooded"}),
        ("feedback:complaint-queue", {"q": "story"}),
        ("feedback:complaint-queue", {"journey": journey, "touchpoint": touchpoint.pk}),
        ("feedback:complaint-export", {}),
        ("feedback:complaint-export", {"q": "story"}),
        ("complaint-list", {}),
        ("complaint-list", {"search": case.theirs.reference}),
        ("complaint-list", {"search": "story"}),
        ("complaint-list", {"journey": journey}),
        ("feedback:insight-list", {}),
        ("feedback:insight-list", {"q": "story"}),
        ("feedback:insight-list", {"journey": journey, "touchpoint": touchpoint.pk}),
        ("feedback:insight-list", {"source": "complaint"}),
        ("feedback:insight-export", {}),
        ("feedback:insight-export", {"q": "story", "source": "complaint"}),
        ("insight-list", {}),
        ("insight-list", {"search": "story"}),
        ("insight-list", {"journey": journey}),
    ]


def test_frontline_sees_no_other_complaint_anywhere(
    complaints: Complaints, touchpoint: Touchpoint
) -> None:
    """Frontline staff never see a colleague's complaint: not in the queue (searches and filters
    included), its CSV export, the API's list, the insights page, its export and the API's
    insights (drill-downs included), the recognition feed, the home page or the queue's counts;
    its page, history (page and CSV), API record, timeline, insight, steps, messages to and
    from the customer and address answer 404."""
    client = signed_in(complaints.me)
    theirs = complaints.theirs
    shown = []

    for name, query in lists_of_complaints(complaints, touchpoint):
        response = client.get(reverse(name), query)
        assert response.status_code == 200, (name, query)
        shown.append(text_of(response))
    for name in (
        "home",
        "feedback:recognition-feed",
        "feedback:my-submissions",
        "recognition-list",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        shown.append(text_of(response))
    queue = client.get(reverse("feedback:complaint-queue"))
    home = client.get(reverse("home"))
    refused = [
        client.get(reverse("feedback:complaint-detail", args=[theirs.pk])),
        client.get(reverse("complaint-detail", args=[theirs.pk])),
        client.get(reverse("complaint-events", args=[theirs.pk])),
        client.get(reverse("insight-detail", args=[theirs.insight.pk])),
        client.get(reverse("record-history", args=["complaint", theirs.pk])),
        client.get(reverse("record-history-csv", args=["complaint", theirs.pk])),
        client.post(
            reverse("feedback:complaint-action", args=[theirs.pk, "comment"]), {"text": "Hi"}
        ),
        client.post(
            reverse("complaint-comments", args=[theirs.pk]),
            json.dumps({"text": "Hi"}),
            content_type="application/json",
        ),
        client.get(reverse("complaint-message-list", kwargs={"complaint_pk": theirs.pk})),
        client.post(
            reverse("feedback:complaint-reply", args=[theirs.pk]),
            {"address": "anouk@example.net", "body": "Thanks."},
        ),
        client.post(
            reverse("feedback:complaint-contact", args=[theirs.pk]),
            {"contact_email": "anouk@example.net"},
        ),
    ]

    for text in shown:
        assert theirs.reference not in text
        assert "Secret story" not in text
    assert queue.context["counts"]["open"] == 2  # mine and the one assigned to me
    capture = next(panel for panel in home.context["panels"] if panel["key"] == "capture")
    assert capture["mine"] == {"logged": 1, "assigned": 1}
    assert [response.status_code for response in refused] == [404] * len(refused)
    theirs.refresh_from_db()
    assert not theirs.events.filter(kind="comment").exists()


def test_frontline_reaches_its_own_complaint_everywhere(
    complaints: Complaints, touchpoint: Touchpoint
) -> None:
    """Frontline staff see the complaints they logged or are assigned in every list, search,
    export and insight a colleague's is kept out of, and open their pages, histories, API
    records, timelines and insights."""
    client = signed_in(complaints.me)
    mine, assigned = complaints.mine, complaints.assigned

    for name, query in lists_of_complaints(complaints, touchpoint):
        text = text_of(client.get(reverse(name), query))
        if complaints.theirs.reference in query.values() or "flooded" in query.values():
            continue  # a search for the colleague's complaint finds nothing
        assert mine.reference in text or "My parcel story" in text, (name, query)
        assert assigned.reference in text or "Assigned story" in text, (name, query)
    for complaint in (mine, assigned):
        for name, pk in (
            ("feedback:complaint-detail", complaint.pk),
            ("complaint-detail", complaint.pk),
            ("complaint-events", complaint.pk),
            ("insight-detail", complaint.insight.pk),
        ):
            assert client.get(reverse(name, args=[pk])).status_code == 200, name
        for name in ("record-history", "record-history-csv"):
            response = client.get(reverse(name, args=["complaint", complaint.pk]))
            assert response.status_code == 200, name


# eNPS answers ------------------------------------------------------------------------------------


@dataclass
class Pulse:
    """An eNPS pulse with fewer answers than the anonymity threshold, one with a comment."""

    survey: Survey
    answers: list[SurveyResponse]


COMMENT = "My shift lead ignores the rota"


@pytest.fixture
def small_pulse(make_user: MakeUser) -> Pulse:
    """Two employees of the warehouse answer a pulse, one with a comment; an older eNPS comment
    was kept as an insight before eNPS comments stopped feeding them."""
    survey = SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)
    warehouse = DepartmentFactory.create(name="Warehouse")
    answers = [
        services.employee_pulse_respond(
            user=make_user("frontline"),
            survey=survey,
            score=score,
            comment=comment,
            department=warehouse,
        )
        for score, comment in ((2, COMMENT), (10, ""))
    ]
    Insight.objects.create(
        source=Insight.Source.SURVEY,
        response=answers[0],
        text=COMMENT,
        occurred_at=answers[0].responded_at,
    )
    return Pulse(survey=survey, answers=answers)


def test_enps_answers_are_never_shown_one_by_one(small_pulse: Pulse, client_for) -> None:
    """Employees' eNPS answers are shown one by one to no one, administrators included: not in
    the API's answers (list, filter, record), the survey's page or list, the insights page, its
    export, the API's insights, or the admin's answers, insights and day counts."""
    answer = small_pulse.answers[0]
    survey = small_pulse.survey
    insight = Insight.objects.get(response=answer)
    reads = [
        ("survey-response-list", {}),
        ("survey-response-list", {"survey": survey.pk}),
        ("feedback:survey-detail", survey.pk),
        ("feedback:survey-list", {}),
        ("feedback:insight-list", {"q": "rota"}),
        ("feedback:insight-export", {}),
        ("insight-list", {"search": "rota"}),
        ("admin:feedback_surveyresponse_changelist", {}),
        ("admin:feedback_insight_changelist", {"q": "rota"}),
        ("admin:feedback_surveyday_changelist", {}),
    ]

    for visitor in ("quality_manager", "executive", "administrator"):
        client = client_for(visitor)
        for name, argument in reads:
            if isinstance(argument, int):
                response = client.get(reverse(name, args=[argument]))
            else:
                response = client.get(reverse(name), argument)
            if name.startswith("admin:") and visitor != "administrator":
                continue
            assert response.status_code == 200, (visitor, name)
            text = text_of(response)
            assert COMMENT not in text, (visitor, name)
            if name == "survey-response-list":
                assert response.json()["results"] == [], (visitor, name)
            if name == "admin:feedback_surveyday_changelist":
                assert response.context["cl"].result_count == 0, visitor
        assert client.get(reverse("survey-response-detail", args=[answer.pk])).status_code == 404
        assert client.get(reverse("insight-detail", args=[insight.pk])).status_code == 404
    admin = client_for("administrator")
    change = admin.get(reverse("admin:feedback_surveyresponse_change", args=[answer.pk]))
    assert change.status_code == 302  # the admin says the answer does not exist
    change = admin.get(reverse("admin:feedback_insight_change", args=[insight.pk]))
    assert change.status_code == 302


def test_enps_results_hide_groups_below_the_threshold(make_user: MakeUser, client_for) -> None:
    """eNPS results appear only for groups of at least five answers: under five the survey's page
    and list give no score, no distribution and no comment, a department with fewer than five is
    never named (merged into "Other departments", with the smallest named one when needed), and
    an eNPS indicator has no value for a period of fewer than five answers."""
    survey = SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)
    departments = {name: DepartmentFactory.create(name=name) for name in ("Stores", "Finance")}
    indicator = metrics_services.indicator_create(
        code="staff-enps",
        name="Staff eNPS",
        kind="leading",
        stakeholder_group="employees",
        computation="enps",
    )

    def answer(department: str, score: int) -> None:
        services.employee_pulse_respond(
            user=make_user("frontline"),
            survey=survey,
            score=score,
            department=departments[department],
        )

    answer("Finance", 0)
    client = client_for("quality_manager")
    few = client.get(reverse("feedback:survey-detail", args=[survey.pk]))
    few_list = client.get(reverse("feedback:survey-list"))
    few_cells = compute_cells(indicator, None).cells
    for _ in range(ANONYMITY_THRESHOLD):
        answer("Stores", 9)
    more = client.get(reverse("feedback:survey-detail", args=[survey.pk]))

    assert few.context["results"].headline.hidden
    assert few.context["results"].distribution == []
    assert [row["headline"].hidden for row in few_list.context["rows"]] == [True]
    assert few_cells == []
    assert more.context["results"].headline.hidden is False
    assert [name for name, _group in more.context["results"].groups] == []
    assert more.context["results"].groups_merged
    assert "Finance" not in text_of(more)


def test_enps_comments_never_reach_the_insights(small_pulse: Pulse, client_for) -> None:
    """An eNPS comment is never an insight: answering a pulse makes none, and one kept from
    before is left out of the insights page, its export and the API for every reader."""
    survey = small_pulse.survey

    for visitor in ("frontline", "quality_manager", "executive", "administrator"):
        client = client_for(visitor)
        for name, query in (
            ("feedback:insight-list", {}),
            ("feedback:insight-export", {"source": "survey"}),
            ("insight-list", {"source": "survey"}),
        ):
            assert COMMENT not in text_of(client.get(reverse(name), query)), (visitor, name)

    assert not Insight.objects.filter(response__survey=survey).exclude(text=COMMENT).exists()
