"""A recurring eNPS survey's pulses in a real browser: the table, the trend chart, the departments.

The results are the hand-computed case of tests/feedback/pulse_case.py: pulse 1 scores +18,
pulse 2 +20, and pulse 3 (in progress) has fewer than 5 answers.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.models import Survey
from stakeholders.models import Department
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import SMALL_PHONE, assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import SurveyFactory
from tests.feedback.pulse_case import WEEKS, answer_the_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff_pulse(make_user: Any, department: Department) -> Survey:
    """Return an eNPS survey e-mailed to staff every six weeks, answered as in the case."""
    manager = make_user("quality_manager", username="quality-pulses")
    survey = SurveyFactory.create(
        created_by=manager,
        name="Team pulse",
        kind=Survey.Kind.ENPS,
        recurrence_weeks=WEEKS,
        pulse_audience=Survey.Audience.STAFF,
        starts_at=timezone.now() - timedelta(weeks=2 * WEEKS, days=1),
    )
    answer_the_case(survey, department, [make_user("frontline") for _number in range(11)])
    return survey


def open_pulses(page: Page, base_url: str, survey: Survey) -> None:
    """Sign in as the quality manager and go from the survey's page to its pulses."""
    sign_in(page, base_url, "quality-pulses", TEST_PASSWORD)
    page.goto(f"{base_url}{survey.get_absolute_url()}")
    page.get_by_test_id("pulses-link").click()
    page.wait_for_load_state("networkidle")


def test_quality_manager_reads_each_pulse_and_the_trend(
    live_server: Any, make_user: Any, open_page: Any, department: Department
) -> None:
    survey = staff_pulse(make_user, department)
    tab = open_page(DESKTOP)
    page = tab.page

    open_pulses(page, live_server.url, survey)

    assert page.url.endswith(reverse("feedback:survey-pulses", args=[survey.pk]))
    rows = page.get_by_test_id("pulse-table").locator("tbody tr")
    expect(rows).to_have_count(3)
    running = rows.nth(0)
    expect(running.get_by_test_id("in-progress")).to_be_visible()
    expect(running.locator("[data-score]")).to_contain_text("fewer than 5 answers")
    expect(running.locator("[data-change]")).to_contain_text("no verdict yet")
    expect(rows.nth(1).locator("[data-score] strong")).to_have_text("20")
    expect(rows.nth(1).locator("[data-change]")).to_contain_text("+2")
    expect(rows.nth(2).locator("[data-score] strong")).to_have_text("18")
    expect(rows.nth(2).locator("[data-participation]")).to_have_text("55%")
    expect(page.locator("#chart-pulse-trend .main-svg").first).to_be_visible()
    expect(page.locator("#chart-pulse-trend .scatterlayer .point")).to_have_count(2)
    departments = page.get_by_test_id("department-table")
    expect(departments.locator('[data-department="Logistics"]').first).to_contain_text(
        "fewer than 5 answers"
    )
    expect(departments.locator('[data-department="Other departments"]')).to_contain_text("20")
    screenshot(page, "pulses-desktop")
    assert tab.errors == []


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["phone", "small-phone"])
def test_pulses_read_on_a_phone_without_sideways_scrolling(
    live_server: Any, make_user: Any, open_page: Any, department: Department, viewport: Any
) -> None:
    survey = staff_pulse(make_user, department)
    tab = open_page(viewport)
    page = tab.page

    open_pulses(page, live_server.url, survey)

    expect(page.get_by_test_id("pulse-table")).to_be_visible()
    expect(page.locator("#chart-pulse-trend .main-svg").first).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, f"pulses-{viewport['width']}")
    # The survey list, its link to the pulses among the columns: the page does not scroll
    # sideways (the quality manager's table scrolls within itself).
    page.goto(f"{live_server.url}{reverse('feedback:survey-list')}")
    expect(page.get_by_test_id("pulses-link")).to_be_visible()
    sideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(sideways) == 0
    assert tab.errors == []
