"""The journey heat view: each touchpoint of a journey map valued by one measure over a window.

One grouped query per measure for all the journey's touchpoints (two for the complaint rate: the
complaints and the activities). Each value gets a level from 1 (the best touchpoint of the
journey in the window) to 5 (the worst), in five equal steps between the two, whichever way the
measure is better; the cards print the value as well, so the colour is never the only sign.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from feedback.models import Audit, Survey, SurveyDay

from ..periods import days_between
from .complaint_counts import (
    activity_count,
    complaints_received,
    per_thousand,
    sla_breached,
)
from .survey_scores import day_sums, in_window, scores_headline

LEVELS = 5


@dataclass(frozen=True)
class Measure:
    """What a heat view colours by, which way is better and how a value reads."""

    key: str
    label: Any
    higher_is_better: bool
    n_label: Any  # what the value is computed from
    decimals: int = 0
    suffix: str = ""
    from_complaints: bool = False  # counted from the complaints the user may read

    def text(self, value: float | None) -> str:
        """Return a value as the cards and the legend print it."""
        if value is None:
            return str(_("no data"))
        return f"{number_format(value, self.decimals)}{self.suffix}"

    def bound(self, value: float) -> str:
        """Return a legend step's bound: a decimal more for counts, whose steps fall between."""
        return f"{number_format(value, max(self.decimals, 1))}{self.suffix}"


COMPLAINT_RATE = "complaint_rate"
COMPLAINT_COUNT = "complaint_count"
NPS = "nps"
CSAT = "csat"
SLA_BREACHES = "sla_breaches"
MYSTERY_SHOP = "mystery_shop"

MEASURES = {
    measure.key: measure
    for measure in (
        Measure(
            COMPLAINT_RATE,
            _("Complaints per 1,000 customer activities"),
            higher_is_better=False,
            n_label=_("complaints"),
            decimals=2,
            from_complaints=True,
        ),
        Measure(
            COMPLAINT_COUNT,
            _("Complaints"),
            higher_is_better=False,
            n_label=_("complaints"),
            from_complaints=True,
        ),
        Measure(NPS, _("NPS"), higher_is_better=True, n_label=_("answers")),
        Measure(
            CSAT, _("CSAT (% satisfied)"), higher_is_better=True, n_label=_("answers"), suffix=" %"
        ),
        Measure(
            SLA_BREACHES,
            _("SLA breaches"),
            higher_is_better=False,
            n_label=_("complaints"),
            from_complaints=True,
        ),
        Measure(
            MYSTERY_SHOP,
            _("Mystery-shop score"),
            higher_is_better=True,
            n_label=_("audits"),
            decimals=1,
            suffix=" %",
        ),
    )
}


@dataclass(frozen=True)
class HeatCell:
    """A touchpoint's value, what it was computed from (n) and its level (0: no data)."""

    value: float | None
    n: int
    level: int
    text: str


@dataclass(frozen=True)
class LegendStep:
    """One colour of the legend and the values it stands for."""

    level: int
    low: str
    high: str


@dataclass
class JourneyHeat:
    """The cells by touchpoint id, the legend from best to worst, and the window."""

    measure: Measure
    date_from: date
    date_to: date
    cells: dict[int, HeatCell]
    legend: list[LegendStep] = field(default_factory=list)
    activities: int | None = None  # the complaint rate's base


def level_of(value: float, best: float, worst: float) -> int:
    """Return 1 (best) to LEVELS (worst): the value's place in equal steps from best to worst."""
    if worst == best:
        return 1
    badness = (value - best) / (worst - best)
    return min(LEVELS, 1 + int(badness * LEVELS))


def _cells(
    measure: Measure, values: dict[int, tuple[float | None, int]]
) -> tuple[dict[int, HeatCell], list[LegendStep]]:
    known = [value for value, _n in values.values() if value is not None]
    if not known:
        cells = {pk: HeatCell(None, n, 0, measure.text(None)) for pk, (_v, n) in values.items()}
        return cells, []
    best, worst = (max(known), min(known)) if measure.higher_is_better else (min(known), max(known))
    cells = {
        pk: HeatCell(
            value,
            n,
            0 if value is None else level_of(value, best, worst),
            measure.text(value),
        )
        for pk, (value, n) in values.items()
    }
    steps = 1 if worst == best else LEVELS
    legend = [
        LegendStep(
            level=step + 1,
            low=measure.bound(best + (worst - best) * step / LEVELS),
            high=measure.bound(best + (worst - best) * (step + 1) / LEVELS),
        )
        for step in range(steps)
    ]
    return cells, legend


