"""The previous-period customer ratios as one grouped query (PostgreSQL) against the per-period
queries they replace there (and which SQLite still runs).

A hand-computed case first, on either database: three customers over three months
(retention, churn, repeat purchase and referral rate as the README defines them by the previous
period, after Fader & Hardie, 2009). Then a seeded history of forty customers, where both paths
must give the same cells, rows read included, at every grain, for a full run and for a list of
periods, some without activity and some whose period before lies outside the list.
"""

import importlib
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from core.models import SourceChange
from metrics import services
from metrics.computations import compute_cells
from metrics.computations.customers import (
    _churn,
    _customer_ratio_each,
    _customer_ratio_grouped,
    _referral_rate,
    _repeat_purchase,
    _retention,
)
from metrics.models import Indicator
from metrics.periods import period_start
from stakeholders.models import Customer, CustomerActivity

pytestmark = pytest.mark.django_db

PER_PERIOD = {
    "retention": _retention,
    "churn": _churn,
    "repeat_purchase": _repeat_purchase,
    "referral_rate": _referral_rate,
}


def indicator(computation: str, grain: str = "month") -> Indicator:
    return services.indicator_create(
        code=f"{computation}-{grain}",
        name=computation,
        kind="lagging",
        stakeholder_group="customers",
        computation=computation,
        grain=grain,
        chart_type="p",
    )


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_the_previous_period_ratios_give_the_hand_computed_months() -> None:
    """January: Ann buys twice, Bob buys and refers, Cy buys. February: Ann renews, Bob
    cancels. March: Cy cancels, though not active in February.

    Retention in February = 1 of the 3 active in January (Ann) = 33.3 %; churn = 1 of them
    cancelled (Bob) / 3 = 33.3 %. In March the base is Ann alone: retention 0 of 1, churn 0 of 1
    (Cy was not at risk in February: a churn rate is a share of the customers at risk).
    Repeat purchase in January = 1 of 3 buyers (Ann) = 33.3 %; referral rate in January = 1 of
    3 active (Bob) = 33.3 %, in February 0 of 1 (Ann). On SQLite the per-period queries give
    them, on PostgreSQL the grouped query."""
    ann, bob, cy = (
        Customer.objects.create(external_reference=name, first_seen=date(2025, 12, 1))
        for name in ("ann", "bob", "cy")
    )
    for who, kind, day in (
        (ann, "purchase", date(2026, 1, 5)),
        (ann, "purchase", date(2026, 1, 20)),
        (bob, "purchase", date(2026, 1, 7)),
        (bob, "referral", date(2026, 1, 9)),
        (cy, "purchase", date(2026, 1, 31)),
        (ann, "renewal", date(2026, 2, 3)),
        (bob, "cancellation", date(2026, 2, 10)),
        (cy, "cancellation", date(2026, 3, 2)),
    ):
        CustomerActivity.objects.create(customer=who, kind=kind, occurred_at=at(day))

    def cells(computation: str) -> dict[date, tuple[float | None, ...]]:
        result = compute_cells(indicator(computation), None)
        return {
            cell.period: (cell.numerator, cell.denominator, cell.value) for cell in result.cells
        }

    january, february, march = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    assert cells("retention") == {
        february: (1, 3, pytest.approx(100 / 3)),
        march: (0, 1, 0.0),
    }
    assert cells("churn") == {february: (1, 3, pytest.approx(100 / 3)), march: (0, 1, 0.0)}
    assert cells("repeat_purchase") == {january: (1, 3, pytest.approx(100 / 3))}
    assert cells("referral_rate") == {
        january: (1, 3, pytest.approx(100 / 3)),
        february: (0, 1, 0.0),
    }


def seeded_history() -> None:
    """Forty customers, 600 activities of every kind over 120 days, some at 23:30 local time
    (the next day in UTC), so periods are placed on local days."""
    generator = random.Random(7)
    customers = [
        Customer.objects.create(external_reference=f"C{number}", first_seen=date(2025, 12, 1))
        for number in range(40)
    ]
    kinds = ["purchase"] * 6 + ["renewal", "referral", "cancellation"]
    CustomerActivity.objects.bulk_create(
        CustomerActivity(
            customer=generator.choice(customers[: generator.choice((8, 40))]),
            kind=generator.choice(kinds),
            occurred_at=at(
                date(2026, 1, 1) + timedelta(days=generator.randrange(120)),
                generator.choice((9, 23)),
            )
            + timedelta(minutes=30),
        )
        for _ in range(600)
    )


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_the_grouped_query_gives_the_per_period_cells(require_postgres_and_redis, grain) -> None:
    """Same periods, values, counts and rows read, for every period and for a list of them."""
    seeded_history()
    wanted = [date(2026, 1, 1), date(2026, 2, 2), date(2026, 3, 1), date(2026, 3, 2)]
    wanted += [date(2026, 3, 30), date(2025, 6, 1)]  # the last one has no activity at all
    for computation, ratio in PER_PERIOD.items():
        measure = indicator(computation, grain)
        for periods in (None, sorted({period_start(day, grain) for day in wanted})):
            grouped = _customer_ratio_grouped(measure, periods)
            each = _customer_ratio_each(measure, periods, ratio)

            assert grouped.cells == each.cells, (computation, periods)
            assert grouped.rows_scanned == each.rows_scanned
            assert grouped.cells, "the history gives every computation cells"
        measure.delete()


def test_an_upgrade_has_the_churn_indicators_recomputed_by_the_new_rule() -> None:
    """The migration that came with the at-risk rule logs the activity's whole span as changed
    when a churn indicator by the previous period exists, so that the next run redoes it; with
    none, it logs nothing."""
    upgrade = importlib.import_module("metrics.migrations.0011_churn_of_customers_at_risk")
    ann = Customer.objects.create(external_reference="ann", first_seen=date(2025, 12, 1))
    for day in (date(2026, 1, 5), date(2026, 3, 9)):
        CustomerActivity.objects.create(customer=ann, kind="purchase", occurred_at=at(day))
    SourceChange.objects.all().delete()  # what the activities' saves logged

    upgrade.log_activity_changed(django_apps, None)
    assert not SourceChange.objects.exists()

    indicator("churn")
    upgrade.log_activity_changed(django_apps, None)
    change = SourceChange.objects.get()
    assert change.source == "customer_activity"
    assert change.first_day <= date(2026, 1, 5)
    assert change.last_day >= date(2026, 3, 9)
