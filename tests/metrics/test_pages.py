"""Metrics pages: the indicator list, one indicator's chart and actions, and the recompute runs."""

import json
import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journeys.models import Journey, QualityObjective, Touchpoint
from metrics import services
from metrics.models import Annotation, Driver, Indicator, LimitSegment, RecomputeRun, Snapshot
from stakeholders.constants import StakeholderGroup
from stakeholders.models import CustomerSegment, Partner
from tests.core.queries import assert_queries_flat
from tests.metrics.factories import IndicatorFactory
from tests.metrics.snapshots import months, write_xmr

pytestmark = pytest.mark.django_db

READERS = ["frontline", "quality_manager", "executive"]
# Two years of months: a shift after the first year (new limits) and one point beyond the new
# upper limit in November 2025 (a WE1 signal).
SERIES = [50, 52, 49, 51, 53, 50, 48, 51, 52, 49, 50, 51]
SERIES += [56, 57, 55, 58, 56, 57, 56, 55, 57, 56, 72, 57]


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def chart_of(html: str) -> dict[str, Any]:
    """Return what the page hands to charts.js: the control chart, the one under it, the table."""
    found = re.search(
        r'<script id="control-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def traces_named(figure: dict[str, Any], start: str) -> list[dict[str, Any]]:
    """Return the figure's traces whose name starts with `start`."""
    return [trace for trace in figure["data"] if trace.get("name", "").startswith(start)]


@pytest.fixture
def charted(delivery: Touchpoint) -> Indicator:
    """A lagging CSAT-like indicator with 20 months of snapshots, a target and new limits."""
    indicator = IndicatorFactory.create(
        code="delivery-satisfaction",
        name="Delivery satisfaction",
        kind=Indicator.Kind.LAGGING,
        unit="%",
        target=55,
        amber_threshold=50,
        red_threshold=45,
        touchpoint=delivery,
        status=Indicator.Status.MEETS_TARGET,
        variation=Indicator.Variation.COMMON_CAUSE,
        trend=Indicator.TrendVerdict.IMPROVING,
        trend_slope=0.61,
        trend_p_value=0.004,
    )
    write_xmr(indicator, [float(value) for value in SERIES], restart_at=12)
    LimitSegment.objects.create(
        indicator=indicator, starts_on=date(2025, 1, 1), reason="New courier"
    )
    return indicator


# The list ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", READERS)
def test_list_shows_every_role_the_indicators_by_stakeholder_group(
    client_for, charted, visitor
) -> None:
    IndicatorFactory.create(name="Staff engagement", stakeholder_group=StakeholderGroup.EMPLOYEES)

    html = page(client_for(visitor), reverse("metrics:indicator-list"))

    assert 'data-indicator="delivery-satisfaction"' in html
    assert html.index('data-group-heading="customers"') < html.index("Delivery satisfaction")
    assert html.index("Delivery satisfaction") < html.index('data-group-heading="employees"')
    assert html.index('data-group-heading="employees"') < html.index("Staff engagement")
    assert "57%" in html  # the latest value with its unit
    assert 'data-status="meets_target"' in html
    assert 'data-variation="common_cause"' in html
    assert 'data-trend="improving"' in html
    assert "p = 0.004" in html


def test_list_offers_new_indicator_only_to_those_who_may_define_one(client_for) -> None:
    reader = page(client_for("executive"), reverse("metrics:indicator-list"))
    manager = page(client_for("quality_manager"), reverse("metrics:indicator-list"))

    assert reverse("metrics:indicator-create") not in reader
    assert reverse("metrics:indicator-create") in manager


def test_a_user_without_a_role_is_refused(db) -> None:
    from tests.core.factories import UserFactory

    client = Client()
    client.force_login(UserFactory.create())

    assert client.get(reverse("metrics:indicator-list")).status_code == 403
    assert client.get(reverse("metrics:run-list")).status_code == 403


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=leading", ["leading-one"], ["lagging-one", "staff-pulse"]),
        ("stakeholder_group=employees", ["staff-pulse"], ["leading-one", "lagging-one"]),
        ("status=red", ["lagging-one"], ["leading-one", "staff-pulse"]),
        ("q=PULSE", ["staff-pulse"], ["leading-one", "lagging-one"]),
        ("q=lagging-o", ["lagging-one"], ["leading-one", "staff-pulse"]),
    ],
)
def test_list_filters_by_kind_group_status_and_text(client_for, query, shown, hidden) -> None:
    IndicatorFactory.create(code="leading-one", name="Callbacks kept", kind="leading")
    IndicatorFactory.create(code="lagging-one", name="Retention", kind="lagging", status="red")
    IndicatorFactory.create(
        code="staff-pulse",
        name="Staff pulse",
        kind="lagging",
        stakeholder_group=StakeholderGroup.EMPLOYEES,
    )

    html = page(client_for("frontline"), f"{reverse('metrics:indicator-list')}?{query}")

    for code in shown:
        assert f'data-indicator="{code}"' in html
    for code in hidden:
        assert f'data-indicator="{code}"' not in html
    assert "Clear filters" in html


