"""Writes of the per-day aggregate of survey answers (SurveyDay) that the survey pages read.

Every write of answers refreshes the (survey, day) cells it touched, in its own transaction: the
answer services, the importer (CSV uploads and the API's bulk loads), the admin, and the bulk
loads of the demo and the benches. The nightly metrics recompute refreshes the days of the
change log too, which also catches writes that went around all of these (a shell, a SQL fix);
`survey_days_rebuild` recomputes the whole table.

A refresh recomputes whole cells from the answers instead of adding deltas, so that it is exact
whatever came before. Refreshes of one survey queue on its row (FOR NO KEY UPDATE, which does not
block inserting answers that reference it): the second one reads what the first committed.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate

from core.changes import local_day, local_midnight

from ..models import SCORED_FIELDS, Survey, SurveyDay, SurveyResponse

INSERT_BATCH = 1_000  # SurveyDay rows per INSERT: an import over years of days writes thousands
# A survey's changed days are refreshed as ranges of consecutive days; past this many ranges
# (an import scattered over a year) one range from the first to the last day is cheaper to read.
MAX_RANGES = 20
# Days of one survey refreshed per transaction by the nightly and full refreshes: answers to that
# survey wait for one such chunk at most, a fraction of a second even for a busy survey.
CHUNK_DAYS = 31


def _merged(ranges: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Return (first day, last day) ranges merged where they overlap or touch, in order."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(ranges):
        if merged and (first - merged[-1][1]).days <= 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def _grouped(answers: Q) -> Iterator[SurveyDay]:
    """Return the SurveyDay rows of the answers matching the condition, counted in the database."""
    rows = (
        SurveyResponse.objects.filter(answers)
        .annotate(local_day=TruncDate("responded_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("survey_id", "local_day", "department_id", "journey_id", "touchpoint_id")
        .annotate(
            answers=Count("id"),
            score_total=Sum("score"),
            **{
                name: Count("id", filter=Q(score=score)) for score, name in enumerate(SCORED_FIELDS)
            },
        )
        .order_by()
    )
    # A few rows a day (per department, journey, touchpoint): every caller refreshes bounded ranges.
    for row in rows:
        yield SurveyDay(
            survey_id=row["survey_id"],
            day=row["local_day"],
            department_id=row["department_id"],
            journey_id=row["journey_id"],
            touchpoint_id=row["touchpoint_id"],
            answers=row["answers"],
            score_total=row["score_total"],
            **{name: row[name] for name in SCORED_FIELDS},
        )


def _replace(*, stale: Q, answers: Q) -> int:
    """Delete the SurveyDay rows matching `stale` and count the answers matching `answers`."""
    # A plain DELETE: nothing listens to these rows' deletion, and a rebuild removes thousands.
    SurveyDay.objects.filter(stale)._raw_delete(SurveyDay.objects.db)
    rows, written = _grouped(answers), 0
    while batch := list(islice(rows, INSERT_BATCH)):
        SurveyDay.objects.bulk_create(batch)
        written += len(batch)
    return written


def _lock(survey_ids: Iterable[int]) -> None:
    """Queue behind other refreshes of these surveys, taking their rows in one order."""
    surveys = Survey.objects.select_for_update(no_key=True).filter(pk__in=sorted(set(survey_ids)))
    list(surveys.order_by("pk").values_list("pk", flat=True))


def _between(survey_id: int, first: date, last: date) -> tuple[Q, Q]:
    """Return the conditions on SurveyDay rows and on answers of a survey's range of days."""
    return (
        Q(survey_id=survey_id, day__gte=first, day__lte=last),
        Q(
            survey_id=survey_id,
            responded_at__gte=local_midnight(first),
            responded_at__lt=local_midnight(last + timedelta(days=1)),
        ),
    )


@transaction.atomic
def survey_days_refresh(*, cells: Iterable[tuple[int, date]]) -> int:
    """Recompute the SurveyDay rows of these (survey id, local day) cells from the answers;
    return how many rows were written."""
    days_by_survey: dict[int, set[date]] = defaultdict(set)
    for survey_id, day in cells:
        days_by_survey[survey_id].add(day)
    if not days_by_survey:
        return 0
    _lock(days_by_survey)
    stale, answers = Q(), Q()
    for survey_id, days in days_by_survey.items():
        ranges = _merged((day, day) for day in days)
        if len(ranges) > MAX_RANGES:
            ranges = [(ranges[0][0], ranges[-1][1])]
        for first, last in ranges:
            survey_stale, survey_answers = _between(survey_id, first, last)
            stale |= survey_stale
            answers |= survey_answers
    return _replace(stale=stale, answers=answers)


def _chunks(first: date, last: date) -> Iterator[tuple[date, date]]:
    while first <= last:
        end = min(last, first + timedelta(days=CHUNK_DAYS - 1))
        yield first, end
        first = end + timedelta(days=1)


@transaction.atomic
def _refresh_chunk(survey_id: int, first: date, last: date) -> int:
    _lock([survey_id])
    stale, answers = _between(survey_id, first, last)
    return _replace(stale=stale, answers=answers)


def survey_days_refresh_ranges(*, ranges: Iterable[tuple[date, date]]) -> int:
    """Recompute every survey's SurveyDay rows of these (first day, last day) ranges; return how
    many rows were written.

    Each survey's month is its own transaction: answers to a survey wait at most for one month
    of its refresh, never for the whole run.
    """
    merged = _merged(ranges)
    written = 0
    for survey_id in Survey.objects.order_by("pk").values_list("pk", flat=True):
        for first, last in merged:
            for chunk_first, chunk_last in _chunks(first, last):
                written += _refresh_chunk(survey_id, chunk_first, chunk_last)
    return written


def survey_days_rebuild() -> int:
    """Recompute the whole SurveyDay table from the answers, one survey and month at a time (see
    `survey_days_refresh_ranges`); return how many rows were written."""
    written = 0
    for survey_id in Survey.objects.order_by("pk").values_list("pk", flat=True):
        answered = SurveyResponse.objects.filter(survey_id=survey_id).aggregate(
            first=Min("responded_at"), last=Max("responded_at")
        )
        counted = SurveyDay.objects.filter(survey_id=survey_id).aggregate(
            first=Min("day"), last=Max("day")
        )
        days = [local_day(moment) for moment in answered.values() if moment is not None]
        days += [day for day in counted.values() if day is not None]
        if days:
            for first, last in _chunks(min(days), max(days)):
                written += _refresh_chunk(survey_id, first, last)
    return written
