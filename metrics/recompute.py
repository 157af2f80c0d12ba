"""Recompute runs: claim the logged source changes, recompute the dirty cells, refresh the series.

A run is one row of RecomputeRun. Starting one takes the lock (a unique constraint allows a
single running run), claims the unclaimed change-log rows, maps them to the indicator x period
cells that read them and writes one RecomputeItem per indicator, plus one refreshing the
per-day answer counts (feedback's SurveyDay) when answers changed, each queued as one task. The
survey indicators are summed from those counts, so when a run refreshes them it runs in two
phases: their items wait, and the task finishing the refresh queues them in its transaction. A
task upserts its cells, refreshes its series and finishes its item in one transaction; the last
one closes the run: it recomputes the drivers and deletes the claimed changes (or, when a task
failed, releases them for the next run).

A run heals itself when its worker dies. Its tasks are acknowledged late and delivered again
when their worker process is lost; an item is finished once, in its cells' transaction, so a
task delivered twice does its work once. While a task works it keeps the run's heartbeat fresh
(core.heartbeat); the watchdog, `recompute_recover` (every minute from Celery beat, and at every
start), closes a running run silent for JOB_STALE_AFTER_SECONDS as interrupted and hands its
unfinished items to a new run that resumes it: exactly once, as the takeover locks the run,
checks it again, and links the two one-to-one.
"""

import logging
import traceback
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from core import outbox
from core.changes import Source
from core.heartbeat import beating, stale_before, stopped_words
from core.models import SourceChange
from feedback.services import survey_days_rebuild, survey_days_refresh_ranges

from . import tasks
from .computations import (
    SOURCES,
    STARTS_AT_FIRST_ROW,
    Cell,
    compute_cells,
    periods_affected,
    reads_survey_days,
)
from .drivers import drivers_refresh
from .models import Alert, Indicator, RecomputeItem, RecomputeRun, Snapshot
from .periods import open_period, periods_between
from .series import rounded, series_refresh
from .services_alerts import signal_emit

logger = logging.getLogger(__name__)

# Runs in a chain of takeovers, and starts of one item's task, before the work is given up (left
# to the next run): a task that kills its worker each time (out of memory) must not loop forever.
MAX_ATTEMPTS = 3
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