def test_list_filters_by_journey_including_its_touchpoints(
    client_for, journey: Journey, delivery: Touchpoint
) -> None:
    IndicatorFactory.create(code="on-journey", journey=journey)
    IndicatorFactory.create(code="on-touchpoint", touchpoint=delivery)
    IndicatorFactory.create(code="organisation-wide")

    html = page(
        client_for("frontline"), f"{reverse('metrics:indicator-list')}?journey={journey.pk}"
    )

    assert 'data-indicator="on-journey"' in html
    assert 'data-indicator="on-touchpoint"' in html
    assert 'data-indicator="organisation-wide"' not in html


def test_an_invalid_filter_is_ignored(client_for) -> None:
    IndicatorFactory.create(code="kept")

    html = page(client_for("frontline"), f"{reverse('metrics:indicator-list')}?kind=bogus")

    assert 'data-indicator="kept"' in html


def test_stakeholder_balance_counts_active_indicators_by_status(client_for) -> None:
    for status in ("meets_target", "meets_target", "red"):
        IndicatorFactory.create(status=status)
    IndicatorFactory.create(status="amber", is_active=False)
    IndicatorFactory.create(stakeholder_group=StakeholderGroup.PARTNERS, status="amber")

    html = page(client_for("executive"), reverse("metrics:indicator-list"))
    balance = html[html.index('data-testid="stakeholder-balance"') : html.index("</section>")]

    assert re.search(r'data-count="customers">3<', balance)
    assert re.search(r'data-count="partners">1<', balance)
    assert re.search(r'data-count="shareholders">0<', balance)
    assert re.search(r'data-status-count="meets_target">2<', balance)
    assert re.search(r'data-status-count="red">1<', balance)
    assert "Not measured yet" in balance


def test_stakeholder_balance_queries_do_not_grow_with_the_indicators() -> None:
    """The balance groups and counts in the database, not one query per indicator or group."""
    from metrics.selectors import stakeholder_balance

    IndicatorFactory.create_batch(3)

    assert_queries_flat(
        lambda: list(stakeholder_balance()),
        grow=lambda: [
            IndicatorFactory.create(stakeholder_group=group, status=status)
            for group in StakeholderGroup
            for status in ("meets_target", "amber", "red")
        ],
    )

    assert sum(group.total for group in stakeholder_balance()) == 3 + 3 * len(StakeholderGroup)


def test_list_paginates(client_for) -> None:
    for number in range(30):
        IndicatorFactory.create(code=f"paged-{number:02d}", name=f"Paged {number:02d}")
    client = client_for("frontline")

    first = page(client, reverse("metrics:indicator-list"))
    second = page(client, f"{reverse('metrics:indicator-list')}?page=2")

    assert 'data-indicator="paged-00"' in first
    assert 'data-indicator="paged-29"' not in first
    assert 'data-indicator="paged-29"' in second
    assert "Page 2 of 2" in second


def test_list_runs_the_same_number_of_queries_as_indicators_grow(
    client_for,
    journey: Journey,
    delivery: Touchpoint,
    partner: Partner,
    segment: CustomerSegment,
    colleague: User,
) -> None:
    client = client_for("quality_manager")
    url = reverse("metrics:indicator-list")
    scopes: list[dict[str, Any]] = [
        {"journey": journey},
        {"touchpoint": delivery},
        {"partner": partner, "segment": segment},
        {"owner": colleague},
    ]
    IndicatorFactory.create(**scopes[0])
    client.get(url)  # warm per-session caches (roles, permissions)
    small = query_count(client, url)

    for number in range(20):
        IndicatorFactory.create(
            stakeholder_group=list(StakeholderGroup)[number % 6], **scopes[number % 4]
        )

    assert query_count(client, url) == small


