"""The executive monthly report on the demo organisation, in a real browser, as an executive:
open the latest report from the menu, read it, record the review with a decision whose action
starts a PDCA cycle, and download a PDF whose every chart is drawn (its pages turned into images
by pdftoppm, the chart regions read pixel by pixel).

Loading the demo is the longest step of a browser test, so these checks run inside the one test
that loads it (`test_readme_screenshots.py`).
"""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import ViewportSize, expect

from improvement.models import PDCACycle
from reports.models import MonthlyReport
from tests.browser.conftest import PageWithConsole, sign_in
from tests.conftest import FAST_HASHERS
from tests.reports.pdf_pages import chart_boxes, coloured_share, inked_share, page_images

DEMO_PASSWORD = "loyalty-demo"
LAPTOP: ViewportSize = {"width": 1400, "height": 900}
DECISION = "Fund a second courier for the northern region from January."
ACTION = "Tender a second courier for the northern region"


def check_the_monthly_report(
    base_url: str,
    open_page: Callable[[ViewportSize], PageWithConsole],
    pictures: Path | None = None,
) -> None:
    """Read the latest report, record its review with a cycle, download and check the PDF."""
    latest = MonthlyReport.objects.order_by("-month").first()
    assert latest is not None, "the demo made no monthly report"
    assert latest.status == MonthlyReport.Status.PUBLISHED
    executive = User.objects.get(username="executive")
    quality = User.objects.get(username="quality")
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        browser_page = open_page(LAPTOP)
        page = browser_page.page
        sign_in(page, base_url, "executive", DEMO_PASSWORD)

        # The menu leads to the archive, the archive to the latest report.
        page.get_by_role("link", name="Monthly report").first.click()
        reports = page.get_by_test_id("monthly-reports")
        expect(reports).to_contain_text(latest.label)
        reports.get_by_role("link", name=latest.label).first.click()
        body = page.get_by_test_id("report-body")
        expect(body.get_by_role("heading", level=1)).to_contain_text(latest.label)
        # It opens with what became of the previous review's actions, then the summary.
        expect(body.locator("#section-actions")).to_contain_text("Overdue")
        expect(body.locator("#section-summary li").first).to_be_visible()
        expect(body.locator("#section-complaints img").first).to_be_visible()
        if pictures is not None:
            page.screenshot(path=pictures / "monthly-report.png")

        # The review: who met, a decision, an action that starts a PDCA cycle.
        review = page.get_by_test_id("review-form")
        review.locator("#id_review_held_on").fill(timezone.localdate().isoformat())
        review.locator("#id_review_attendees").select_option([str(executive.pk), str(quality.pk)])
        review.get_by_role("button").click()
        expect(page.get_by_test_id("review-status")).to_contain_text("Draft")
        decision = page.get_by_test_id("decision-form")
        decision.get_by_role("textbox").fill(DECISION)
        decision.get_by_role("button").click()
        expect(page.get_by_test_id("decisions")).to_contain_text(DECISION)
        page.get_by_test_id("action-add").evaluate("(details) => { details.open = true; }")
        action = page.get_by_test_id("action-form")
        action.locator("#id_action_title").fill(ACTION)
        action.locator("#id_action_owner").select_option(str(quality.pk))
        action.locator("#id_action_due_on").fill(
            (timezone.localdate() + timedelta(days=30)).isoformat()
        )
        action.locator("#id_action_decision").select_option(index=1)
        action.get_by_role("button").click()
        expect(page.get_by_test_id("review-actions")).to_contain_text(ACTION)
        page.get_by_test_id("start-cycle").first.click()
        expect(page.get_by_test_id("action-cycle").first).to_be_visible()
        cycle = PDCACycle.objects.get(title=ACTION)
        assert cycle.origin == PDCACycle.Origin.MANAGEMENT_REVIEW
        assert cycle.owner.username == "quality"

        # The PDF: a real PDF, every chart of the document drawn where the layout puts it.
        with page.expect_download() as download:
            page.get_by_test_id("pdf-link").click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        assert download.value.suggested_filename == f"loyalty-health-{latest.slug}.pdf"
        boxes = chart_boxes(latest.html)
        assert len(boxes) == latest.html.count('src="data:image/svg+xml;base64,') > 0
        pages = page_images(pdf)
        for box in boxes:
            image = pages[box.page - 1]
            assert inked_share(image, box) > 0.01, f"a blank chart on page {box.page}"
            assert coloured_share(image, box) > 0.002, f"a chart without data on page {box.page}"
        assert browser_page.errors == []
