"""On the demo, every indicator's verdicts rest on complete periods and say where values stand."""

import pytest

from metrics.models import Alert, Indicator, Snapshot
from metrics.periods import open_period
from metrics.series import status_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_organisation: None) -> list[Indicator]:
    """The demo's active indicators."""
    return list(Indicator.objects.filter(is_active=True))


def test_no_demo_verdict_rests_on_an_unfinished_period(demo) -> None:
    """Status, variation, trend, signals and alerts read only periods that have ended."""
    assert len(demo) >= 20
    for indicator in demo:
        first_open = open_period(indicator.grain)

        in_progress = Snapshot.objects.filter(indicator=indicator, period__gte=first_open)

        assert indicator.complete_before == first_open, indicator.code
        if indicator.latest_period is not None:
            assert indicator.latest_period < first_open, indicator.code
        assert not any(snapshot.signals for snapshot in in_progress), indicator.code
        assert not Alert.objects.filter(indicator=indicator, period__gte=first_open).exists()
        if in_progress.exclude(value=None).exists():
            assert indicator.current_period == first_open, indicator.code


def test_no_demo_indicator_is_said_to_meet_a_target_it_misses(demo) -> None:
    """The stored status is the one its latest complete value earns, and a miss is never met."""
    for indicator in demo:
        assert indicator.status == status_of(indicator, indicator.latest_value), indicator.code
        if indicator.status == Indicator.Status.MEETS_TARGET:
            value, target = indicator.latest_value, indicator.target
            assert value is not None
            assert target is not None
            met = value >= target if indicator.higher_is_better else value <= target
            assert met, f"{indicator.code}: {value} against {target}"


def test_demo_contract_churn_is_plausible_for_yearly_contracts(demo) -> None:
    """Most of Brightline's contracts run for a year and about 12 % end in a year: churn of
    contracts in force stays between 0.4 % and 2 % in every complete month (about 1 % on
    average, up in the courier's bad spell) and retention is its complement."""
    churn, retention = (
        Indicator.objects.get(code=code, active_customer="contract")
        for code in ("churn", "retention")
    )
    complete = churn.snapshots.filter(period__lt=open_period("month")).order_by("period")
    kept = dict(retention.snapshots.values_list("period", "value"))

    values = [snapshot.value for snapshot in complete if snapshot.value is not None]

    assert len(values) == len(complete) >= 18
    assert all(0.4 <= value <= 2.0 for value in values), values
    assert 0.8 <= sum(values) / len(values) <= 1.5
    assert all(kept[item.period] == pytest.approx(100 - (item.value or 0)) for item in complete)