# One indicator ----------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", READERS)
def test_detail_shows_every_role_the_chart_and_the_story(client_for, charted, visitor) -> None:
    html = page(client_for(visitor), charted.get_absolute_url())
    chart = chart_of(html)

    figure = chart["figure"]
    assert len(chart["table"]["rows"]) == len(SERIES)
    assert traces_named(figure, "Target 55%")
    # The limits restart in January 2025: the centre line breaks there.
    assert [line["x"][0] for line in traces_named(figure, "Centre line")] == [
        "2024-01-01",
        "2025-01-01",
    ]
    (signals,) = traces_named(figure, "Special cause")
    assert signals["x"] == ["2025-11-01"]
    assert "WE1: One point beyond 3 sigma" in signals["text"][0]
    assert traces_named(chart["below"], "Moving range")[0]["y"]
    assert "plotly-cartesian.min.js" in html
    assert "js/charts.js" in html
    assert 'data-testid="signals-legend"' in html
    assert "One point beyond 3 sigma" in html
    assert "+0.61 percentage points per month" in html
    assert "p = 0.004" in html
    assert "Improving" in html
    assert "From Jan 2025" in html
    assert "New courier" in html
    assert charted.scope_label in html  # "Delivery": the touchpoint it measures


def test_detail_loads_plotly_from_our_static_files(client_for, charted, settings) -> None:
    html = page(client_for("frontline"), charted.get_absolute_url())

    src = re.search(r'<script src="([^"]*plotly[^"]*)"', html)
    assert src
    assert src.group(1) == f"/static/{settings.PLOTLY_JS}"
    assert client_for("frontline").get(src.group(1)).status_code == 200


def test_detail_of_an_unknown_code_is_not_found(client_for) -> None:
    assert client_for("frontline").get("/metrics/no-such-code/").status_code == 404


def test_detail_without_snapshots_says_so_and_loads_no_chart_library(client_for) -> None:
    indicator = IndicatorFactory.create()

    html = page(client_for("frontline"), indicator.get_absolute_url())

    assert 'data-testid="no-chart"' in html
    assert "plotly" not in html


def test_detail_shows_the_latest_value_with_its_95_percent_interval(client_for) -> None:
    indicator = IndicatorFactory.create(unit="", computation="nps", chart_type="xmr")
    write_xmr(
        indicator,
        [31.0, 35.0, 33.0],
        extra={2: {"n": 212, "low": 26.4, "high": 39.6, "margin_of_error": 6.6}},
    )

    html = page(client_for("executive"), indicator.get_absolute_url())

    latest = html[html.index('data-testid="latest"') :]
    assert 'data-testid="latest-value">33<' in latest
    assert "n = 212" in latest
    assert "26.4 to 39.6" in latest
    assert "± 6.6" in latest


def test_detail_lists_drivers_strongest_first_with_every_lag(client_for, charted) -> None:
    weak = IndicatorFactory.create(code="weak", name="Weak driver")
    strong = IndicatorFactory.create(code="strong", name="Strong driver")
    Driver.objects.create(
        leading=weak, lagging=charted, best_lag=0, best_r=0.2, best_p_value=0.4, best_n=20
    )
    Driver.objects.create(
        leading=strong,
        lagging=charted,
        declared=True,
        lags=[
            {"lag": 0, "r": 0.31, "p_value": 0.2, "n": 20},
            {"lag": 1, "r": -0.72, "p_value": 0.0004, "n": 19},
            {"lag": 2, "r": 0.1, "p_value": 0.7, "n": 18},
            {"lag": 3, "r": 0.05, "p_value": 0.8, "n": 17},
        ],
        best_lag=1,
        best_r=-0.72,
        best_p_value=0.0004,
        best_n=19,
    )

    html = page(client_for("frontline"), charted.get_absolute_url())
    drivers = html[html.index('data-testid="drivers"') :]

    assert "What moves this outcome" in drivers
    assert drivers.index('data-driver="strong"') < drivers.index('data-driver="weak"')
    assert "-0.72" in drivers
    assert "&lt; 0.001" in drivers
    assert "1 period" in drivers
    assert "0.31" in drivers
    assert "0.05" in drivers


