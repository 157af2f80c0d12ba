"""The monthly reports REST API: the archive and one report, asking for a month's report, and
the management review recorded on it (executives and quality managers only)."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import OutboxMessage
from improvement.models import PDCACycle
from reports.models import ManagementReview, MonthlyReport, ReviewAction
from reports.monthly.months import ReportMonth
from tests.reports.monthly_records import PDF, draft_review, last_month, published_report
from tests.stakeholders.factories import PartnerContactFactory

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^PDCA-\d{4}-\d{6}$")


def api_as(user: Any) -> APIClient:
    """Return an API client authenticated as the user (anonymous with None)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def report_url(report: MonthlyReport | str, route: str = "detail", **more: Any) -> str:
    """Return the endpoint of a report (by its month), or of one of its review's routes."""
    month = report if isinstance(report, str) else report.slug
    return reverse(f"monthly-report-{route}", kwargs={"month": month, **more})


def list_url() -> str:
    return reverse("monthly-report-list")


@pytest.fixture
def executive(make_user: Callable[..., User]) -> User:
    """An executive, who reads the reports and records their reviews."""
    return make_user("executive")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    """A quality manager, who also asks for reports."""
    return make_user("quality_manager")


def visitor(key: str, make_user: Callable[..., User]) -> User | None:
    """Return a user of the role key, a partner contact, or None (anonymous)."""
    if key == "anonymous":
        return None
    if key == "partner":
        return PartnerContactFactory.create().user
    return make_user(key)


# Reading -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("anonymous", {401, 403}),
        ("frontline", {403}),
        ("partner", {403}),
        ("quality_manager", {200}),
        ("executive", {200}),
        ("administrator", {200}),
    ],
)
def test_only_executives_and_quality_managers_read_the_reports(
    make_user: Callable[..., User], key: str, expected: set[int]
) -> None:
    """The archive and a report answer executives, quality managers and administrators."""
    report = published_report()
    client = api_as(visitor(key, make_user))

    answers = {client.get(list_url()).status_code, client.get(report_url(report)).status_code}

    assert answers <= expected


def test_the_archive_lists_newest_first_with_summary_links_and_review(executive: User) -> None:
    """Each row has the month, its state, summary, PDF size, page links and the review's state."""
    older = published_report(last_month().previous, summary=["Older."])
    newer = published_report()
    draft_review(newer, by=executive)

    response = api_as(executive).get(list_url())

    assert response.status_code == 200
    assert response.data["count"] == 2
    first, second = response.data["results"]
    assert [first["month"], second["month"]] == [newer.slug, older.slug]
    assert first["label"] == newer.label
    assert first["status"] == "published"
    assert first["pdf_size"] == len(PDF)
    assert first["render_seconds"] == 1.5
    assert first["summary"] == ["Complaints fell by 12 % against October."]
    assert first["url"] == reverse("reports:monthly-detail", args=[newer.slug])
    assert first["document_url"] == reverse("reports:monthly-document", args=[newer.slug])
    assert first["pdf_url"] == reverse("reports:monthly-pdf", args=[newer.slug])
    assert first["review"] == {
        "held_on": timezone.localdate().isoformat(),
        "status": "draft",
        "signed_off_by": None,
        "signed_off_at": None,
    }
    assert second["review"] is None
    assert second["summary"] == ["Older."]


def test_one_report_reads_by_its_month(executive: User) -> None:
    """A report's address is its month; a queued one has no PDF and no summary yet."""
    month = last_month()
    MonthlyReport.objects.create(month=month.first)

    data = api_as(executive).get(report_url(month.slug)).data

    assert data["month"] == month.slug
    assert data["status"] == "queued"
    assert data["pdf_size"] == 0
    assert data["summary"] == []
    assert data["problems"] == []


@pytest.mark.parametrize("month", ["2026-13", "0000-01", "1999-12"])
def test_a_month_without_a_report_answers_404(executive: User, month: str) -> None:
    """An impossible month or one without a report is not found."""
    published_report()

    assert api_as(executive).get(report_url(month)).status_code == 404


