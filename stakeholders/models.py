"""Models of the stakeholders app: departments, partners, customer segments and customers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.changes import Source as ChangeSource
from core.changes import TracksChanges
from core.models import VersionAddress
from core.validation import BoundedTextField, validate_record_date

from .constants import SCORE_MAX, SCORE_MIN, SELECTION_WEIGHTS

SCORE_VALIDATORS = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


class Department(models.Model):
    """An internal unit that owns touchpoints of customer journeys."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_departments",
    )
    description = BoundedTextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:department-detail", args=[self.pk])


class Partner(models.Model):
    """A supplier, distributor or service partner chosen on explicit selection criteria."""

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        DISTRIBUTOR = "distributor", _("Distributor")
        SERVICE_PARTNER = "service_partner", _("Service partner")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PROBATION = "probation", _("Probation")
        ENDED = "ended", _("Ended")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    reliability_score = models.PositiveSmallIntegerField(
        _("reliability (1-5)"), validators=SCORE_VALIDATORS
    )
    values_score = models.PositiveSmallIntegerField(
        _("values alignment (1-5)"), validators=SCORE_VALIDATORS
    )
    customer_impact_score = models.PositiveSmallIntegerField(
        _("customer impact (1-5)"), validators=SCORE_VALIDATORS
    )
    cost_score = models.PositiveSmallIntegerField(_("cost (1-5)"), validators=SCORE_VALIDATORS)
    quality_expectations = BoundedTextField(_("jointly agreed quality expectations"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{field}__gte": SCORE_MIN, f"{field}__lte": SCORE_MAX}),
                name=f"partner_{field}_1_to_5",
                violation_error_message=_("Scores run from 1 to 5."),
            )
            for field in SELECTION_WEIGHTS
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:partner-detail", args=[self.pk])

    @property
    def selection_score(self) -> float:
        """Return the weighted selection score (1-5, two decimals)."""
        return round(
            sum(getattr(self, field) * weight for field, weight in SELECTION_WEIGHTS.items()), 2
        )


class CustomerSegment(models.Model):
    """A group of customers with similar needs, for whom journeys are designed."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = BoundedTextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A customer as the source system identifies them; no other personal data is kept."""

    external_reference = models.CharField(_("external reference"), max_length=80, unique=True)
    segment = models.ForeignKey(
        CustomerSegment,
        verbose_name=_("segment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    first_seen = models.DateField(_("first seen"), validators=[validate_record_date])
    # Contract businesses: the churn and retention indicators count a contract as in force for
    # its term after each purchase or renewal. Empty for customers without a contract.
    contract_type = models.CharField(
        _("contract type"), max_length=40, blank=True, help_text=_("e.g. One year, Monthly")
    )
    contract_term_months = models.PositiveSmallIntegerField(
        _("contract term (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        ordering = ["external_reference"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # Segment counts and per-segment cohorts (retention by segment) scan by segment.
            models.Index(fields=["segment", "first_seen"], name="customer_segment_seen"),
        ]

    def __str__(self) -> str:
        return self.external_reference


class CustomerActivity(TracksChanges, models.Model):
    """Something a customer did that shows loyalty or its loss: the raw material of retention."""

    CHANGE_SOURCE = ChangeSource.CUSTOMER_ACTIVITY
    CHANGE_DATE_FIELDS = ("occurred_at",)

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        RENEWAL = "renewal", _("Renewal")
        REFERRAL = "referral", _("Referral")
        CANCELLATION = "cancellation", _("Cancellation")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="activities"
    )
    occurred_at = models.DateTimeField(_("occurred"), validators=[validate_record_date])

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The id in the system it came from; re-importing it adds nothing."),
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("customer activity")
        verbose_name_plural = _("customer activities")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="customer_activity_unique_external_id",
                violation_error_message=_("An activity with this external id already exists."),
            )
        ]
        indexes = [
            # Retention and repeat-purchase indicators scan by period, then per customer.
            models.Index(fields=["occurred_at", "kind"], name="activity_time_kind"),
            models.Index(fields=["customer", "occurred_at"], name="activity_customer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


class PartnerContact(models.Model):
    """A partner's employee invited to the partner portal as a user of their own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="partner_contact",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["partner", "user__email"]
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        permissions = [("use_partner_portal", _("Can use the partner portal"))]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.email} ({self.partner})"
