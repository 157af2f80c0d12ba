"""The monthly report's pages: the archive, one report with its management review, the standalone
document and the PDF, read by executives and quality managers only; the review recorded, acted on
and signed off there, then read-only."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement.models import PDCACycle
from reports.models import (
    ManagementReview,
    MonthlyReport,
    ReportDelivery,
    ReportSubscription,
    ReviewAction,
    ReviewDecision,
)
from reports.monthly.months import ReportMonth
from reports.services import reviews
from tests.reports.monthly_page_records import failed_delivery_address
from tests.reports.monthly_records import PDF, draft_review, last_month, published_report
from tests.stakeholders.factories import PartnerContactFactory

pytestmark = pytest.mark.django_db


def url(name: str, report: MonthlyReport | str | None = None, **more: Any) -> str:
    """Return a monthly page's address (of a report, by its month)."""
    if report is None:
        return reverse(f"reports:monthly-{name}", kwargs=more or None)
    month = report if isinstance(report, str) else report.slug
    return reverse(f"reports:monthly-{name}", kwargs={"month": month, **more})


@pytest.fixture
def executive(make_user: Callable[..., User]) -> User:
    """An executive: reads the reports, records their review, opens cycles for its actions."""
    return make_user("executive", first_name="Mila", last_name="Prins")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    """A quality manager: also generates reports and sends a failed e-mail again."""
    return make_user("quality_manager", first_name="Quinn", last_name="Okafor")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visitor(key: str, make_user: Callable[..., User]) -> Client:
    """Return a browser signed in as the role key, a partner contact, or anonymous."""
    if key == "anonymous":
        return Client()
    if key == "partner":
        return signed_in(PartnerContactFactory.create().user)
    return signed_in(make_user(key))


# Who reads what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "allowed"),
    [
        ("quality_manager", True),
        ("executive", True),
        ("administrator", True),
        ("frontline", False),
        ("partner", False),
        ("anonymous", False),
    ],
)
def test_only_executives_and_quality_managers_read_the_reports(
    make_user: Callable[..., User], key: str, allowed: bool
) -> None:
    """The archive, a report, its document and its PDF answer readers; others are refused."""
    report = published_report()
    client = visitor(key, make_user)

    answers = [
        client.get(url("list")).status_code,
        client.get(url("detail", report)).status_code,
        client.get(url("document", report)).status_code,
        client.get(url("pdf", report)).status_code,
    ]

    if allowed:
        assert answers == [200, 200, 200, 200]
    elif key == "anonymous":
        assert answers == [302, 302, 302, 302]
    else:
        assert answers == [403, 403, 403, 403]


@pytest.mark.parametrize("month", ["2026-13", "1999-12", "november", "2026-1-1"])
def test_a_month_without_a_report_is_not_found(executive: User, month: str) -> None:
    """An impossible month, or one without a report, answers 404 on every page of a report."""
    published_report()
    client = signed_in(executive)

    answers = {client.get(url(name, month)).status_code for name in ("detail", "document", "pdf")}

    assert answers == {404}


def test_the_menu_leads_executives_to_the_reports_right_after_the_dashboard(
    executive: User,
) -> None:
    """The "Monthly report" entry stands at the top level, after the dashboard."""
    html = signed_in(executive).get(url("list")).content.decode()

    dashboard = html.index('data-nav="reports:dashboard"')
    monthly = html.index('data-nav="reports:monthly-list"')

    assert dashboard < monthly
    assert 'aria-current="page"' in html[monthly : monthly + 300]


# The archive -------------------------------------------------------------------------------------


def test_the_archive_lists_reports_newest_first_with_their_review_and_downloads(
    executive: User, manager: User
) -> None:
    """Each row: the month, its status, the review's state (who signed off, when), PDF size,
    and links to read it, its document and its PDF."""
    older = published_report(last_month().previous)
    newer = published_report()
    reviews.review_sign_off(review=draft_review(older, by=executive), by=executive)
    queued = MonthlyReport.objects.create(month=last_month().months_back(3)[0].first)

    html = signed_in(manager).get(url("list")).content.decode()

    rows = [html.index(f'data-report="{report.slug}"') for report in (newer, older, queued)]
    assert rows == sorted(rows)
    assert "None yet" in html
    assert f"Signed off by Mila Prins on {timezone.localdate():%-d %b %Y}" in html
    assert "13\xa0bytes" in html  # the PDF's size
    assert url("document", newer) in html
    assert url("pdf", newer) in html
    assert url("pdf", queued) not in html  # nothing to download yet
    assert 'data-status="queued"' in html


