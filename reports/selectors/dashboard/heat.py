"""Journey health: a heat map of journeys by stage of one measure for the chosen month.

Measures, per stage (its touchpoints together):
- complaint_count: the complaints received in the month at the stage's touchpoints (a count:
  customer activities carry no journey or stage, so a per-stage rate would divide by the whole
  organisation's activity and only rescale the counts);
- nps: the NPS of the answers to NPS surveys about the stage's touchpoints, from the surveys' day
  counts (feedback's SurveyDay), never from the answers one by one; surveys about a whole
  journey belong to no stage and are shown beside the journey;
- sla_breaches: the complaints received in the month at the stage's touchpoints that missed an
  SLA clock (acknowledged or resolved late, or still waiting past its due time).

Each measure is one grouped query for every cell, with the month, the previous month and the same
month last year counted side by side; the stages are one more query. Complaints count as far as
the user may read them (feedback's `complaints_visible_to`), as the Pareto and heat views do.
Each cell links to its journey's heat view, where the stage's touchpoints show the same measure.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from feedback.models import Survey, SurveyDay
from feedback.selectors import complaints_visible_to
from journeys.models import Journey, Stage

from ...periods import moments_between
from ..complaint_counts import sla_breached
from ..journey_heat import COMPLAINT_COUNT, NPS, SLA_BREACHES
from ..survey_scores import day_sums, in_window, scores_headline
from .periods import add_months
from .scope import DashboardFilters, journeys_in_scope

CURRENT, PREVIOUS, LAST_YEAR = "current", "previous", "last_year"


@dataclass(frozen=True)
class Measure:
    """A measure the heat map can show."""

    key: str
    label: str | Promise
    value_label: str | Promise
    higher_is_better: bool


# The keys are the journey heat view's (reports.selectors.journey_heat), where the cells link.
MEASURES = {
    measure.key: measure
    for measure in (
        Measure(COMPLAINT_COUNT, _("Complaints"), _("complaints received"), False),
        Measure(NPS, _("NPS"), _("NPS"), True),
        Measure(SLA_BREACHES, _("SLA breaches"), _("complaints that missed an SLA"), False),
    )
}
DEFAULT_MEASURE = COMPLAINT_COUNT


@dataclass
class HeatCell:
    """One stage's value, the previous month's and last year's, and where it links."""

    stage: Stage
    url: str
    value: float | None = None
    previous: float | None = None
    last_year: float | None = None
    answers: int | None = None  # NPS: how many answers the value rests on


@dataclass
class HeatRow:
    """One journey and its stages in order; for NPS, also its surveys about the whole journey."""

    journey: Journey
    cells: list[HeatCell] = field(default_factory=list)
    # NPS surveys about the whole journey: their answers belong to no stage.
    journey_value: float | None = None
    journey_answers: int = 0

    @property
    def has_values(self) -> bool:
        return any(cell.value is not None for cell in self.cells)


@dataclass
class JourneyHeat:
    """The heat map's rows and what it shows."""

    measure: Measure
    month: date
    in_progress: bool
    rows: list[HeatRow]

    @property
    def has_values(self) -> bool:
        """Return whether any stage has a value to draw."""
        return any(row.has_values for row in self.rows)

    @property
    def width(self) -> int:
        """Return the number of stages of the longest journey (the map's columns)."""
        return max((len(row.cells) for row in self.rows), default=0)


def stage_url(stage: Stage, *, measure: str, first_day: date, last_day: date) -> str:
    """Return the journey's heat view (its map, each touchpoint valued by the measure over the
    same days) at the stage's column."""
    query = urlencode(
        {"measure": measure, "date_from": first_day.isoformat(), "date_to": last_day.isoformat()}
    )
    address = reverse("reports:journey-heat", args=[stage.journey_id])
    return f"{address}?{query}#stage-{stage.pk}"


def month_windows(month: date) -> dict[str, tuple[date, date]]:
    """Return the first and last day of the month, the month before and the month a year before."""
    windows = {}
    for key, start in (
        (CURRENT, month),
        (PREVIOUS, add_months(month, -1)),
        (LAST_YEAR, add_months(month, -12)),
    ):
        windows[key] = (start, add_months(start, 1) - timedelta(days=1))
    return windows


