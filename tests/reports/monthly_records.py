"""Builders of monthly reports and their reviews for the tests, without the chart engine or the
PDF printer: a published report is a row with a small document, a summary and a PDF."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from core.roles import Role
from reports.models import ManagementReview, MonthlyReport
from reports.monthly.months import ReportMonth
from reports.services import reviews
from tests.core.factories import UserFactory

BODY = '<article class="report"><h1>Loyalty-health report</h1><p>Retention held.</p></article>'
PDF = b"%PDF-1.4 test"
SUMMARY = ["Complaints fell by 12 % against October."]


def last_month() -> ReportMonth:
    """Return the month that ended last (the newest a report may cover)."""
    return ReportMonth.of(timezone.localdate()).previous


def published_report(
    month: ReportMonth | None = None, *, summary: list[str] | None = None
) -> MonthlyReport:
    """Store a published report of the month (last month by default) with its summary lines;
    where the month has one already (the demo's), return that one."""
    month = month or last_month()
    existing = MonthlyReport.objects.filter(month=month.first).first()
    if existing is not None:
        return existing
    now = timezone.now()
    lines = SUMMARY if summary is None else summary
    return MonthlyReport.objects.create(
        month=month.first,
        status=MonthlyReport.Status.PUBLISHED,
        content={"month": month.as_json(), "sections": {"summary": {"lines": lines}}},
        body_html=BODY,
        html=(
            f"<!DOCTYPE html><html><head><title>{month.label}</title></head>"
            f"<body>{BODY}</body></html>"
        ),
        pdf=PDF,
        generated_at=now,
        published_at=now,
        render_seconds=1.5,
    )


def draft_review(report: MonthlyReport | None = None, by: User | None = None) -> ManagementReview:
    """Record a draft review of a published report, held today with its recorder attending:
    one decision and one action carrying it out (owned by the recorder, due in 30 days)."""
    report = report or published_report()
    by = by or UserFactory.create(role=Role.EXECUTIVE)
    today = timezone.localdate()
    review = reviews.review_record(
        report=report, by=by, held_on=today, attendees=[by], minutes="Met on the report."
    )
    decision = reviews.review_decision_add(review=review, by=by, text="Retrain the drivers.")
    reviews.review_action_add(
        review=review,
        by=by,
        title="Brief the drivers",
        owner=by,
        due_on=today + timedelta(days=30),
        decision=decision,
    )
    return review