def test_the_archive_reads_in_a_fixed_number_of_queries(
    executive: User, django_assert_max_num_queries: Any
) -> None:
    """Twenty reports, half reviewed, take no more queries than two (no documents loaded)."""
    month = last_month()
    for _ in range(2):
        draft_review(published_report(month), by=executive)
        month = month.previous
    with CaptureQueriesContext(connection) as two:
        assert api_as(executive).get(list_url()).status_code == 200
    for index in range(18):
        report = published_report(month)
        if index % 2:
            draft_review(report, by=executive)
        month = month.previous

    with django_assert_max_num_queries(len(two.captured_queries)):
        response = api_as(executive).get(list_url())

    assert response.data["count"] == 20
    assert not any('"pdf"' in query["sql"] and "LENGTH" not in query["sql"] for query in two)


# Asking for a report -----------------------------------------------------------------------------


def test_a_quality_manager_asks_for_a_month_once_however_often(manager: User) -> None:
    """Asking queues the report (202); asking again returns it and queues nothing more."""
    month = last_month()
    client = api_as(manager)

    first = client.post(list_url(), {"month": month.slug}, format="json")
    second = client.post(list_url(), {"month": month.slug}, format="json")

    assert first.status_code == second.status_code == 202
    assert first.data["month"] == second.data["month"] == month.slug
    assert first.data["status"] == "queued"
    assert MonthlyReport.objects.count() == 1
    assert OutboxMessage.objects.filter(task__endswith="monthly_report_generate_task").count() == 1


