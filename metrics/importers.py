"""Importers of the metrics app: observed values of indicators (registered in ready())."""

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from core.imports.cells import RowReader
from core.imports.registry import Column, Importer, LoadResult, bulk_insert_new, register

from .models import Indicator, Observation
from .services import observation_checks

EXTERNAL_ID_CHARS = 100  # Observation.external_id's max_length


def _number(row: RowReader, column: str, *, minimum: float | None = None) -> float | None:
    """Return the cell as a finite number (a point as separator), or None when empty or refused."""
    value = row.cell(column)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        row.refuse(column, f"{value[:40]!r} is not a number (use a point: 12.5).")
        return None
    if not math.isfinite(number):
        row.refuse(column, "Give a finite number.")
        return None
    if minimum is not None and number < minimum:
        row.refuse(column, f"{number:g} is below {minimum:g}.")
        return None
    return number


def _natural_key(observation: Observation) -> tuple[Any, ...]:
    if observation.external_id:
        return (observation.indicator_id, observation.external_id)
    # Without an external id a row cannot be recognised when it comes again: it is always new.
    return (observation.indicator_id, "", id(observation))


def _stored_keys(keys: list[tuple[Any, ...]]) -> Any:
    identified = [key for key in keys if len(key) == 2]
    if not identified:
        return []
    # The blank test matches the unique index's condition, so PostgreSQL can use it.
    return (
        Observation.objects.filter(
            indicator_id__in={key[0] for key in identified},
            external_id__any={key[1] for key in identified},
        )
        .exclude(external_id="")
        .order_by()
        .values_list("indicator_id", "external_id")
    )


class ObservationImporter(Importer):
    """Values of observed indicators measured elsewhere (process times, engagement, audits)."""

    key = "observations"
    label = "Observations"
    permission = "metrics.add_observation"
    natural_key = (
        "indicator and external_id: a value whose id is already stored for the indicator is "
        "skipped (rows without an id are always added)"
    )
    columns = (
        Column("indicator", required=True, help="The indicator's code.", example="first-call-fix"),
        Column(
            "period",
            required=True,
            help="A day of the period, as YYYY-MM-DD.",
            example="2026-03-31",
        ),
        # 5 of 50 suits every chart: a p chart's count within n, a c chart's count, an XmR value.
        Column("value", required=True, help="A number, with a point: 12.5.", example="5"),
        Column("n", help="The sample size; required for p and u charts.", example="50"),
        Column("external_id", help="The value's id in the source system.", example="OBS-0001"),
    )

    def example_row(self) -> dict[str, str]:
        row = super().example_row()
        observed = Indicator.objects.filter(computation=Indicator.Computation.OBSERVED)
        code = observed.order_by("code").values_list("code", flat=True).first()
        if code is not None:
            row["indicator"] = code
        row["period"] = f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}"
        return row

    def prepare(self, rows: Sequence[dict[str, str]]) -> dict[str, Indicator]:
        codes = {row.get("indicator", "").strip() for row in rows} - {""}
        return {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=codes)}

    def build(self, row: RowReader, context: dict[str, Indicator]) -> Observation | None:
        code = row.text("indicator")
        indicator = context.get(code)
        if indicator is None:
            row.refuse("indicator", f"No indicator has the code {code[:80]!r}.")
        period = row.day("period")
        value = _number(row, "value")
        n = _number(row, "n", minimum=0)
        external_id = row.text("external_id", max_length=EXTERNAL_ID_CHARS)
        if row.errors or indicator is None or period is None or value is None:
            return None
        reason = observation_checks(indicator, n, value)
        if reason:
            computed = indicator.computation != Indicator.Computation.OBSERVED
            row.refuse("indicator" if computed else "value", reason)
            return None
        return Observation(
            indicator=indicator, period=period, value=value, n=n, external_id=external_id
        )

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        created, duplicates = bulk_insert_new(
            Observation,
            items,
            natural_key=_natural_key,
            existing_keys=_stored_keys,
            need_keys=False,
        )
        return LoadResult(created=len(created), duplicates=duplicates)


register(ObservationImporter())
