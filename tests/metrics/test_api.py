"""The metrics REST API: indicators, observations, recomputes, charts, limits, notes, drivers."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import IdempotencyRecord
from journeys.models import Journey, Touchpoint
from metrics.models import (
    Annotation,
    Driver,
    Indicator,
    LimitSegment,
    Observation,
    RecomputeRun,
    Snapshot,
)
from stakeholders.models import CustomerSegment, Partner
from tests.metrics.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

INDICATOR_FIELDS = {
    "code",
    "name",
    "description",
    "owner",
    "kind",
    "stakeholder_group",
    "active_customer",
    "active_window_days",
    "journey",
    "touchpoint",
    "partner",
    "segment",
    "unit",
    "direction",
    "target",
    "amber_threshold",
    "red_threshold",
    "grain",
    "chart_type",
    "baseline_periods",
    "computation",
    "rule_set",
    "is_active",
    "status",
    "status_label",
    "variation",
    "assurance",
    "assurance_label",
    "trend",
    "trend_slope",
    "trend_p_value",
    "latest_period",
    "latest_value",
    "current_period",
    "current_value",
    "current_n",
    "url",
}
RUN_FIELDS = {
    "id",
    "status",
    "cells",
    "rows_scanned",
    "started_at",
    "finished_at",
    "error",
    "heartbeat_at",
    "attempt",
    "resumes",
    "resumed_by",
}
CHART_FIELDS = {
    "chart_type",
    "center",
    "ucl",
    "lcl",
    "sigma",
    "points",
    "complete_before",
    "secondary",
}
CHART_POINT_FIELDS = {"period", "value", "n", "ucl", "lcl", "signals", "in_progress"}
SERIES_FIELDS = {
    "code",
    "grain",
    "unit",
    "status",
    "status_label",
    "variation",
    "trend",
    "latest",
    "in_progress",
    "complete_before",
    "snapshots",
}
SNAPSHOT_FIELDS = {
    "period",
    "value",
    "n",
    "numerator",
    "denominator",
    "margin_of_error",
    "low",
    "high",
    "center",
    "ucl",
    "lcl",
    "signals",
    "in_progress",
}
# The charts each computation's statistic fits; every other pairing is refused.
ALLOWED_CHARTS = {
    "nps": {"xmr"},
    "csat": {"xmr", "p"},
    "ces": {"xmr"},
    "enps": {"xmr"},
    "complaint_count": {"xmr", "c"},
    "complaint_rate": {"xmr", "u"},
    "time_to_acknowledge": {"xmr"},
    "time_to_resolve": {"xmr"},
    "sla_compliance": {"xmr", "p"},
    "first_contact_resolution": {"xmr", "p"},
    "mystery_shop_score": {"xmr"},
    "ideas_implemented": {"xmr", "c"},
    "retention": {"xmr", "p"},
    "repeat_purchase": {"xmr", "p"},
    "referral_rate": {"xmr", "p"},
    "churn": {"xmr", "p"},
    "observed": {"xmr", "xbar_r", "p", "c", "u"},
}
# Twelve months of an observed process: centre 50.5; the eleven moving ranges add up to 23.
MONTHLY_VALUES = [50.0, 52.0, 49.0, 51.0, 53.0, 50.0, 48.0, 52.0, 51.0, 50.0, 49.0, 51.0]
AVERAGE_MOVING_RANGE = 23 / 11


def url(code: str, name: str = "detail") -> str:
    """Return an indicator's endpoint: its detail or one of its actions."""
    return reverse(f"indicator-{name}", kwargs={"code": code})