def test_detail_lists_objectives_annotations_and_paginates_snapshots(
    client_for, charted, objective: QualityObjective
) -> None:
    QualityObjective.objects.filter(pk=objective.pk).update(indicator=charted)
    services.annotation_upsert(
        indicator=charted, starts_on=date(2024, 6, 1), label="Cycle 4: Do", link="/feedback/ideas/"
    )
    Annotation.objects.create(
        indicator=charted, starts_on=date(2024, 7, 1), label="Script", link="javascript:alert(1)"
    )
    client = client_for("frontline")

    first = page(client, charted.get_absolute_url())
    second = page(client, f"{charted.get_absolute_url()}?page=2")

    assert "Deliver on the promised day" in first
    assert '<a href="/feedback/ideas/">Cycle 4: Do</a>' in first
    assert "javascript:" not in first  # a link that runs script is shown as plain text
    assert 'data-period="2025-08-01"' in first  # newest first, 12 a page
    assert 'data-period="2024-01-01"' not in first
    assert 'data-period="2024-01-01"' in second


def test_detail_runs_the_same_number_of_queries_as_history_grows(
    client_for, objective: QualityObjective, charted
) -> None:
    client = client_for("quality_manager")
    small = IndicatorFactory.create(code="small", kind="lagging")
    write_xmr(small, [1.0, 2.0, 3.0])
    client.get(small.get_absolute_url())  # warm per-session caches (roles, permissions)
    before = query_count(client, small.get_absolute_url())

    for number in range(8):
        leading = IndicatorFactory.create(code=f"driver-{number}")
        Driver.objects.create(leading=leading, lagging=charted, best_lag=1, best_r=0.1 * number)
        services.annotation_upsert(
            indicator=charted, starts_on=date(2024, 1 + number, 1), label=f"Note {number}"
        )
    QualityObjective.objects.filter(pk=objective.pk).update(indicator=charted)
    LimitSegment.objects.create(indicator=charted, starts_on=date(2025, 5, 1), reason="Again")

    assert query_count(client, charted.get_absolute_url()) == before


@pytest.mark.parametrize("visitor", ["frontline", "executive"])
def test_detail_hides_the_actions_from_readers(client_for, charted, visitor) -> None:
    html = page(client_for(visitor), charted.get_absolute_url())

    for name in ("indicator-edit", "limits-recalculate", "annotation-add", "driver-declare"):
        assert reverse(f"metrics:{name}", args=[charted.code]) not in html
    assert reverse("metrics:indicator-recompute", args=[charted.code]) not in html


def test_detail_shows_the_actions_to_quality_managers(client_for, charted) -> None:
    html = page(client_for("quality_manager"), charted.get_absolute_url())

    for name in (
        "indicator-edit",
        "limits-recalculate",
        "annotation-add",
        "driver-declare",
        "indicator-recompute",
    ):
        assert reverse(f"metrics:{name}", args=[charted.code]) in html
    assert "Recalculate limits from here" in html


ACTIONS = {
    "limits-recalculate": {"starts_on": "2024-06-01", "reason": "New script"},
    "annotation-add": {"label": "Note", "kind": "note", "starts_on": "2024-06-01"},
    "driver-declare": {"leading": ""},
    "indicator-recompute": {},
}


