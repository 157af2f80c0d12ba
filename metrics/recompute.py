"""Recompute runs: claim the logged source changes, recompute the dirty cells, refresh the series.

A run is one row of RecomputeRun. Starting one takes the lock (a unique constraint allows a
single running run), claims the unclaimed change-log rows, maps them to the indicator x period
cells that read them and queues one task per indicator, plus one refreshing the survey pages'
per-day counts (feedback's SurveyDay) when answers changed. Each task upserts its cells, refreshes
its series and counts itself done; the last one closes the run: it recomputes the drivers and
deletes the claimed changes (or, when a task failed, releases them for the next run).
"""

import logging
import traceback
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from core import outbox
from core.changes import Source
from core.models import SourceChange
from feedback.services import survey_days_rebuild, survey_days_refresh_ranges

from . import tasks
from .computations import (
    SOURCES,
    STARTS_AT_FIRST_ROW,
    Cell,
    compute_cells,
    periods_affected,
)
from .drivers import drivers_refresh
from .models import Alert, Indicator, RecomputeRun, Snapshot
from .periods import open_period, periods_between
from .series import rounded, series_refresh

logger = logging.getLogger(__name__)

# A run still "running" after this long died with its worker: the next start takes over.
STALE_AFTER = timedelta(hours=2)
CELL_FIELDS = (
    "value",
    "n",
    "numerator",
    "denominator",
    "spread",
    "margin_of_error",
    "low",
    "high",
    "rows",
)
UPSERT_BATCH = 500  # snapshot rows per INSERT ... ON CONFLICT statement


def _abandon_stale() -> None:
    """Close runs whose worker died mid-run, releasing what they claimed."""
    stale = RecomputeRun.objects.filter(
        status=RecomputeRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    )
    for run in stale:
        SourceChange.objects.filter(claimed_by=run.pk).update(claimed_by=None)
        RecomputeRun.objects.filter(pk=run.pk, status=RecomputeRun.Status.RUNNING).update(
            status=RecomputeRun.Status.FAILED,
            finished_at=timezone.now(),
            error="Abandoned: still running after two hours (its worker stopped).",
        )


def _plan(run: RecomputeRun) -> dict[int, list[date] | None]:
    """Claim the logged changes and return, per indicator, the periods to redo (None: all)."""
    active = Indicator.objects.filter(is_active=True)
    if run.indicator_id is not None:
        # One indicator on request: all its periods; the log stays for the nightly run.
        return {run.indicator_id: None}
    claimed = SourceChange.objects.filter(claimed_by__isnull=True).update(claimed_by=run.pk)
    RecomputeRun.objects.filter(pk=run.pk).update(changes_claimed=claimed)
    if run.mode == RecomputeRun.Mode.FULL:
        return dict.fromkeys(active.values_list("pk", flat=True))
    changes = list(
        SourceChange.objects.filter(claimed_by=run.pk)
        .values_list("source", "scope", "first_day", "last_day")
        .distinct()
    )
    plan: dict[int, list[date] | None] = {}
    for indicator in active.only(
        "pk",
        "computation",
        "grain",
        "needs_full_recompute",
        "complete_before",
        "segment",
        "active_customer",
        "active_window_days",
    ):
        if indicator.needs_full_recompute:
            plan[indicator.pk] = None
            continue
        sources = SOURCES[indicator.computation]
        own_scope = f"indicator:{indicator.pk}"
        periods: set[date] = set()
        for source, scope, first_day, last_day in changes:
            if source not in sources or scope not in ("", own_scope):
                continue
            if source == Source.OBSERVATION and scope != own_scope:
                continue
            periods.update(periods_between(first_day, last_day, indicator.grain))
        periods = periods_affected(indicator, periods)
        if periods and indicator.computation in STARTS_AT_FIRST_ROW:
            first = indicator.snapshots.order_by("period").values_list("period", flat=True)
            first_period = first.first()
            if first_period is None or min(periods) <= first_period:
                plan[indicator.pk] = None
                continue
        if periods:
            plan[indicator.pk] = sorted(periods)
        elif indicator.complete_before != open_period(indicator.grain):
            # A period has closed since the verdicts were made: redo them, no cell to recompute.
            plan[indicator.pk] = []
    return plan


