"""Assurance ("Making Data Count"): where the process limits sit against the target.

The rule, NHS England "Making Data Count: getting started" (2019), the assurance icons: when the
target lies outside the process limits on the good side the process consistently passes it, on
the bad side it consistently fails it, and when it lies between them hitting it is a matter of
chance ("hit and miss"). At the target counts as meeting it, as the status does.
"""

from datetime import date

import pytest
from django.urls import reverse

from metrics.models import Indicator
from metrics.series import PointChart, assurance_of, series_refresh
from tests.metrics.factories import IndicatorFactory
from tests.metrics.snapshots import write_xmr

Assurance = Indicator.Assurance
HIGHER, LOWER = Indicator.Direction.HIGHER_IS_BETTER, Indicator.Direction.LOWER_IS_BETTER


def limits(lcl: float | None, ucl: float | None, center: float = 70.0) -> PointChart:
    """Return a point with the given process limits."""
    return PointChart(0, center, ucl, lcl, 1.0, [], [])


@pytest.mark.parametrize(
    ("direction", "target", "lcl", "ucl", "expected"),
    [
        # Higher is better, target 80 %: the whole band 82-95 is at or above it.
        (HIGHER, 80.0, 82.0, 95.0, Assurance.PASSING),
        # The band 60-78 lies wholly below 80.
        (HIGHER, 80.0, 60.0, 78.0, Assurance.FAILING),
        # 80 lies inside 70-90: some periods will meet it, some will not.
        (HIGHER, 80.0, 70.0, 90.0, Assurance.HIT_AND_MISS),
        # The lower limit exactly at the target: every period meets it.
        (HIGHER, 80.0, 80.0, 90.0, Assurance.PASSING),
        # No lower limit (unbounded below): the target cannot be assured.
        (HIGHER, 80.0, None, 90.0, Assurance.HIT_AND_MISS),
        # Lower is better, answer time target 60 s: CallPoint's band 50.8-73.4 straddles it.
        (LOWER, 60.0, 50.8, 73.4, Assurance.HIT_AND_MISS),
        # The band 40-55 lies wholly under 60 s.
        (LOWER, 60.0, 40.0, 55.0, Assurance.PASSING),
        # The band 65-80 lies wholly over 60 s.
        (LOWER, 60.0, 65.0, 80.0, Assurance.FAILING),
    ],
)
def test_assurance_reads_the_limits_against_the_target(
    direction: str, target: float, lcl: float | None, ucl: float | None, expected: str
) -> None:
    """Each case places the target against the band between the limits by hand."""
    indicator = Indicator(direction=direction, target=target)

    assert assurance_of(indicator, limits(lcl, ucl)) == expected


def test_assurance_needs_a_target_and_limits() -> None:
    """No target: nothing to assure; no limits yet: not enough data."""
    assert assurance_of(Indicator(target=None), limits(60.0, 80.0)) == Assurance.NO_TARGET
    without_limits = PointChart(0, None, None, None, None, [], [])
    assert assurance_of(Indicator(target=70.0), without_limits) == Assurance.NOT_ENOUGH_DATA
    assert assurance_of(Indicator(target=70.0), None) == Assurance.NOT_ENOUGH_DATA


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "expected"),
    [(50.0, Assurance.PASSING), (90.0, Assurance.FAILING), (72.0, Assurance.HIT_AND_MISS)],
)
def test_the_series_pass_stores_the_assurance_of_the_latest_complete_period(
    target: float, expected: str
) -> None:
    """Twelve months with XmR limits 63.97-77.03 (mean 70.5, mean moving range 27 / 11 =
    2.4545, 70.5 +- 2.66 x 2.4545): a target of 50 lies under the band, 90 over it, 72 inside.
    The month in progress (a wild 20) takes no part."""
    values = [70.0, 72.0, 69.0, 71.0, 70.0, 73.0, 68.0, 71.0, 70.0, 72.0, 69.0, 71.0, 20.0]
    indicator = IndicatorFactory.create(target=target, baseline_periods=12)
    write_xmr(indicator, values, first=date(2025, 1, 1))

    series_refresh(indicator, today=date(2026, 1, 15))

    indicator.refresh_from_db()
    assert indicator.latest_period == date(2025, 12, 1)
    assert indicator.assurance == expected


@pytest.mark.django_db
def test_the_page_the_list_and_the_api_show_the_stored_assurance(client_for) -> None:
    """One stored value, shown in words and with its icon everywhere (never by colour alone)."""
    indicator = IndicatorFactory.create(target=50.0, baseline_periods=12)
    write_xmr(indicator, [70.0, 72.0, 69.0, 71.0, 70.0, 73.0, 68.0, 71.0], first=date(2025, 1, 1))
    series_refresh(indicator, today=date(2026, 1, 15))
    client = client_for("executive")

    page = client.get(indicator.get_absolute_url()).content.decode()
    listing = client.get(reverse("metrics:indicator-list")).content.decode()
    answer = client.get(reverse("indicator-detail", args=[indicator.code])).json()

    assert 'data-assurance="passing"' in page
    assert "Consistently passes the target" in page
    assert 'data-assurance="passing"' in listing
    assert answer["assurance"] == "passing"
    assert answer["assurance_label"] == "Consistently passes the target"
