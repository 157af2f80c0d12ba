"""Synthetic survey responses (`make bench`, `bench_dashboards`) and complaints (`make bench`).

Rows go straight into the table (COPY on PostgreSQL; answers by batched INSERTs on SQLite), as
a bulk load from another system would, and are logged for the recompute like the importers log
theirs.
"""

import random
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.changes import Source, changes_record_range, changes_record_rows, local_day
from core.imports.registry import copy_rows
from journeys.models import Journey

from .models import AT_RISK_SHARE, Complaint, Survey, SurveyResponse
from .services import survey_days_refresh

DAYS = 730  # two years of answers
INSERT_BATCH = 10_000  # rows per executemany on SQLite: bounds the memory of one statement
COMMENT_EVERY = 10  # one answer in ten carries a comment, about the demo's share
BENCH_KINDS = ("nps", "csat", "ces", "enps")
LOWEST_SCORE = {"nps": 0, "csat": 1, "ces": 1, "enps": 0}
HIGHEST_SCORE = {"nps": 10, "csat": 5, "ces": 7, "enps": 10}
COLUMNS = (
    "survey_id, journey_id, score, responded_at, comment, improvement_suggestion, "
    "follow_up_consent, channel, external_id"
)


def bench_surveys() -> dict[str, Survey]:
    """Return the bench's NPS, CSAT and CES surveys, created on first use."""
    return {
        kind: Survey.objects.get_or_create(
            name=f"Bench {kind.upper()}", defaults={"kind": kind, "question": "?"}
        )[0]
        for kind in BENCH_KINDS
    }


