"""Survey indicators summed from the per-day answer counts give the answers' own numbers.

The recompute reads feedback's SurveyDay (answers per survey, local day, department, journey,
touchpoint and score) instead of the answers for every survey indicator that no customer segment
narrows. These tests set the cells summed from those rows against the cells counted from the
answers themselves, at every grain and scope, and against hand-computed values.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db.models import Q

from feedback.models import Survey, SurveyDay, SurveyResponse
from feedback.services import survey_days_rebuild
from journeys.models import Journey, Touchpoint
from metrics.computations import compute_cells, reads_survey_days
from metrics.computations.answers import survey_cells
from metrics.computations.records import _mean, _net_promoter, _responses, _share
from metrics.models import Indicator
from tests.feedback.factories import SurveyFactory
from tests.journeys.factories import TouchpointFactory
from tests.stakeholders.factories import CustomerFactory, PartnerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

Computation = Indicator.Computation


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of 2026 in UTC (23:30 UTC is already the next day in Amsterdam)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def places(db: None) -> dict[str, Any]:
    """A journey with one own touchpoint and one a partner runs, and a second journey."""
    own = TouchpointFactory.create()
    journey = own.stage.journey
    partner = PartnerFactory.create()
    outsourced = TouchpointFactory.create(stage=own.stage, owner_partner=partner)
    other = TouchpointFactory.create()
    return {
        "journey": journey,
        "own": own,
        "outsourced": outsourced,
        "partner": partner,
        "other": other,
    }


def answer(survey: Survey, score: int, moment: datetime, touchpoint: Touchpoint | None) -> None:
    journey: Journey | None = touchpoint.stage.journey if touchpoint else None
    SurveyResponse.objects.create(
        survey=survey, score=score, responded_at=moment, journey=journey, touchpoint=touchpoint
    )


@pytest.fixture
def answers(places: dict[str, Any]) -> dict[str, Survey]:
    """NPS, CSAT and CES answers over two months, at the three touchpoints and at none."""
    surveys = {kind: SurveyFactory.create(kind=kind) for kind in ("nps", "csat", "ces")}
    highest = {"nps": 10, "csat": 5, "ces": 7}
    lowest = {"nps": 0, "csat": 1, "ces": 1}
    touchpoints = [places["own"], places["outsourced"], places["other"], None]
    number = 0
    for month, day in ((1, 30), (1, 31), (2, 1), (2, 2), (2, 16), (3, 1)):
        for hour, minute in ((8, 0), (12, 15), (23, 30)):  # 23:30 UTC: the next local day
            for kind, survey in surveys.items():
                span = highest[kind] - lowest[kind] + 1
                score = lowest[kind] + (number * 7) % span
                answer(survey, score, at(month, day, hour, minute), touchpoints[number % 4])
                number += 1
    survey_days_rebuild()
    return surveys


def from_answers(indicator: Indicator) -> tuple[list[tuple[Any, ...]], int]:
    """Return the indicator's cells counted from the answers, as before the day counts."""
    computation = indicator.computation
    if computation == Computation.NPS:
        result = _net_promoter(indicator, None, Survey.Kind.NPS)
    elif computation == Computation.CSAT:
        result = _share(
            _responses(indicator, Survey.Kind.CSAT),
            "responded_at",
            indicator,
            None,
            counted=Q(score__gte=4),
            base=Q(),
        )
    else:
        result = _mean(
            _responses(indicator, Survey.Kind.CES), "responded_at", "score", indicator, None
        )
    return cells_of(result.cells), result.rows_scanned


def cells_of(cells: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            cell.period,
            round(cell.value, 9),
            cell.n,
            cell.numerator,
            cell.denominator,
            cell.spread,
            cell.margin_of_error and round(cell.margin_of_error, 9),
            cell.rows,
        )
        for cell in cells
    ]