def api_as(user: Any) -> APIClient:
    """Return an API client authenticated as the user."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_for(make_user: Callable[..., Any]) -> Callable[[str], APIClient]:
    """Return a function giving an API client authenticated as a new user of that role."""
    return lambda key: api_as(make_user(key))


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> APIClient:
    """An API client of a quality manager, who defines indicators and loads their values."""
    return api_as(make_user("quality_manager"))


@pytest.fixture
def indicator(roles: None) -> Indicator:
    """An observed indicator on an XmR chart, by month."""
    return IndicatorFactory.create(code="delivery-time", name="Delivery time", unit="hours")


@pytest.fixture
def eager(settings: Any) -> Any:
    """Run the per-indicator recompute tasks inline, then restore the app's own setting."""
    from loyaltyqms.celery import app

    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def definition(**fields: Any) -> dict[str, Any]:
    """Return a valid indicator definition as a client posts it (override any field)."""
    return {
        "code": "nps-online",
        "name": "NPS online",
        "kind": "lagging",
        "stakeholder_group": "customers",
        "computation": "nps",
        "chart_type": "xmr",
    } | fields


def rows(*values: float, n: float | None = None) -> list[dict[str, Any]]:
    """Return observation rows for consecutive months from January 2026."""
    return [
        {"period": date(2026, month, 1).isoformat(), "value": value}
        | ({} if n is None else {"n": n})
        for month, value in enumerate(values, start=1)
    ]


# Indicators -------------------------------------------------------------------------------------