def _plan(run: RecomputeRun) -> dict[int, list[date] | None]:
    """Claim the logged changes and return, per indicator, the periods to redo (None: all)."""
    active = Indicator.objects.filter(is_active=True)
    if run.indicator_id is not None:
        # One indicator on request: all its periods; the log stays for the nightly run.
        return {run.indicator_id: None}
    claimed = SourceChange.objects.filter(claimed_by__isnull=True).update(claimed_by=run.pk)
    RecomputeRun.objects.filter(pk=run.pk).update(changes_claimed=claimed)
    if claimed:
        # An inactive indicator is left out, and the changes it missed go with the run: when it
        # is made active again (on its page, in the API or the admin) it redoes every period.
        Indicator.objects.filter(is_active=False, needs_full_recompute=False).update(
            needs_full_recompute=True
        )
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

    The survey pages and the survey indicators read feedback's per-day counts (SurveyDay), which
    every write of answers keeps; a run refreshes the changed days as well, for writes that went
    around those (a shell, a SQL fix), before the indicators read them.
    """
    changes = SourceChange.objects.filter(claimed_by=run.pk, source=Source.SURVEY_RESPONSE)
    if run.indicator_id is not None:
        # One indicator on request: the log stays for the nightly run, but an indicator summed
        # from the day counts reads them refreshed for the logged days.
        indicator = Indicator.objects.filter(pk=run.indicator_id).first()
        if indicator is None or not reads_survey_days(indicator):
            return []
        changes = SourceChange.objects.filter(
            claimed_by__isnull=True, source=Source.SURVEY_RESPONSE
        )
    elif run.mode == RecomputeRun.Mode.FULL:
        return None
    days = changes.values_list("first_day", "last_day").distinct()
    return [[first.isoformat(), last.isoformat()] for first, last in sorted(days)]


def recompute_start(
    *, mode: str, trigger: str, indicator: Indicator | None = None, user: User | None = None
) -> RecomputeRun:
    """Start a run (or record a skipped one when another is running) and queue its work."""
    recompute_recover()  # a run whose worker died must not make this one skip
    fields = {
        "mode": RecomputeRun.Mode.FULL if indicator is not None else mode,
        "trigger": trigger,
        "indicator": indicator,
        "requested_by": user if getattr(user, "is_authenticated", False) else None,
    }
    try:
        with transaction.atomic():
            run = RecomputeRun.objects.create(**fields, heartbeat_at=timezone.now())
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
            items = []
            refreshes_days = survey_days is None or bool(survey_days)
            if refreshes_days:
                items.append(
                    RecomputeItem(run=run, kind=RecomputeItem.Kind.SURVEY_DAYS, scope=survey_days)
                )
            # The indicators summed from the day counts wait for their refresh (phase two).
            waiting = _reading_survey_days(plan) if refreshes_days else set()
            for indicator_id, periods in plan.items():
                days = None if periods is None else [period.isoformat() for period in periods]
                items.append(
                    RecomputeItem(
                        run=run,
                        kind=RecomputeItem.Kind.INDICATOR,
                        indicator_id=indicator_id,
                        scope=days,
                        waiting=indicator_id in waiting,
                    )
                )
            _items_queue(run, items)
    except Exception:
        _fail(run.pk, traceback.format_exc())
        raise
    if not items:
        run_finish(run.pk)
    run.refresh_from_db()
    return run


def _reading_survey_days(plan: dict[int, list[date] | None]) -> set[int]:
    """Return the planned indicators whose cells are summed from the survey day counts."""
    indicators = Indicator.objects.filter(pk__in=list(plan)).only("pk", "computation", "segment")
    return {indicator.pk for indicator in indicators if reads_survey_days(indicator)}


def _items_queue(run: RecomputeRun, items: list[RecomputeItem]) -> None:
    """Save a run's items, count them on the run, and queue one task per item that does not
    wait for the survey day counts (`_waiting_release` queues those).

    The tasks are committed with the items (the outbox) and published after them.
    """
    created = RecomputeItem.objects.bulk_create(items)
    indicators = sum(item.kind == RecomputeItem.Kind.INDICATOR for item in created)
    RecomputeRun.objects.filter(pk=run.pk).update(indicators=indicators, pending=len(created))
    for item in created:
        if not item.waiting:
            _queue_item(item)


def _waiting_release(run_id: int) -> None:
    """Queue the run's items that waited for the survey day counts, in the caller's transaction
    (the one finishing the refresh): phase two of the run starts when phase one commits."""
    waiting = RecomputeItem.objects.filter(run_id=run_id, waiting=True, finished_at__isnull=True)
    released = list(waiting.select_for_update().order_by("pk"))
    RecomputeItem.objects.filter(pk__in=[item.pk for item in released]).update(waiting=False)
    for item in released:
        _queue_item(item)


def _queue_item(item: RecomputeItem) -> None:
    outbox.enqueue(tasks.recompute_item_task, item.pk)


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


class _TakenOver(Exception):
    """The run was interrupted and handed to another while this task worked: leave it the item."""


def recompute_item(item_id: int) -> int:
    """Do one item of a run (an indicator's cells and series, or the survey day counts); return
    the cells written. The task that finishes the run's last item closes the run.

    Does nothing for an item already finished (a task delivered twice), still waiting for the
    survey day counts, or of a run that has ended or was taken over (the run that resumed it has
    the item's copy).
    """
    item = RecomputeItem.objects.select_related("run").filter(pk=item_id).first()
    if item is None or item.waiting or not _alive(item.run_id):
        return 0  # a waiting item's task is queued when the survey day counts are refreshed
    started = RecomputeItem.objects.filter(pk=item.pk, finished_at__isnull=True).update(
        attempts=F("attempts") + 1
    )
    if not started:
        return 0
    item.refresh_from_db(fields=["attempts"])
    cells = 0
    running = RecomputeRun.objects.filter(pk=item.run_id, status=RecomputeRun.Status.RUNNING)
    try:
        with beating(running):
            if item.attempts > MAX_ATTEMPTS:
                closed = _item_given_up(item)
            elif item.kind == RecomputeItem.Kind.SURVEY_DAYS:
                closed = _survey_days_item(item)
            else:
                closed, cells = _indicator_item(item)
    except _TakenOver:
        logger.info(
            "Run %s was taken over; item %s is left to the run resuming it", item.run_id, item.pk
        )
        return 0
    if closed:
        run_finish(item.run_id)
    return cells


def _alive(run_id: int) -> bool:
    """Refresh the run's heartbeat; False when it is no longer running."""
    return bool(
        RecomputeRun.objects.filter(pk=run_id, status=RecomputeRun.Status.RUNNING).update(
            heartbeat_at=timezone.now()
        )
    )


def _item_locked(item: RecomputeItem) -> bool:
    """Lock the unfinished item (in the caller's transaction); False when it is finished."""
    unfinished = RecomputeItem.objects.filter(pk=item.pk, finished_at__isnull=True)
    # The row lock makes two deliveries of the item's task, running together, do it once.
    return bool(list(unfinished.select_for_update().values_list("pk", flat=True)))


def _item_finish(item: RecomputeItem, *, cells: int = 0, rows: int = 0, error: str = "") -> bool:
    """Finish the item and count it on its run, in the caller's transaction; return True when it
    was the run's last. Raises _TakenOver (rolling the item's work back) when the run was."""
    now = timezone.now()
    RecomputeItem.objects.filter(pk=item.pk).update(finished_at=now)
    updates: dict[str, Any] = {
        "pending": F("pending") - 1,
        "cells": F("cells") + cells,
        "rows_scanned": F("rows_scanned") + rows,
        "heartbeat_at": now,
    }
    if error:
        updates["error"] = Concat(F("error"), Value(error))
    counted = RecomputeRun.objects.filter(
        pk=item.run_id, status=RecomputeRun.Status.RUNNING, pending__gt=0
    ).update(**updates)
    if not counted:
        raise _TakenOver
    return RecomputeRun.objects.filter(pk=item.run_id, pending=0).exists()


def _indicator_item(item: RecomputeItem) -> tuple[bool, int]:
    """Recompute an indicator's periods and refresh its series, finishing the item in the same
    transaction, and queue the telling of its new alerts with them (and a webhook event per
    signal an alert rule raised); return (run's last, cells)."""
    cells = rows = 0
    error = ""
    with transaction.atomic():
        if not _item_locked(item):
            return False, 0
        indicator = (
            Indicator.objects.select_related("owner").filter(pk=item.indicator_id).first()
            if item.indicator_id is not None
            else None  # deleted since the run was planned: nothing left to compute
        )
        alerts = []
        if indicator is not None:
            periods = (
                None if item.scope is None else [date.fromisoformat(day) for day in item.scope]
            )
            try:
                # A savepoint: a failing indicator's writes roll back, and its item still ends.
                with transaction.atomic():
                    cells, rows = cells_write(indicator=indicator, periods=periods, run=item.run)
                    if periods is None:
                        Indicator.objects.filter(pk=indicator.pk).update(needs_full_recompute=False)
                    alerts = series_refresh(indicator)
            except Exception:
                logger.exception(
                    "Recompute of indicator %s in run %s failed", indicator.pk, item.run_id
                )
                error = f"Indicator {indicator.pk}: {traceback.format_exc()[-1500:]}\n"
                cells, rows, alerts = 0, 0, []
        last = _item_finish(item, cells=cells, rows=rows, error=error)
        # The demo's history is not news: its alerts are recorded, not told.
        if item.run.trigger != RecomputeRun.Trigger.DEMO:
            for alert in alerts:
                outbox.enqueue(tasks.alert_dispatch_task, alert.pk)
                # Once per signal: the owner's alert exists for every one, whatever the rules.
                if alert.kind == Alert.Kind.SIGNAL and alert.alert_rule_id is None:
                    signal_emit(alert=alert)
    return last, cells


def _survey_days_item(item: RecomputeItem) -> bool:
    """Refresh the survey pages' per-day counts for the run's changed days (every day for None),
    then finish the item; return True when it was the run's last.

    The refresh commits day by day (answers wait for one chunk at most) and rewrites whole days,
    so a second delivery redoes it harmlessly; the item is counted once.
    """
    error = ""
    try:
        if item.scope is None:
            survey_days_rebuild()
        else:
            survey_days_refresh_ranges(
                ranges=[
                    (date.fromisoformat(first), date.fromisoformat(last))
                    for first, last in item.scope
                ]
            )
    except Exception:
        logger.exception("Refreshing the survey days in run %s failed", item.run_id)
        error = f"Survey days: {traceback.format_exc()[-1500:]}\n"
    with transaction.atomic():
        if not _item_locked(item):
            return False
        _waiting_release(item.run_id)
        return _item_finish(item, error=error)


def _item_given_up(item: RecomputeItem) -> bool:
    """Finish an item whose task stopped its worker MAX_ATTEMPTS times, as failed."""
    survey_days = item.kind == RecomputeItem.Kind.SURVEY_DAYS
    what = "Survey days" if survey_days else f"Indicator {item.indicator_id}"
    error = (
        f"{what}: its task stopped its worker {MAX_ATTEMPTS} times (killed, or out of memory); "
        "it was given up, and the next run redoes it.\n"
    )
    logger.error("Run %s: %s", item.run_id, error.strip())
    with transaction.atomic():
        if not _item_locked(item):
            return False
        if survey_days:
            _waiting_release(item.run_id)  # the run fails; its indicators still end
        return _item_finish(item, error=error)


@transaction.atomic
def run_finish(run_id: int) -> None:
    """Close a run once its items are done: drivers, then the change log, then the status."""
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


# The watchdog ------------------------------------------------------------------------------------


def recompute_recover(*, now: datetime | None = None) -> list[RecomputeRun]:
    """Take over every running run whose worker died (no heartbeat for JOB_STALE_AFTER_SECONDS);
    return the runs that resumed them.

    Safe to run anywhere at any time, several at once (Celery beat's minute, each start): each
    takeover locks the run and checks it again, so a run is taken over once.
    """
    now = now or timezone.now()
    stale = (
        RecomputeRun.objects.annotate(last_seen=Coalesce("heartbeat_at", "started_at"))
        .filter(status=RecomputeRun.Status.RUNNING, last_seen__lt=stale_before(now))
        .values_list("pk", flat=True)
    )
    resumed = []
    for run_id in list(stale):
        run = _take_over(run_id, now)
        if run is not None:
            resumed.append(run)
    return resumed


@transaction.atomic
def _take_over(run_id: int, now: datetime) -> RecomputeRun | None:
    """Close a dead run as interrupted and start the run resuming its unfinished items; return
    the new run (None when the run was alive after all, taken already, or given up)."""
    # SKIP LOCKED: a run locked by its own worker (closing it) is alive; another watchdog holding
    # it is taking it over. Checked again under the lock: a beat may have come meanwhile.
    run = (
        RecomputeRun.objects.select_for_update(skip_locked=True)
        .annotate(last_seen=Coalesce("heartbeat_at", "started_at"))
        .filter(pk=run_id, status=RecomputeRun.Status.RUNNING, last_seen__lt=stale_before(now))
        .first()
    )
    if run is None:
        return None
    items = list(run.items.order_by("pk"))
    remaining = [item for item in items if item.finished_at is None]
    if not remaining and not run.pending:
        run_finish(run.pk)  # killed between its last item and its close: close it now
        return None
    last_seen: datetime = run.last_seen
    left = _left(remaining, items) if remaining else f"{run.pending} task(s)"
    stopped = f"{stopped_words(last_seen, now)} with {left} to go"
    earlier = run.error
    run.status = RecomputeRun.Status.INTERRUPTED
    run.finished_at = last_seen
    if run.attempt >= MAX_ATTEMPTS or not remaining:
        # Given up: a chain of takeovers that keeps dying, or a run from before work items.
        why = f"its work stopped its worker {run.attempt} times, so " if remaining else ""
        run.error = f"{stopped}; {why}the rest was not queued again: the next run redoes it.\n"
        run.error += earlier
        run.save(update_fields=["status", "finished_at", "error"])
        SourceChange.objects.filter(claimed_by=run.pk).update(claimed_by=None)
        # What a full recompute left undone is redone in full by the next (incremental) run.
        everything = [
            item.indicator_id
            for item in remaining
            if item.kind == RecomputeItem.Kind.INDICATOR and item.scope is None
        ]
        Indicator.objects.filter(pk__in=everything).update(needs_full_recompute=True)
        return None
    # Out of "running" first: the lock admits one running run, and the new one is next.
    run.save(update_fields=["status", "finished_at"])
    resumed = RecomputeRun.objects.create(
        mode=run.mode,
        trigger=run.trigger,
        indicator_id=run.indicator_id,
        requested_by_id=run.requested_by_id,
        resumes=run,
        attempt=run.attempt + 1,
        changes_claimed=run.changes_claimed,
        # The watchdog's own clock: another watchdog reading `now` must not find it stale.
        heartbeat_at=now,
        # An indicator failed before the stop: the resuming run fails too, releasing the changes.
        error=f"Carried over from run #{run.pk}:\n{earlier}" if earlier else "",
    )
    run.error = f"{stopped}; the remaining work was queued again as run #{resumed.pk}.\n{earlier}"
    run.save(update_fields=["error"])
    SourceChange.objects.filter(claimed_by=run.pk).update(claimed_by=resumed.pk)
    _items_queue(
        resumed,
        [
            RecomputeItem(
                run=resumed,
                kind=item.kind,
                indicator_id=item.indicator_id,
                scope=item.scope,
                # Still waiting when the refresh is left too (it is released in one transaction).
                waiting=item.waiting,
            )
            for item in remaining
        ],
    )
    logger.warning("Recompute run %s interrupted; run %s resumes it", run.pk, resumed.pk)
    return resumed


def _left(remaining: list[RecomputeItem], items: list[RecomputeItem]) -> str:
    """Say what of a run was left: "2 of 35 indicators and the survey day counts"."""
    kind = RecomputeItem.Kind.INDICATOR
    total = sum(item.kind == kind for item in items)
    left = sum(item.kind == kind for item in remaining)
    parts = [f"{left} of {total} indicator{'s' if total != 1 else ''}"] if left else []
    if any(item.kind == RecomputeItem.Kind.SURVEY_DAYS for item in remaining):
        parts.append("the survey day counts")
    return " and ".join(parts)
