"""A quality manager reads the Pareto of complaints, a journey's heat view and a touchpoint's
evidence in a real browser: the charts are drawn, the pages raise no error."""

from typing import Any

import pytest
from playwright.sync_api import expect

from journeys.models import Touchpoint
from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import ThemeFactory
from tests.reports.complaint_records import activities, complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACES = """(id) => document.getElementById(id).data.map((trace) => trace.type)"""


def test_the_pareto_draws_its_bars_and_cumulative_lines(
    live_server: Any,
    make_user: Any,
    open_page: Any,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
) -> None:
    manager = make_user("quality_manager", username="quality")
    frontline = make_user("frontline", username="frank")
    late = ThemeFactory.create(by=manager, name="Late delivery")
    damaged = ThemeFactory.create(by=manager, name="Damaged parcel")
    for cause, tags, place in [
        ("method", [late], delivery),
        ("method", [late, damaged], delivery),
        ("people", [damaged], touchpoint),
        ("machine", [late], delivery),
        ("", [], touchpoint),
    ]:
        complaint(by=frontline, manager=manager, root_cause=cause, themes=tags, touchpoint=place)
    activities(100)
    tab = open_page(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/reports/pareto/")

    for chart in ("chart-pareto-category", "chart-pareto-root-cause"):
        expect(page.locator(f"#{chart} .main-svg").first).to_be_visible()
        assert page.evaluate(TRACES, chart) == ["bar", "scatter"]
    expect(page.get_by_test_id("unclassified").last).to_contain_text("1 complaint not yet")
    screenshot(page, "pareto-desktop")
    assert tab.errors == []

    page.goto(f"{live_server.url}/reports/journeys/{delivery.stage.journey_id}/heat/")
    expect(page.locator(f'[data-touchpoint="{delivery.pk}"].jm-heat-5')).to_be_visible()
    screenshot(page, "journey-heat-desktop")
    assert tab.errors == []

    page.goto(f"{live_server.url}/reports/touchpoints/{delivery.pk}/")
    expect(page.locator("#chart-touchpoint-categories .main-svg").first).to_be_visible()
    screenshot(page, "touchpoint-evidence-desktop")
    assert tab.errors == []