def test_indicator_answers_exactly_the_contract_fields(api_for, indicator) -> None:
    """Integrators rely on the field names, the choice codes and the page link."""
    response = api_for("executive").get(url("delivery-time"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == INDICATOR_FIELDS
    assert body["code"] == "delivery-time"
    assert (body["kind"], body["stakeholder_group"], body["computation"]) == (
        "leading",
        "customers",
        "observed",
    )
    assert (body["chart_type"], body["grain"], body["direction"], body["rule_set"]) == (
        "xmr",
        "month",
        "higher_is_better",
        "western_electric",
    )
    assert (body["status"], body["variation"], body["trend"]) == (
        "no_data",
        "not_enough_data",
        "not_enough_data",
    )
    assert body["latest_period"] is None
    assert body["url"] == "/metrics/delivery-time/"


def test_quality_manager_defines_an_indicator_with_scope_owner_and_targets(
    manager, make_user, delivery: Touchpoint, segment: CustomerSegment
) -> None:
    """Every writable field is stored; the recompute is told to build all its periods."""
    owner = make_user("quality_manager")
    payload = definition(
        code="csat-delivery",
        name="CSAT at delivery",
        description="Share of 4-5 answers after delivery.",
        owner=owner.pk,
        computation="csat",
        chart_type="p",
        touchpoint=delivery.pk,
        segment=segment.pk,
        unit="%",
        direction="higher_is_better",
        target=90,
        amber_threshold=85,
        red_threshold=80,
        grain="week",
        baseline_periods=8,
        rule_set="nelson",
        is_active=True,
    )

    response = manager.post(reverse("indicator-list"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {name: body[name] for name in payload} == payload | {
        "target": 90.0,
        "amber_threshold": 85.0,
        "red_threshold": 80.0,
    }
    stored = Indicator.objects.get(code="csat-delivery")
    assert (stored.owner, stored.touchpoint, stored.segment) == (owner, delivery, segment)
    assert stored.needs_full_recompute is True


@pytest.mark.parametrize("computation", sorted(ALLOWED_CHARTS))
def test_each_computation_takes_only_the_charts_its_statistic_fits(manager, computation) -> None:
    """An allowed pairing is created; any other is refused on chart_type with the reason."""
    answers = {
        chart: manager.post(
            reverse("indicator-list"),
            definition(
                code=f"{computation.replace('_', '-')}-{chart}",
                computation=computation,
                chart_type=chart,
            ),
            format="json",
        )
        for chart in ["xmr", "xbar_r", "p", "c", "u"]
    }

    created = {chart for chart, response in answers.items() if response.status_code == 201}
    assert created == ALLOWED_CHARTS[computation]
    for chart in set(answers) - created:
        assert answers[chart].status_code == 400
        assert list(answers[chart].json()) == ["chart_type"]
    assert Indicator.objects.count() == len(created)


def test_a_chart_that_does_not_fit_is_refused_with_the_charts_that_would(manager) -> None:
    """NPS is a mean of -100/0/100 scores, not a proportion: a p chart is refused."""
    response = manager.post(reverse("indicator-list"), definition(chart_type="p"), format="json")

    assert response.status_code == 400
    assert response.json() == {"chart_type": ["A p chart does not fit nps; use one of: xmr."]}
    assert not Indicator.objects.exists()


def test_thresholds_in_the_wrong_order_are_refused_on_the_field(manager) -> None:
    """With higher is better, red must be below amber."""
    response = manager.post(
        reverse("indicator-list"),
        definition(target=50, amber_threshold=40, red_threshold=45),
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["red_threshold"]


def test_a_code_is_unique_and_lower_case(manager) -> None:
    """The code is the indicator's key in URLs and imports."""
    manager.post(reverse("indicator-list"), definition(), format="json")

    again = manager.post(reverse("indicator-list"), definition(), format="json")
    shouting = manager.post(reverse("indicator-list"), definition(code="NPS"), format="json")

    assert again.status_code == shouting.status_code == 400
    assert list(again.json()) == list(shouting.json()) == ["code"]


def test_what_the_recompute_derives_cannot_be_written(manager) -> None:
    """Status, trend and latest value come from the snapshots only."""
    response = manager.post(
        reverse("indicator-list"),
        definition(status="red", trend="improving", latest_value=3),
        format="json",
    )

    assert response.status_code == 201
    stored = Indicator.objects.get()
    assert (stored.status, stored.trend, stored.latest_value) == (
        "no_data",
        "not_enough_data",
        None,
    )


def test_a_change_goes_through_the_service_and_asks_for_a_full_recompute(
    manager, indicator
) -> None:
    """PATCH changes the fields sent; a new chart type means every period is redone."""
    Indicator.objects.filter(pk=indicator.pk).update(needs_full_recompute=False)

    response = manager.patch(
        url("delivery-time"), {"chart_type": "xbar_r", "target": 48}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["chart_type"], response.json()["target"]) == ("xbar_r", 48.0)
    indicator.refresh_from_db()
    assert (indicator.chart_type, indicator.name) == ("xbar_r", "Delivery time")
    assert indicator.needs_full_recompute is True


def test_a_full_update_replaces_the_definition(manager, indicator) -> None:
    """PUT sends the whole definition, the code included."""
    response = manager.put(
        url("delivery-time"),
        definition(code="delivery-hours", computation="observed", chart_type="c"),
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["url"] == "/metrics/delivery-hours/"
    assert Indicator.objects.get().code == "delivery-hours"


def test_a_change_the_service_refuses_leaves_the_indicator_as_it_was(manager, indicator) -> None:
    """A computed statistic cannot move to a chart that does not fit it."""
    response = manager.patch(
        url("delivery-time"), {"computation": "nps", "chart_type": "c"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["chart_type"]
    indicator.refresh_from_db()
    assert (indicator.computation, indicator.chart_type) == ("observed", "xmr")


def test_deleting_an_indicator_removes_its_observations(api_for, indicator) -> None:
    """Observations, snapshots and notes belong to their indicator (an administrator deletes;
    quality managers retire: tests/core/test_audit_trail.py)."""
    ObservationFactory.create(indicator=indicator)

    response = api_for("administrator").delete(url("delivery-time"))

    assert response.status_code == 204
    assert not Indicator.objects.exists()
    assert not Observation.objects.exists()


def test_an_unknown_code_is_a_404(api_for, indicator) -> None:
    """Indicators are looked up by code."""
    assert api_for("executive").get(url("no-such-code")).status_code == 404


# Listing and filtering --------------------------------------------------------------------------


@pytest.fixture
def catalogue(journey: Journey) -> None:
    """Four indicators differing in kind, group, journey, status and computation."""
    IndicatorFactory.create(code="obs-leading", kind="leading", stakeholder_group="employees")
    IndicatorFactory.create(
        code="nps-journey",
        kind="lagging",
        computation="nps",
        journey=journey,
        status="red",
    )
    IndicatorFactory.create(
        code="churn", kind="lagging", computation="churn", chart_type="p", status="meets_target"
    )
    IndicatorFactory.create(code="obs-partners", stakeholder_group="partners", status="red")


@pytest.mark.parametrize(
    ("parameter", "value", "codes"),
    [
        ("kind", "lagging", ["churn", "nps-journey"]),
        ("stakeholder_group", "employees", ["obs-leading"]),
        ("status", "red", ["nps-journey", "obs-partners"]),
        ("computation", "observed", ["obs-leading", "obs-partners"]),
        ("journey", "journey", ["nps-journey"]),
    ],
)
def test_the_list_filters_by_kind_group_journey_status_and_computation(
    api_for, journey: Journey, catalogue, parameter, value, codes
) -> None:
    """Each filter narrows the paginated list, which is in code order."""
    if parameter == "journey":
        value = journey.pk

    response = api_for("frontline").get(reverse("indicator-list"), {parameter: value})

    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body["results"]] == codes
    assert body["count"] == len(codes)


def test_an_unknown_filter_value_is_refused(api_for, catalogue) -> None:
    """A filter the list does not know is a 400 on that parameter, not an unfiltered list."""
    response = api_for("frontline").get(reverse("indicator-list"), {"status": "purple"})

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_indicator_list_reads_a_constant_number_of_queries(
    api_for,
    journey: Journey,
    partner: Partner,
    segment: CustomerSegment,
    delivery: Touchpoint,
    make_user,
    django_assert_max_num_queries,
) -> None:
    """Twenty scoped, owned indicators cost the same queries as two."""
    client = api_for("executive")
    for _ in range(2):
        IndicatorFactory.create(journey=journey, owner=make_user("quality_manager"))
    client.get(reverse("indicator-list"))  # the first request caches the caller's permissions
    with CaptureQueriesContext(connection) as few_rows:
        client.get(reverse("indicator-list"), {"page_size": 100})

    for number in range(18):
        IndicatorFactory.create(
            touchpoint=delivery if number % 2 else None,
            partner=None if number % 2 else partner,
            segment=segment,
            owner=make_user("quality_manager"),
        )

    with django_assert_max_num_queries(len(few_rows.captured_queries)):
        response = client.get(reverse("indicator-list"), {"page_size": 100})
    assert response.json()["count"] == 20


# Observations -----------------------------------------------------------------------------------


def test_observations_are_added_and_answered_with_their_count(manager, indicator) -> None:
    """A batch of monthly values is stored as sent."""
    response = manager.post(url("delivery-time", "observations"), rows(4.5, 5, 3.25), format="json")

    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 3}
    assert list(indicator.observations.values_list("period", "value", "n")) == [
        (date(2026, 1, 1), 4.5, None),
        (date(2026, 2, 1), 5.0, None),
        (date(2026, 3, 1), 3.25, None),
    ]


def test_several_values_of_one_period_form_a_subgroup(manager, indicator) -> None:
    """An X-bar R chart reads the values of a period together."""
    indicator.chart_type = Indicator.ChartType.XBAR_R
    indicator.save()
    subgroup = [{"period": "2026-03-01", "value": value, "n": 1} for value in (4, 5, 6)]

    response = manager.post(url("delivery-time", "observations"), subgroup, format="json")

    assert response.status_code == 201
    assert indicator.observations.filter(period=date(2026, 3, 1)).count() == 3


def test_a_batch_with_an_invalid_row_saves_nothing_and_lists_the_rows(manager, indicator) -> None:
    """All or nothing: the message names each row at fault."""
    batch = [
        {"period": "2026-01-01", "value": 4},
        {"period": "01/02/2026", "value": 5},
        {"period": "2026-03-01", "value": "many"},
    ]

    response = manager.post(url("delivery-time", "observations"), batch, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Nothing was saved: 2 row(s) are not valid."
    assert body["extra"]["rows"] == [
        "Row 2: period must be a date as YYYY-MM-DD.",
        "Row 3: value and n must be numbers.",
    ]
    assert Observation.objects.count() == 0


def test_a_p_chart_refuses_values_without_a_sample_size(manager, indicator) -> None:
    """A proportion needs its denominator on every row."""
    indicator.chart_type = Indicator.ChartType.P
    indicator.save()

    response = manager.post(
        url("delivery-time", "observations"),
        [{"period": "2026-01-01", "value": 3, "n": 40}, {"period": "2026-02-01", "value": 3}],
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["rows"] == [
        "2026-02-01: A p chart needs n (the sample size) on every row."
    ]
    assert Observation.objects.count() == 0


def test_a_computed_indicator_takes_no_observations(manager) -> None:
    """NPS comes from survey responses, not from imported values."""
    IndicatorFactory.create(code="nps", computation="nps")

    response = manager.post(url("nps", "observations"), rows(30), format="json")

    assert response.status_code == 400
    assert "only observed indicators take values" in response.json()["detail"]
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("body", [{"period": "2026-01-01", "value": 4}, []])
def test_observations_must_be_a_non_empty_list(manager, indicator, body) -> None:
    """The body is a JSON list of rows."""
    response = manager.post(url("delivery-time", "observations"), body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"]
    assert Observation.objects.count() == 0


def test_a_retried_batch_with_the_same_idempotency_key_is_stored_once(manager, indicator) -> None:
    """The retry gets the first answer, marked as replayed."""
    first = manager.post(
        url("delivery-time", "observations"),
        rows(4, 5),
        format="json",
        HTTP_IDEMPOTENCY_KEY="batch-7",
    )
    second = manager.post(
        url("delivery-time", "observations"),
        rows(4, 5),
        format="json",
        HTTP_IDEMPOTENCY_KEY="batch-7",
    )

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() == {"created": 2}
    assert second["Idempotent-Replayed"] == "true"
    assert Observation.objects.count() == 2


def test_a_refused_batch_leaves_its_idempotency_key_free(manager, indicator) -> None:
    """Only a stored answer is replayed: the corrected batch with the same key goes through."""
    manager.post(
        url("delivery-time", "observations"),
        [{"period": "soon", "value": 4}],
        format="json",
        HTTP_IDEMPOTENCY_KEY="fix",
    )

    response = manager.post(
        url("delivery-time", "observations"), rows(4), format="json", HTTP_IDEMPOTENCY_KEY="fix"
    )

    assert response.status_code == 201
    assert IdempotencyRecord.objects.count() == 1


def test_the_observations_of_an_indicator_are_listed_by_period(api_for, indicator) -> None:
    """GET on the same URL pages through the stored values."""
    ObservationFactory.create(indicator=indicator, period=date(2026, 2, 1), value=7)
    ObservationFactory.create(indicator=indicator, period=date(2026, 1, 1), value=6)
    ObservationFactory.create(indicator=IndicatorFactory.create(), period=date(2026, 1, 1))

    response = api_for("executive").get(url("delivery-time", "observations"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(row["period"], row["value"]) for row in body["results"]] == [
        ("2026-01-01", 6.0),
        ("2026-02-01", 7.0),
    ]
    assert set(body["results"][0]) == {"id", "period", "value", "n", "external_id", "created_at"}


# Recompute, chart and series --------------------------------------------------------------------


def test_recompute_answers_202_and_fills_the_chart_and_series(
    manager, indicator, eager, django_capture_on_commit_callbacks, set_today
) -> None:
    """The run is answered at once; its tasks write the snapshots the chart and series read."""
    set_today(date(2027, 1, 1))  # every month of 2026 has ended
    manager.post(url("delivery-time", "observations"), rows(*MONTHLY_VALUES), format="json")

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(url("delivery-time", "recompute"))

    assert response.status_code == 202, response.json()
    body = response.json()
    assert set(body) == RUN_FIELDS
    run = RecomputeRun.objects.get(pk=body["id"])
    assert (run.mode, run.trigger, run.indicator) == ("full", "api", indicator)
    assert run.status == RecomputeRun.Status.SUCCEEDED
    assert Snapshot.objects.filter(indicator=indicator).count() == 12

    chart = manager.get(url("delivery-time", "chart")).json()
    assert set(chart) == CHART_FIELDS
    assert chart["chart_type"] == "xmr"
    assert chart["center"] == pytest.approx(50.5, rel=1e-3)
    # XmR: the limits are the centre ± 2.66 average moving ranges.
    assert chart["ucl"] == pytest.approx(50.5 + 2.66 * AVERAGE_MOVING_RANGE, rel=1e-3)
    assert chart["lcl"] == pytest.approx(50.5 - 2.66 * AVERAGE_MOVING_RANGE, rel=1e-3)
    assert [point["value"] for point in chart["points"]] == MONTHLY_VALUES
    assert set(chart["points"][0]) == CHART_POINT_FIELDS
    assert chart["points"][0]["period"] == "2026-01-01"
    assert set(chart["secondary"]) == {"center", "ucl", "lcl"}

    series = manager.get(url("delivery-time", "series")).json()
    assert set(series) == SERIES_FIELDS
    assert (series["code"], series["grain"], series["unit"]) == ("delivery-time", "month", "hours")
    assert series["status"] == "no_target"
    assert set(series["trend"]) == {"verdict", "slope", "p_value"}
    assert series["latest"] == {"period": "2026-12-01", "value": 51.0}
    assert [snapshot["value"] for snapshot in series["snapshots"]] == MONTHLY_VALUES
    assert set(series["snapshots"][0]) == SNAPSHOT_FIELDS
    assert series["snapshots"][0]["center"] == pytest.approx(50.5, rel=1e-3)


def test_recompute_while_another_run_is_busy_answers_409(manager, indicator) -> None:
    """Runs never overlap: the skipped run says why and nothing is queued."""
    busy = RecomputeRun.objects.create(
        mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.SCHEDULE
    )

    response = manager.post(url("delivery-time", "recompute"))

    assert response.status_code == 409
    assert f"run {busy.pk}" in response.json()["detail"]
    assert RecomputeRun.objects.filter(status=RecomputeRun.Status.SKIPPED).count() == 1


def test_chart_and_series_of_an_indicator_not_yet_computed_are_empty(api_for, indicator) -> None:
    """Before the first recompute there are no points, limits or snapshots."""
    client = api_for("frontline")

    chart = client.get(url("delivery-time", "chart")).json()
    series = client.get(url("delivery-time", "series")).json()

    assert (chart["center"], chart["points"], chart["secondary"]) == (None, [], None)
    assert series["snapshots"] == []
    assert series["latest"] == {"period": None, "value": None}
    assert series["status"] == "no_data"


def test_recompute_runs_are_listed_newest_first(api_for, indicator) -> None:
    """The run list shows what triggered each run and what it covered."""
    older = RecomputeRun.objects.create(
        mode="incremental", trigger="schedule", status="succeeded", cells=40
    )
    newer = RecomputeRun.objects.create(
        mode="full", trigger="api", status="failed", indicator=indicator, error="Boom"
    )

    response = api_for("executive").get(reverse("recompute-run-list"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [newer.pk, older.pk]
    assert results[0]["indicator"] == "delivery-time"
    assert results[0]["error"] == "Boom"
    assert set(results[0]) == RUN_FIELDS | {
        "mode",
        "trigger",
        "indicator",
        "requested_by",
        "indicators",
        "changes_claimed",
    }
    detail = api_for("frontline").get(reverse("recompute-run-detail", args=[older.pk]))
    assert (detail.json()["cells"], detail.json()["indicator"]) == (40, None)


# Limits, annotations and drivers ----------------------------------------------------------------


def test_limits_restart_at_a_period_with_a_reason(manager, indicator) -> None:
    """A process change starts a new calibration window and marks the chart."""
    Snapshot.objects.create(indicator=indicator, period=date(2026, 1, 1), value=50)

    response = manager.post(
        url("delivery-time", "limits"),
        {"starts_on": "2026-03-17", "reason": "New courier"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["indicator"], body["starts_on"], body["reason"]) == (
        "delivery-time",
        "2026-03-01",
        "New courier",
    )
    assert LimitSegment.objects.get().starts_on == date(2026, 3, 1)
    assert Annotation.objects.get().kind == Annotation.Kind.LIMITS


def test_limits_cannot_restart_before_any_data(manager, indicator) -> None:
    """The first window needs periods to calibrate on."""
    response = manager.post(
        url("delivery-time", "limits"), {"starts_on": "2026-03-01", "reason": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Limits can restart only after")
    assert not LimitSegment.objects.exists()


def test_limits_need_a_reason(manager, indicator) -> None:
    """The reason is what the chart shows at the new window."""
    Snapshot.objects.create(indicator=indicator, period=date(2026, 1, 1), value=50)

    response = manager.post(
        url("delivery-time", "limits"), {"starts_on": "2026-03-01", "reason": " "}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


def test_annotations_are_added_listed_by_indicator_and_deleted(
    manager, make_user, indicator
) -> None:
    """A note posted with a source key is updated, not repeated, when posted again."""
    other = IndicatorFactory.create(code="other")
    note = {
        "indicator": "delivery-time",
        "starts_on": "2026-02-01",
        "label": "Courier strike",
        "source_key": "crm:strike",
    }
    created = manager.post(reverse("annotation-list"), note, format="json")
    manager.post(
        reverse("annotation-list"), note | {"label": "Courier strike (2 days)"}, format="json"
    )
    manager.post(
        reverse("annotation-list"),
        {"indicator": "other", "starts_on": "2026-02-01", "label": "Elsewhere"},
        format="json",
    )

    listed = api_as(make_user("executive")).get(
        reverse("annotation-list"), {"indicator": "delivery-time"}
    )
    deleted = manager.delete(reverse("annotation-detail", args=[created.json()["id"]]))

    assert created.status_code == 201, created.json()
    assert created.json()["kind"] == "note"
    assert [row["label"] for row in listed.json()["results"]] == ["Courier strike (2 days)"]
    assert deleted.status_code == 204
    assert list(Annotation.objects.values_list("indicator", flat=True)) == [other.pk]


def test_an_annotation_ending_before_it_starts_is_refused_on_ends_on(manager, indicator) -> None:
    """The model's constraint reaches the caller keyed by field."""
    response = manager.post(
        reverse("annotation-list"),
        {
            "indicator": "delivery-time",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
            "label": "Backwards",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["ends_on"]


def test_drivers_are_declared_by_code_and_listed_by_lagging_indicator(
    manager, make_user, indicator
) -> None:
    """Declaring a pair twice keeps one driver; the list shows its lagged correlations."""
    IndicatorFactory.create(code="retention", kind="lagging")
    IndicatorFactory.create(code="churn", kind="lagging")
    pair = {"leading": "delivery-time", "lagging": "retention"}

    first = manager.post(reverse("driver-list"), pair, format="json")
    again = manager.post(reverse("driver-list"), pair, format="json")
    manager.post(
        reverse("driver-list"), {"leading": "delivery-time", "lagging": "churn"}, format="json"
    )
    Driver.objects.filter(lagging__code="retention").update(
        lags=[
            {"lag": 0, "r": 0.2, "p_value": 0.4, "n": 12},
            {"lag": 1, "r": 0.6, "p_value": 0.03, "n": 11},
        ],
        best_lag=1,
        best_r=0.6,
        best_p_value=0.03,
        best_n=11,
    )
    listed = api_as(make_user("frontline")).get(reverse("driver-list"), {"lagging": "retention"})

    assert first.status_code == again.status_code == 201, first.json()
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["declared"] is True
    assert Driver.objects.count() == 2
    [row] = listed.json()["results"]
    assert (row["leading"], row["lagging"], row["best_lag"], row["best_r"]) == (
        "delivery-time",
        "retention",
        1,
        0.6,
    )
    assert row["lags"][1] == {"lag": 1, "r": 0.6, "p_value": 0.03, "n": 11}


def test_a_driver_pairs_a_leading_indicator_with_a_lagging_one(manager, indicator) -> None:
    """Two leading indicators are not a driver and an outcome."""
    IndicatorFactory.create(code="first-contact", kind="leading")

    response = manager.post(
        reverse("driver-list"),
        {"leading": "delivery-time", "lagging": "first-contact"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "A driver pairs a leading indicator with a lagging one."
    assert not Driver.objects.exists()


# Permissions ------------------------------------------------------------------------------------


@pytest.fixture
def metrics_rows(indicator: Indicator) -> dict[str, Any]:
    """An annotation, a driver and a run of the indicator, to read and act on."""
    lagging = IndicatorFactory.create(code="retention", kind="lagging")
    return {
        "annotation": Annotation.objects.create(
            indicator=indicator, starts_on=date(2026, 1, 1), label="Note"
        ),
        "driver": Driver.objects.create(leading=indicator, lagging=lagging),
        "run": RecomputeRun.objects.create(mode="full", trigger="api", status="succeeded"),
    }


def read_urls(existing: dict[str, Any]) -> list[str]:
    """Return the metrics endpoints a reader may GET that tests/test_access.py does not walk
    (they need a run, a note or a driver); it walks the indicators' and the lists."""
    return [
        reverse("recompute-run-detail", args=[existing["run"].pk]),
        reverse("annotation-detail", args=[existing["annotation"].pk]),
        reverse("driver-detail", args=[existing["driver"].pk]),
    ]


def writes(existing: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Return every metrics write as (method, endpoint, body)."""
    return [
        ("post", reverse("indicator-list"), definition()),
        ("patch", url("delivery-time"), {"name": "Renamed"}),
        ("put", url("delivery-time"), definition(code="delivery-time", computation="observed")),
        ("delete", url("delivery-time"), None),
        ("post", url("delivery-time", "observations"), rows(4)),
        ("post", url("delivery-time", "recompute"), None),
        ("post", url("delivery-time", "limits"), {"starts_on": "2026-03-01", "reason": "x"}),
        (
            "post",
            reverse("annotation-list"),
            {"indicator": "delivery-time", "starts_on": "2026-01-01", "label": "x"},
        ),
        ("delete", reverse("annotation-detail", args=[existing["annotation"].pk]), None),
        ("post", reverse("driver-list"), {"leading": "delivery-time", "lagging": "retention"}),
    ]


@pytest.mark.parametrize("role", ["frontline", "quality_manager", "executive", "administrator"])
def test_every_role_reads_indicators_and_what_is_drawn_from_them(
    api_for, metrics_rows, role
) -> None:
    """Indicators, charts, runs, notes and drivers are open to all staff."""
    client = api_for(role)

    answers = {path: client.get(path).status_code for path in read_urls(metrics_rows)}

    assert answers == dict.fromkeys(read_urls(metrics_rows), 200)


@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_frontline_staff_and_executives_change_nothing(api_for, metrics_rows, role) -> None:
    """Defining indicators, loading values, notes, limits and recomputes are quality work."""
    client = api_for(role)

    answers = {
        (method, path): getattr(client, method)(path, body, format="json").status_code
        for method, path, body in writes(metrics_rows)
    }

    assert set(answers.values()) == {403}
    assert Indicator.objects.get(code="delivery-time").name == "Delivery time"
    assert (Observation.objects.count(), Annotation.objects.count()) == (0, 1)
    assert (LimitSegment.objects.count(), RecomputeRun.objects.count()) == (0, 1)


def test_anonymous_callers_read_and_write_nothing(metrics_rows) -> None:
    """Without signing in every endpoint is refused, without a redirect."""
    client = APIClient()

    read = {client.get(path).status_code for path in read_urls(metrics_rows)}
    written = {
        getattr(client, method)(path, body, format="json").status_code
        for method, path, body in writes(metrics_rows)
    }

    assert read | written <= {401, 403}
    assert Indicator.objects.count() == 2


# Schema -----------------------------------------------------------------------------------------


def test_schema_documents_the_metrics_api_without_warnings(tmp_path) -> None:
    """Every endpoint is in the OpenAPI schema, which validates with warnings as errors."""
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    for path in [
        "/api/v1/indicators/",
        "/api/v1/indicators/{code}/",
        "/api/v1/indicators/{code}/observations/",
        "/api/v1/indicators/{code}/recompute/",
        "/api/v1/indicators/{code}/chart/",
        "/api/v1/indicators/{code}/series/",
        "/api/v1/indicators/{code}/limits/",
        "/api/v1/recompute-runs/{id}/",
        "/api/v1/annotations/{id}/",
        "/api/v1/drivers/",
    ]:
        assert f"  {path}:" in schema
    assert "IndicatorStatusEnum" in schema
