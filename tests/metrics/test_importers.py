"""The observations importer: CSV rows and API batches of observed indicator values."""

from datetime import date
from typing import Any

import pytest

from core.imports import registry
from core.imports.registry import ORIGIN_API, ORIGIN_FILE
from core.models import SourceChange
from metrics.models import Indicator, Observation
from tests.metrics.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator() -> Indicator:
    """An observed indicator on an XmR chart, by month."""
    return IndicatorFactory.create(code="delivery-time")


def importer() -> registry.Importer:
    found = registry.get("observations")
    assert found is not None
    return found


def row(**cells: str) -> dict[str, str]:
    return {
        "indicator": "delivery-time",
        "period": "2026-01-01",
        "value": "4.5",
        "n": "",
        "external_id": "",
    } | cells


def stored() -> list[tuple[str, date, float, float | None, str]]:
    return list(
        Observation.objects.order_by("period", "id").values_list(
            "indicator__code", "period", "value", "n", "external_id"
        )
    )


def test_the_importer_is_registered_with_its_columns_and_permission() -> None:
    found = importer()

    assert (found.label, found.permission) == ("Observations", "metrics.add_observation")
    assert found.column_names == ["indicator", "period", "value", "n", "external_id"]
    assert [column.name for column in found.columns if column.required] == [
        "indicator",
        "period",
        "value",
    ]


def test_good_rows_are_stored_as_observations(indicator: Indicator) -> None:
    rows = [
        row(external_id="M-1"),
        row(period="2026-02-01", value="-3", n="12.5", external_id="M-2"),
        row(period="2026-02-01", value="7"),
    ]

    result = importer().import_rows(rows, user=None, origin=ORIGIN_FILE)

    assert (result.created, result.duplicates, result.errors) == (3, 0, [])
    assert stored() == [
        ("delivery-time", date(2026, 1, 1), 4.5, None, "M-1"),
        ("delivery-time", date(2026, 2, 1), -3.0, 12.5, "M-2"),
        ("delivery-time", date(2026, 2, 1), 7.0, None, ""),
    ]


def test_negative_values_import_while_a_formula_id_is_refused(indicator: Indicator) -> None:
    """A leading minus in a number column is a sign; a formula in a text column is refused."""
    rows = [row(value="-3"), row(value="-4.5", external_id='=1+HYPERLINK("x")')]

    result = importer().import_rows(rows, user=None, origin=ORIGIN_FILE)

    assert [(error.index, error.column) for error in result.errors] == [(1, "external_id")]
    assert stored() == [("delivery-time", date(2026, 1, 1), -3.0, None, "")]


def test_a_row_for_an_unknown_indicator_is_refused_and_the_others_kept(
    indicator: Indicator,
) -> None:
    result = importer().import_rows([row(indicator="nope"), row()], user=None, origin=ORIGIN_FILE)

    assert result.created == 1
    assert [(error.index, error.column, error.reason) for error in result.errors] == [
        (0, "indicator", "No indicator has the code 'nope'.")
    ]


def test_a_computed_indicator_takes_no_imported_values(roles: None) -> None:
    IndicatorFactory.create(code="nps", computation="nps")

    _valid, errors = importer().validate([row(indicator="nps")])

    assert [(error.column, error.reason) for error in errors] == [
        ("indicator", "nps is computed from the data; only observed indicators take values.")
    ]


def test_a_p_chart_refuses_a_value_without_its_sample_size(roles: None) -> None:
    IndicatorFactory.create(code="late-share", chart_type=Indicator.ChartType.P)

    _valid, errors = importer().validate(
        [row(indicator="late-share", value="3"), row(indicator="late-share", value="3", n="40")]
    )

    assert [(error.index, error.column, error.reason) for error in errors] == [
        (0, "value", "A p chart needs n (the sample size) on every row.")
    ]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"period": "31/01/2026"}, "period"),
        ({"period": "2026-01-01T10:00"}, "period"),
        ({"period": ""}, "period"),
        ({"value": "four"}, "value"),
        ({"value": "nan"}, "value"),
        ({"value": ""}, "value"),
        ({"n": "-1"}, "n"),
        ({"n": "lots"}, "n"),
        ({"indicator": ""}, "indicator"),
        ({"external_id": "x" * 101}, "external_id"),
    ],
)
def test_wrong_cells_are_refused_on_their_column(
    indicator: Indicator, cells: dict[str, str], column: str
) -> None:
    _valid, errors = importer().validate([row(**cells)])

    assert [error.column for error in errors] == [column]


def test_importing_the_same_external_ids_again_adds_nothing(indicator: Indicator) -> None:
    other = IndicatorFactory.create(code="other")
    rows = [row(external_id="M-1"), row(indicator="other", external_id="M-1")]
    importer().import_rows(rows, user=None, origin=ORIGIN_FILE)

    again = importer().import_rows(
        [*rows, row(external_id="M-1", value="9")], user=None, origin=ORIGIN_API
    )

    assert (again.created, again.duplicates) == (0, 3)
    assert Observation.objects.filter(indicator=other).count() == 1
    assert Observation.objects.count() == 2


def test_rows_without_an_external_id_are_always_added(indicator: Indicator) -> None:
    importer().import_rows([row(), row()], user=None, origin=ORIGIN_FILE)

    again = importer().import_rows([row()], user=None, origin=ORIGIN_FILE)

    assert (again.created, again.duplicates) == (1, 0)
    assert Observation.objects.count() == 3


def test_the_imported_periods_are_logged_for_the_recompute(indicator: Indicator) -> None:
    other = IndicatorFactory.create(code="other")
    SourceChange.objects.all().delete()

    importer().import_rows(
        [
            row(period="2026-03-01"),
            row(period="2026-01-15"),
            row(indicator="other", period="2026-05-01"),
        ],
        user=None,
        origin=ORIGIN_FILE,
    )

    assert set(SourceChange.objects.values_list("source", "scope", "first_day", "last_day")) == {
        ("observation", f"indicator:{indicator.pk}", date(2026, 1, 15), date(2026, 3, 1)),
        ("observation", f"indicator:{other.pk}", date(2026, 5, 1), date(2026, 5, 1)),
    }


def test_the_generic_bulk_api_loads_observations(client_for: Any, indicator: Indicator) -> None:
    client = client_for("quality_manager")
    items = [
        {"indicator": "delivery-time", "period": "2026-01-01", "value": 4, "external_id": "A"},
        {"indicator": "delivery-time", "period": "2026-02-01", "value": 5.5, "n": None},
        {"indicator": "missing", "period": "2026-02-01", "value": 1},
    ]

    response = client.post(
        "/api/v1/imports/observations/", {"items": items}, content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicates"], body["refused"]) == (2, 0, 1)
    assert [(error["index"], error["column"]) for error in body["errors"]] == [(2, "indicator")]
    assert [(value, n) for _code, _period, value, n, _id in stored()] == [(4.0, None), (5.5, None)]


@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_only_quality_managers_import_observations(
    client_for: Any, indicator: Indicator, role: str
) -> None:
    response = client_for(role).post(
        "/api/v1/imports/observations/",
        {"items": [{"indicator": "delivery-time", "period": "2026-01-01", "value": 4}]},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Observation.objects.exists()
