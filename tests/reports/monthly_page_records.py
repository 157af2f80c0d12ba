"""The records the monthly report's pages address, as URL arguments (the access table, the form
pages): a published report, its draft review, a decision, an action, a failed e-mail."""

from typing import Any

from reports.models import MonthlyReport, ReportDelivery
from tests.core.factories import UserFactory
from tests.reports.monthly_records import draft_review, published_report


def month_of(report: MonthlyReport) -> dict[str, Any]:
    """Return the month of a report as its URLs name it."""
    return {"month": report.slug}


def report_month() -> dict[str, Any]:
    """Store a published report and return its month."""
    return month_of(published_report())


def review_month() -> dict[str, Any]:
    """Store a published report with a draft review; return its month."""
    return month_of(draft_review().report)


def decision_address() -> dict[str, Any]:
    """Record a draft review and return the address of its decision's removal."""
    review = draft_review()
    return {**month_of(review.report), "kind": "decisions", "pk": review.decisions.get().pk}


def action_address() -> dict[str, Any]:
    """Record a draft review and return its month and its action's key."""
    review = draft_review()
    return {**month_of(review.report), "pk": review.actions.get().pk}


def failed_delivery_address() -> dict[str, Any]:
    """Store a report whose e-mail to someone failed; return its month and the e-mail's key."""
    report = published_report()
    delivery = ReportDelivery.objects.create(
        report=report,
        recipient=UserFactory.create(),
        email="ceo@example.org",
        status=ReportDelivery.Status.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    return {**month_of(report), "pk": delivery.pk}
