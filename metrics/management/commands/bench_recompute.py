"""Measure full and incremental recompute times on a large synthetic set of survey responses.

`python manage.py bench_recompute --responses 1000000` loads the synthetic responses of
`feedback.bench` (COPY on PostgreSQL), defines six indicators that read them at every grain, then
times: a full rebuild, an incremental run after one new day of answers, a late edit of one old
answer, and a run with nothing to do.
The bench rows are removed afterwards unless --keep is given.
"""

import time
from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import connection

from feedback.bench import bench_surveys, responses_add_day, responses_load, responses_remove
from feedback.models import SurveyResponse
from journeys.models import Journey

from ...models import Indicator, RecomputeRun
from ...recompute import recompute_start
from ...services import indicator_create

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
        surveys = bench_surveys()
        started = time.perf_counter()
        responses_load(surveys=surveys, count=responses, journey=journey)
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
            responses_add_day(survey=surveys["nps"], journey=journey)
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
                responses_remove(surveys=surveys)

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
