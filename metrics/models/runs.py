"""Recompute runs: one row per full or incremental recompute, its progress and its work items."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .indicators import Indicator


class RecomputeRun(models.Model):
    """One pass of the recompute: what triggered it, what it did, and how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: another run was busy")
        # Its worker stopped (killed, its machine gone): the watchdog queued the rest again.
        INTERRUPTED = "interrupted", _("Interrupted: its worker stopped")

    class Mode(models.TextChoices):
        INCREMENTAL = "incremental", _("Incremental")
        FULL = "full", _("Full")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        COMMAND = "command", _("Command line")
        BUTTON = "button", _("Button")
        API = "api", _("API")
        DEMO = "demo", _("Demo load")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("only indicator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    indicators = models.PositiveIntegerField(_("indicators"), default=0)
    # Indicator tasks still to finish: each decrements it, and the one reaching 0 closes the run.
    pending = models.PositiveIntegerField(_("indicator tasks pending"), default=0)
    cells = models.PositiveIntegerField(_("cells recomputed"), default=0)
    rows_scanned = models.PositiveBigIntegerField(_("source rows scanned"), default=0)
    changes_claimed = models.PositiveIntegerField(_("logged changes claimed"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Refreshed by the run's tasks while they work; a running run silent for longer than
    # JOB_STALE_AFTER_SECONDS lost its worker, and the watchdog takes it over.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # 1 for a run that was started, n + 1 for the run taking over an interrupted attempt n.
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    # One-to-one: a run is taken over at most once, whatever number of watchdogs notice it.
    resumes = models.OneToOneField(
        "self",
        verbose_name=_("resumes run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resumed_by",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        constraints = [
            # The lock: at most one run is running at a time, on every database.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="recompute_run_one_running",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.get_status_display()})"

    @property
    def taken_over_by(self) -> "RecomputeRun | None":
        """Return the run that took over this interrupted one, if any."""
        return getattr(self, "resumed_by", None)

    @property
    def duration(self) -> float | None:
        """Return the run's length in seconds once it has finished."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class RecomputeItem(models.Model):
    """One task's share of a run: an indicator's periods, or the survey pages' day counts."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        SURVEY_DAYS = "survey_days", _("Survey day counts")

    run = models.ForeignKey(
        RecomputeRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Null for the survey days, and for an indicator deleted since the run was planned.
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What to redo, as the task receives it: an indicator's periods (ISO dates), or the survey
    # days' [first, last] ranges; null for all of them.
    scope = models.JSONField(_("what to redo"), null=True, blank=True)
    # An indicator summed from the survey day counts waits for the run's refresh of them: its
    # task is queued when that item finishes, in the same transaction.
    waiting = models.BooleanField(_("waits for the survey day counts"), default=False)
    # Deliveries of the item's task that started; a task that keeps killing its worker stops.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("recompute item")
        verbose_name_plural = _("recompute items")
        constraints = [
            # A run computes an indicator once, and refreshes the survey days once.
            models.UniqueConstraint(
                fields=["run", "indicator"],
                condition=Q(kind="indicator"),
                name="recompute_item_one_per_indicator",
            ),
            models.UniqueConstraint(
                fields=["run"],
                condition=Q(kind="survey_days"),
                name="recompute_item_one_survey_days",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id}: {self.get_kind_display()} {self.indicator_id or ''}".strip()
