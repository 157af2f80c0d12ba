"""Reads of one survey over time: its score per week or month, and its answers for an export.

The score of a period is the one the indicators compute: NPS (and eNPS) is the share of
promoters (9-10) minus the share of detractors (0-6), CSAT the share of answers of 4 or 5, CES the
mean score, each over the period's answers. The periods are whole weeks (from Monday) or months
in the organisation's time zone; the one holding today is still in progress, and a period without
answers has no score (a gap, never a zero).

Without a filter on the answers the periods are summed from the survey's day counts (SurveyDay),
whose cost follows the number of days, not of answers. A journey, touchpoint or segment filter
reads the answers themselves, in one grouped query on the (survey, responded_at) index. The
journey and touchpoint are each answer's own, copied from the survey's scope when it was given
(what the indicators group by): one survey's answers differ there when its scope changed after
some came in, or when a bulk load copied only the survey's journey; the segment is the
answering customer's today.

eNPS answers keep their anonymity (see `surveys`): only by month, over whole months, never by
segment, journey or touchpoint, and a month of fewer than `ANONYMITY_THRESHOLD` answers shows no
score. When those months together hold fewer than the threshold, the smallest month with a score
loses it too, so that the survey's overall eNPS minus the months shown never gives away a small
group's answers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateField, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from core.changes import local_day, local_midnight

from ..models import SCORED_FIELDS, Survey, SurveyDay, SurveyResponse
from .surveys import ANONYMITY_THRESHOLD, responses_visible_to

WEEK, MONTH = "week", "month"
GRAINS = (WEEK, MONTH)
DEFAULT_MONTHS = 12  # with no dates given, the chart shows the last 12 months, this one included


@dataclass(frozen=True)
class AnswerFilters:
    """Which answers of a survey to read: answered from `date_from` to `date_to` (local days,
    both included), about a journey or touchpoint, by customers of a segment (ids; None: any)."""

    date_from: date | None = None
    date_to: date | None = None
    journey: int | None = None
    touchpoint: int | None = None
    segment: int | None = None

    @property
    def by_answer(self) -> bool:
        """Return whether a filter needs the answers themselves (the day counts lack it)."""
        return any(value is not None for value in (self.journey, self.touchpoint, self.segment))


@dataclass(frozen=True)
class TrendFilters(AnswerFilters):
    """The answer filters and the grain of the periods (week or month)."""

    grain: str = MONTH


@dataclass(frozen=True)
class TrendPoint:
    """One period of a survey's trend: its answers and score (None: no answers, or hidden)."""

    period: date
    answers: int
    score: float | None
    in_progress: bool = False
    hidden: bool = False  # eNPS: too few answers to show a score without naming someone


@dataclass(frozen=True)
class Trend:
    """A survey's score per period over a window of whole periods."""

    kind: str
    grain: str
    first_day: date | None  # the window shown, None when it holds no period
    last_day: date | None
    points: list[TrendPoint] = field(default_factory=list)

    @property
    def answers(self) -> int:
        """Return the answers in the window."""
        return sum(point.answers for point in self.points)


def period_start(day: date, grain: str) -> date:
    """Return the first day of the week (from Monday) or month holding a day."""
    if grain == WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: date, grain: str) -> date:
    """Return the first day of the period after the one starting on `start`."""
    if grain == WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _last_day(survey: Survey) -> date | None:
    """Return the last local day a survey takes answers, None while it has no end."""
    if survey.ends_at is None:
        return None
    return local_day(survey.ends_at - timedelta(microseconds=1))


def first_day(survey: Survey) -> date:
    """Return the first local day of a survey's results: the day it opened, or that of an
    earlier answer (an import of answers given before the survey was set up here)."""
    opened = local_day(survey.starts_at)
    earliest = SurveyDay.objects.filter(survey=survey).aggregate(first=Min("day"))["first"]
    return min(opened, earliest) if earliest else opened


