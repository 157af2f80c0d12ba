"""Models of the journeys app: journeys, stages, touchpoints, handoffs, failures, objectives."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionAddress
from core.validation import BoundedTextField, ConstraintErrorsOnFields, validate_date_in_range
from stakeholders.models import CustomerSegment, Department, Partner

FMEA_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]


class Journey(models.Model):
    """A journey customers of a segment take through the organisation, end to end."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=120, unique=True)
    segment = models.ForeignKey(
        CustomerSegment,
        verbose_name=_("customer segment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journeys",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_journeys",
    )
    value_statement = BoundedTextField(
        _("customer value statement"),
        blank=True,
        help_text=_("What the customer wants to achieve and what makes it worth it to them."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["name"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journeys:journey-map", args=[self.pk])


class Stage(ConstraintErrorsOnFields, models.Model):
    """A step of a journey; stages are the columns of the journey map, in order."""

    CONSTRAINT_FIELDS = {
        "stage_unique_order_per_journey": "order",
        "stage_unique_name_per_journey": "name",
    }

    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"))
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["journey", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "order"],
                name="stage_unique_order_per_journey",
                violation_error_message=_("Another stage of this journey has this position."),
            ),
            models.UniqueConstraint(
                fields=["journey", "name"],
                name="stage_unique_name_per_journey",
                violation_error_message=_("This journey already has a stage with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.journey} · {self.name}"


class Touchpoint(ConstraintErrorsOnFields, models.Model):
    """A moment the customer meets the organisation, owned by one department or one partner."""

    CONSTRAINT_FIELDS = {
        "touchpoint_exactly_one_owner": "owner",
        "touchpoint_unique_order_per_stage": "order",
    }

    class Channel(models.TextChoices):
        WEB = "web", _("Website")
        APP = "app", _("Mobile app")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")
        STORE = "store", _("Store")
        ON_SITE = "on_site", _("On site")
        MAIL = "mail", _("Post")
        DELIVERY = "delivery", _("Delivery")
        PAYMENT = "payment", _("Payment")

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="touchpoints"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="touchpoints",
    )
    owner_partner = models.ForeignKey(
        Partner,
        verbose_name=_("owning partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="touchpoints",
    )
    service_standard = BoundedTextField(
        _("service standard"), blank=True, help_text=_("What good looks like, measurably.")
    )
    ctq_requirement = BoundedTextField(
        _("critical-to-quality requirement"),
        blank=True,
        help_text=_("The customer requirement that decides satisfaction at this touchpoint."),
    )
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["stage__journey", "stage__order", "order"]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(owner_department__isnull=False, owner_partner__isnull=True)
                    | Q(owner_department__isnull=True, owner_partner__isnull=False)
                ),
                name="touchpoint_exactly_one_owner",
                violation_error_message=_(
                    "A touchpoint is owned by exactly one department or one partner."
                ),
            ),
            models.UniqueConstraint(
                fields=["stage", "order"],
                name="touchpoint_unique_order_per_stage",
                violation_error_message=_("Another touchpoint of this stage has this position."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journeys:touchpoint-detail", args=[self.pk])

    @property
    def owner(self) -> Department | Partner | None:
        """Return the department or partner that owns the touchpoint."""
        return self.owner_department or self.owner_partner

    @property
    def owner_key(self) -> str:
        """Return a key naming the owner across both kinds ("department:3", "partner:1")."""
        if self.owner_department_id:
            return f"department:{self.owner_department_id}"
        return f"partner:{self.owner_partner_id}"


class Handoff(ConstraintErrorsOnFields, models.Model):
    """A passing of the customer (or their case) from one touchpoint to another."""

    CONSTRAINT_FIELDS = {
        "handoff_between_two_touchpoints": "to_touchpoint",
        "handoff_unique_pair": "to_touchpoint",
    }

    from_touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="handoffs_out",
    )
    to_touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="handoffs_in",
    )
    description = models.CharField(_("what is handed over"), max_length=200, blank=True)

    class Meta:
        ordering = ["from_touchpoint", "to_touchpoint"]
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_touchpoint=F("to_touchpoint")),
                name="handoff_between_two_touchpoints",
                violation_error_message=_("A handoff connects two different touchpoints."),
            ),
            models.UniqueConstraint(
                fields=["from_touchpoint", "to_touchpoint"],
                name="handoff_unique_pair",
                violation_error_message=_("This handoff exists already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_touchpoint} → {self.to_touchpoint}"

    def clean(self) -> None:
        """Refuse a handoff between touchpoints of two different journeys."""
        if (
            self.from_touchpoint_id
            and self.to_touchpoint_id
            and self.from_touchpoint.stage.journey_id != self.to_touchpoint.stage.journey_id
        ):
            raise ValidationError(
                {"to_touchpoint": _("Both touchpoints must belong to the same journey.")}
            )

    @property
    def is_cross_owner(self) -> bool:
        """Return whether the two touchpoints have different owners (where breakdowns happen)."""
        return self.from_touchpoint.owner_key != self.to_touchpoint.owner_key


class FailurePoint(models.Model):
    """A known way a touchpoint fails, rated the FMEA way (risk priority number = S * O * D)."""

    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        related_name="failure_points",
    )
    description = models.CharField(_("failure mode"), max_length=200)
    severity = models.PositiveSmallIntegerField(_("severity (1-10)"), validators=FMEA_VALIDATORS)
    occurrence = models.PositiveSmallIntegerField(
        _("occurrence (1-10)"), validators=FMEA_VALIDATORS
    )
    detection = models.PositiveSmallIntegerField(_("detection (1-10)"), validators=FMEA_VALIDATORS)
    rpn = models.GeneratedField(
        expression=F("severity") * F("occurrence") * F("detection"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name=_("risk priority number"),
    )
    variability_source = models.CharField(
        _("known source of variability"), max_length=200, blank=True
    )

    class Meta:
        ordering = ["-rpn", "description"]
        verbose_name = _("failure point")
        verbose_name_plural = _("failure points")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 10}),
                name=f"failure_point_{field}_1_to_10",
                violation_error_message=_("FMEA ratings run from 1 to 10."),
            )
            for field in ("severity", "occurrence", "detection")
        ]

    def __str__(self) -> str:
        return self.description


class QualityObjective(ConstraintErrorsOnFields, models.Model):
    """What the customer requires at a journey or a touchpoint, as a measurable, dated target."""

    CONSTRAINT_FIELDS = {"objective_at_journey_or_touchpoint": "touchpoint"}

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objectives",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objectives",
    )
    statement = models.CharField(_("objective"), max_length=200)
    customer_requirement = BoundedTextField(_("customer requirement"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. %, hours, points"))
    due_date = models.DateField(_("due date"), validators=[validate_date_in_range])

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quality_objectives",
    )
    # Metrics sits above journeys: the string reference keeps this app free of its imports.
    indicator = models.ForeignKey(
        "metrics.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectives",
        help_text=_("The indicator that measures progress towards this objective."),
    )
    # Retired instead of deleted (only administrators delete): it stays on record.
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to retire the objective; it stays on record."),
    )
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["due_date", "statement"]
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(journey__isnull=False, touchpoint__isnull=True)
                    | Q(journey__isnull=True, touchpoint__isnull=False)
                ),
                name="objective_at_journey_or_touchpoint",
                violation_error_message=_(
                    "An objective applies to exactly one journey or one touchpoint."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("journeys:objective-detail", args=[self.pk])

    @property
    def target_text(self) -> str:
        """Return the target as people say it ("at least 95 %")."""
        value = f"{self.target_value.normalize():f}"
        return f"{self.get_direction_display()} {value} {self.unit}".strip()
