"""The feedback admin shows life cycles and never moves them: the services do."""

import re

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import Complaint, ImprovementIdea, Survey
from tests.feedback.factories import ComplaintFactory, IdeaFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_complaint_admin_shows_the_status_read_only(client_for) -> None:
    """The change page shows the status as text, with no field to change it."""
    complaint = ComplaintFactory.create()
    url = reverse("admin:feedback_complaint_change", args=[complaint.pk])

    page = client_for("administrator").get(url).content.decode()

    assert 'name="status"' not in page
    assert 'name="severity"' not in page
    assert re.search(r'field-status">.*?<div class="readonly">Received</div>', page, re.DOTALL)


def test_complaint_admin_post_leaves_the_status_as_it_was(client_for) -> None:
    """Posting a new status to the admin is refused and the complaint keeps its status."""
    complaint = ComplaintFactory.create()
    url = reverse("admin:feedback_complaint_change", args=[complaint.pk])

    response = client_for("administrator").post(
        url, {"status": Complaint.Status.CLOSED, "description": "Edited", "_save": "Save"}
    )

    complaint.refresh_from_db()
    assert response.status_code == 403
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.description != "Edited"


def test_complaint_admin_has_no_add_form(client_for) -> None:
    """Complaints are logged through complaint_log: the admin cannot create one."""
    response = client_for("administrator").get(reverse("admin:feedback_complaint_add"))

    assert response.status_code == 403


def test_complaint_list_says_where_complaints_are_logged(client_for) -> None:
    """Without an Add button, the list names the page that logs complaints."""
    page = client_for("administrator").get(reverse("admin:feedback_complaint_changelist"))

    assert "Log a complaint page" in page.content.decode()


def test_idea_admin_saves_the_wording_but_not_the_status(client_for) -> None:
    """The idea's text can be corrected in the admin; its status moves only on its page."""
    idea = IdeaFactory.create()
    url = reverse("admin:feedback_improvementidea_change", args=[idea.pk])

    response = client_for("administrator").post(
        url,
        {
            "title": "Photo at the door",
            "problem": idea.problem,
            "proposal": idea.proposal,
            "expected_benefit": "",
            "touchpoint": "",
            "status": ImprovementIdea.Status.ACCEPTED,
            "_save": "Save",
        },
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.title == "Photo at the door"
    assert idea.status == ImprovementIdea.Status.SUBMITTED


def test_survey_answer_admin_never_lists_employees_enps_answers(client_for, make_user) -> None:
    """The anonymity rule holds in the admin: customers' answers are listed, eNPS ones are not."""
    customer_answer = ResponseFactory.create(comment="Quick delivery")
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)
    employee_answer = services.employee_pulse_respond(
        user=make_user("frontline"), survey=pulse, score=2, comment="My manager never listens"
    )
    url = reverse("admin:feedback_surveyresponse_changelist")

    page = client_for("administrator").get(url).content.decode()

    assert f"/{customer_answer.pk}/change/" in page
    assert f"/{employee_answer.pk}/change/" not in page
    assert len(re.findall(r"/surveyresponse/\d+/change/", page)) == 1
