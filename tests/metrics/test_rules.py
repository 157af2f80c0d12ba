"""Western Electric and Nelson rules against qcc's worked cases, gaps, sides and varying sigma."""

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from metrics import rules
from metrics.rules import RULE_LABELS, RULE_SETS, Signal

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "reference" / "spc_nps_cases.json").read_text()
)
WORKED: list[dict[str, Any]] = CASES["rules_worked_cases"]["cases"]
SINGLE_RULE_CASES = [case for case in WORKED if "violations_1based" in case]
COMBINED = next(case for case in WORKED if case.get("rules") == "WE 4,3,2,1 combined")
NELSON_VERSUS_WESTERN = next(case for case in WORKED if case.get("rule") == "NEL4 vs WE4")


def flagged(
    values: Sequence[float | None],
    rule: str,
    *,
    center: float = 0,
    sigma: float | None = 1,
    evaluated: tuple[str, ...] | None = None,
) -> list[int]:
    """Return the 1-based points that `rule` flags, evaluating `evaluated` (default: the rule)."""
    signals = rules.detect(
        values, [center] * len(values), [sigma] * len(values), evaluated or (rule,)
    )
    return [
        number
        for number, point in enumerate(signals, start=1)
        if any(signal.rule == rule for signal in point)
    ]


def sides(
    values: Sequence[float | None], rule: str, sigmas: Sequence[float] | None = None
) -> list[int]:
    """Return the side of every signal of `rule`, point by point, on centre 0."""
    signals = rules.detect(values, [0] * len(values), sigmas or [1] * len(values), (rule,))
    return [signal.side for point in signals for signal in point]


# The worked cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", SINGLE_RULE_CASES, ids=[case["rule"] for case in SINGLE_RULE_CASES]
)
def test_rule_flags_the_points_of_the_qcc_worked_case(case: dict[str, Any]) -> None:
    """R package qcc, tests/testthat/test-rules.R and test-qcc.R (centre 0, sigma 1)."""
    rule = case["rule"].split()[0]

    points = flagged(case["data"], rule)

    assert points == case["violations_1based"]


@pytest.mark.parametrize(
    "case", SINGLE_RULE_CASES, ids=[case["rule"] for case in SINGLE_RULE_CASES]
)
def test_rule_flags_the_same_points_when_its_whole_set_is_evaluated(case: dict[str, Any]) -> None:
    """R package qcc, tests/testthat/test-rules.R: the rules of a set do not interfere."""
    rule = case["rule"].split()[0]
    rule_set = RULE_SETS["western_electric" if rule.startswith("WE") else "nelson"]

    points = flagged(case["data"], rule, evaluated=rule_set)

    assert points == case["violations_1based"]


@pytest.mark.parametrize("rule", ["WE1", "WE2", "WE3", "WE4"])
def test_western_electric_rules_match_the_combined_qcc_case(rule: str) -> None:
    """R package qcc, tests/testthat/test-rules.R: seven points at 2.5 sigma, then 3.2."""
    expected = COMBINED[rule.replace("WE", "WER")]

    points = flagged(COMBINED["data"], rule, evaluated=RULE_SETS["western_electric"])

    assert points == expected


def test_lowest_rule_number_wins_in_the_combined_qcc_case() -> None:
    """R package qcc, tests/testthat/test-rules.R: qccRules keeps the most serious violation."""
    data = COMBINED["data"]

    signals = rules.detect(data, [0] * len(data), [1] * len(data), RULE_SETS["western_electric"])

    shown = [rules.primary(point) for point in signals]
    assert [None if signal is None else int(signal.rule[-1]) for signal in shown] == COMBINED[
        "combined"
    ]


def test_alternating_zeros_and_ones_fire_nelson_4_but_not_western_electric_4() -> None:
    """R package qcc, tests/testthat/test-rules.R: 0, 1, 0, 1, ... on centre 0.

    The points at 0 lie on the centre line, so no same-side run forms.
    """
    data = NELSON_VERSUS_WESTERN["data"]

    nelson = flagged(data, "NEL4")
    western = flagged(data, "WE4")

    assert nelson == NELSON_VERSUS_WESTERN["nelson_rule4"]
    assert western == NELSON_VERSUS_WESTERN["western_rule4"]


def test_signals_of_a_point_come_in_rule_number_order() -> None:
    data = COMBINED["data"]

    signals = rules.detect(data, [0] * 8, [1] * 8, ["WE4", "WE2", "WE1", "WE3"])

    assert signals[7] == [Signal("WE1", 1), Signal("WE2", 1), Signal("WE3", 1), Signal("WE4", 1)]


