"""The monthly report's life: requested on the 1st, generated once, frozen, printed, e-mailed.

These tests run the real engines (kaleido's Chromium for the charts, WeasyPrint for the PDF) on a
small organisation: one complaint category with complaints last month, so that the report has
charts to draw.
"""

import smtplib
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.charts import Chart, figure_table, pareto
from core.models import OutboxMessage
from reports.models import MonthlyReport, ReportDelivery, ReportSubscription
from reports.monthly import images, render
from reports.monthly.months import ReportMonth
from reports.monthly.pdf import pdf_from_html
from reports.monthly.sections import complaints
from reports.services.monthly_reports import (
    DELIVERY_ATTEMPTS,
    monthly_report_generate,
    monthly_report_request,
    report_delivery_send,
)
from reports.tasks import ReportBusy, monthly_report_due_task
from tests.reports.pdf_pages import chart_boxes, pdf_text_pages

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_MONTH = ReportMonth.of(TODAY).previous


@pytest.fixture
def readers(make_user: Callable[..., User]) -> dict[str, User]:
    """Two executives, a subscribed quality manager, an unsubscribed one, one without e-mail."""
    people = {
        "eva": make_user("executive", email="eva@example.org"),
        "olaf": make_user("executive", email="olaf@example.org"),
        "quinn": make_user("quality_manager", email="quinn@example.org"),
        "rita": make_user("quality_manager", email="rita@example.org"),
        "nomail": make_user("executive", email=""),
    }
    ReportSubscription.objects.create(user=people["quinn"])
    return people


