"""A chart in a real browser: drawn by plotly.js, its numbers as a table, its CSV downloaded."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from journeys.models import QualityObjective
from stakeholders.models import Partner
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_indicators import ON_TIME, indicators, open_chart
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_indicator_chart_shows_its_numbers_as_a_table_and_downloads_them_as_csv(
    live_server: Any,
    make_user: Any,
    open_page: Any,
    objective: QualityObjective,
    partner: Partner,
) -> None:
    manager = make_user("quality_manager", username="quality-charts")
    delivery = indicators(manager, objective, partner)
    tab = open_page(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}{delivery.get_absolute_url()}")
    open_chart(page)
    expect(page.locator("#control-chart .main-svg").first).to_be_visible()
    expect(page.locator("#control-chart .legend")).to_contain_text("So far (period in progress)")
    table = page.get_by_test_id("control-chart-table")
    expect(table.locator("tbody tr").first).to_be_hidden()
    table.get_by_text("Show the numbers as a table").click()
    expect(table.locator("tbody tr")).to_have_count(len(ON_TIME))
    expect(table.locator("tbody tr").last).to_contain_text("in progress: not judged")
    with page.expect_download() as download:
        page.get_by_test_id("control-chart-csv").click()

    saved = download.value
    assert saved.suggested_filename == "deliveries-on-the-promised-day-control-chart.csv"
    rows = list(csv.reader(io.StringIO(Path(saved.path()).read_text())))
    assert rows[0][:3] == ["Period", "Value (%)", "n"]
    assert rows[1][:2] == ["Jan 2024", "88.2"]
    assert rows[-1][-1] == "in progress: not judged"
    assert len(rows) == len(ON_TIME) + 1
    screenshot(page, "chart-table-desktop")
    assert tab.errors == []


def test_zooming_the_control_chart_zooms_the_moving_range_under_it_on_a_phone(
    live_server: Any,
    make_user: Any,
    open_page: Any,
    objective: QualityObjective,
    partner: Partner,
) -> None:
    manager = make_user("quality_manager", username="quality-zoom")
    delivery = indicators(manager, objective, partner)
    tab = open_page(PHONE)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{delivery.get_absolute_url()}")
    open_chart(page)

    page.evaluate(
        """() => Plotly.relayout("control-chart", {"xaxis.range": ["2025-01-01", "2025-06-30"]})"""
    )

    page.wait_for_function(
        """() => document.getElementById("secondary-chart").layout.xaxis.range[0]
            .startsWith("2025-01-01")"""
    )
    # A phone shows the notes' numbers only, not their words.
    notes = page.evaluate(
        """() => document.getElementById("control-chart").layout.annotations
            .filter((note) => note.hovertext).map((note) => note.text)"""
    )
    assert notes == ["<b>1</b>", "<b>2</b>", "<b>3</b>"]
    assert tab.errors == []
