"""Reads of the monthly reports: who sees which, the archive, one report with its review."""

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Length

from ..models import ManagementReview, MonthlyReport, ReportDelivery
from ..monthly.months import ReportMonth


def monthly_reports_visible_to(user: Any) -> QuerySet[MonthlyReport]:
    """Return the reports a user may read: all of them for executives and quality managers
    (reports.view_monthlyreport), none for anyone else. Every page, download and API route of
    the reports asks this."""
    if not user.is_authenticated or not user.has_perm("reports.view_monthlyreport"):
        return MonthlyReport.objects.none()
    return MonthlyReport.objects.all()


def monthly_report_archive(user: Any) -> QuerySet[MonthlyReport]:
    """Return the archive's rows, newest month first, without the stored documents (a list
    never loads the HTML or the PDF), with each row's review and its PDF's size (`pdf_bytes`)."""
    return (
        monthly_reports_visible_to(user)
        .select_related("review", "review__signed_off_by")
        .defer("content", "html", "body_html", "pdf")
        .annotate(pdf_bytes=Length("pdf"))
        .order_by("-month")
    )


def monthly_report_for(user: Any, slug: str) -> MonthlyReport | None:
    """Return the report of the month named "YYYY-MM" if the user may read it, else None."""
    try:
        month = ReportMonth.parse(slug)
    except ValueError:
        return None
    return monthly_reports_visible_to(user).filter(month=month.first).first()


def review_of(report: MonthlyReport) -> ManagementReview | None:
    """Return the report's review with its people, decisions and actions loaded, if any."""
    return (
        ManagementReview.objects.filter(report=report)
        .select_related("signed_off_by", "created_by")
        .prefetch_related(
            "attendees",
            "decisions",
            "actions__owner",
            "actions__cycle",
            "actions__decision",
        )
        .first()
    )


def deliveries_of(report: MonthlyReport) -> QuerySet[ReportDelivery]:
    """Return the report's e-mails with their recipients."""
    return report.deliveries.select_related("recipient").order_by("recipient__username")


def management_reviews_visible_to(user: Any) -> QuerySet[ManagementReview]:
    """Return the management reviews a user may read: those of the reports they may read."""
    return ManagementReview.objects.filter(report__in=monthly_reports_visible_to(user))