@pytest.mark.parametrize("computation", ["nps", "csat", "ces"])
@pytest.mark.parametrize("grain", ["day", "week", "month"])
@pytest.mark.parametrize("scope", ["organisation", "journey", "touchpoint", "partner"])
def test_cells_from_the_day_counts_equal_the_cells_from_the_answers(
    answers: dict[str, Survey], places: dict[str, Any], computation: str, grain: str, scope: str
) -> None:
    """Every period of every grain is a union of local days, so summing the day counts gives
    exactly what counting the answers gives (NPS, CSAT share, CES mean and range), for the
    organisation, a journey, a touchpoint and a partner's touchpoints alike."""
    narrowed = {
        "organisation": {},
        "journey": {"journey": places["journey"]},
        "touchpoint": {"touchpoint": places["own"]},
        "partner": {"partner": places["partner"]},
    }[scope]
    indicator = Indicator(computation=computation, grain=grain, **narrowed)

    summed = survey_cells(indicator, None)

    assert reads_survey_days(indicator)
    assert (cells_of(summed.cells), summed.rows_scanned) == from_answers(indicator)
    assert summed.cells  # the scope has answers: the comparison compared something


def test_a_day_of_ces_and_nps_answers_gives_the_hand_computed_cells(places: dict[str, Any]) -> None:
    """CES 2, 5 and 7 on one local day: mean 14 / 3, range 7 - 2 = 5. NPS 10, 9, 7 and 3:
    (2 promoters - 1 detractor) / 4 answers = +25. The 23:30 UTC answers of 14 May (01:30 on
    15 May in Amsterdam) count on the 15th."""
    ces, nps = SurveyFactory.create(kind="ces"), SurveyFactory.create(kind="nps")
    for score, hour in ((2, 23), (5, 6), (7, 20)):
        answer(ces, score, at(5, 14 if hour == 23 else 15, hour, 30), places["own"])
    for score in (10, 9, 7, 3):
        answer(nps, score, at(5, 15, 10), None)
    survey_days_rebuild()

    (ces_cell,) = survey_cells(Indicator(computation="ces", grain="day"), None).cells
    (nps_cell,) = survey_cells(Indicator(computation="nps", grain="day"), None).cells

    assert (ces_cell.period.isoformat(), ces_cell.value, ces_cell.spread, ces_cell.n) == (
        "2026-05-15",
        14 / 3,
        5.0,
        3,
    )
    assert (nps_cell.value, nps_cell.numerator, nps_cell.denominator) == (25.0, 1, 4)


def test_a_segment_indicator_reads_the_answers(answers: dict[str, Survey]) -> None:
    """The day counts do not keep the customer's segment (a customer moves between segments):
    an indicator narrowed to one counts the answers of the segment's customers now."""
    segment = SegmentFactory.create()
    customer = CustomerFactory.create(segment=segment)
    first = SurveyResponse.objects.filter(survey=answers["nps"]).order_by("pk").first()
    assert first is not None
    SurveyResponse.objects.filter(pk=first.pk).update(customer=customer)
    indicator = Indicator(computation="nps", grain="month", segment=segment)

    cells = compute_cells(indicator, None).cells

    assert not reads_survey_days(indicator)
    assert [(cell.period.month, cell.n) for cell in cells] == [(1, 1)]


def test_deleting_a_touchpoint_keeps_the_organisations_sums(
    answers: dict[str, Survey], places: dict[str, Any]
) -> None:
    """A deleted touchpoint leaves its day counts without one, as it does its answers: the
    organisation's cells stay the same, and the touchpoint's rows are nobody's."""
    indicator = Indicator(computation="nps", grain="month")
    before = cells_of(survey_cells(indicator, None).cells)
    touchpoint: Touchpoint = places["other"]

    Touchpoint.objects.filter(pk=touchpoint.pk).delete()

    assert cells_of(survey_cells(indicator, None).cells) == before
    assert not SurveyDay.objects.filter(touchpoint_id=touchpoint.pk).exists()
