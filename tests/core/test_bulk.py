"""core.bulk.bulk_update_rows: the recompute's write of its snapshots' limits and signals.

It must write exactly what Django's bulk_update writes (floats, None, JSON lists, small integers)
to the rows given and no other, on PostgreSQL (one UPDATE ... FROM unnest(arrays) per batch)
and SQLite.
"""

from datetime import date

import pytest

from core.bulk import bulk_update_rows
from metrics.models import Snapshot
from tests.metrics.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

FIELDS = ("segment", "center", "ucl", "lcl", "sigma", "signals")


def test_the_given_fields_of_the_given_rows_are_written_in_batches() -> None:
    """Five rows in batches of two: each gets its own values (a batch whose column is all null
    too); the untouched row keeps its own."""
    indicator = IndicatorFactory.create(code="nps-buy")
    rows = [
        Snapshot.objects.create(indicator=indicator, period=date(2026, month, 1), value=month)
        for month in range(1, 7)
    ]
    for number, row in enumerate(rows[:5]):
        row.segment = number
        row.center = 40.5 + number
        row.ucl = None if number == 2 else 60.25
        row.lcl = -1e-9 * number
        row.sigma = None if number < 2 else 3.0  # the first batch: a column of nulls only
        row.signals = ["WE1", "WE2"] if number % 2 else []
        row.value = 999.0  # not among the fields: must not be written

    written = bulk_update_rows(Snapshot, rows[:5], FIELDS, batch_size=2)

    assert written == 5
    stored = {row.pk: row for row in Snapshot.objects.all()}
    for number, row in enumerate(rows[:5]):
        again = stored[row.pk]
        assert (again.segment, again.center, again.ucl, again.lcl, again.sigma) == (
            number,
            40.5 + number,
            None if number == 2 else 60.25,
            -1e-9 * number,
            None if number < 2 else 3.0,
        )
        assert again.signals == (["WE1", "WE2"] if number % 2 else [])
        assert again.value == number + 1
    untouched = stored[rows[5].pk]
    assert (untouched.center, untouched.signals) == (None, [])


def test_nothing_to_write_sends_nothing(django_assert_num_queries) -> None:
    """An incremental run whose limits did not move writes no statement."""
    with django_assert_num_queries(0):
        assert bulk_update_rows(Snapshot, [], FIELDS) == 0