# Sides --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        pytest.param("WE1", [0, 3.2, -3.5], [1, -1], id="beyond limits"),
        pytest.param("WE2", [-2.5, 0, -2.2], [-1], id="2 of 3 below"),
        pytest.param("WE3", [-1.5, -1.2, 0.3, -1.1, -1.4], [-1], id="4 of 5 below"),
        pytest.param("WE4", [-0.1] * 8, [-1], id="8 below"),
        pytest.param("NEL2", [0.4] * 9, [1], id="9 above"),
        pytest.param("NEL3", [0.6, 0.5, 0.4, 0.3, 0.2, 0.1], [-1], id="6 decreasing"),
        pytest.param("NEL3", [-0.6, -0.5, -0.4, -0.3, -0.2, -0.1], [1], id="6 increasing"),
        pytest.param("NEL4", [0.1, -0.1] * 7, [0], id="14 alternating"),
        pytest.param("NEL7", [0.5, -0.5, 1.0, -1.0, 0] * 3, [0], id="15 inside"),
        pytest.param("NEL8", [1.5, -1.5] * 4, [0], id="8 outside"),
    ],
)
def test_signals_carry_their_side(rule: str, values: list[float], expected: list[int]) -> None:
    found = sides(values, rule)

    assert found == expected


def test_a_point_on_the_centre_line_breaks_a_same_side_run() -> None:
    values = [0.5] * 4 + [0.0] + [0.5] * 4

    points = flagged(values, "WE4")

    assert points == []


def test_equal_neighbours_break_a_trend_and_an_alternation() -> None:
    trend = [0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6]
    alternation = [0.1, -0.1] * 3 + [-0.1] + [0.1, -0.1] * 4

    assert flagged(trend, "NEL3") == []
    assert flagged(alternation, "NEL4") == []


def test_one_sigma_bounds_count_as_inside_for_nelson_7_and_not_outside_for_nelson_8() -> None:
    values = [1.0, -1.0] * 8

    assert flagged(values, "NEL7") == [15, 16]
    assert flagged(values, "NEL8") == []


# Varying sigma, gaps and degenerate sigma ---------------------------------------------------------


def test_varying_sigma_judges_each_point_against_its_own_limits() -> None:
    values = [0.35, 0.35, 0.35]
    sigmas = [0.1, 0.2, 0.1]

    signals = rules.detect(values, [0.0] * 3, sigmas, ["WE1"])

    assert signals == [[Signal("WE1", 1)], [], [Signal("WE1", 1)]]


def test_zone_rule_uses_each_points_sigma() -> None:
    values = [0.0, 0.25, 0.25]
    wide = rules.detect(values, [0.0] * 3, [0.1, 0.2, 0.1], ["WE2"])
    narrow = rules.detect(values, [0.0] * 3, [0.1, 0.1, 0.1], ["WE2"])

    assert wide == [[], [], []]
    assert narrow == [[], [], [Signal("WE2", 1)]]


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_value_flags_nothing_and_breaks_runs(missing: float | None) -> None:
    values: list[float | None] = [0.5] * 7 + [missing] + [0.5] * 7

    points = flagged(values, "WE4")

    assert points == []


def test_missing_value_breaks_zone_windows_and_trends() -> None:
    zone: list[float | None] = [2.5, None, 2.5]
    trend: list[float | None] = [1, 2, 3, None, 4, 5, 6]

    assert flagged(zone, "WE2") == []
    assert flagged(trend, "NEL3") == []
    assert flagged([None, 5.0], "WE1") == [2]


def test_run_restarts_after_a_gap_and_flags_once_it_reaches_its_length_again() -> None:
    values: list[float | None] = [0.5] * 3 + [None] + [0.5] * 9

    points = flagged(values, "NEL2")

    assert points == [13]


def test_zero_sigma_flags_only_rule_one_for_points_off_the_centre() -> None:
    values = [2.0] * 9 + [1.0]

    signals = rules.detect(values, [1.0] * 10, [0.0] * 10, RULE_SETS["nelson"])

    assert signals == [[Signal("NEL1", 1)]] * 9 + [[]]


def test_unknown_sigma_flags_nothing() -> None:
    signals = rules.detect([9.0, 9.0], [0.0, 0.0], [None, None], RULE_SETS["western_electric"])

    assert signals == [[], []]


# The API ------------------------------------------------------------------------------------------


def test_primary_prefers_the_lowest_rule_number() -> None:
    signals = [Signal("NEL5", 1), Signal("NEL2", 1), Signal("NEL8", 0)]

    assert rules.primary(signals) == Signal("NEL2", 1)
    assert rules.primary([]) is None


def test_rule_sets_list_every_labelled_rule_once() -> None:
    listed = [rule for rule_set in RULE_SETS.values() for rule in rule_set]

    assert sorted(listed) == sorted(RULE_LABELS)
    assert RULE_SETS["western_electric"] == ("WE1", "WE2", "WE3", "WE4")
    assert RULE_SETS["nelson"] == tuple(f"NEL{number}" for number in range(1, 9))
    assert all(label and "\n" not in label for label in RULE_LABELS.values())


def test_detect_refuses_unknown_rules() -> None:
    with pytest.raises(ValueError, match="Unknown rules: WE9"):
        rules.detect([1.0], [0.0], [1.0], ["WE1", "WE9"])


def test_detect_refuses_sequences_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="one entry per point"):
        rules.detect([1.0, 2.0], [0.0], [1.0, 1.0], ["WE1"])


def test_detect_on_no_points_returns_no_signals() -> None:
    assert rules.detect([], [], [], RULE_SETS["nelson"]) == []