def test_quality_managers_generate_an_ended_month_without_a_published_report(
    manager: User,
) -> None:
    """The menu offers the ended months without a published report, last month first."""
    published_report(last_month().previous)

    html = signed_in(manager).get(url("list")).content.decode()

    last, before, third = last_month(), last_month().previous, last_month().months_back(3)[0]
    assert f'<option value="{last.slug}" selected>{last.label}</option>' in html
    assert f'value="{before.slug}"' not in html
    assert f'<option value="{third.slug}">' in html
    assert f'value="{ReportMonth.of(timezone.localdate()).slug}"' not in html


def test_generating_queues_the_report_and_opens_its_page(manager: User) -> None:
    """The month is queued and its page says it is being generated."""
    client = signed_in(manager)

    response = client.post(url("generate"), {"month": last_month().slug})

    report = MonthlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", report)
    assert report.status == MonthlyReport.Status.QUEUED
    assert report.requested_by == manager
    page = client.get(response["Location"]).content.decode()
    assert "being generated" in page
    assert 'hx-trigger="every 5s"' in page


def test_a_month_not_ended_is_refused_next_to_the_month(manager: User) -> None:
    """The month in progress is refused beside the field, saying why; nothing is queued."""
    month = ReportMonth.of(timezone.localdate())

    response = signed_in(manager).post(url("generate"), {"month": month.slug})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="month">' in html
    assert f"{month.label} has not ended" in html
    assert 'id="error_1_id_generate_month"' in html  # beside the field, not only at the top
    assert not MonthlyReport.objects.exists()


def test_executives_neither_see_nor_post_the_generate_form(executive: User) -> None:
    """Only quality managers generate reports."""
    client = signed_in(executive)

    html = client.get(url("list")).content.decode()
    response = client.post(url("generate"), {"month": last_month().slug})

    assert 'data-testid="generate-form"' not in html
    assert response.status_code == 403
    assert not MonthlyReport.objects.exists()


def test_a_reader_subscribes_and_unsubscribes_while_executives_are_always_emailed(
    manager: User, executive: User
) -> None:
    """A quality manager chooses; an executive is told they receive every report."""
    client = signed_in(manager)

    subscribe = client.post(url("subscription"), {"subscribed": "on"})
    subscribed = ReportSubscription.objects.filter(user=manager).exists()
    page = client.get(url("list")).content.decode()
    client.post(url("subscription"), {})
    executive_page = signed_in(executive).get(url("list")).content.decode()

    assert subscribe.status_code == 302
    assert subscribed
    assert 'data-testid="unsubscribe"' in page
    assert not ReportSubscription.objects.filter(user=manager).exists()
    assert "As an executive, you are e-mailed each report." in executive_page
    assert 'data-testid="subscribe"' not in executive_page


# One report --------------------------------------------------------------------------------------


def test_a_report_shows_its_header_body_problems_and_emails(manager: User) -> None:
    """Month, status, time to render, links, the problems in a warning, then the body."""
    report = published_report()
    report.problems = [{"what": "Complaints: Pareto", "error": "Timeout: kaleido"}]
    report.save()

    html = signed_in(manager).get(url("detail", report)).content.decode()

    assert f"Loyalty-health report: {report.label}" in html
    assert "rendered in 1.5 s" in html
    assert url("document", report) in html
    assert url("pdf", report) in html
    assert 'data-testid="problems"' in html
    assert "Timeout: kaleido" in html
    assert "Retention held." in html  # the stored body
    assert "css/report.css" in html


def test_quality_managers_send_a_failed_email_again(manager: User, executive: User) -> None:
    """A failed e-mail is listed with its error; a quality manager sends it again."""
    address = failed_delivery_address()
    report = MonthlyReport.objects.get()

    manager_page = signed_in(manager).get(url("detail", report)).content.decode()
    executive_page = signed_in(executive).get(url("detail", report)).content.decode()
    refused = signed_in(executive).post(url("delivery-retry", **address))
    retried = signed_in(manager).post(url("delivery-retry", **address))

    assert "SMTPServerDisconnected" in manager_page
    assert "Send again" in manager_page
    assert "SMTPServerDisconnected" in executive_page
    assert "Send again" not in executive_page
    assert refused.status_code == 403
    assert retried.status_code == 302
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (ReportDelivery.Status.PENDING, 0)


