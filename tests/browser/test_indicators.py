"""A quality manager reads the indicators and one control chart, on a laptop and on a phone."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from journeys.models import QualityObjective
from metrics import services
from metrics.models import Driver, Indicator, LimitSegment
from stakeholders.constants import StakeholderGroup
from stakeholders.models import Partner
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD
from tests.metrics.factories import IndicatorFactory
from tests.metrics.snapshots import write_xmr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two years of monthly on-time delivery: a better courier from January 2025 (new limits), one
# bad month after it (a WE1 signal) and a run of 8 months above the old centre line (WE4).
ON_TIME = [88.2, 90.1, 87.5, 89.4, 86.9, 88.8, 90.6, 87.9, 89.1, 88.4, 86.5, 88.9]
ON_TIME += [92.4, 93.1, 92.0, 93.8, 92.6, 93.4, 92.9, 93.6, 92.2, 93.0, 86.1, 93.3]


def indicators(owner: Any, objective: QualityObjective, partner: Partner) -> Indicator:
    """Define a small but realistic set of indicators; return the charted lagging one, which
    measures the objective at its touchpoint (the delivery)."""
    delivery = IndicatorFactory.create(
        code="delivery-on-time",
        name="Deliveries on the promised day",
        kind=Indicator.Kind.LAGGING,
        unit="%",
        target=92,
        amber_threshold=90,
        red_threshold=85,
        touchpoint=objective.touchpoint,
        owner=owner,
        description="Share of parcels delivered on the day promised at checkout.",
        status=Indicator.Status.MEETS_TARGET,
        variation=Indicator.Variation.COMMON_CAUSE,
        trend=Indicator.TrendVerdict.IMPROVING,
        trend_slope=0.31,
        trend_p_value=0.012,
        baseline_periods=12,
    )
    write_xmr(delivery, ON_TIME, restart_at=12)
    # December 2025 has not ended: drawn as a value so far, judged by nobody.
    Indicator.objects.filter(pk=delivery.pk).update(
        complete_before=date(2025, 12, 1),
        latest_period=date(2025, 11, 1),
        latest_value=ON_TIME[-2],
        current_period=date(2025, 12, 1),
        current_value=ON_TIME[-1],
        current_n=1,
    )
    LimitSegment.objects.create(
        indicator=delivery, starts_on=date(2025, 1, 1), reason="SwiftParcel replaced the courier"
    )
    services.annotation_upsert(
        indicator=delivery,
        starts_on=date(2025, 1, 1),
        label="New limits: SwiftParcel replaced the courier",
        kind="limits",
    )
    services.annotation_upsert(
        indicator=delivery,
        starts_on=date(2024, 9, 1),
        ends_on=date(2024, 11, 30),
        label="PDCA: courier trial",
        kind="pdca",
        link="/feedback/ideas/",
    )
    services.annotation_upsert(
        indicator=delivery, starts_on=date(2025, 11, 1), label="Storm week", kind="note"
    )
    QualityObjective.objects.filter(pk=objective.pk).update(indicator=delivery)

    leading = IndicatorFactory.create(
        code="courier-first-attempt",
        name="Courier first-attempt success",
        unit="%",
        partner=partner,
        stakeholder_group=StakeholderGroup.PARTNERS,
        status=Indicator.Status.AMBER,
        target=95,
        variation=Indicator.Variation.SPECIAL_IMPROVING,
        trend=Indicator.TrendVerdict.NO_TREND,
        trend_slope=0.05,
        trend_p_value=0.41,
    )
    write_xmr(leading, [value + 3 for value in ON_TIME])
    Driver.objects.create(
        leading=leading,
        lagging=delivery,
        declared=True,
        lags=[
            {"lag": 0, "r": 0.58, "p_value": 0.004, "n": 24},
            {"lag": 1, "r": 0.71, "p_value": 0.0002, "n": 23},
            {"lag": 2, "r": 0.33, "p_value": 0.13, "n": 22},
            {"lag": 3, "r": 0.12, "p_value": 0.6, "n": 21},
        ],
        best_lag=1,
        best_r=0.71,
        best_p_value=0.0002,
        best_n=23,
    )
    for code, name, group, status, variation in [
        ("nps", "Net Promoter Score", "customers", "amber", "special_deteriorating"),
        ("complaints", "Complaints per 1,000 orders", "customers", "red", "common_cause"),
        ("enps", "Employee NPS", "employees", "meets_target", "common_cause"),
        ("ideas", "Ideas implemented", "employees", "no_target", "not_enough_data"),
        ("leader-walks", "Leadership service walks", "leaders", "no_data", "not_enough_data"),
    ]:
        other = IndicatorFactory.create(
            code=code,
            name=name,
            kind="lagging",
            stakeholder_group=group,
            status=status,
            variation=variation,
        )
        write_xmr(other, [40.0, 42.0, 41.0, 44.0, 43.0, 45.0])
    return delivery


def open_chart(page: Page) -> None:
    """Wait until Plotly has drawn both charts."""
    expect(page.locator("#control-chart.js-plotly-plot")).to_be_visible()
    expect(page.locator("#control-chart .scatterlayer .trace").first).to_be_visible()
    expect(page.locator("#secondary-chart.js-plotly-plot")).to_be_visible()


def test_quality_manager_reads_the_indicators_and_a_control_chart(
    live_server: Any,
    make_user: Any,
    open_page: Any,
    objective: QualityObjective,
    partner: Partner,
) -> None:
    manager = make_user("quality_manager", username="quality", first_name="Quinn")
    delivery = indicators(manager, objective, partner)
    tab = open_page(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.get_by_role("link", name="Indicators").click()

    expect(page.get_by_role("heading", name="Indicators", exact=True)).to_be_visible()
    balance = page.get_by_test_id("stakeholder-balance")
    expect(balance.locator('[data-count="customers"]')).to_have_text("3")
    expect(balance.locator('[data-count="shareholders"]')).to_have_text("0")
    expect(page.locator("[data-indicator]")).to_have_count(7)
    screenshot(page, "indicators-list-desktop")

    page.get_by_role("link", name="Deliveries on the promised day").click()
    open_chart(page)

    chart = page.evaluate(
        """() => {
            const node = document.getElementById("control-chart");
            return node.data.map((trace) => ({name: trace.name, text: trace.text || null}));
        }"""
    )
    names = [trace["name"] for trace in chart]
    assert len(chart) >= 6, names
    assert {"Centre line", "Control limits", "Target 92%"} <= set(names)
    signal_traces = [trace for trace in chart if trace["name"].startswith("Special cause")]
    assert signal_traces, names
    assert any("One point beyond 3 sigma" in text for text in signal_traces[0]["text"])
    expect(page.locator("#control-chart .legend")).to_contain_text("Special cause")
    legend = page.get_by_test_id("signals-legend")
    expect(legend).to_contain_text("WE1")
    expect(legend).to_contain_text("One point beyond 3 sigma")
    expect(page.get_by_test_id("annotations")).to_contain_text("PDCA: courier trial")
    expect(page.get_by_test_id("drivers")).to_contain_text("Courier first-attempt success")
    expect(page.get_by_test_id("objectives")).to_contain_text("Deliver on the promised day")

    drawn = page.evaluate(
        """() => {
            const main = document.getElementById("control-chart").data;
            const value = main.find((trace) => trace.name === "Value");
            const soFar = main.find((trace) => trace.name.startsWith("So far"));
            const secondary = document.getElementById("secondary-chart").data;
            return {
                value: value.x.length,
                soFar: soFar ? {x: soFar.x, text: soFar.text, dash: soFar.line.dash,
                                symbol: soFar.marker.symbol} : null,
                limitSpans: secondary.filter((trace) => trace.meta === "secondary-limit")
                    .map((trace) => trace.x),
            };
        }"""
    )
    assert drawn["value"] == len(ON_TIME) - 1
    assert drawn["soFar"] == {
        "x": ["2025-11-01", "2025-12-01"],
        "text": ["", "so far"],
        "dash": "dot",
        "symbol": "circle-open",
    }
    # Each limit segment's moving range has its own centre line and upper limit, over its months.
    assert ["2024-02-01", "2024-12-01"] in drawn["limitSpans"]  # a segment's first range is none
    assert ["2025-02-01", "2025-12-01"] in drawn["limitSpans"]
    assert len(drawn["limitSpans"]) == 4
    expect(page.get_by_test_id("latest")).to_contain_text("so far in Dec 2025")
    screenshot(page, "indicator-detail-desktop")
    assert page.url == f"{live_server.url}{delivery.get_absolute_url()}"
    assert tab.errors == []


def test_the_control_chart_fits_a_phone(
    live_server: Any,
    make_user: Any,
    open_page: Any,
    objective: QualityObjective,
    partner: Partner,
) -> None:
    manager = make_user("quality_manager", username="quality-phone")
    delivery = indicators(manager, objective, partner)
    tab = open_page(PHONE)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/metrics/")
    expect(page.locator("[data-indicator]")).to_have_count(7)
    screenshot(page, "indicators-list-phone")
    page.goto(f"{live_server.url}{delivery.get_absolute_url()}")
    open_chart(page)

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"
    chart_width = page.locator("#control-chart").bounding_box()
    assert chart_width
    assert chart_width["width"] <= PHONE["width"]
    screenshot(page, "indicator-detail-phone")
    assert tab.errors == []
