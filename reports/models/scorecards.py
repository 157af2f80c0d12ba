"""Partner scorecards: the scoring rules (criteria, weights), the agreed expectations, the scores.

A partner's score in a month weighs six criteria of customer evidence at its touchpoints, each
against the expectation agreed with the partner (else the criterion's default). The rules are
controlled information: criteria and expectations keep their history.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionAddress
from core.validation import ConstraintErrorsOnFields
from stakeholders.models import Partner


class Criterion(models.TextChoices):
    """The fixed criteria a scorecard weighs (each has one ScorecardCriterion row)."""

    COMPLAINT_RATE = "complaint_rate", _("Complaints per 1,000 activities")
    SLA_COMPLIANCE = "sla_compliance", _("SLA compliance")
    FAILED_HANDOFFS = "failed_handoffs", _("Failed cross-owner handoffs")
    MYSTERY_SHOP = "mystery_shop", _("Mystery-shop score")
    SURVEY_SCORE = "survey_score", _("Survey score (CSAT and NPS)")
    OBSERVED_INDICATORS = "observed_indicators", _("Its indicators on target")


class Direction(models.TextChoices):
    """Whether a larger value of a criterion is better or worse."""

    HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
    LOWER_IS_BETTER = "lower_is_better", _("Lower is better")


class Standing(models.TextChoices):
    """A score's band (limits in settings.SCORECARD_BANDS); words, icon and colour go together."""

    POOR = "poor", _("Poor")
    WATCH = "watch", _("Watch")
    GOOD = "good", _("Good")
    EXCELLENT = "excellent", _("Excellent")


class ScorecardCriterion(ConstraintErrorsOnFields, models.Model):
    """One criterion of the scorecards: its weight, default expectation and how fast it falls."""

    CONSTRAINT_FIELDS = {
        "scorecard_criterion_weight_0_to_100": "weight",
        "scorecard_criterion_tolerance_positive": "tolerance",
    }

    key = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices, unique=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The six weights add up to 100; 0 leaves the criterion out."),
    )
    expectation = models.FloatField(
        _("default expectation"),
        help_text=_("Used for every partner without an expectation of its own."),
    )
    # The sub-score falls linearly from 100 at the expectation to 0 this far on the worse side.
    tolerance = models.FloatField(
        _("scores 0 at this distance worse"),
        validators=[MinValueValidator(0.001)],
        help_text=_("How far worse than the expectation the criterion scores 0."),
    )
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, editable=False
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True, editable=False)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("scorecard criterion")
        verbose_name_plural = _("scorecard criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="scorecard_criterion_weight_0_to_100",
                violation_error_message=_("A weight runs from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gt=0),
                name="scorecard_criterion_tolerance_positive",
                violation_error_message=_("The distance at which a criterion scores 0 is above 0."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_key_display())

    @property
    def higher_is_better(self) -> bool:
        """Return whether a larger value is better."""
        return self.direction == Direction.HIGHER_IS_BETTER


class PartnerExpectation(models.Model):
    """The expectation of one criterion agreed with one partner (else the criterion's default)."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="scorecard_expectations",
    )
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    expectation = models.FloatField(_("agreed expectation"))
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["partner", "criterion"]
        verbose_name = _("partner expectation")
        verbose_name_plural = _("partner expectations")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "criterion"], name="partner_expectation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_criterion_display()} {self.expectation:g}"


class PartnerScore(models.Model):
    """A partner's scorecard for one complete month: the score, its standing, the breakdown.

    `breakdown` holds, per criterion key, {"value", "n", "expectation", "sub_score", "weight"}:
    value and n null when the criterion had no data (left out, its weight shared by the rest).
    """

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="scores"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    score = models.FloatField(
        _("score"), null=True, help_text=_("0 to 100; empty when no criterion had data.")
    )
    standing = models.CharField(_("standing"), max_length=9, choices=Standing.choices, blank=True)
    breakdown = models.JSONField(_("breakdown"), default=dict)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["partner", "period"]
        verbose_name = _("partner score")
        verbose_name_plural = _("partner scores")
        permissions = [("view_all_scorecards", _("Can see every partner's scorecard"))]
        constraints = [
            # The (partner, period) index it makes serves the trend of one partner too.
            models.UniqueConstraint(fields=["partner", "period"], name="partner_score_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="partner_score_0_to_100",
            ),
        ]
        indexes = [
            # The comparison page reads every partner's score of one month.
            models.Index(fields=["period", "partner"], name="partner_score_period"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.period:%Y-%m}: {self.score}"