@pytest.mark.parametrize("visitor", ["frontline", "executive"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_readers_cannot_post_actions(client_for, charted, visitor, action) -> None:
    before = (
        Annotation.objects.count(),
        LimitSegment.objects.count(),
        RecomputeRun.objects.count(),
    )

    response = client_for(visitor).post(
        reverse(f"metrics:{action}", args=[charted.code]), ACTIONS[action]
    )

    assert response.status_code == 403
    after = (Annotation.objects.count(), LimitSegment.objects.count(), RecomputeRun.objects.count())
    assert after == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_actions_take_post_only(client_for, charted, action) -> None:
    url = reverse(f"metrics:{action}", args=[charted.code])

    assert client_for("quality_manager").get(url).status_code == 405


def test_actions_need_a_csrf_token(make_user, charted) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("quality_manager"))

    response = client.post(
        reverse("metrics:annotation-add", args=[charted.code]), ACTIONS["annotation-add"]
    )

    assert response.status_code == 403
    assert Annotation.objects.count() == 0


# Defining indicators ----------------------------------------------------------------------------

VALID = {
    "code": "callback-kept",
    "name": "Callbacks kept",
    "kind": "leading",
    "stakeholder_group": "customers",
    "computation": "observed",
    "grain": "month",
    "unit": "%",
    "direction": "higher_is_better",
    "target": "90",
    "amber_threshold": "85",
    "red_threshold": "80",
    "chart_type": "xmr",
    "rule_set": "western_electric",
    "is_active": "on",
}


def test_quality_manager_defines_an_indicator(client_for) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:indicator-create"), VALID, follow=True
    )

    indicator = Indicator.objects.get(code="callback-kept")
    assert response.redirect_chain[-1][0] == indicator.get_absolute_url()
    assert "Indicator defined" in response.content.decode()
    assert indicator.target == 90
    assert indicator.needs_full_recompute


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"computation": "nps", "chart_type": "p"}, "chart_type", "does not fit"),
        ({"amber_threshold": "95"}, "amber_threshold", "must not be better than"),
        ({"code": "runs"}, "code", "names a page"),
        ({"code": "Not A Code"}, "code", "Use lower-case letters"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_defining_an_invalid_indicator_explains_next_to_the_field_and_saves_nothing(
    client_for, change, field, message
) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:indicator-create"), {**VALID, **change}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert re.search(rf'id="error_1_id_{field}"', html), "the error is not next to its field"
    assert Indicator.objects.count() == 0


def test_a_taken_code_is_refused(client_for) -> None:
    IndicatorFactory.create(code="callback-kept")

    response = client_for("quality_manager").post(reverse("metrics:indicator-create"), VALID)

    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_an_application_error_shows_at_the_top_and_saves_nothing(client_for, monkeypatch) -> None:
    from core.exceptions import ApplicationError

    def refuse(**fields: Any) -> Indicator:
        raise ApplicationError("Indicators are frozen during the audit.")

    monkeypatch.setattr(services, "indicator_create", refuse)

    response = client_for("quality_manager").post(reverse("metrics:indicator-create"), VALID)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in html
    assert "frozen during the audit" in html
    assert Indicator.objects.count() == 0


def test_quality_manager_edits_an_indicator_but_not_its_code(client_for, charted) -> None:
    data = {
        **VALID,
        "code": "renamed",
        "kind": "lagging",
        "target": "60",
        "amber_threshold": "55",
        "red_threshold": "50",
    }

    response = client_for("quality_manager").post(
        reverse("metrics:indicator-edit", args=[charted.code]), data
    )

    charted.refresh_from_db()
    assert response.status_code == 302
    assert charted.code == "delivery-satisfaction"
    assert charted.target == 60
    assert charted.needs_full_recompute


def test_an_invalid_edit_saves_nothing(client_for, charted) -> None:
    data = {**VALID, "kind": "lagging", "target": "", "amber_threshold": "50"}

    response = client_for("quality_manager").post(
        reverse("metrics:indicator-edit", args=[charted.code]), data
    )

    charted.refresh_from_db()
    assert response.status_code == 400
    assert "Set a target before amber and red thresholds." in response.content.decode()
    assert charted.target == 55


@pytest.mark.parametrize("visitor", ["frontline", "executive"])
def test_readers_cannot_define_or_edit_indicators(client_for, charted, visitor) -> None:
    client = client_for(visitor)

    created = client.post(reverse("metrics:indicator-create"), VALID)
    edited = client.post(reverse("metrics:indicator-edit", args=[charted.code]), VALID)

    assert created.status_code == edited.status_code == 403
    assert Indicator.objects.count() == 1


# Actions ----------------------------------------------------------------------------------------


def test_limits_restart_at_a_chosen_period_with_a_reason(client_for, charted) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:limits-recalculate", args=[charted.code]),
        {"starts_on": "2025-06-01", "reason": "New returns process"},
        follow=True,
    )

    segment = LimitSegment.objects.get(indicator=charted, starts_on=date(2025, 6, 1))
    assert segment.reason == "New returns process"
    assert Annotation.objects.filter(indicator=charted, kind="limits").exists()
    assert "New limits from the chosen period" in response.content.decode()


def test_limits_without_a_reason_are_refused_next_to_the_field(client_for, charted) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:limits-recalculate", args=[charted.code]),
        {"starts_on": "2025-06-01", "reason": " "},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Say why the process changed" in html
    assert '<details class="mt-3" open>' in html  # the form stays open with its error
    assert LimitSegment.objects.filter(indicator=charted).count() == 1


def test_limits_cannot_restart_at_the_first_period(client_for, charted) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:limits-recalculate", args=[charted.code]),
        {"starts_on": "2024-01-01", "reason": "Too early"},
        follow=True,
    )

    assert "only after the first period with data" in response.content.decode()
    assert LimitSegment.objects.filter(indicator=charted).count() == 1


