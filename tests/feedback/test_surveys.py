"""Surveys: definition, public answers, invitations, eNPS anonymity, customer ideas, the API."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.exceptions import ApplicationError
from feedback import selectors, services
from feedback.models import (
    Complaint,
    EmployeeParticipation,
    ImprovementIdea,
    Insight,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.tasks import send_survey_invitation_task
from journeys.models import Journey, Touchpoint
from stakeholders import services as stakeholder_services
from stakeholders.models import Customer, Department
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Start every test with fresh rate-limit counters."""
    cache.clear()


@pytest.fixture
def make_survey(colleague: User) -> Callable[..., Survey]:
    """Return a function creating an open NPS survey (override any field)."""

    def make(**fields: Any) -> Survey:
        fields.setdefault("name", f"Survey {Survey.objects.count() + 1}")
        fields.setdefault("kind", Survey.Kind.NPS)
        fields.setdefault("created_by", colleague)
        fields.setdefault("starts_at", timezone.now() - timedelta(days=1))
        return SurveyFactory.create(**fields)

    return make


def answer_page(token: str) -> str:
    return reverse("public-survey:answer", args=[token])


# Services ---------------------------------------------------------------------------------------


def test_survey_takes_the_standard_question_of_its_kind_when_left_empty(make_survey) -> None:
    survey = make_survey(kind=Survey.Kind.CES, question="")

    assert survey.question == str(Survey.DEFAULT_QUESTIONS[Survey.Kind.CES])
    assert survey.scale == (1, 7)


def test_respond_rejects_a_score_outside_the_scale_with_a_clear_message(make_survey) -> None:
    survey = make_survey(kind=Survey.Kind.CSAT)

    with pytest.raises(ValidationError) as error:
        services.survey_respond(survey=survey, score=6)

    assert error.value.message_dict["score"] == ["Choose a score from 1 to 5."]
    assert not SurveyResponse.objects.exists()


def test_respond_copies_the_scope_and_keeps_the_comment_as_an_insight(
    make_survey, journey: Journey, touchpoint: Touchpoint
) -> None:
    survey = make_survey(touchpoint=touchpoint, comment_question="Why?")

    response = services.survey_respond(survey=survey, score=9, comment="Quick checkout")

    assert response.touchpoint == touchpoint
    assert response.journey == journey
    assert Insight.objects.get(response=response).text == "Quick checkout"


def test_respond_refuses_a_closed_survey(make_survey) -> None:
    survey = make_survey(ends_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ApplicationError):
        services.survey_respond(survey=survey, score=5)


def test_kind_cannot_change_once_the_survey_has_answers(make_survey) -> None:
    survey = make_survey()
    services.survey_respond(survey=survey, score=5)

    with pytest.raises(ValidationError) as error:
        services.survey_update(survey=survey, kind=Survey.Kind.CSAT)

    assert "kind" in error.value.message_dict


def test_question_wording_can_be_edited(make_survey) -> None:
    survey = make_survey()

    services.survey_update(survey=survey, question="Would you recommend our shop?")

    assert Survey.objects.get(pk=survey.pk).question == "Would you recommend our shop?"


def test_invitation_answered_twice_keeps_one_updated_answer(
    make_survey, customer: Customer
) -> None:
    survey = make_survey()
    invitation = services.invitation_create(survey=survey, customer=customer)

    services.invitation_respond(invitation=invitation, score=4)
    services.invitation_respond(invitation=invitation, score=8, comment="Better now")

    response = SurveyResponse.objects.get()
    assert (response.score, response.comment, response.customer) == (
        8,
        "Better now",
        customer,
    )
    assert response.invitation == invitation


def test_an_answer_without_words_keeps_no_insight_and_a_re_answer_drops_its_own(
    make_survey, customer: Customer
) -> None:
    """A new score alone has no insight and does not look for one; an invited customer who
    answers again without the words they wrote first loses the insight those words made."""
    survey = make_survey(comment_question="Why?")
    with CaptureQueriesContext(connection) as queries:
        services.survey_respond(survey=survey, score=9)
    assert not [query for query in queries if "feedback_insight" in query["sql"]]
    invitation = services.invitation_create(survey=survey, customer=customer)
    services.invitation_respond(invitation=invitation, score=3, comment="Too slow")
    assert Insight.objects.get().text == "Too slow"

    services.invitation_respond(invitation=invitation, score=8)

    assert not Insight.objects.exists()


