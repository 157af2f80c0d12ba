"""Net Promoter Score, its variance and margin of error against published worked values."""

import json
import math
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from metrics.nps import NpsSummary, nps_from_counts, nps_from_scores

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "reference" / "spc_nps_cases.json").read_text()
)["nps"]["cases"]


def case_with(key: str, value: Any = None) -> dict[str, Any]:
    """Return the first NPS case that has `key` (equal to `value` when given)."""
    return next(case for case in CASES if key in case and value in (None, case[key]))


def test_nps_of_scores_matches_the_nps_package_example() -> None:
    """brendan-r/NPS (CRAN NPS), tests/testthat/test_01_basics.R: 0, 7, 7, 9, 9, 9."""
    case = case_with("scores", [0, 7, 7, 9, 9, 9])
    published = case["published"]

    summary = nps_from_scores(case["scores"])

    assert summary.score / 100 == pytest.approx(published["nps"], rel=1e-4)
    assert summary.variance == pytest.approx(published["var"], rel=1e-4)
    assert summary.standard_error == pytest.approx(published["se"], abs=5e-4)
    assert (summary.promoters, summary.passives, summary.detractors) == (3, 2, 1)


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if "counts_DPP" in case],
    ids=lambda case: "-".join(str(count) for count in case["counts_DPP"]),
)
def test_variance_and_standard_error_of_counts_match_the_nps_package(case: dict[str, Any]) -> None:
    """brendan-r/NPS (CRAN NPS), tests/testthat/test_01_basics.R: counts of D, passives, P."""
    detractors, passives, promoters = case["counts_DPP"]

    summary = nps_from_counts(promoters, passives, detractors)

    assert summary.variance == pytest.approx(case["published"]["var"], rel=1e-4)
    assert summary.standard_error == pytest.approx(case["published"]["se"], abs=5e-4)


@pytest.mark.parametrize(("score", "expected"), [(7, 0.0), (0, -100.0), (10, 100.0)])
def test_single_responses_score_zero_minus_or_plus_one_hundred(score: int, expected: float) -> None:
    """brendan-r/NPS (CRAN NPS), tests/testthat/test_01_basics.R: nps(7), nps(0), nps(10)."""
    summary = nps_from_scores([score])

    assert summary.score == expected
    assert summary.variance == 0
    assert summary.margin_of_error == 0


def test_nps_of_one_detractor_and_one_passive_is_minus_fifty() -> None:
    """brendan-r/NPS (CRAN NPS), tests/testthat/test_01_basics.R: scores 0 and 7."""
    case = case_with("scores", [0, 7])

    summary = nps_from_scores(case["scores"])

    assert summary.score == pytest.approx(-50.0, rel=1e-4)


def test_nps_of_every_score_once_matches_the_doctest() -> None:
    """Gist fitzgeraldsteele/7361953 (doctest): 0..10 once each gives -45.45 (2 - 7 of 11)."""
    case = case_with("scores", list(range(11)))

    summary = nps_from_scores(case["scores"])

    assert summary.score == pytest.approx(case["published"]["nps_percent"], rel=1e-4)
    assert summary.score == pytest.approx(100 * (2 - 7) / 11, rel=1e-4)


def test_nps_of_counts_matches_measuringu() -> None:
    """MeasuringU, quoted in gist fitzgeraldsteele/7361953: (100 - 80) / 210, printed 9.5 %."""
    case = case_with("counts")
    counts = case["counts"]

    summary = nps_from_counts(counts["promoters"], counts["passives"], counts["detractors"])

    assert summary.score == pytest.approx(case["published"]["nps_percent"], abs=0.05)
    assert summary.score == pytest.approx(100 * 20 / 210, rel=1e-4)
    assert summary.n == 210


def test_nps_of_proportions_matches_the_cross_validated_answer() -> None:
    """Cross Validated, 'How can I calculate margin of error in a NPS result?'.

    Shares 1/2, 1/3 and 1/6 are 3 promoters, 2 passives and 1 detractor out of 6.
    """
    case = case_with("proportions")
    published, computed = case["published"], case["computed"]

    summary = nps_from_counts(3, 2, 1)

    assert (summary.promoters / 6, summary.passives / 6, summary.detractors / 6) == pytest.approx(
        tuple(case["proportions"].values()), rel=1e-4
    )
    assert summary.score / 100 == pytest.approx(published["nps"], rel=1e-4)
    assert summary.variance == pytest.approx(computed["var"], rel=1e-4)


def test_nps_with_custom_breaks_matches_the_nps_package() -> None:
    """brendan-r/NPS (CRAN NPS), tests/testthat/test_01_basics.R: scores 1..15, breaks 0-6-8-15.

    The package tests the variance with a tolerance of .002.
    """
    case = case_with("breaks")
    published = case["published"]
    lowest, detractor_top, passive_top, highest = case["breaks"]

    summary = nps_from_scores(case["scores"], breaks=(lowest, detractor_top, passive_top, highest))

    assert (summary.promoters, summary.passives, summary.detractors) == (7, 2, 6)
    assert summary.score / 100 == pytest.approx(published["nps"], rel=1e-4)
    assert summary.variance == pytest.approx(published["var_approx"], abs=0.002)


def test_margin_of_error_is_196_standard_errors_in_percentage_points() -> None:
    """40 P, 35 passive, 25 D: NPS 15; var = 0.65 - 0.15^2 = 0.6275; se = sqrt(0.6275 / 100)."""
    summary = nps_from_counts(40, 35, 25)

    standard_error = math.sqrt(0.6275 / 100)
    assert astuple(summary) == pytest.approx(
        astuple(
            NpsSummary(
                n=100,
                promoters=40,
                passives=35,
                detractors=25,
                score=15.0,
                variance=0.6275,
                standard_error=standard_error,
                margin_of_error=100 * 1.96 * standard_error,
                low=15 - 100 * 1.96 * standard_error,
                high=15 + 100 * 1.96 * standard_error,
            )
        ),
        rel=1e-9,
    )


def test_interval_is_clipped_to_the_scale() -> None:
    """9 P and 1 D: NPS 80, margin 1.96 * sqrt(0.36 / 10) = 37.2 points, above 100 clipped."""
    summary = nps_from_counts(9, 0, 1)

    assert summary.margin_of_error == pytest.approx(100 * 1.96 * math.sqrt(0.036), rel=1e-4)
    assert summary.high == 100
    assert summary.low == pytest.approx(80 - 100 * 1.96 * math.sqrt(0.036), rel=1e-4)
    assert nps_from_counts(0, 1, 9).low == -100


def test_scores_are_classified_with_the_usual_breaks() -> None:
    summary = nps_from_scores([0, 6, 6.5, 7, 8, 8.5, 9, 10])

    assert (summary.detractors, summary.passives, summary.promoters) == (2, 3, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: nps_from_counts(0, 0, 0), "at least one response", id="no responses"),
        pytest.param(lambda: nps_from_scores([]), "at least one response", id="no scores"),
        pytest.param(lambda: nps_from_counts(1, -1, 2), "negative", id="negative count"),
        pytest.param(lambda: nps_from_scores([3, 11]), "between 0 and 10", id="above the scale"),
        pytest.param(lambda: nps_from_scores([-1]), "between 0 and 10", id="below the scale"),
        pytest.param(lambda: nps_from_scores([math.nan]), "between", id="not a number"),
        pytest.param(
            lambda: nps_from_scores([5], breaks=(0, 8, 6, 10)), "breaks must rise", id="breaks"
        ),
    ],
)
def test_nps_refuses_impossible_input(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