def default_window(survey: Survey, today: date | None = None) -> tuple[date, date]:
    """Return the dates a survey's chart shows when none are given: its last 12 months (the
    current one included) up to today or the day it closed, from its first day if later."""
    today = today or timezone.localdate()
    last = min(today, _last_day(survey) or today)
    month = last.replace(day=1)
    for _month in range(DEFAULT_MONTHS - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    return min(max(month, first_day(survey)), last), last


def score_of(kind: str, per_score: list[int]) -> float | None:
    """Return the score of a kind from the answers per score (0 to 10), None without answers.

    NPS and eNPS: % promoters (9-10) - % detractors (0-6); CSAT: % of 4 and 5; CES: the mean.
    """
    answers = sum(per_score)
    if not answers:
        return None
    if kind in (Survey.Kind.NPS, Survey.Kind.ENPS):
        return 100 * (sum(per_score[9:]) - sum(per_score[:7])) / answers
    if kind == Survey.Kind.CSAT:
        return 100 * sum(per_score[4:]) / answers
    return sum(score * count for score, count in enumerate(per_score)) / answers


def _periods(first: date, last: date, grain: str) -> list[date]:
    starts, start = [], period_start(first, grain)
    while start <= last:
        starts.append(start)
        start = next_period(start, grain)
    return starts


def _per_score_sums() -> dict[str, Any]:
    return {name: Sum(name) for name in SCORED_FIELDS}


def _counts_from_days(
    survey: Survey, first: date | None, after: date | None, grain: str
) -> dict[date, list[int]]:
    """Return the answers per score of each period from `first` to before `after` (None: no
    bound), summed from the survey's day counts."""
    truncate = TruncWeek if grain == WEEK else TruncMonth
    days = SurveyDay.objects.filter(survey=survey)
    if first is not None and after is not None:
        days = days.filter(day__gte=first, day__lt=after)
    rows = (
        days.annotate(period=truncate("day", output_field=DateField()))
        .values("period")
        .annotate(**_per_score_sums())
        .order_by()
    )
    return {row["period"]: [row[name] or 0 for name in SCORED_FIELDS] for row in rows}


def _matching(survey: Survey, filters: AnswerFilters) -> Q:
    """Return the condition on a survey's answers of the journey, touchpoint and segment."""
    condition = Q(survey=survey)
    if filters.journey is not None:
        condition &= Q(journey_id=filters.journey)
    if filters.touchpoint is not None:
        condition &= Q(touchpoint_id=filters.touchpoint)
    if filters.segment is not None:
        condition &= Q(customer__segment_id=filters.segment)
    return condition


def _counts_from_answers(
    survey: Survey, filters: AnswerFilters, first: date, after: date, grain: str
) -> dict[date, list[int]]:
    """Return the answers per score of each period, counted from the matching answers."""
    zone = ZoneInfo(settings.TIME_ZONE)
    truncate = TruncWeek if grain == WEEK else TruncMonth
    rows = (
        SurveyResponse.objects.filter(
            _matching(survey, filters),
            responded_at__gte=local_midnight(first),
            responded_at__lt=local_midnight(after),
        )
        .annotate(period=truncate("responded_at", output_field=DateField(), tzinfo=zone))
        .values("period")
        .annotate(
            **{name: Count("id", filter=Q(score=score)) for score, name in enumerate(SCORED_FIELDS)}
        )
        .order_by()
    )
    return {row["period"]: [row[name] for name in SCORED_FIELDS] for row in rows}


def _window(survey: Survey, filters: TrendFilters, today: date) -> tuple[date, date] | None:
    """Return the first and last day of the whole periods to show, None when there is none.

    The dates asked for (or the default window) are kept from the survey's first day up to
    today (or its close), then widened to whole periods: a period cut by a date would be scored
    on part of its days.
    """
    date_from, date_to = filters.date_from, filters.date_to
    if date_from is None or date_to is None:
        default_from, default_to = default_window(survey, today)
        date_from, date_to = date_from or default_from, date_to or default_to
    first = max(date_from, first_day(survey))
    last = min(date_to, today)
    closed_on = _last_day(survey)
    if closed_on is not None:
        last = min(last, closed_on)
    if first > last:
        return None
    first = period_start(first, filters.grain)
    return first, next_period(period_start(last, filters.grain), filters.grain) - timedelta(days=1)


def _protect(points: list[TrendPoint]) -> list[TrendPoint]:
    """Hide the eNPS of months under the threshold and, when those hold fewer answers than the
    threshold together, of the smallest month shown too (see the module's docstring)."""
    small = [point for point in points if 0 < point.answers < ANONYMITY_THRESHOLD]
    shown = [point for point in points if point.answers >= ANONYMITY_THRESHOLD]
    hidden = {point.period for point in small}
    if shown and 0 < sum(point.answers for point in small) < ANONYMITY_THRESHOLD:
        hidden.add(min(shown, key=lambda point: (point.answers, point.period)).period)
    return [
        TrendPoint(point.period, point.answers, None, point.in_progress, hidden=True)
        if point.period in hidden
        else point
        for point in points
    ]


def survey_trend(
    survey: Survey, filters: TrendFilters | None = None, *, today: date | None = None
) -> Trend:
    """Return the survey's score per week or month over the filters' window (see the module).

    One query whatever the number of answers: on the day counts without an answer filter (and
    always for eNPS), on the answers grouped by period with one.
    """
    filters = filters or TrendFilters()
    today = today or timezone.localdate()
    if survey.is_employee_survey:
        filters = TrendFilters(date_from=filters.date_from, date_to=filters.date_to, grain=MONTH)
    window = _window(survey, filters, today)
    if window is None:
        return Trend(survey.kind, filters.grain, None, None)
    first, last = window
    grain, after = filters.grain, last + timedelta(days=1)
    if survey.is_employee_survey:
        # Every month with answers, whatever window is asked for: the months hidden are the
        # same in every window, so that comparing two gives nothing away either.
        counts = _counts_from_days(survey, None, None, MONTH)
        periods = _periods(min([first, *counts]), max([today, *counts]), MONTH)
    elif filters.by_answer:
        counts = _counts_from_answers(survey, filters, first, after, grain)
        periods = _periods(first, last, grain)
    else:
        counts = _counts_from_days(survey, first, after, grain)
        periods = _periods(first, last, grain)
    # The period holding today takes answers until it ends, or until the survey closes.
    open_period = period_start(today, grain)
    closed_on = _last_day(survey)
    closed = closed_on is not None and closed_on < today
    points = [
        TrendPoint(
            period=period,
            answers=sum(counts.get(period, ())),
            score=score_of(survey.kind, counts.get(period, [0] * len(SCORED_FIELDS))),
            in_progress=period >= open_period and not closed,
        )
        for period in periods
    ]
    if survey.is_employee_survey:
        points = [point for point in _protect(points) if first <= point.period <= last]
    return Trend(survey.kind, grain, first, last, points)


def survey_answers(user: Any, survey: Survey, filters: AnswerFilters) -> QuerySet[SurveyResponse]:
    """Return the survey's answers the user may read one by one that match the filters, newest
    first (none of an eNPS survey: `responses_visible_to`)."""
    answers = responses_visible_to(user).filter(_matching(survey, filters))
    if filters.date_from is not None:
        answers = answers.filter(responded_at__gte=local_midnight(filters.date_from))
    if filters.date_to is not None:
        answers = answers.filter(
            responded_at__lt=local_midnight(filters.date_to + timedelta(days=1))
        )
    return answers


# The export's columns: (header, path read from the answer).
ANSWER_EXPORT_COLUMNS = [
    ("answered_at", "responded_at"),
    ("score", "score"),
    ("comment", "comment"),
    ("one_thing_to_improve", "improvement_suggestion"),
    ("follow_up_consent", "follow_up_consent"),
    ("channel", "channel"),
    ("journey", "journey__name"),
    ("touchpoint", "touchpoint__name"),
    ("customer_reference", "customer__external_reference"),
    ("segment", "customer__segment__name"),
]


def survey_answer_rows(user: Any, survey: Survey, filters: AnswerFilters) -> QuerySet[Any]:
    """Return the export's rows (`ANSWER_EXPORT_COLUMNS`) of `survey_answers`, as tuples."""
    return (
        survey_answers(user, survey, filters)
        .select_related(None)
        .values_list(*[path for _header, path in ANSWER_EXPORT_COLUMNS])
    )
