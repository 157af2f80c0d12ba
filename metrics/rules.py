"""Special-cause rules (Western Electric and Nelson) on the points of a control chart.

The rules work on z = (x - centre) / sigma at every point, so limits that vary with the subgroup
size are judged correctly. Conventions (those of R's qcc): "beyond" is strict; the 2-of-3 and
4-of-5 rules flag a point only if it is itself beyond and its window is complete; a run flags
every point from the one where it reaches its length; a point on the centre line breaks a
same-side run; a missing value, or a point whose sigma is unknown or zero, breaks every run and
window. Where sigma is zero only rule 1 is judged: a point away from the centre is beyond limits
that coincide with it.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Signal:
    """A rule that flags a point, and on which side of the centre line."""

    rule: str
    side: int  # +1 above or increasing, -1 below or decreasing, 0 for rules without a side


RULE_LABELS: dict[str, str] = {
    "WE1": "One point beyond 3 sigma",
    "WE2": "2 of 3 consecutive points beyond 2 sigma, same side",
    "WE3": "4 of 5 consecutive points beyond 1 sigma, same side",
    "WE4": "8 consecutive points on the same side of the centre line",
    "NEL1": "One point more than 3 sigma from the centre line",
    "NEL2": "9 points in a row on the same side of the centre line",
    "NEL3": "6 points in a row all increasing or all decreasing",
    "NEL4": "14 points in a row alternating up and down",
    "NEL5": "2 of 3 points in a row more than 2 sigma from the centre line, same side",
    "NEL6": "4 of 5 points in a row more than 1 sigma from the centre line, same side",
    "NEL7": "15 points in a row within 1 sigma of the centre line, either side",
    "NEL8": "8 points in a row more than 1 sigma from the centre line, both sides present",
}

RULE_SETS: dict[str, tuple[str, ...]] = {
    "western_electric": ("WE1", "WE2", "WE3", "WE4"),
    "nelson": ("NEL1", "NEL2", "NEL3", "NEL4", "NEL5", "NEL6", "NEL7", "NEL8"),
}

# Per point: the side a rule flags, or None where it does not flag.
Flags = list[int | None]


def detect(
    values: Sequence[float | None],
    centers: Sequence[float],
    sigmas: Sequence[float | None],
    rules: Iterable[str],
) -> list[list[Signal]]:
    """Return, per point, every requested rule that flags it, lowest rule number first."""
    requested = sorted(set(rules), key=_precedence)
    unknown = [rule for rule in requested if rule not in RULE_LABELS]
    if unknown:
        raise ValueError(f"Unknown rules: {', '.join(unknown)}.")
    if not len(values) == len(centers) == len(sigmas):
        raise ValueError("Values, centres and sigmas must have one entry per point.")
    points = [_known(value) for value in values]
    scores = [
        _score(value, center, sigma)
        for value, center, sigma in zip(points, centers, sigmas, strict=True)
    ]
    signals: list[list[Signal]] = [[] for _ in points]
    for rule in requested:
        if _number(rule) == 1:
            flags = _beyond_limits(points, centers, sigmas, scores)
        else:
            flags = DETECTORS[rule](points, scores)
        for index, side in enumerate(flags):
            if side is not None:
                signals[index].append(Signal(rule, side))
    return signals


def primary(signals: list[Signal]) -> Signal | None:
    """Return the signal of the lowest rule number, the one a chart shows first."""
    return min(signals, key=lambda signal: _precedence(signal.rule), default=None)


def _beyond_limits(
    values: Sequence[float | None],
    centers: Sequence[float],
    sigmas: Sequence[float | None],
    scores: Sequence[float | None],
) -> Flags:
    flags: Flags = []
    for value, center, sigma, score in zip(values, centers, sigmas, scores, strict=True):
        if score is not None:
            flags.append(_sign(score) if abs(score) > 3 else None)
        elif value is not None and sigma == 0 and value != center:
            flags.append(_sign(value - center))
        else:
            flags.append(None)
    return flags


def _zone_majority(scores: Sequence[float | None], limit: float, needed: int, window: int) -> Flags:
    """Flag a point beyond `limit` when `needed` of the last `window` are beyond on its side."""
    flags: Flags = [None] * len(scores)
    for index in range(window - 1, len(scores)):
        recent = scores[index - window + 1 : index + 1]
        current = scores[index]
        if current is None or any(score is None for score in recent):
            continue
        side = _sign(current)
        beyond = sum(1 for score in recent if score is not None and side * score > limit)
        if side * current > limit and beyond >= needed:
            flags[index] = side
    return flags


def _run_flags(states: Sequence[int | None], length: int) -> Flags:
    """Flag each point of a run of one non-zero state from where the run reaches `length`."""
    flags: Flags = []
    count = 0
    for index, state in enumerate(states):
        if not state:
            count = 0
        elif count and states[index - 1] == state:
            count += 1
        else:
            count = 1
        flags.append(state if state and count >= length else None)
    return flags


def _same_side(length: int) -> Callable[[Sequence[float | None], Sequence[float | None]], Flags]:
    def detect_run(values: Sequence[float | None], scores: Sequence[float | None]) -> Flags:
        return _run_flags([None if score is None else _sign(score) for score in scores], length)

    return detect_run


def _zone(
    limit: float, needed: int, window: int
) -> Callable[[Sequence[float | None], Sequence[float | None]], Flags]:
    def detect_zone(values: Sequence[float | None], scores: Sequence[float | None]) -> Flags:
        return _zone_majority(scores, limit, needed, window)

    return detect_zone


def _trend(values: Sequence[float | None], scores: Sequence[float | None]) -> Flags:
    """Flag 6 points in a row increasing (or decreasing): 5 steps the same way."""
    return _run_flags(_steps(values, scores), 5)


def _alternating(values: Sequence[float | None], scores: Sequence[float | None]) -> Flags:
    """Flag 14 points in a row alternating up and down: 12 changes of direction in a row."""
    steps = _steps(values, scores)
    turns: list[int | None] = [None]
    for previous, current in pairwise(steps):
        turns.append(None if previous is None or current is None else int(previous * current < 0))
    return [None if flag is None else 0 for flag in _run_flags(turns, 12)]


def _inside_one_sigma(values: Sequence[float | None], scores: Sequence[float | None]) -> Flags:
    """Flag 15 points in a row within 1 sigma of the centre line (bounds included)."""
    inside = [None if score is None else int(abs(score) <= 1) for score in scores]
    return [None if flag is None else 0 for flag in _run_flags(inside, 15)]


def _outside_one_sigma(values: Sequence[float | None], scores: Sequence[float | None]) -> Flags:
    """Flag 8 points in a row beyond 1 sigma with points on both sides of the centre line."""
    length = 8
    flags: Flags = [None] * len(scores)
    for index in range(length - 1, len(scores)):
        recent = scores[index - length + 1 : index + 1]
        known = [score for score in recent if score is not None]
        if (
            len(known) == length
            and all(abs(score) > 1 for score in known)
            and any(score > 1 for score in known)
            and any(score < -1 for score in known)
        ):
            flags[index] = 0
    return flags


def _steps(values: Sequence[float | None], scores: Sequence[float | None]) -> list[int | None]:
    """Return the direction of each step from the previous point, None where either is unusable."""
    steps: list[int | None] = [None]
    for index in range(1, len(values)):
        previous, current = values[index - 1], values[index]
        if (
            previous is None
            or current is None
            or scores[index - 1] is None
            or scores[index] is None
        ):
            steps.append(None)
        else:
            steps.append(_sign(current - previous))
    return steps


DETECTORS: dict[str, Callable[[Sequence[float | None], Sequence[float | None]], Flags]] = {
    "WE2": _zone(2, 2, 3),
    "WE3": _zone(1, 4, 5),
    "WE4": _same_side(8),
    "NEL2": _same_side(9),
    "NEL3": _trend,
    "NEL4": _alternating,
    "NEL5": _zone(2, 2, 3),
    "NEL6": _zone(1, 4, 5),
    "NEL7": _inside_one_sigma,
    "NEL8": _outside_one_sigma,
}


def _known(value: float | None) -> float | None:
    """Return the value, or None when it is missing or not a finite number."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _score(value: float | None, center: float, sigma: float | None) -> float | None:
    """Return z, or None where the point cannot be judged against sigma zones."""
    if value is None or sigma is None or not math.isfinite(sigma) or sigma <= 0:
        return None
    return (value - center) / sigma


def _sign(number: float) -> int:
    return (number > 0) - (number < 0)


def _number(rule: str) -> int:
    return int(rule.removeprefix("WE").removeprefix("NEL"))


def _precedence(rule: str) -> tuple[int, int, str]:
    """Order rules by number, Western Electric before Nelson on a tie; unknown rules last."""
    if rule not in RULE_LABELS:
        return (99, 0, rule)
    return (_number(rule), 0 if rule.startswith("WE") else 1, rule)