def test_limits_refuse_a_period_without_a_snapshot(client_for, charted) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:limits-recalculate", args=[charted.code]),
        {"starts_on": "2030-01-01", "reason": "Future"},
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert LimitSegment.objects.filter(indicator=charted).count() == 1


def test_quality_manager_annotates_a_range_with_a_link(client_for, charted) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:annotation-add", args=[charted.code]),
        {
            "label": "PDCA cycle 7: Do",
            "kind": "pdca",
            "starts_on": "2024-09-01",
            "ends_on": "2024-11-30",
            "link": "/feedback/ideas/",
        },
        follow=True,
    )

    html = response.content.decode()
    annotation = Annotation.objects.get(indicator=charted, label="PDCA cycle 7: Do")
    assert annotation.ends_on == date(2024, 11, 30)
    assert "Annotation added" in html
    assert '<a href="/feedback/ideas/">PDCA cycle 7: Do</a>' in html
    layout = chart_of(html)["figure"]["layout"]
    note = next(note for note in layout["annotations"] if note.get("hovertext"))
    assert (note["text"], note["x"]) == ("<b>1</b> PDCA cycle 7: Do", "2024-09-01")
    assert {"type": "rect", "x0": "2024-09-01", "x1": "2024-11-30"}.items() <= layout["shapes"][
        0
    ].items()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": "2024-08-01"}, "The end date is before the start date."),
        ({"link": "javascript:alert(1)"}, "Give a page of this site"),
        ({"label": ""}, "This field is required."),
        ({"starts_on": "soon"}, "Enter a valid date."),
    ],
)
def test_an_invalid_annotation_is_explained_and_not_saved(
    client_for, charted, change, message
) -> None:
    data = {"label": "Note", "kind": "note", "starts_on": "2024-09-01", **change}

    response = client_for("quality_manager").post(
        reverse("metrics:annotation-add", args=[charted.code]), data
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Annotation.objects.count() == 0


def test_quality_manager_declares_a_driver(client_for, charted) -> None:
    leading = IndicatorFactory.create(code="courier-on-time", name="Courier on time")

    response = client_for("quality_manager").post(
        reverse("metrics:driver-declare", args=[charted.code]), {"leading": leading.pk}, follow=True
    )

    driver = Driver.objects.get(leading=leading, lagging=charted)
    assert driver.declared
    assert "Driver declared" in response.content.decode()
    assert 'data-driver="courier-on-time"' in response.content.decode()


def test_a_driver_of_another_grain_is_refused_with_a_message(client_for, charted) -> None:
    weekly = IndicatorFactory.create(code="weekly", grain="week")

    response = client_for("quality_manager").post(
        reverse("metrics:driver-declare", args=[charted.code]), {"leading": weekly.pk}, follow=True
    )

    assert "Both indicators need the same grain" in response.content.decode()
    assert Driver.objects.count() == 0


def test_a_lagging_indicator_cannot_be_declared_a_driver(client_for, charted) -> None:
    lagging = IndicatorFactory.create(code="other-outcome", kind="lagging")

    response = client_for("quality_manager").post(
        reverse("metrics:driver-declare", args=[charted.code]), {"leading": lagging.pk}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Driver.objects.count() == 0


def test_recompute_this_indicator_starts_a_full_run_for_it(client_for, charted) -> None:
    response = client_for("quality_manager").post(
        reverse("metrics:indicator-recompute", args=[charted.code]), follow=True
    )

    run = RecomputeRun.objects.get()
    assert (run.mode, run.trigger, run.indicator) == ("full", "button", charted)
    assert response.redirect_chain[-1][0] == charted.get_absolute_url()
    assert f"Run {run.pk} started" in response.content.decode()


def test_recompute_while_another_run_is_busy_says_so(client_for, charted) -> None:
    RecomputeRun.objects.create(mode="incremental", trigger="schedule")

    response = client_for("quality_manager").post(
        reverse("metrics:indicator-recompute", args=[charted.code]), follow=True
    )

    skipped = RecomputeRun.objects.get(status=RecomputeRun.Status.SKIPPED)
    assert skipped.error
    assert "is running" in skipped.error
    assert "is running; this one did nothing" in response.content.decode()


# Recompute runs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", READERS)
def test_runs_page_lists_runs_for_every_role(client_for, charted, visitor) -> None:
    from django.utils import timezone

    RecomputeRun.objects.create(
        mode="full",
        trigger="command",
        status="succeeded",
        finished_at=timezone.now(),
        indicators=12,
        cells=345,
        rows_scanned=67890,
    )
    RecomputeRun.objects.create(
        mode="incremental",
        trigger="button",
        status="skipped",
        indicator=charted,
        error="Another recompute (run 1) is running; this one did nothing.",
    )

    html = page(client_for(visitor), reverse("metrics:run-list"))

    assert 'data-status="succeeded"' in html
    assert "345" in html
    assert "67,890" in html
    assert "this one did nothing" in html
    assert ('data-testid="run-form"' in html) is (visitor == "quality_manager")


@pytest.mark.parametrize(("full", "mode"), [(False, "incremental"), (True, "full")])
def test_recompute_now_starts_an_incremental_run_or_a_full_rebuild(client_for, full, mode) -> None:
    data = {"full": "on"} if full else {}

    response = client_for("quality_manager").post(reverse("metrics:run-start"), data, follow=True)

    run = RecomputeRun.objects.get()
    assert (run.mode, run.trigger, run.indicator) == (mode, "button", None)
    assert response.redirect_chain[-1][0] == reverse("metrics:run-list")
    assert f'data-run="{run.pk}"' in response.content.decode()


def test_recompute_now_while_busy_shows_the_skipped_run(client_for) -> None:
    RecomputeRun.objects.create(mode="incremental", trigger="schedule")

    response = client_for("quality_manager").post(reverse("metrics:run-start"), follow=True)

    html = response.content.decode()
    assert RecomputeRun.objects.filter(status="skipped").count() == 1
    assert "alert-warning" in html
    assert "this one did nothing" in html


@pytest.mark.parametrize("visitor", ["frontline", "executive"])
def test_readers_cannot_start_a_run(client_for, visitor) -> None:
    response = client_for(visitor).post(reverse("metrics:run-start"), {"full": "on"})

    assert response.status_code == 403
    assert RecomputeRun.objects.count() == 0


def test_runs_page_paginates_with_constant_queries(client_for) -> None:
    client = client_for("executive")
    RecomputeRun.objects.create(mode="full", trigger="command", status="succeeded")
    client.get(reverse("metrics:run-list"))
    small = query_count(client, reverse("metrics:run-list"))
    for _number in range(30):
        RecomputeRun.objects.create(mode="full", trigger="command", status="failed", error="x")

    assert query_count(client, reverse("metrics:run-list")) == small
    assert "Page 2 of 2" in page(client, f"{reverse('metrics:run-list')}?page=2")


def test_snapshot_helper_flags_the_outlier() -> None:
    """The test data itself: the 72 after new limits is beyond 3 sigma, nothing else is."""
    indicator = IndicatorFactory.create()

    write_xmr(indicator, [float(value) for value in SERIES], restart_at=12)

    flagged = list(Snapshot.objects.exclude(signals=[]).values_list("period", "signals"))
    assert flagged == [(months(date(2024, 1, 1), 23)[-1], ["WE1"])]


# How the pages write numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (93.34, "%", "93.3%"),
        (12.0, "complaints", "12 complaints"),
        (1234.5, "", "1,234"),
        (2.5, "hours", "2.50 hours"),
        (0.04231, "", "0.0423"),
        (-3.0, "", "\u22123"),
        (None, "%", "—"),
    ],
)
def test_values_are_written_with_decimals_by_size_and_their_unit(value, unit, text) -> None:
    from metrics.templatetags.metrics_format import measure

    assert measure(value, unit) == text


def test_p_values_periods_and_durations_read_as_people_write_them() -> None:
    from metrics.templatetags.metrics_format import p_value, period_label, seconds, signed

    assert [p_value(0.0004), p_value(0.0312), p_value(0.41)] == [
        "p < 0.001",
        "p = 0.031",
        "p = 0.41",
    ]
    assert period_label(date(2026, 3, 2), "week") == "week of 2 Mar 2026"
    assert period_label(date(2026, 3, 1), "month") == "Mar 2026"
    assert [seconds(0.42), seconds(185), seconds(3725)] == ["0.4 s", "3 min 05 s", "1 h 02 min"]
    assert [signed(0.42), signed(-1.3)] == ["+0.42", "\u22121.30"]