def _survey_day_ranges(run: RecomputeRun) -> list[list[str]] | None:
    """Return the (first, last) days whose survey answers the run claimed; None: every day.

    The survey pages read feedback's per-day counts (SurveyDay), which the answer services keep;
    a run refreshes the changed days as well, for writes that went around those services.
    """
    if run.indicator_id is not None:
        return []  # one indicator on request: the log stays for the nightly run
    if run.mode == RecomputeRun.Mode.FULL:
        return None
    changes = (
        SourceChange.objects.filter(claimed_by=run.pk, source=Source.SURVEY_RESPONSE)
        .values_list("first_day", "last_day")
        .distinct()
    )
    return [[first.isoformat(), last.isoformat()] for first, last in sorted(changes)]


def recompute_start(
    *, mode: str, trigger: str, indicator: Indicator | None = None, user: User | None = None
) -> RecomputeRun:
    """Start a run (or record a skipped one when another is running) and queue its work."""
    _abandon_stale()
    fields = {
        "mode": RecomputeRun.Mode.FULL if indicator is not None else mode,
        "trigger": trigger,
        "indicator": indicator,
        "requested_by": user if getattr(user, "is_authenticated", False) else None,
    }
    try:
        with transaction.atomic():
            run = RecomputeRun.objects.create(**fields)
    except IntegrityError:
        busy = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).first()
        return RecomputeRun.objects.create(
            **fields,
            status=RecomputeRun.Status.SKIPPED,
            finished_at=timezone.now(),
            error=f"Another recompute (run {busy.pk if busy else '?'}) is running; "
            "this one did nothing. Try again when it has finished.",
        )
    try:
        with transaction.atomic():
            plan = _plan(run)
            survey_days = _survey_day_ranges(run)
            refresh_survey_days = survey_days is None or bool(survey_days)
            RecomputeRun.objects.filter(pk=run.pk).update(
                indicators=len(plan), pending=len(plan) + int(refresh_survey_days)
            )
            # The run's work is committed with its plan (the outbox), published after it.
            if refresh_survey_days:
                outbox.enqueue(tasks.recompute_survey_days_task, run.pk, survey_days)
            for indicator_id, periods in plan.items():
                days = None if periods is None else [period.isoformat() for period in periods]
                outbox.enqueue(tasks.recompute_indicator_task, run.pk, indicator_id, days)
    except Exception:
        _fail(run.pk, traceback.format_exc())
        raise
    if not plan and not refresh_survey_days:
        run_finish(run.pk)
    run.refresh_from_db()
    return run


def _fail(run_id: int, error: str) -> None:
    SourceChange.objects.filter(claimed_by=run_id).update(claimed_by=None)
    RecomputeRun.objects.filter(pk=run_id).update(
        status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=error[-4000:]
    )


def _cell_fields(cell: Cell) -> dict[str, Any]:
    return {
        "value": rounded(cell.value),
        "n": rounded(cell.n),
        "numerator": rounded(cell.numerator),
        "denominator": rounded(cell.denominator),
        "spread": rounded(cell.spread),
        "margin_of_error": rounded(cell.margin_of_error),
        "low": rounded(cell.low),
        "high": rounded(cell.high),
        "rows": cell.rows,
    }


@transaction.atomic
def cells_write(
    *, indicator: Indicator, periods: list[date] | None, run: RecomputeRun | None
) -> tuple[int, int]:
    """Recompute the periods' cells and upsert what changed; return (cells written, rows read)."""
    if periods == []:
        return 0, 0  # only the verdicts are due (a period closed)
    result = compute_cells(indicator, periods)
    stored = indicator.snapshots.all()
    if periods is not None:
        stored = stored.filter(period__in=periods)
    existing = {snapshot.period: snapshot for snapshot in stored}
    changed: list[Snapshot] = []
    for cell in result.cells:
        fields = _cell_fields(cell)
        snapshot = existing.pop(cell.period, None)
        if snapshot is not None and all(
            getattr(snapshot, name) == value for name, value in fields.items()
        ):
            continue
        changed.append(Snapshot(indicator=indicator, period=cell.period, run=run, **fields))
    Snapshot.objects.bulk_create(
        changed,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["indicator", "period"],
        update_fields=[*CELL_FIELDS, "run"],
    )
    # Periods whose rows are all gone (deleted, moved) lose their snapshot.
    gone = [snapshot.pk for snapshot in existing.values()]
    Snapshot.objects.filter(pk__in=gone).delete()
    return len(changed) + len(gone), result.rows_scanned