@pytest.fixture
def charted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the complaints section two charts whatever its data (the small organisation has
    too few complaints for the section to chart any)."""

    def two_charts(data: dict[str, Any], month: ReportMonth) -> list[Chart]:
        figures = [
            ("first", pareto([("Late", 7.0), ("Billing", 3.0)], value_label="Complaints")),
            ("second", pareto([("Rude", 2.0), ("Other", 1.0)], value_label="Complaints")),
        ]
        return [
            Chart(
                key=f"test_{key}",
                title=f"Test chart {key}",
                figure=figure,
                table=figure_table(figure),
            )
            for key, figure in figures
        ]

    monkeypatch.setattr(complaints, "charts", two_charts)


def test_monthly_task_twice_makes_one_report_and_one_email_per_recipient(
    readers: dict[str, User], charted: None, django_capture_on_commit_callbacks: Any
) -> None:
    """The 1st-of-the-month task, run twice, publishes last month's report once: each
    executive and each subscriber gets one e-mail with the summary and the PDF attached;
    an executive without an address and an unsubscribed quality manager get none."""
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_report_due_task(TODAY.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        second = monthly_report_due_task(TODAY.isoformat())

    assert first == second
    report = MonthlyReport.objects.get()
    assert (report.month, report.status) == (LAST_MONTH.first, MonthlyReport.Status.PUBLISHED)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "eva@example.org",
        "olaf@example.org",
        "quinn@example.org",
    ]
    message = mail.outbox[0]
    assert LAST_MONTH.label in message.subject
    assert "In summary:" in message.body
    (name, pdf, kind) = message.attachments[0]
    assert (name, kind) == (f"loyalty-health-{LAST_MONTH.slug}.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF")
    assert bytes(report.pdf) == pdf
    assert set(report.deliveries.values_list("status", flat=True)) == {"sent"}
    # The second run queued nothing: one generation, one e-mail per recipient.
    generations = OutboxMessage.objects.filter(task__endswith="monthly_report_generate_task")
    assert generations.count() == 1


def test_a_chart_that_fails_is_replaced_by_its_table_and_the_report_says_so(
    readers: dict[str, User],
    charted: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The chart engine times out on one chart: the report is still published, with that
    chart's numbers as a table and a visible note, the other chart drawn, the failure listed on
    the report and in its e-mail, and a PDF."""
    draw = images.svg
    calls: list[int] = []

    def first_fails(figure: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("the chart engine did not answer in 30 s")
        return draw(figure, **kwargs)

    monkeypatch.setattr(images, "svg", first_fails)

    with django_capture_on_commit_callbacks(execute=True):
        monthly_report_request(month=LAST_MONTH, by=readers["quinn"])

    report = MonthlyReport.objects.get()
    assert report.status == MonthlyReport.Status.PUBLISHED
    assert [problem["what"] for problem in report.problems] == ["Complaints: Test chart first"]
    assert "did not answer" in report.problems[0]["error"]
    assert "This chart could not be drawn" in report.html
    assert "<td>Late</td>" in report.html  # the failed chart's numbers, as a table
    assert report.html.count('src="data:image/svg+xml;base64,') == len(calls) - 1
    assert bytes(report.pdf).startswith(b"%PDF")
    assert "Complaints: Test chart first" in mail.outbox[0].body


def test_rerendering_a_stored_report_gives_the_same_document_after_the_data_changes(
    readers: dict[str, User], charted: None, django_capture_on_commit_callbacks: Any, make_user
) -> None:
    """The report's inputs are frozen: a review signed since, new users and a changed
    organisation name do not change what re-rendering the stored content gives."""
    with django_capture_on_commit_callbacks(execute=True):
        monthly_report_request(month=LAST_MONTH, by=readers["quinn"])
    report = MonthlyReport.objects.get()

    make_user("executive", email="new@example.org")
    User.objects.filter(pk=readers["eva"].pk).update(first_name="Changed", last_name="Name")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.ORGANISATION_NAME", "Renamed Ltd")
        again = render.render(report.content)

    assert again.html == report.html
    assert again.body_html == report.body_html


def test_a_month_in_progress_or_a_non_manager_is_refused(readers: dict[str, User]) -> None:
    """A report covers an ended month; only quality managers (and the schedule) request one."""
    with pytest.raises(ValidationError) as refused:
        monthly_report_request(month=ReportMonth.of(TODAY), by=readers["quinn"])
    assert "has not ended" in str(refused.value.message_dict["month"])
    with pytest.raises(PermissionDenied):
        monthly_report_request(month=LAST_MONTH, by=readers["eva"])
    assert not MonthlyReport.objects.exists()


class FailingBackend:
    """An e-mail backend whose server refuses every message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failing_email_is_tried_again_and_its_failure_shows_on_the_report(
    readers: dict[str, User], settings: Any
) -> None:
    """The mail server refuses: each try is counted with its error; after the last try the
    e-mail stands "failed"; once the server answers again a send delivers it exactly once."""
    report = MonthlyReport.objects.create(
        month=LAST_MONTH.first,
        status=MonthlyReport.Status.PUBLISHED,
        pdf=b"%PDF-1.4 test",
        published_at=timezone.now(),
    )
    delivery = ReportDelivery.objects.create(
        report=report, recipient=readers["eva"], email="eva@example.org"
    )
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    for attempt in range(1, DELIVERY_ATTEMPTS + 1):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            report_delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.sent_at is None
    assert delivery.status == ReportDelivery.Status.FAILED
    assert "Connection unexpectedly closed" in delivery.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert report_delivery_send(delivery_id=delivery.pk) == 1
    assert report_delivery_send(delivery_id=delivery.pk) == 0
    delivery.refresh_from_db()
    assert (delivery.status, len(mail.outbox)) == (ReportDelivery.Status.SENT, 1)


def test_report_month_names_its_period_and_comparisons() -> None:
    """Hand-computed: March 2024 (a leap year) runs 1-31 March; its previous month is February
    2024 (29 days) and the same month a year before is March 2023; it has ended on 1 April."""
    month = ReportMonth.parse("2024-03")

    assert (month.first, month.last) == (date(2024, 3, 1), date(2024, 3, 31))
    assert month.previous.last == date(2024, 2, 29)
    assert month.year_ago.first == date(2023, 3, 1)
    assert [item.slug for item in month.months_back(3)] == ["2024-01", "2024-02", "2024-03"]
    assert not month.has_ended(date(2024, 3, 31))
    assert month.has_ended(date(2024, 3, 31) + timedelta(days=1))


def test_the_pdf_repeats_table_headers_keeps_charts_whole_and_uses_the_projects_fonts() -> None:
    """A 150-row table and five charts printed with the report's stylesheet: the table's header
    row is on every page it spans, no chart crosses a page's bottom margin, the page numbers
    and the running footer print, and every embedded font, the charts' too, is the project's
    own (DejaVu Sans, as "Report Sans"), not whatever the machine has."""
    figure = pareto([("Late", 7.0), ("Billing", 3.0)], value_label="Complaints")
    image = images.data_uri(images.svg(figure))
    rows = "".join(f"<tr><td>Row {n}</td><td class='number'>{n}</td></tr>" for n in range(150))
    charts = "".join(
        f'<figure class="report-chart"><figcaption>Chart {n}</figcaption>'
        f'<img src="{image}" alt="" width="640" height="300"></figure>'
        for n in range(5)
    )
    html = (
        f"<html><head><style>{render.stylesheet()}</style></head><body><article class='report'>"
        "<p class='report-running-footer'>Test organisation · generated today</p>"
        "<table class='report-table'><thead><tr><th>Header measure</th><th>Count</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>{charts}</article></body></html>"
    )

    pdf = pdf_from_html(html)

    pages = pdf_text_pages(pdf)
    table_pages = [text for text in pages if "Row " in text]
    assert len(table_pages) >= 3
    assert all("Header measure" in text for text in table_pages)
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    assert all("Test organisation · generated today" in text for text in pages)
    page_height = 297 / 25.4 * 96  # A4 in CSS pixels
    bottom_margin = 20 / 25.4 * 96
    boxes = chart_boxes(html)
    assert len(boxes) == 5
    assert all(box.top + box.height <= page_height - bottom_margin + 1 for box in boxes)
    listing = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    assert fonts, listing
    assert all(font.startswith("Report-Sans") for font in fonts), fonts


def test_a_generation_whose_worker_died_is_taken_over_and_a_busy_one_waits(
    readers: dict[str, User], charted: None, settings: Any
) -> None:
    """A worker claimed the report and died: while its claim is fresh another delivery of the
    task waits (ReportBusy, retried); once the claim is older than REPORT_CLAIM_MINUTES a
    quality manager's request queues it again and the next worker publishes it."""
    report = MonthlyReport.objects.create(
        month=LAST_MONTH.first,
        status=MonthlyReport.Status.GENERATING,
        claimed_at=timezone.now() - timedelta(minutes=5),
    )
    with pytest.raises(ReportBusy):
        monthly_report_generate(report_id=report.pk)
    assert monthly_report_request(month=LAST_MONTH, by=readers["quinn"]).status == "generating"

    MonthlyReport.objects.filter(pk=report.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=settings.REPORT_CLAIM_MINUTES + 1)
    )
    assert monthly_report_request(month=LAST_MONTH, by=readers["quinn"]).status == "queued"
    published = monthly_report_generate(report_id=report.pk)

    assert published is not None
    assert published.status == MonthlyReport.Status.PUBLISHED
    assert monthly_report_generate(report_id=report.pk) is None  # done: a redelivery does nothing