def journey_heat(
    filters: DashboardFilters, *, measure: str, user: Any, today: date, now: datetime
) -> JourneyHeat:
    """Return the heat map of a measure over the journeys and stages in scope (two queries;
    three for NPS, whose journey-wide surveys are summed apart)."""
    stages = list(
        Stage.objects.filter(journey__in=journeys_in_scope(filters))
        .select_related("journey")
        .order_by("journey__name", "journey_id", "order")
    )
    chosen = MEASURES.get(measure) or MEASURES[DEFAULT_MEASURE]
    windows = month_windows(filters.month)
    rows: dict[int, HeatRow] = {}
    for stage in stages:
        url = stage_url(
            stage,
            measure=chosen.key,
            first_day=windows[CURRENT][0],
            last_day=windows[CURRENT][1],
        )
        rows.setdefault(stage.journey_id, HeatRow(journey=stage.journey)).cells.append(
            HeatCell(stage=stage, url=url)
        )
    if stages:
        cells = {cell.stage.pk: cell for row in rows.values() for cell in row.cells}
        if chosen.key == NPS:
            _fill_nps(cells, windows)
            _fill_journey_nps(rows, windows[CURRENT])
        else:
            _fill_complaints(
                cells, windows, user=user, breached_by=now if chosen.key == SLA_BREACHES else None
            )
    return JourneyHeat(
        measure=chosen,
        month=filters.month,
        in_progress=add_months(filters.month, 1) > today,
        rows=list(rows.values()),
    )


def _fill_complaints(
    cells: dict[int, HeatCell],
    windows: dict[str, tuple[date, date]],
    *,
    user: Any,
    breached_by: datetime | None,
) -> None:
    """Count each stage's complaints of the three months (those breaching an SLA, if asked)."""
    moments = {key: moments_between("received_at", *window) for key, window in windows.items()}
    rows = complaints_visible_to(user).filter(touchpoint__stage__in=list(cells))
    if breached_by is not None:
        rows = rows.filter(sla_breached(breached_by))
    counts = (
        rows.filter(moments[CURRENT] | moments[PREVIOUS] | moments[LAST_YEAR])
        .order_by()
        .values("touchpoint__stage")
        .annotate(**{key: Count("pk", filter=moment) for key, moment in moments.items()})
    )
    found = {row["touchpoint__stage"]: row for row in counts}
    for stage_id, cell in cells.items():
        row = found.get(stage_id, {})
        # No complaint is a count of zero, not a gap.
        cell.value = row.get(CURRENT, 0)
        cell.previous = row.get(PREVIOUS, 0)
        cell.last_year = row.get(LAST_YEAR, 0)


def _fill_nps(cells: dict[int, HeatCell], windows: dict[str, tuple[date, date]]) -> None:
    """Sum each stage's NPS answers of the three months from the surveys' day counts."""
    days = {key: in_window(*window) for key, window in windows.items()}
    sums = {
        f"{key}_{name}": Sum(name, filter=day) for key, day in days.items() for name in day_sums()
    }
    totals = (
        SurveyDay.objects.filter(
            days[CURRENT] | days[PREVIOUS] | days[LAST_YEAR],
            survey__kind=Survey.Kind.NPS,
            survey__touchpoint__stage__in=list(cells),
        )
        .order_by()
        .values("survey__touchpoint__stage")
        .annotate(**sums)
    )
    for row in totals:
        cell = cells[row["survey__touchpoint__stage"]]
        # The survey pages' own headline: the same answers give the same NPS here.
        scores = {
            key: scores_headline(
                Survey.Kind.NPS, {name: row[f"{key}_{name}"] for name in day_sums()}
            )
            for key in days
        }
        cell.value = scores[CURRENT].score
        cell.previous = scores[PREVIOUS].score
        cell.last_year = scores[LAST_YEAR].score
        cell.answers = scores[CURRENT].answers


def _fill_journey_nps(rows: dict[int, HeatRow], window: tuple[date, date]) -> None:
    """Sum each journey's answers to NPS surveys about the whole journey, for the month."""
    totals = (
        SurveyDay.objects.filter(
            in_window(*window),
            survey__kind=Survey.Kind.NPS,
            survey__touchpoint__isnull=True,
            survey__journey__in=list(rows),
        )
        .order_by()
        .values("survey__journey")
        .annotate(**day_sums())
    )
    for row in totals:
        score = scores_headline(Survey.Kind.NPS, row)
        heat_row = rows[row["survey__journey"]]
        heat_row.journey_value, heat_row.journey_answers = score.score, score.answers
