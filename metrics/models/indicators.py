"""Indicators and the observations typed in or imported for them."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.changes import Source, TracksChanges
from core.models import VersionAddress
from core.validation import BoundedTextField, ConstraintErrorsOnFields, validate_record_date
from journeys.models import Journey, Touchpoint
from stakeholders.constants import StakeholderGroup
from stakeholders.models import CustomerSegment, Partner

CODE_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$",
    _("Use lower-case letters, digits, hyphens and underscores, starting with a letter or digit."),
)


# Written by the recompute, never by people: left out of the indicator's history.
DERIVED_FIELDS = [
    "status",
    "variation",
    "assurance",
    "trend",
    "trend_slope",
    "trend_p_value",
    "latest_period",
    "latest_value",
    "current_period",
    "current_value",
    "current_n",
    "complete_before",
    "chart_summary",
    "needs_full_recompute",
]


class Indicator(ConstraintErrorsOnFields, models.Model):
    """A leading or lagging measure of the quality system, computed per period from the data."""

    CONSTRAINT_FIELDS = {
        "indicator_one_scope": "touchpoint",
        "indicator_baseline_positive": "baseline_periods",
        "indicator_active_window_set": "active_window_days",
    }

    class Kind(models.TextChoices):
        LEADING = "leading", _("Leading")
        LAGGING = "lagging", _("Lagging")

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
        LOWER_IS_BETTER = "lower_is_better", _("Lower is better")

    class Grain(models.TextChoices):
        DAY = "day", _("Day")
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    class ChartType(models.TextChoices):
        XMR = "xmr", _("XmR (individuals and moving range)")
        XBAR_R = "xbar_r", _("X-bar and R (subgroups)")
        P = "p", _("p (proportion nonconforming)")
        C = "c", _("c (count of defects)")
        U = "u", _("u (defects per unit)")

    class Computation(models.TextChoices):
        NPS = "nps", _("Net Promoter Score")
        CSAT = "csat", _("CSAT: share of 4-5 answers")
        CES = "ces", _("Customer effort score (mean)")
        ENPS = "enps", _("Employee NPS")
        COMPLAINT_COUNT = "complaint_count", _("Complaints received")
        COMPLAINT_RATE = "complaint_rate", _("Complaints per 1,000 customer activities")
        TIME_TO_ACKNOWLEDGE = "time_to_acknowledge", _("Time to acknowledge (median hours)")
        TIME_TO_RESOLVE = "time_to_resolve", _("Time to resolve (median hours)")
        SLA_COMPLIANCE = "sla_compliance", _("Resolved within SLA (%)")
        FIRST_CONTACT_RESOLUTION = "first_contact_resolution", _("First-contact resolution (%)")
        COMPLAINT_SATISFACTION = (
            "complaint_satisfaction",
            _("Complaint-handling satisfaction: share of 4-5 ratings"),
        )
        MYSTERY_SHOP_SCORE = "mystery_shop_score", _("Mystery-shop score (%)")
        IDEAS_IMPLEMENTED = "ideas_implemented", _("Ideas implemented")
        RETENTION = "retention", _("Retention (%)")
        REPEAT_PURCHASE = "repeat_purchase", _("Repeat purchase (%)")
        REFERRAL_RATE = "referral_rate", _("Referral rate (%)")
        CHURN = "churn", _("Churn (%)")
        OBSERVED = "observed", _("Observed (imported values)")

    class RuleSet(models.TextChoices):
        WESTERN_ELECTRIC = "western_electric", _("Western Electric rules 1-4")
        NELSON = "nelson", _("Nelson rules 1-8")

    class Status(models.TextChoices):
        # The words live here once; metrics/statuses.py gives each its icon and colour.
        MEETS_TARGET = "meets_target", _("Meets target")
        WITHIN_TOLERANCE = "within_tolerance", _("Misses target (within tolerance)")
        AMBER = "amber", _("Amber: misses target")
        RED = "red", _("Red: far off target")
        NO_TARGET = "no_target", _("No target")
        NO_DATA = "no_data", _("No complete period yet")

    class ActiveCustomer(models.TextChoices):
        PREVIOUS_PERIOD = "previous_period", _("Active in the previous period")
        CONTRACT = "contract", _("Contract in force")
        TRAILING_WINDOW = "trailing_window", _("Activity in a trailing window")

    class Variation(models.TextChoices):
        COMMON_CAUSE = "common_cause", _("Common cause variation")
        SPECIAL_IMPROVING = "special_improving", _("Special cause: improving")
        SPECIAL_DETERIORATING = "special_deteriorating", _("Special cause: deteriorating")
        SPECIAL_NEUTRAL = "special_neutral", _("Special cause: neither up nor down")
        NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")

    class Assurance(models.TextChoices):
        # "Making Data Count": where the process limits sit against the target.
        PASSING = "passing", _("Consistently passes the target")
        FAILING = "failing", _("Consistently fails the target")
        HIT_AND_MISS = "hit_and_miss", _("Hit and miss: the target lies within the limits")
        NO_TARGET = "no_target", _("No target")
        NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")

    class TrendVerdict(models.TextChoices):
        IMPROVING = "improving", _("Improving")
        DETERIORATING = "deteriorating", _("Deteriorating")
        NO_TREND = "no_trend", _("No significant trend")
        NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=150)
    description = BoundedTextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_indicators",
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=12, choices=StakeholderGroup.choices
    )
    # Scope: at most one of journey, touchpoint, partner; a segment narrows customers further.
    # PROTECT: deleting a journey must not silently widen or drop an indicator's history.
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    segment = models.ForeignKey(
        CustomerSegment,
        verbose_name=_("customer segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. %, hours"))
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    target = models.FloatField(_("target"), null=True, blank=True)
    amber_threshold = models.FloatField(
        _("amber from"),
        null=True,
        blank=True,
        help_text=_("Worse than this is amber (empty: the target)."),
    )
    red_threshold = models.FloatField(
        _("red from"), null=True, blank=True, help_text=_("Worse than this is red.")
    )
    grain = models.CharField(_("grain"), max_length=5, choices=Grain.choices, default=Grain.MONTH)
    chart_type = models.CharField(
        _("chart type"), max_length=6, choices=ChartType.choices, default=ChartType.XMR
    )
    baseline_periods = models.PositiveSmallIntegerField(
        _("baseline periods"),
        null=True,
        blank=True,
        help_text=_("The first N periods set the control limits (empty: all periods)."),
    )
    computation = models.CharField(_("computation"), max_length=26, choices=Computation.choices)
    rule_set = models.CharField(
        _("special-cause rules"),
        max_length=16,
        choices=RuleSet.choices,
        default=RuleSet.WESTERN_ELECTRIC,
    )
    # Retention, churn and repeat purchase: who counts as an active customer at a moment.
    active_customer = models.CharField(
        _("active customer"),
        max_length=16,
        choices=ActiveCustomer.choices,
        default=ActiveCustomer.PREVIOUS_PERIOD,
        help_text=_(
            "Contract in force: a purchase or renewal within the customer's contract term (or "
            "the window below when the customer has none), not cancelled since. Trailing window: "
            "a purchase, renewal or referral in the window, not cancelled since."
        ),
    )
    active_window_days = models.PositiveSmallIntegerField(
        _("active window (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How long a customer stays active after a purchase or renewal."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    # Derived by the recompute from the snapshots; never edited by hand.
    # Status, variation, trend and latest_* read complete periods only: a period that has not
    # ended is "in progress" (current_*) and drives no verdict until it closes.
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NO_DATA, editable=False
    )
    variation = models.CharField(
        _("variation"),
        max_length=22,
        choices=Variation.choices,
        default=Variation.NOT_ENOUGH_DATA,
        editable=False,
    )
    assurance = models.CharField(
        _("assurance"),
        max_length=15,
        choices=Assurance.choices,
        default=Assurance.NOT_ENOUGH_DATA,
        editable=False,
    )
    trend = models.CharField(
        _("trend"),
        max_length=16,
        choices=TrendVerdict.choices,
        default=TrendVerdict.NOT_ENOUGH_DATA,
        editable=False,
    )
    trend_slope = models.FloatField(_("trend slope per period"), null=True, editable=False)
    trend_p_value = models.FloatField(_("trend p-value"), null=True, editable=False)
    latest_period = models.DateField(_("latest period"), null=True, editable=False)
    latest_value = models.FloatField(_("latest value"), null=True, editable=False)
    current_period = models.DateField(_("period in progress"), null=True, editable=False)
    current_value = models.FloatField(_("value so far"), null=True, editable=False)
    current_n = models.FloatField(_("n so far"), null=True, editable=False)
    # The first period that had not ended when the series pass last ran: periods before it were
    # judged complete. The nightly run redoes the verdicts of indicators whose period has closed.
    complete_before = models.DateField(_("complete before"), null=True, editable=False)
    chart_summary = models.JSONField(_("chart summary"), default=dict, editable=False)
    # Set when the definition changes (computation, scope, grain): every period must be redone.
    needs_full_recompute = models.BooleanField(default=True, editable=False)
    # The history keeps what people define; what the recompute derives is in the snapshots.
    history = HistoricalRecords(bases=[VersionAddress], excluded_fields=DERIVED_FIELDS)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=~Q(journey__isnull=False, touchpoint__isnull=False)
                & ~Q(journey__isnull=False, partner__isnull=False)
                & ~Q(touchpoint__isnull=False, partner__isnull=False),
                name="indicator_one_scope",
                violation_error_message=_(
                    "Scope an indicator to one journey, touchpoint or partner, not several."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_periods__isnull=True) | Q(baseline_periods__gte=2),
                name="indicator_baseline_positive",
                violation_error_message=_("A calibration window needs at least 2 periods."),
            ),
            models.CheckConstraint(
                condition=Q(active_customer="previous_period")
                | Q(active_window_days__isnull=False),
                name="indicator_active_window_set",
                violation_error_message=_(
                    "Give the active window in days: it is the trailing window, or the term of "
                    "customers without a contract term."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "stakeholder_group"], name="indicator_kind_group"),
            models.Index(fields=["status"], name="indicator_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("metrics:indicator-detail", args=[self.code])

    def is_in_progress(self, period: date) -> bool:
        """Return whether a period had not ended when the verdicts were last computed."""
        return self.complete_before is not None and period >= self.complete_before

    @property
    def higher_is_better(self) -> bool:
        """Return whether a larger value is an improvement."""
        return self.direction == self.Direction.HIGHER_IS_BETTER

    @property
    def scope_label(self) -> str:
        """Return the scope in words ("Get support", "SwiftParcel", "whole organisation")."""
        parts = [str(item) for item in (self.journey, self.touchpoint, self.partner) if item]
        if self.segment_id:
            parts.append(str(self.segment))
        return ", ".join(parts) or str(_("whole organisation"))


class Observation(TracksChanges, models.Model):
    """One imported value of an observed indicator; several in a period form a subgroup."""

    CHANGE_SOURCE = Source.OBSERVATION
    CHANGE_DATE_FIELDS = ("period",)

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    period = models.DateField(_("period"), validators=[validate_record_date])
    value = models.FloatField(_("value"))

    n = models.FloatField(
        _("n"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Sample size: units inspected (p chart) or units of opportunity (u chart)."),
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["indicator", "period", "id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [
            # The recompute aggregates one indicator's observations by period range.
            models.Index(fields=["indicator", "period"], name="observation_indicator_period"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "external_id"],
                condition=~Q(external_id=""),
                name="observation_external_id_unique",
                violation_error_message=_("An observation with this external id is stored."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"

    def change_scope(self) -> str:
        return f"indicator:{self.indicator_id}"