def test_the_waiting_page_polls_until_the_report_is_published(executive: User) -> None:
    """While generating, the poll answers "nothing new"; once published it reloads the page."""
    report = MonthlyReport.objects.create(
        month=last_month().first, status=MonthlyReport.Status.GENERATING
    )
    client = signed_in(executive)

    waiting = client.get(url("detail", report), headers={"HX-Request": "true"})
    MonthlyReport.objects.filter(pk=report.pk).update(status=MonthlyReport.Status.PUBLISHED)
    ready = client.get(url("detail", report), headers={"HX-Request": "true"})

    assert waiting.status_code == 204
    assert ready.status_code == 200
    assert ready["HX-Refresh"] == "true"


def test_the_document_runs_under_its_own_policy(executive: User) -> None:
    """The stored document is served as HTML under a policy of its own: inline styles and data:
    images only, no script, framed by the site's own pages only."""
    report = published_report()

    response = signed_in(executive).get(url("document", report))

    policy = {
        part.split()[0]: part.split()[1:]
        for part in response["Content-Security-Policy"].split("; ")
    }
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == report.html
    assert policy["default-src"] == ["'none'"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["img-src"] == ["data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert not any(directive.startswith("script-src") for directive in policy)
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_pdf_downloads_under_the_months_name(executive: User) -> None:
    """The PDF is an attachment named after the month; a report without one answers 404."""
    report = published_report()
    queued = MonthlyReport.objects.create(month=last_month().previous.first)
    client = signed_in(executive)

    response = client.get(url("pdf", report))
    missing = client.get(url("pdf", queued))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="loyalty-health-{report.slug}.pdf"'
    )
    assert response.content == PDF
    assert missing.status_code == 404


def test_the_archive_reads_in_the_same_queries_for_3_or_30_reports(
    manager: User, django_assert_max_num_queries: Any
) -> None:
    """A page of 30 reports, a third of them reviewed, takes the queries of one with 3."""

    def store(count: int) -> None:
        month = last_month().months_back(MonthlyReport.objects.count() + 1)[0]
        for index in range(count):
            report = published_report(month)
            if index % 3 == 0:
                draft_review(report, by=manager)
            month = month.previous

    client = signed_in(manager)
    store(3)
    client.get(url("list"))  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as three:
        assert client.get(url("list")).status_code == 200
    store(21)  # 24 in all: still one page of 25

    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url("list"))

    assert response.content.decode().count("data-report=") == 24


# The management review ---------------------------------------------------------------------------


def test_an_executive_records_a_review_from_start_to_sign_off(
    executive: User, manager: User
) -> None:
    """Record → decide → assign an action → start its PDCA cycle → sign off: then the record
    reads only, its edits are refused, and its actions are still followed up."""
    report = published_report()
    client = signed_in(executive)
    today = timezone.localdate()

    recorded = client.post(
        url("review", report),
        {
            "held_on": today.isoformat(),
            "attendees": [executive.pk, manager.pk],
            "guests": "External auditor",
            "minutes": "Callbacks were slow.",
        },
    )
    decided = client.post(url("decision-add", report), {"text": "Shorten the callbacks."})
    decision = ReviewDecision.objects.get()
    assigned = client.post(
        url("action-add", report),
        {
            "title": "Pilot same-day callbacks",
            "owner": manager.pk,
            "due_on": (today + timedelta(days=30)).isoformat(),
            "decision": decision.pk,
        },
    )
    action = ReviewAction.objects.get()
    draft_page = client.get(url("detail", report)).content.decode()
    started = client.post(url("action-cycle", report, pk=action.pk))
    signed = client.post(url("sign-off", report))
    page = client.get(url("detail", report)).content.decode()
    late_decision = client.post(url("decision-add", report), {"text": "One more."}, follow=True)
    late_record = client.post(
        url("review", report), {"held_on": today.isoformat(), "attendees": [executive.pk]}
    )

    assert [recorded.status_code, decided.status_code, assigned.status_code] == [302, 302, 302]
    assert recorded["Location"] == url("detail", report) + "#review"
    assert 'data-testid="decision-form"' in draft_page
    assert 'data-testid="start-cycle"' in draft_page
    assert started.status_code == signed.status_code == 302
    cycle = PDCACycle.objects.get()
    assert cycle.origin == PDCACycle.Origin.MANAGEMENT_REVIEW
    assert cycle.owner == manager
    review = ManagementReview.objects.get()
    assert review.is_signed_off
    assert review.signed_off_by == executive
    assert "Signed off by Mila Prins on" in page
    assert "Quinn Okafor" in page
    assert "External auditor" in page
    assert "Shorten the callbacks." in page
    assert cycle.get_absolute_url() in page
    assert "In a PDCA cycle" in page
    for form in ("review-form", "decision-form", "action-form", "sign-off-form"):
        assert f'data-testid="{form}"' not in page
    assert "remove-decision" not in page
    assert "data-history-full" in page  # its history, a controlled record's
    assert "can no longer change" in late_decision.content.decode()
    assert late_record.status_code == 302
    assert ReviewDecision.objects.count() == 1
    assert list(review.attendees.order_by("pk")) == sorted([executive, manager], key=lambda u: u.pk)


