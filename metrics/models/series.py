"""What a recompute writes for an indicator (snapshots, drivers, alerts) and what people add
to its chart (limit segments, annotations)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionAddress
from core.validation import ConstraintErrorsOnFields, validate_date_in_range

from .indicators import Indicator
from .runs import RecomputeRun


class Snapshot(models.Model):
    """One indicator's value in one period, with its control limits and signals."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="snapshots"
    )
    period = models.DateField(_("period"), help_text=_("The first day of the period."))
    value = models.FloatField(_("value"), null=True)
    n = models.FloatField(_("n"), null=True)
    numerator = models.FloatField(_("numerator"), null=True)
    denominator = models.FloatField(_("denominator"), null=True)
    spread = models.FloatField(_("subgroup range"), null=True)
    margin_of_error = models.FloatField(_("margin of error (95 %)"), null=True)
    low = models.FloatField(_("95 % interval low"), null=True)
    high = models.FloatField(_("95 % interval high"), null=True)
    rows = models.PositiveIntegerField(_("source rows"), default=0)
    run = models.ForeignKey(
        RecomputeRun,
        verbose_name=_("written by run"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="snapshots",
    )
    # Control chart, written by the series pass.
    segment = models.PositiveSmallIntegerField(_("limit segment"), default=0)
    center = models.FloatField(_("centre line"), null=True)
    ucl = models.FloatField(_("upper control limit"), null=True)
    lcl = models.FloatField(_("lower control limit"), null=True)
    sigma = models.FloatField(_("sigma"), null=True)
    signals = models.JSONField(_("signals"), default=list)

    class Meta:
        ordering = ["indicator", "period"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="snapshot_unique_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"


class LimitSegment(models.Model):
    """A new calibration window for an indicator's control limits, from a period on."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="limit_segments",
    )
    starts_on = models.DateField(_("from period"), validators=[validate_date_in_range])
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["indicator", "starts_on"]
        verbose_name = _("limit recalculation")
        verbose_name_plural = _("limit recalculations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "starts_on"],
                name="limit_segment_unique_start",
                violation_error_message=_("Limits already restart at this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} from {self.starts_on}"


class Annotation(ConstraintErrorsOnFields, models.Model):
    """A dated note drawn on an indicator's charts (a PDCA phase, new limits, an import)."""

    CONSTRAINT_FIELDS = {"annotation_dates_in_order": "ends_on"}

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        PDCA = "pdca", _("PDCA cycle")
        LIMITS = "limits", _("Limits recalculated")
        IMPORT = "import", _("Import")

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.NOTE)
    starts_on = models.DateField(_("date"), validators=[validate_date_in_range])
    ends_on = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_date_in_range]
    )

    label = models.CharField(_("label"), max_length=150)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # Lets the app that wrote it find and update its own annotation ("pdca:12:do").
    source_key = models.CharField(_("source key"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["indicator", "starts_on", "id"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="annotation_dates_in_order",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "source_key"],
                condition=~Q(source_key=""),
                name="annotation_source_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Driver(ConstraintErrorsOnFields, models.Model):
    """A leading → lagging pair and how strongly the leading one moves the outcome, by lag."""

    CONSTRAINT_FIELDS = {"driver_not_itself": "lagging"}

    leading = models.ForeignKey(
        Indicator,
        verbose_name=_("leading indicator"),
        on_delete=models.CASCADE,
        related_name="drives",
    )
    lagging = models.ForeignKey(
        Indicator,
        verbose_name=_("lagging indicator"),
        on_delete=models.CASCADE,
        related_name="driven_by",
    )
    declared = models.BooleanField(
        _("declared"), default=False, help_text=_("Declared by a person, not found by journey.")
    )
    # [{"lag": 0, "r": 0.41, "p_value": 0.03, "n": 23}, ...] for lags 0-3.
    lags = models.JSONField(_("lagged correlations"), default=list)
    best_lag = models.PositiveSmallIntegerField(_("strongest lag"), null=True)
    best_r = models.FloatField(_("correlation at the strongest lag"), null=True)
    best_p_value = models.FloatField(_("p-value at the strongest lag"), null=True)
    best_n = models.PositiveIntegerField(_("periods at the strongest lag"), null=True)
    computed_at = models.DateTimeField(_("computed"), null=True)

    class Meta:
        ordering = ["lagging", "leading"]
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        constraints = [
            models.UniqueConstraint(fields=["leading", "lagging"], name="driver_unique_pair"),
            models.CheckConstraint(
                condition=~Q(leading=F("lagging")),
                name="driver_not_itself",
                violation_error_message=_("An indicator cannot drive itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leading_id} → {self.lagging_id}"


class Alert(models.Model):
    """What an alert rule found on an indicator (or, without a rule, what its owner is told of:
    a new special cause or a red status)."""

    class Kind(models.TextChoices):
        SIGNAL = "signal", _("Special-cause signal")
        RED = "red", _("Red status")
        STATUS = "status", _("Status turned amber or red")
        THRESHOLD = "threshold", _("Threshold crossed")
        CHANGE = "change", _("Relative change")

    alert_rule = models.ForeignKey(
        "AlertRule",
        verbose_name=_("alert rule"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        help_text=_("Empty: the indicator owner's own alert."),
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.DateField(_("period"))
    rule = models.CharField(_("rule"), max_length=10, blank=True)
    message = models.CharField(_("message"), max_length=300)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # Once per signal: the same rule on the same period never alerts twice, per alert
            # rule (NULLs are distinct in a unique index: the owner's alerts have their own).
            models.UniqueConstraint(
                fields=["indicator", "kind", "period", "rule"],
                condition=Q(alert_rule__isnull=True),
                name="alert_once_per_signal",
            ),
            models.UniqueConstraint(
                fields=["alert_rule", "indicator", "kind", "period", "rule"],
                condition=Q(alert_rule__isnull=False),
                name="alert_once_per_rule_and_signal",
            ),
        ]

    def __str__(self) -> str:
        return self.message
