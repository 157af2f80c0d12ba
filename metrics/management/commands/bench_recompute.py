"""Measure full and incremental recompute times on a large synthetic set of survey responses.

`python manage.py bench_recompute --responses 1000000` loads the responses (COPY on PostgreSQL),
defines six indicators that read them at every grain, then times: a full rebuild, an incremental
run after one new day of answers, a late edit of one old answer, and a run with nothing to do.
The bench rows are removed afterwards unless --keep is given.
"""

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from core.changes import Source, changes_record_range, local_day
from feedback.models import Survey, SurveyResponse
from journeys.models import Journey

from ...models import Indicator, RecomputeRun
from ...recompute import recompute_start
from ...services import indicator_create

DAYS = 730  # two years of answers
INSERT_BATCH = 10_000  # rows per executemany on SQLite: bounds the memory of one statement
PREFIX = "bench-"
INDICATORS = [
    ("nps", "month", "xmr", {}),
    ("nps", "week", "xmr", {}),
    ("nps", "day", "xmr", {}),
    ("nps", "month", "xmr", {"journey": True}),
    ("csat", "week", "p", {}),
    ("ces", "month", "xmr", {}),
]


class Command(BaseCommand):
    help = "Time full and incremental recomputes over --responses synthetic survey responses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--responses", type=int, default=1_000_000)
        parser.add_argument("--keep", action="store_true", help="Keep the bench rows.")

    def handle(self, *args: Any, responses: int, keep: bool, **options: Any) -> None:
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True  # time the work itself, in this process
        try:
            self._bench(responses, keep)
        finally:
            current_app.conf.task_always_eager = eager

    def _bench(self, responses: int, keep: bool) -> None:
        journey = Journey.objects.order_by("pk").first()
        surveys = {
            kind: Survey.objects.get_or_create(
                name=f"Bench {kind.upper()}", defaults={"kind": kind, "question": "?"}
            )[0]
            for kind in ("nps", "csat", "ces")
        }
        started = time.perf_counter()
        self._load(surveys, responses, journey)
        self.stdout.write(
            f"{responses:,} responses loaded in {time.perf_counter() - started:.1f} s "
            f"({connection.vendor})"
        )
        try:
            Indicator.objects.filter(code__startswith=PREFIX).delete()
            for number, (computation, grain, chart, scope) in enumerate(INDICATORS):
                indicator_create(
                    code=f"{PREFIX}{number}-{computation}-{grain}",
                    name=f"Bench {computation} by {grain}",
                    kind="lagging",
                    stakeholder_group="customers",
                    computation=computation,
                    grain=grain,
                    chart_type=chart,
                    journey=journey if scope.get("journey") else None,
                )
            self._time("full rebuild", RecomputeRun.Mode.FULL)
            self._add_day(surveys["nps"], journey)
            self._time("incremental, one new day of answers", RecomputeRun.Mode.INCREMENTAL)
            old = SurveyResponse.objects.filter(survey=surveys["nps"]).order_by("pk").first()
            if old is not None:
                old.score = 10 - old.score
                old.save()  # a late edit of an answer from two years ago
            self._time("incremental, one late edit", RecomputeRun.Mode.INCREMENTAL)
            self._time("incremental, nothing changed", RecomputeRun.Mode.INCREMENTAL)
        finally:
            if not keep:
                Indicator.objects.filter(code__startswith=PREFIX).delete()
                SurveyResponse.objects.filter(survey__in=surveys.values())._raw_delete("default")
                for survey in surveys.values():
                    survey.delete()

    def _time(self, label: str, mode: str) -> None:
        started = time.perf_counter()
        run = recompute_start(mode=mode, trigger=RecomputeRun.Trigger.COMMAND)
        elapsed = time.perf_counter() - started
        run.refresh_from_db()
        self.stdout.write(
            f"{label}: {elapsed:.2f} s, {run.get_status_display().lower()}, "
            f"{run.indicators} indicators, {run.cells} cells written, "
            f"{run.rows_scanned:,} rows read"
        )

    def _rows(
        self, surveys: dict[str, Survey], count: int, journey: Journey | None, start: datetime
    ) -> Iterator[tuple[Any, ...]]:
        generator = random.Random(count)  # noqa: S311 - synthetic data, not security
        highs = {"nps": 10, "csat": 5, "ces": 7}
        kinds = list(surveys)
        step = DAYS * 86_400 / max(count, 1)
        for number in range(count):
            kind = kinds[number % 3]
            yield (
                surveys[kind].pk,
                journey.pk if journey and number % 2 else None,
                generator.randint(0 if kind == "nps" else 1, highs[kind]),
                start + timedelta(seconds=number * step),
            )

    def _load(self, surveys: dict[str, Survey], count: int, journey: Journey | None) -> None:
        start = timezone.now() - timedelta(days=DAYS)
        self._insert(self._rows(surveys, count, journey, start))
        # A bulk load logs its day range once, as the importers do.
        changes_record_range(
            source=Source.SURVEY_RESPONSE,
            first_day=local_day(start),
            last_day=local_day(timezone.now()),
        )

    def _add_day(self, survey: Survey, journey: Journey | None) -> None:
        yesterday = timezone.now() - timedelta(days=1)
        count = 1_400  # about a day's answers at 500k a year
        rows = (
            (survey.pk, journey.pk if journey else None, number % 11, yesterday)
            for number in range(count)
        )
        self._insert(rows)
        changes_record_range(
            source=Source.SURVEY_RESPONSE,
            first_day=local_day(yesterday),
            last_day=local_day(yesterday),
        )

    @transaction.atomic
    def _insert(self, rows: Iterator[tuple[Any, ...]]) -> None:
        table = SurveyResponse._meta.db_table
        columns = (
            "survey_id, journey_id, score, responded_at, comment, improvement_suggestion, "
            "follow_up_consent, channel, external_id"
        )
        fixed = ("", "", False, SurveyResponse.Channel.IMPORT, "")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw_cursor: Any = cursor.cursor  # psycopg's own cursor: Django has no COPY
                with raw_cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *fixed))
                return
            values = ", ".join(["%s"] * 9)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 - fixed names
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append((*row, *fixed))
                if len(batch) == INSERT_BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