def _complaints(
    touchpoint_ids: list[int], date_from: date, date_to: date, user: Any, now: datetime
) -> dict[int, dict[str, int]]:
    rows = (
        complaints_received(user, date_from, date_to)
        .filter(touchpoint__in=touchpoint_ids)
        .values("touchpoint_id")
        .annotate(total=Count("id"), breaches=Count("id", filter=sla_breached(now)))
        .order_by()
    )
    return {row["touchpoint_id"]: row for row in rows}


def _survey_scores(
    touchpoint_ids: list[int], kind: str, date_from: date, date_to: date
) -> dict[int, Any]:
    rows = (
        SurveyDay.objects.filter(
            in_window(date_from, date_to),
            survey__kind=kind,
            survey__touchpoint__in=touchpoint_ids,
        )
        .values("survey__touchpoint_id")
        .annotate(**day_sums())
        .order_by()
    )
    return {row["survey__touchpoint_id"]: scores_headline(kind, row) for row in rows}


def _audits(touchpoint_ids: list[int], date_from: date, date_to: date) -> dict[int, Any]:
    rows = (
        Audit.objects.filter(
            days_between("visited_on", date_from, date_to), touchpoint__in=touchpoint_ids
        )
        .values("touchpoint_id")
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by()
    )
    return {row["touchpoint_id"]: row for row in rows}


def journey_heat(
    *,
    touchpoint_ids: Iterable[int],
    measure: str,
    date_from: date,
    date_to: date,
    user: Any,
    now: datetime | None = None,
) -> JourneyHeat:
    """Value each touchpoint by the measure over the window, complaints as the user sees them.

    Complaint rate: the touchpoint's complaints per 1,000 customer activities of the window;
    complaints and SLA breaches (acknowledged or resolved late, or waiting past due): counts of
    the complaints received in the window; NPS and CSAT (% satisfied, answers of 4 or 5): from
    the answers to the surveys about the touchpoint (a journey's relationship NPS belongs to no
    touchpoint); mystery-shop score: the mean score of the window's audits.
    """
    chosen = MEASURES[measure]
    ids = list(touchpoint_ids)
    now = now or timezone.now()
    values: dict[int, tuple[float | None, int]] = {}
    activities = None
    read: Callable[[int], tuple[float | None, int]]
    if measure in (COMPLAINT_RATE, COMPLAINT_COUNT, SLA_BREACHES):
        complaints = _complaints(ids, date_from, date_to, user, now)
        if measure == COMPLAINT_RATE:
            activities = activity_count(date_from, date_to)
            base = activities

            def read(pk: int) -> tuple[float | None, int]:
                total = complaints.get(pk, {}).get("total", 0)
                return per_thousand(total, base), total

        else:
            key = "total" if measure == COMPLAINT_COUNT else "breaches"

            def read(pk: int) -> tuple[float | None, int]:
                row = complaints.get(pk, {})
                return float(row.get(key, 0)), row.get("total", 0)

    elif measure in (NPS, CSAT):
        kind = Survey.Kind.NPS if measure == NPS else Survey.Kind.CSAT
        headlines = _survey_scores(ids, kind, date_from, date_to)

        def read(pk: int) -> tuple[float | None, int]:
            found = headlines.get(pk)
            if found is None or found.score is None:
                return None, 0
            return float(found.score), found.answers

    else:
        audits = _audits(ids, date_from, date_to)

        def read(pk: int) -> tuple[float | None, int]:
            row = audits.get(pk)
            if row is None:
                return None, 0
            return float(row["average"]), row["count"]

    values = {pk: read(pk) for pk in ids}
    cells, legend = _cells(chosen, values)
    return JourneyHeat(
        measure=chosen,
        date_from=date_from,
        date_to=date_to,
        cells=cells,
        legend=legend,
        activities=activities,
    )