def _rows(
    surveys: dict[str, Survey],
    count: int,
    scopes: Sequence[Journey | None],
    start: datetime,
    *,
    days: int = DAYS,
    seed: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Yield `count` answers evenly over `days` from `start`, each journey of `scopes` in turn."""
    generator = random.Random(count if seed is None else seed)  # noqa: S311 - synthetic data
    kinds = list(surveys)
    step = days * 86_400 / max(count, 1)
    for number in range(count):
        kind = kinds[number % len(kinds)]
        journey = scopes[number % len(scopes)]
        yield (
            surveys[kind].pk,
            journey.pk if journey else None,
            generator.randint(LOWEST_SCORE[kind], HIGHEST_SCORE[kind]),
            start + timedelta(seconds=number * step),
            f"Bench comment {number}" if number % COMMENT_EVERY == 0 else "",
        )


def responses_load(
    *,
    surveys: dict[str, Survey],
    count: int,
    journey: Journey | None = None,
    journeys: Sequence[Journey] = (),
) -> tuple[date, date]:
    """Load `count` answers spread over the last `DAYS` days; return their first and last day.

    Every other answer names `journey`; given `journeys`, the answers go to no journey and to
    each of them in turn.
    """
    start = timezone.now() - timedelta(days=DAYS)
    scopes: list[Journey | None] = [None, *journeys] if journeys else [None, journey]
    responses_insert(rows=_rows(surveys, count, scopes, start))
    first_day, last_day = local_day(start), local_day(timezone.now())
    # A bulk load logs its day range once, as the importers do, and counts its survey days.
    changes_record_range(source=Source.SURVEY_RESPONSE, first_day=first_day, last_day=last_day)
    days = [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
    survey_days_refresh(cells=[(survey.pk, day) for survey in surveys.values() for day in days])
    return first_day, last_day


def responses_ensure(*, surveys: dict[str, Survey], count: int) -> str:
    """Load `count` answers into the bench surveys unless an earlier run kept them (--keep);
    return what was done, in words, for the bench command to print."""
    if SurveyResponse.objects.filter(survey__in=surveys.values()).exists():
        return "Reusing the bench answers kept by an earlier run (--keep)."
    started = time.perf_counter()
    responses_load(surveys=surveys, count=count, journey=Journey.objects.order_by("pk").first())
    return (
        f"{count:,} answers loaded in {time.perf_counter() - started:.1f} s ({connection.vendor})"
    )


def responses_add_recent(
    *, surveys: dict[str, Survey], count: int, journeys: Sequence[Journey], days: int = 7
) -> None:
    """Load `count` new answers over the last `days` whole days, logged as an import logs them.

    Their day counts are left to the recompute (the importer refreshes them itself): the bench
    times the run with its refresh of the changed days, the costlier case."""
    start = timezone.now() - timedelta(days=days + 1)
    responses_insert(rows=_rows(surveys, count, [None, *journeys], start, days=days, seed=-count))
    changes_record_range(
        source=Source.SURVEY_RESPONSE,
        first_day=local_day(start),
        last_day=local_day(start + timedelta(days=days)),
    )


@transaction.atomic
def responses_edit_spread(*, surveys: dict[str, Survey], every: int) -> int:
    """Turn round the score of one answer in `every` (lowest becomes highest), spread over the
    whole history as late corrections are; log their days first. Return how many changed."""
    edited = (
        SurveyResponse.objects.filter(survey__in=surveys.values())
        .alias(place=F("id") % every)
        .filter(place=0)
    )
    changes_record_rows(edited)
    table, survey_table = SurveyResponse._meta.db_table, Survey._meta.db_table
    turned = " ".join(
        f"WHEN '{kind}' THEN {HIGHEST_SCORE[kind] + LOWEST_SCORE[kind]} - r.score"
        for kind in surveys
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET score = CASE s.kind {turned} END "  # noqa: S608 - fixed names
            f"FROM {survey_table} s WHERE s.id = r.survey_id AND r.id %% %s = 0 "
            "AND r.survey_id = ANY(%s)",
            [every, [survey.pk for survey in surveys.values()]],
        )
        return cursor.rowcount


@transaction.atomic
def responses_insert(*, rows: Iterator[tuple[Any, ...]]) -> None:
    """Insert (survey id, journey id, score, responded at, comment) rows as imported answers."""
    table = SurveyResponse._meta.db_table
    fixed = ("", False, SurveyResponse.Channel.IMPORT, "")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw_cursor: Any = cursor.cursor  # psycopg's own cursor: Django has no COPY
            with raw_cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *fixed))
            return
        values = ", ".join(["%s"] * 9)
        sql = f"INSERT INTO {table} ({COLUMNS}) VALUES ({values})"  # noqa: S608 - fixed names
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append((*row, *fixed))
            if len(batch) == INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        cursor.executemany(sql, batch)


def responses_remove(*, surveys: dict[str, Survey]) -> None:
    """Delete the bench's surveys and their answers (without loading a million rows first)."""
    SurveyResponse.objects.filter(survey__in=surveys.values())._raw_delete("default")
    for survey in surveys.values():
        survey.delete()


COMPLAINT_PREFIX = "BENCH-"
OPEN_DAYS = 14  # complaints received in the last two weeks are still open; older ones closed
ACKNOWLEDGE_HOURS = 24
RESOLVE_DAYS = 5
COMPLAINT_FIELDS = (
    "reference",
    "description",
    "channel",
    "journey_id",
    "severity",
    "remedy_requested",
    "customer_reference",
    "contact_email",
    "customer_id",
    "source",
    "external_id",
    "status",
    "logged_by_id",
    "received_at",
    "acknowledge_due_at",
    "resolve_due_at",
    "acknowledge_at_risk_from",
    "resolve_at_risk_from",
    "acknowledged_at",
    "responded_at",
    "closed_at",
    "acknowledged_within_sla",
    "resolved_within_sla",
    "resolved_at_first_contact",
    "root_cause_category",
    "root_cause",
    "decision",
    "customer_satisfaction",
    "reopen_count",
)


def _complaint_rows(
    count: int,
    scopes: Sequence[Journey | None],
    customers: range,
    logged_by: int,
    start: datetime,
    days: int,
    first_number: int = 0,
) -> Iterator[tuple[Any, ...]]:
    """Yield `count` complaints evenly over `days` from `start`, each journey of `scopes` in
    turn: acknowledged within 0.5-36 hours, answered within 2-200 hours (so some miss their
    SLA), the older ones closed and rated by three customers in five."""
    generator = random.Random(count + first_number)  # noqa: S311 - synthetic data
    channels = Complaint.Channel.values
    step = days * 86_400 / max(count, 1)
    still_open = timezone.now() - timedelta(days=OPEN_DAYS)
    acknowledge, resolve = timedelta(hours=ACKNOWLEDGE_HOURS), timedelta(days=RESOLVE_DAYS)
    for number in range(first_number, first_number + count):
        received = start + timedelta(seconds=(number - first_number) * step)
        acknowledged = received + timedelta(hours=generator.uniform(0.5, 36))
        responded = received + timedelta(hours=generator.uniform(2, 200))
        closed = received < still_open
        status = Complaint.Status.CLOSED if closed else Complaint.Status.ACKNOWLEDGED
        journey = scopes[number % len(scopes)]
        rated = closed and generator.random() < 0.6
        yield (
            f"{COMPLAINT_PREFIX}{number:08d}",
            f"Synthetic complaint {number}",
            channels[number % len(channels)],
            journey.pk if journey else None,
            generator.randint(1, 4),
            "",
            "",
            "",
            customers[generator.randrange(len(customers))] if customers else None,
            Complaint.Source.IMPORT,
            "",
            status,
            logged_by,
            received,
            received + acknowledge,
            received + resolve,
            received + acknowledge * (1 - AT_RISK_SHARE),
            received + resolve * (1 - AT_RISK_SHARE),
            acknowledged,
            responded if closed else None,
            responded + timedelta(days=1) if closed else None,
            acknowledged <= received + acknowledge,
            responded <= received + resolve if closed else None,
            generator.random() < 0.3,
            "",
            "",
            "Bench decision" if closed else "",
            generator.randint(1, 5) if rated else None,
            0,
        )


@transaction.atomic
def complaints_load(
    *,
    count: int,
    journeys: Sequence[Journey],
    customers: range,
    logged_by: int,
    start: datetime,
    days: int = DAYS,
) -> None:
    """Load `count` complaints over `days` from `start` (PostgreSQL's COPY), to no journey and
    to each of `journeys` in turn, by customers of `customers`, and log their day range."""
    first_number = Complaint.objects.filter(reference__startswith=COMPLAINT_PREFIX).count()
    rows = _complaint_rows(
        count, [None, *journeys], customers, logged_by, start, days, first_number
    )
    copy_rows(Complaint, COMPLAINT_FIELDS, rows)
    changes_record_range(
        source=Source.COMPLAINT,
        first_day=local_day(start),
        last_day=local_day(start + timedelta(days=days)),
    )


@transaction.atomic
def complaints_edit_spread(*, every: int) -> int:
    """Correct one bench complaint in `every` across the history, as late corrections are: its
    first-contact resolution flips and a rating turns round (1 becomes 5); log their days
    first. Return how many changed."""
    edited = (
        Complaint.objects.filter(reference__startswith=COMPLAINT_PREFIX)
        .alias(place=F("id") % every)
        .filter(place=0)
    )
    changes_record_rows(edited)
    return edited.update(
        resolved_at_first_contact=~Q(resolved_at_first_contact=True),
        customer_satisfaction=6 - F("customer_satisfaction"),
    )