def test_improvement_suggestion_becomes_a_customer_idea_with_the_consent(make_survey) -> None:
    survey = make_survey(ask_improvement=True, ask_follow_up=True)

    response = services.survey_respond(
        survey=survey,
        score=6,
        improvement_suggestion="Deliver on Saturdays",
        follow_up_consent=True,
    )

    idea = ImprovementIdea.objects.get(source=ImprovementIdea.Source.CUSTOMER)
    assert response.idea == idea
    assert response.follow_up_consent is True
    assert idea.proposal == "Deliver on Saturdays"
    assert "agreed to join a follow-up" in idea.problem
    assert idea.submitted_by.username == "customer-voice"
    assert not idea.submitted_by.is_active


def test_re_answering_an_invitation_does_not_make_a_second_idea(make_survey) -> None:
    survey = make_survey(ask_improvement=True)
    invitation = services.invitation_create(survey=survey)

    services.invitation_respond(invitation=invitation, score=3, improvement_suggestion="Call back")
    services.invitation_respond(invitation=invitation, score=5, improvement_suggestion="Call back")

    assert ImprovementIdea.objects.filter(source="customer").count() == 1


def test_expired_invitation_refuses_an_answer(make_survey) -> None:
    survey = make_survey()
    invitation = services.invitation_create(
        survey=survey, expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ApplicationError):
        services.invitation_respond(invitation=invitation, score=9)


# eNPS anonymity ---------------------------------------------------------------------------------


def test_enps_answer_is_stored_without_the_employee(
    make_survey, make_user, department: Department
) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS, recurrence_weeks=4)
    employee = make_user("frontline")

    response = services.employee_pulse_respond(
        user=employee, survey=survey, score=7, department=department
    )

    participation = EmployeeParticipation.objects.get()
    assert participation.user == employee
    assert {field.name for field in EmployeeParticipation._meta.concrete_fields} == {
        "id",
        "survey",
        "user",
        "pulse_start",
    }
    assert response.customer is None
    assert response.invitation is None
    assert not any(
        field.related_model is type(employee) for field in SurveyResponse._meta.concrete_fields
    )
    local = timezone.localtime(response.responded_at)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)


def test_employee_answers_a_pulse_only_once(make_survey, make_user) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS, recurrence_weeks=2)
    employee = make_user("frontline")
    services.employee_pulse_respond(user=employee, survey=survey, score=9)

    with pytest.raises(ApplicationError):
        services.employee_pulse_respond(user=employee, survey=survey, score=3)

    assert SurveyResponse.objects.count() == 1


def test_pulse_start_moves_every_n_weeks(make_survey) -> None:
    survey = make_survey(
        kind=Survey.Kind.ENPS, recurrence_weeks=2, starts_at=timezone.now() - timedelta(days=20)
    )

    start = selectors.pulse_start(survey)

    assert start == timezone.localdate(survey.starts_at) + timedelta(days=14)


def test_enps_results_name_only_departments_of_five_and_merge_the_rest(
    make_survey, make_user, department: Department
) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS)
    field_service = stakeholder_services.department_create(name="Field Service")
    for score, answered_for in [
        *[(score, department) for score in (10, 9, 9, 3, 8)],
        (2, field_service),
        (7, field_service),
        (9, None),
        (10, None),
        (6, None),
    ]:
        services.employee_pulse_respond(
            user=make_user("frontline"), survey=survey, score=score, department=answered_for
        )

    results = selectors.survey_results(survey)

    assert results.headline.answers == 10
    assert not results.headline.hidden
    groups = dict(results.groups)
    assert list(groups) == ["Customer Service", "Other departments"]
    assert groups["Customer Service"].score == 40  # 3 promoters, 1 detractor of 5
    assert groups["Other departments"].answers == 5
    assert groups["Other departments"].score == 0  # 2 promoters, 2 detractors of 5
    assert groups["Other departments"].average == 6.8
    assert results.groups_merged


def test_enps_results_merge_a_named_department_rather_than_leave_one_answer_to_subtract(
    make_survey, make_user, department: Department
) -> None:
    """Five answers from one department and one without: naming the department would give
    away the sixth answer (the whole minus the department)."""
    survey = make_survey(kind=Survey.Kind.ENPS)
    for score in (10, 9, 9, 3, 8):
        services.employee_pulse_respond(
            user=make_user("frontline"), survey=survey, score=score, department=department
        )
    services.employee_pulse_respond(user=make_user("frontline"), survey=survey, score=2)

    results = selectors.survey_results(survey)

    assert results.headline.answers == 6
    assert not results.headline.hidden
    assert results.groups == []
    assert results.groups_merged