def test_an_executive_may_not_ask_for_a_report(executive: User) -> None:
    """Only quality managers generate reports."""
    response = api_as(executive).post(list_url(), {"month": last_month().slug}, format="json")

    assert response.status_code == 403
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    "month",
    [
        ReportMonth.of(timezone.localdate()).slug,  # in progress
        ReportMonth.of(timezone.localdate() + timedelta(days=40)).slug,  # to come
        "2026-13",
        "November",
        "",
    ],
)
def test_a_month_not_ended_or_malformed_is_refused_naming_month(manager: User, month: str) -> None:
    """A report covers a whole ended month: anything else is a 400 on the month field."""
    response = api_as(manager).post(list_url(), {"month": month}, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["month"]
    assert not MonthlyReport.objects.exists()


# The management review ---------------------------------------------------------------------------


def test_an_executive_records_a_review_from_start_to_sign_off(
    executive: User, manager: User
) -> None:
    """Record → decide → assign an action → start its cycle → sign off; then it is read-only,
    while its actions are still followed up."""
    report = published_report()
    client = api_as(executive)
    today = timezone.localdate()

    recorded = client.put(
        report_url(report, "review"),
        {
            "held_on": today.isoformat(),
            "attendees": [executive.pk, manager.pk],
            "guests": "External auditor",
            "minutes": "Complaints about callbacks rose.",
        },
        format="json",
    )
    decision = client.post(
        report_url(report, "review-decisions"), {"text": "Shorten callbacks."}, format="json"
    )
    action = client.post(
        report_url(report, "review-actions"),
        {
            "title": "Pilot same-day callbacks",
            "owner": manager.pk,
            "due_on": (today + timedelta(days=30)).isoformat(),
            "decision": decision.data["id"],
        },
        format="json",
    )
    action_id = action.data["id"]
    cycle = client.post(report_url(report, "review-action-start-cycle", action_id=action_id))
    signed = client.post(report_url(report, "review-sign-off"))
    changed = client.put(
        report_url(report, "review"),
        {"held_on": today.isoformat(), "attendees": [executive.pk]},
        format="json",
    )
    late_decision = client.post(
        report_url(report, "review-decisions"), {"text": "One more."}, format="json"
    )
    done = client.post(report_url(report, "review-action-done", action_id=action_id))

    assert recorded.status_code == 200
    assert recorded.data["status"] == "draft"
    assert sorted(recorded.data["attendees"]) == sorted([executive.pk, manager.pk])
    assert recorded.data["guests"] == "External auditor"
    assert decision.status_code == 201
    assert decision.data["text"] == "Shorten callbacks."
    assert action.status_code == 201
    assert action.data["state"] == "open"
    assert action.data["owner"] == manager.pk
    assert action.data["decision"] == decision.data["id"]
    assert action.data["cycle"] is None
    assert cycle.status_code == 201
    assert REFERENCE.match(cycle.data["reference"])
    started = PDCACycle.objects.get(pk=cycle.data["id"])
    assert started.origin == PDCACycle.Origin.MANAGEMENT_REVIEW
    assert started.owner == manager
    assert signed.status_code == 200
    assert signed.data["status"] == "signed_off"
    assert signed.data["signed_off_by"] == executive.pk
    assert [row["state"] for row in signed.data["actions"]] == ["in_cycle"]
    assert signed.data["actions"][0]["cycle"]["reference"] == cycle.data["reference"]
    assert changed.status_code == 400
    assert "signed off" in changed.data["detail"]
    assert late_decision.status_code == 400
    assert "signed off" in late_decision.data["detail"]
    assert done.status_code == 200
    assert done.data["state"] == "done"
    assert done.data["done_on"] == timezone.localdate().isoformat()
    review = ManagementReview.objects.get(report=report)
    assert review.decisions.count() == 1
    assert list(review.attendees.order_by("pk")) == sorted([executive, manager], key=lambda u: u.pk)
    summary = api_as(executive).get(report_url(report)).data["review"]
    assert summary["status"] == "signed_off"


def test_a_report_without_a_review_answers_404_on_its_review(executive: User) -> None:
    """Before a review is recorded there is nothing to read or add to."""
    report = published_report()
    client = api_as(executive)

    read = client.get(report_url(report, "review"))
    decided = client.post(report_url(report, "review-decisions"), {"text": "x"}, format="json")

    assert read.status_code == decided.status_code == 404


def test_an_unknown_or_non_staff_attendee_is_refused_naming_attendees(executive: User) -> None:
    """Attendees are staff accounts by id: an unknown id or a partner contact is a 400."""
    report = published_report()
    contact = PartnerContactFactory.create().user
    client = api_as(executive)
    body = {"held_on": timezone.localdate().isoformat()}

    unknown = client.put(report_url(report, "review"), {**body, "attendees": [987654]}, "json")
    outsider = client.put(report_url(report, "review"), {**body, "attendees": [contact.pk]}, "json")

    assert unknown.status_code == outsider.status_code == 400
    assert list(unknown.data) == ["attendees"]
    assert list(outsider.data) == ["attendees"]
    assert not ManagementReview.objects.exists()


def test_an_action_of_another_review_is_not_found(executive: User) -> None:
    """An action is addressed under its own report's review only."""
    here = published_report()
    there = published_report(last_month().previous)
    draft_review(here, by=executive)
    other = ReviewAction.objects.get(review=draft_review(there, by=executive))

    response = api_as(executive).post(
        report_url(here, "review-action-done", action_id=other.pk), {}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("key", ["frontline", "partner"])
def test_others_may_not_touch_the_review(make_user: Callable[..., User], key: str) -> None:
    """Frontline staff and partner contacts get 403 from every review route."""
    report = published_report()
    review = draft_review(report)
    action = review.actions.get()
    client = api_as(visitor(key, make_user))

    answers = {
        client.get(report_url(report, "review")).status_code,
        client.put(report_url(report, "review"), {}, format="json").status_code,
        client.post(report_url(report, "review-decisions"), {"text": "x"}, "json").status_code,
        client.post(report_url(report, "review-sign-off")).status_code,
        client.post(
            report_url(report, "review-action-start-cycle", action_id=action.pk)
        ).status_code,
    }

    assert answers == {403}