def test_a_refused_post_keeps_what_was_typed_next_to_the_error(executive: User) -> None:
    """An action due before the review comes back with the error beside the date, the rest kept."""
    review = draft_review(by=executive)
    report = review.report

    response = signed_in(executive).post(
        url("action-add", report),
        {
            "title": "Call every detractor back",
            "owner": executive.pk,
            "due_on": (review.held_on - timedelta(days=1)).isoformat(),
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="due_on"' in html
    assert "cannot fall due before the review" in html
    assert 'value="Call every detractor back"' in html
    assert "<details" in html
    assert 'data-testid="action-add" open' in html
    assert review.actions.count() == 1


def test_signing_off_without_attendees_says_what_is_missing(executive: User) -> None:
    """A review with nobody recorded as attending is not signed off; the page says why."""
    review = draft_review(by=executive)
    review.attendees.clear()

    response = signed_in(executive).post(url("sign-off", review.report))

    assert response.status_code == 400
    assert "Record who attended before signing off." in response.content.decode()
    review.refresh_from_db()
    assert not review.is_signed_off


def test_a_draft_decision_or_action_is_removed(executive: User) -> None:
    """Something recorded by mistake goes while the review is a draft."""
    review = draft_review(by=executive)
    client = signed_in(executive)
    action = review.actions.get()
    decision = review.decisions.get()

    client.post(url("item-remove", review.report, kind="actions", pk=action.pk))
    client.post(url("item-remove", review.report, kind="decisions", pk=decision.pk))
    unknown = client.post(url("item-remove", review.report, kind="minutes", pk=decision.pk))

    assert not review.actions.exists()
    assert not review.decisions.exists()
    assert unknown.status_code == 404


def test_the_owner_marks_an_action_done(executive: User, manager: User) -> None:
    """The action's owner ticks it off; it then reads "Done" with no buttons left."""
    review = draft_review(by=executive)
    action = review.actions.get()
    ReviewAction.objects.filter(pk=action.pk).update(owner=manager)
    client = signed_in(manager)

    response = client.post(url("action-done", review.report, pk=action.pk))
    page = client.get(url("detail", review.report)).content.decode()

    action.refresh_from_db()
    assert response.status_code == 302
    assert action.done_on == timezone.localdate()
    assert 'data-state="done"' in page
    assert 'data-testid="mark-done"' not in page


def test_frontline_staff_may_not_touch_a_review(make_user: Callable[..., User]) -> None:
    """Every write of the review is refused to someone who may not read the report."""
    review = draft_review()
    report = review.report
    action = review.actions.get()
    client = signed_in(make_user("frontline"))

    answers = {
        client.post(url("review", report), {}).status_code,
        client.post(url("decision-add", report), {"text": "x"}).status_code,
        client.post(url("sign-off", report)).status_code,
        client.post(url("action-cycle", report, pk=action.pk)).status_code,
        client.post(url("action-done", report, pk=action.pk)).status_code,
    }

    assert answers == {403}
    assert not PDCACycle.objects.exists()
