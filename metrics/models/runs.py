"""Recompute runs: one row per full or incremental recompute and its progress."""

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
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
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
    def duration(self) -> float | None:
        """Return the run's length in seconds once it has finished."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
