"""Recompute the metrics now: the changed cells (default), everything (--full), or one indicator."""

from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand, CommandError

from metrics.models import Indicator, RecomputeRun
from metrics.recompute import recompute_start


class Command(BaseCommand):
    help = (
        "Recompute indicator snapshots: the cells changed since the last run, every cell "
        "(--full) or one indicator (--indicator CODE). Without a worker running, use "
        "--inline to do the work in this process."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild every period.")
        parser.add_argument(
            "--indicator", metavar="CODE", help="Only this indicator (all periods)."
        )
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the per-indicator tasks in this process instead of queueing them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        indicator = None
        if options["indicator"]:
            indicator = Indicator.objects.filter(code=options["indicator"]).first()
            if indicator is None:
                raise CommandError(f"No indicator has the code {options['indicator']!r}.")
        mode = RecomputeRun.Mode.FULL if options["full"] else RecomputeRun.Mode.INCREMENTAL
        eager = current_app.conf.task_always_eager
        if options["inline"]:
            current_app.conf.task_always_eager = True
        try:
            run = recompute_start(
                mode=mode, trigger=RecomputeRun.Trigger.COMMAND, indicator=indicator
            )
        finally:
            current_app.conf.task_always_eager = eager
        run.refresh_from_db()
        if run.status == RecomputeRun.Status.SKIPPED:
            raise CommandError(run.error)
        if run.status == RecomputeRun.Status.FAILED:
            raise CommandError(f"Run {run.pk} failed:\n{run.error}")
        duration = f" in {run.duration:.1f} s" if run.duration is not None else ""
        self.stdout.write(
            f"Run {run.pk} {run.get_status_display().lower()}{duration}: "
            f"{run.indicators} indicators, {run.cells} cells written, "
            f"{run.rows_scanned:,} source rows read, {run.changes_claimed} logged changes."
        )