def recompute_indicator(run_id: int, indicator_id: int, days: list[str] | None) -> list[Alert]:
    """Do one indicator's share of a run and mail its new alerts after commit; the last indicator
    to finish closes the run."""
    alerts: list[Alert] = []
    try:
        run = RecomputeRun.objects.get(pk=run_id)
        indicator = Indicator.objects.select_related("owner").get(pk=indicator_id)
        periods = None if days is None else [date.fromisoformat(day) for day in days]
        with transaction.atomic():
            cells, rows = cells_write(indicator=indicator, periods=periods, run=run)
            if periods is None:
                Indicator.objects.filter(pk=indicator.pk).update(needs_full_recompute=False)
            alerts = series_refresh(indicator)
        RecomputeRun.objects.filter(pk=run_id).update(
            cells=F("cells") + cells, rows_scanned=F("rows_scanned") + rows
        )
    except Indicator.DoesNotExist:
        pass  # deleted since the run was planned: nothing left to compute
    except Exception:
        logger.exception("Recompute of indicator %s in run %s failed", indicator_id, run_id)
        RecomputeRun.objects.filter(pk=run_id).update(
            error=Concat(
                F("error"), Value(f"Indicator {indicator_id}: {traceback.format_exc()[-1500:]}\n")
            )
        )
    finally:
        _task_done(run_id)
    # The demo's history is not news: its alerts are recorded, not mailed.
    demo = RecomputeRun.objects.filter(pk=run_id, trigger=RecomputeRun.Trigger.DEMO).exists()
    for alert in [] if demo else alerts:
        outbox.enqueue(tasks.send_alert_email_task, alert.pk)
    return alerts


def recompute_survey_days(run_id: int, ranges: list[list[str]] | None) -> int:
    """Refresh the survey pages' per-day counts for a run's changed days (every day for None);
    return the rows written. The last task of the run to finish closes it."""
    written = 0
    try:
        if ranges is None:
            written = survey_days_rebuild()
        else:
            written = survey_days_refresh_ranges(
                ranges=[
                    (date.fromisoformat(first), date.fromisoformat(last)) for first, last in ranges
                ]
            )
    except Exception:
        logger.exception("Refreshing the survey days in run %s failed", run_id)
        RecomputeRun.objects.filter(pk=run_id).update(
            error=Concat(F("error"), Value(f"Survey days: {traceback.format_exc()[-1500:]}\n"))
        )
    finally:
        _task_done(run_id)
    return written


def _task_done(run_id: int) -> None:
    RecomputeRun.objects.filter(pk=run_id, pending__gt=0).update(pending=F("pending") - 1)
    if RecomputeRun.objects.filter(
        pk=run_id, pending=0, status=RecomputeRun.Status.RUNNING
    ).exists():
        run_finish(run_id)


@transaction.atomic
def run_finish(run_id: int) -> None:
    """Close a run once its indicators are done: drivers, then the change log, then the status."""
    # The row lock makes the two last tasks finishing together close the run once.
    run = RecomputeRun.objects.select_for_update().get(pk=run_id)
    if run.status != RecomputeRun.Status.RUNNING or run.pending:
        return
    if run.error:
        SourceChange.objects.filter(claimed_by=run.pk).update(claimed_by=None)
        run.status = RecomputeRun.Status.FAILED
    else:
        if run.indicators:
            drivers_refresh()
        SourceChange.objects.filter(claimed_by=run.pk).delete()
        run.status = RecomputeRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