def test_enps_results_are_hidden_under_five_answers(client_for, make_survey, make_user) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS)
    for score in (10, 2):
        services.employee_pulse_respond(user=make_user("frontline"), survey=survey, score=score)

    page = client_for("quality_manager").get(survey.get_absolute_url())

    assert page.status_code == 200
    assert "Fewer than 5 answers: hidden to protect anonymity" in page.content.decode()
    assert 'data-testid="headline-score"' not in page.content.decode()


def test_employee_answers_the_pulse_page_once(
    client_for, make_survey, department: Department
) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS)
    client = client_for("frontline")

    first = client.post(
        reverse("feedback:survey-answer", args=[survey.pk]),
        {"score": "8", "comment": "", "department": department.pk},
    )
    second = client.get(reverse("feedback:survey-answer", args=[survey.pk]))

    assert first.status_code == 302
    assert SurveyResponse.objects.get().department == department
    assert 'data-testid="already-answered"' in second.content.decode()


# NPS results ------------------------------------------------------------------------------------


def test_nps_results_split_promoters_passives_and_detractors(make_survey) -> None:
    survey = make_survey()
    for score in (10, 9, 8, 2):
        services.survey_respond(survey=survey, score=score)

    results = selectors.survey_results(survey)

    assert results.headline.score == 25
    assert [share[2] for share in results.shares] == [50, 25, 25]
    assert len(results.distribution) == 11


# Public pages -----------------------------------------------------------------------------------


def test_anonymous_customer_answers_from_the_public_link(client, make_survey) -> None:
    survey = make_survey(comment_question="What is the main reason for your score?")

    page = client.get(answer_page(survey.public_token))
    answered = client.post(answer_page(survey.public_token), {"score": "9", "comment": "Fast"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "<legend" in html
    assert survey.question in html
    assert "Not at all likely" in html
    assert "Extremely likely" in html
    assert answered.status_code == 302
    assert answered["Location"] == reverse("public-survey:thanks", args=[survey.public_token])
    response = SurveyResponse.objects.get()
    assert (response.score, response.comment, response.channel) == (9, "Fast", "link")
    assert client.get(answered["Location"]).status_code == 200


def test_tampered_score_shows_the_form_again_with_an_error(client, make_survey) -> None:
    survey = make_survey(kind=Survey.Kind.CSAT)

    page = client.post(answer_page(survey.public_token), {"score": "11"})

    assert page.status_code == 400
    assert "Choose a score from 1 to 5." in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_unknown_token_gets_a_friendly_404(client) -> None:
    page = client.get(answer_page("no-such-token"))

    assert page.status_code == 404
    assert "We could not find this survey" in page.content.decode()


def test_expired_invitation_gets_a_friendly_410(client, make_survey) -> None:
    invitation = services.invitation_create(
        survey=make_survey(), expires_at=timezone.now() - timedelta(hours=1)
    )

    page = client.post(answer_page(invitation.token), {"score": "9"})

    assert page.status_code == 410
    assert "expired" in page.content.decode()


def test_closed_survey_gets_a_friendly_410(client, make_survey) -> None:
    survey = make_survey(ends_at=timezone.now() - timedelta(minutes=5))

    assert client.get(answer_page(survey.public_token)).status_code == 410


def test_employee_survey_has_no_public_page(client, make_survey) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS)

    assert client.get(answer_page(survey.public_token)).status_code == 404


def test_invitation_page_shows_and_updates_the_earlier_answer(client, make_survey) -> None:
    invitation = services.invitation_create(survey=make_survey())
    client.post(answer_page(invitation.token), {"score": "4"})

    again = client.get(answer_page(invitation.token))
    client.post(answer_page(invitation.token), {"score": "10"})

    assert 'value="4" autocomplete="off" checked' in again.content.decode()
    assert SurveyResponse.objects.get().score == 10


def test_public_page_asks_for_an_improvement_and_consent(client, make_survey) -> None:
    survey = make_survey(ask_improvement=True, ask_follow_up=True)

    client.post(
        answer_page(survey.public_token),
        {"score": "5", "improvement_suggestion": "Longer opening hours", "follow_up_consent": "on"},
    )

    idea = ImprovementIdea.objects.get(source="customer")
    assert idea.proposal == "Longer opening hours"
    assert SurveyResponse.objects.get().follow_up_consent is True


def test_public_pages_are_throttled_per_client_address(client, make_survey, settings) -> None:
    settings.PUBLIC_SURVEY_RATE_LIMIT = 3
    survey = make_survey()

    statuses = [client.get(answer_page(survey.public_token)).status_code for _ in range(4)]
    other = client.get(answer_page(survey.public_token), REMOTE_ADDR="10.9.8.7")

    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200


# Staff pages ------------------------------------------------------------------------------------


# Who may open the survey form, and who may list survey answers in the API, is walked in
# tests/test_access.py.


def test_quality_manager_creates_a_survey_from_the_page(client_for, touchpoint: Touchpoint) -> None:
    client = client_for("quality_manager")

    page = client.post(
        reverse("feedback:survey-create"),
        {
            "name": "Checkout NPS",
            "kind": "nps",
            "question": "",
            "touchpoint": touchpoint.pk,
            "starts_at": "2026-01-01T09:00",
        },
    )

    survey = Survey.objects.get(name="Checkout NPS")
    assert page.status_code == 302
    assert survey.question == str(Survey.DEFAULT_QUESTIONS[Survey.Kind.NPS])


def test_frontline_sees_surveys_but_not_results(client_for, make_survey) -> None:
    survey = make_survey()
    services.survey_respond(survey=survey, score=10)
    client = client_for("frontline")

    listing = client.get(reverse("feedback:survey-list"))
    detail = client.get(survey.get_absolute_url())

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert 'data-testid="results"' not in detail.content.decode()
    assert 'data-testid="headline"' not in listing.content.decode()


def test_executive_reads_results(client_for, make_survey) -> None:
    survey = make_survey()
    services.survey_respond(survey=survey, score=10)

    detail = client_for("executive").get(survey.get_absolute_url())

    assert 'data-testid="headline-score"' in detail.content.decode()


def test_invitation_created_from_the_page_is_mailed_after_commit(
    client_for, make_survey, customer: Customer, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    survey = make_survey()
    client = client_for("quality_manager")

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("feedback:survey-invite", args=[survey.pk]),
            {"customer_reference": "CRM-000001", "email": "ann@example.com"},
        )

    invitation = SurveyInvitation.objects.get()
    assert page.status_code == 302
    assert invitation.customer == customer
    assert invitation.sent_at is not None
    assert len(mailoutbox) == 1
    assert invitation.token in mailoutbox[0].body


def test_survey_list_queries_do_not_grow_with_the_surveys(client_for, make_survey) -> None:
    """Three answered surveys and a pulse cost the queries one answered survey does."""
    client = client_for("quality_manager")
    url = reverse("feedback:survey-list")
    services.survey_respond(survey=make_survey(), score=7)

    def grow() -> None:
        for _number in range(2):
            services.survey_respond(survey=make_survey(), score=7)
        make_survey(kind=Survey.Kind.ENPS)

    assert_queries_flat(lambda: client.get(url), grow)

    assert client.get(url).status_code == 200


# Complaint closure ------------------------------------------------------------------------------


def close_ready(complaint: Complaint, by: Any) -> Complaint:
    services.complaint_acknowledge(complaint=complaint, by=by, note="")
    services.complaint_investigate(complaint=complaint, by=by, note="")
    return services.complaint_respond(complaint=complaint, by=by, decision="Refunded.")


def test_closing_a_complaint_mails_one_csat_invitation_after_commit(
    log_complaint, make_user, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    manager = make_user("quality_manager")
    complaint = close_ready(log_complaint(), manager)

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_close(
            complaint=complaint,
            by=manager,
            customer_accepted=True,
            send_csat_to="customer@example.com",
        )

    invitation = SurveyInvitation.objects.get()
    assert invitation.complaint == complaint
    assert invitation.survey.kind == Survey.Kind.CSAT
    assert invitation.survey.name == "Complaint handling"
    assert invitation.email == "customer@example.com"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["customer@example.com"]
    assert complaint.reference in mailoutbox[0].subject
    assert invitation.token in mailoutbox[0].body


def test_invitation_task_mails_once_however_often_it_runs(
    log_complaint, make_user, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    manager = make_user("quality_manager")
    complaint = close_ready(log_complaint(), manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_close(
            complaint=complaint, by=manager, customer_accepted=True, send_csat_to="c@example.com"
        )

    send_survey_invitation_task(SurveyInvitation.objects.get().pk)

    assert len(mailoutbox) == 1


def test_closure_prefers_an_open_csat_survey_of_the_touchpoint(
    log_complaint,
    make_user,
    make_survey,
    touchpoint: Touchpoint,
    django_capture_on_commit_callbacks,
) -> None:
    manager = make_user("quality_manager")
    scoped = make_survey(kind=Survey.Kind.CSAT, touchpoint=touchpoint)
    complaint = close_ready(log_complaint(), manager)

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_close(
            complaint=complaint, by=manager, customer_accepted=False, send_csat_to="c@example.com"
        )

    assert SurveyInvitation.objects.get().survey == scoped


def test_closing_without_an_address_sends_nothing(log_complaint, make_user, mailoutbox) -> None:
    manager = make_user("quality_manager")
    complaint = close_ready(log_complaint(), manager)

    services.complaint_close(complaint=complaint, by=manager, customer_accepted=True)

    assert not SurveyInvitation.objects.exists()
    assert not mailoutbox


def test_close_api_takes_the_csat_address(
    log_complaint, make_user, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    manager = make_user("quality_manager")
    complaint = close_ready(log_complaint(), manager)
    api = APIClient()
    api.force_authenticate(manager)

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            f"/api/v1/complaints/{complaint.pk}/close/",
            {"customer_accepted": True, "send_csat_to": "c@example.com"},
            format="json",
        )

    assert answer.status_code == 200, answer.content
    assert len(mailoutbox) == 1


# API --------------------------------------------------------------------------------------------


def api_for(make_user: Callable[..., Any], role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(role))
    return client


def test_api_creates_and_edits_a_survey(make_user, delivery: Touchpoint) -> None:
    api = api_for(make_user, "quality_manager")

    created = api.post(
        "/api/v1/surveys/",
        {"name": "Delivery CES", "kind": "ces", "touchpoint": delivery.pk},
        format="json",
    )
    changed = api.patch(
        f"/api/v1/surveys/{created.json()['id']}/",
        {"question": "How easy was receiving your parcel?"},
        format="json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["scale"] == [1, 7]
    assert created.json()["public_url"].endswith(f"/s/{created.json()['public_token']}/")
    assert changed.status_code == 200
    assert changed.json()["question"] == "How easy was receiving your parcel?"


def test_api_refuses_survey_changes_to_frontline(make_user, make_survey) -> None:
    api = api_for(make_user, "frontline")

    assert api.post("/api/v1/surveys/", {"name": "x", "kind": "nps"}).status_code == 403
    assert not Survey.objects.exists()


def test_api_does_not_delete_a_survey_with_responses(make_user, make_survey) -> None:
    """Not even an administrator: the answers would go with it."""
    survey = make_survey()
    services.survey_respond(survey=survey, score=3)

    answer = api_for(make_user, "administrator").delete(f"/api/v1/surveys/{survey.pk}/")

    assert answer.status_code == 400
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_api_creates_one_response_on_the_scale(make_user, make_survey, customer: Customer) -> None:
    survey = make_survey(kind=Survey.Kind.CSAT)
    api = api_for(make_user, "quality_manager")

    good = api.post(
        "/api/v1/survey-responses/",
        {"survey": survey.pk, "score": 4, "customer": customer.pk, "external_id": "z1"},
        format="json",
    )
    bad = api.post("/api/v1/survey-responses/", {"survey": survey.pk, "score": 9}, format="json")

    assert good.status_code == 201, good.content
    assert good.json()["channel"] == "api"
    assert bad.status_code == 400
    assert bad.json()["score"] == ["Choose a score from 1 to 5."]


def test_executive_cannot_create_responses(make_user, make_survey) -> None:
    survey = make_survey()

    answer = api_for(make_user, "executive").post(
        "/api/v1/survey-responses/", {"survey": survey.pk, "score": 4}, format="json"
    )

    assert answer.status_code == 403


def test_api_never_lists_or_returns_what_an_enps_answer_says(
    make_user, make_survey, department: Department
) -> None:
    survey = make_survey(kind=Survey.Kind.ENPS)
    answer = services.employee_pulse_respond(
        user=make_user("frontline"), survey=survey, score=9, department=department
    )
    api = api_for(make_user, "quality_manager")

    listed = api.get("/api/v1/survey-responses/", {"survey": survey.pk}).json()["results"]
    shown = api.get(f"/api/v1/survey-responses/{answer.pk}/")
    created = api.post(
        "/api/v1/survey-responses/",
        {"survey": survey.pk, "score": 3, "comment": "Too much overtime", "external_id": "h1"},
        format="json",
    )

    assert listed == []
    assert shown.status_code == 404
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["channel"] == "api"
    assert body["score"] is None
    assert body["responded_at"] is None
    assert (body["comment"], body["external_id"], body["department"]) == ("", "", None)
    assert SurveyResponse.objects.filter(survey=survey, score=3).exists()


def test_api_detail_route_takes_only_numbers(make_user) -> None:
    answer = api_for(make_user, "quality_manager").get("/api/v1/survey-responses/bulk/")

    assert answer.status_code in (404, 405)
