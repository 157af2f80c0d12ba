"""Mystery shopping: weighted checklists per touchpoint and the audits scored against them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.changes import Source as ChangeSource
from core.changes import TracksChanges
from core.validation import BoundedTextField, validate_record_date
from journeys.models import Touchpoint

ITEM_SCORE_MAX = 4  # 0 not done, 1 poor, 2 fair, 3 good, 4 excellent


class ChecklistTemplate(models.Model):
    """What a mystery shopper checks at one touchpoint."""

    name = models.CharField(_("name"), max_length=150)
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        related_name="checklists",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["touchpoint", "name"]
        verbose_name = _("mystery-shopping checklist")
        verbose_name_plural = _("mystery-shopping checklists")
        constraints = [
            models.UniqueConstraint(fields=["touchpoint", "name"], name="checklist_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One weighted check of a checklist."""

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("check"), max_length=300)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="checklist_item_order")
        ]

    def __str__(self) -> str:
        return self.text


class Audit(TracksChanges, models.Model):
    """A mystery-shopping visit: a score per item, notes, the weighted total."""

    CHANGE_SOURCE = ChangeSource.AUDIT
    CHANGE_DATE_FIELDS = ("visited_on",)

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        # A checklist with audits is kept (retire it instead); deleting the touchpoint
        # removes its checklists and audits together.
        on_delete=models.RESTRICT,
        related_name="audits",
    )
    touchpoint = models.ForeignKey(
        Touchpoint, verbose_name=_("touchpoint"), on_delete=models.CASCADE, related_name="audits"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="audits",
    )
    visited_on = models.DateField(_("visited on"), validators=[validate_record_date])
    notes = BoundedTextField(_("notes"), blank=True)

    score = models.DecimalField(
        _("score (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        help_text=_("Weighted share of the best possible score."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("mystery-shopping audit")
        verbose_name_plural = _("mystery-shopping audits")
        indexes = [models.Index(fields=["touchpoint", "visited_on"], name="audit_touchpoint_time")]

    def __str__(self) -> str:
        return f"{self.template} on {self.visited_on}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:audit-detail", args=[self.pk])


class AuditItemScore(models.Model):
    """The score an audit gave one checklist item."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="item_scores"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.RESTRICT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MaxValueValidator(ITEM_SCORE_MAX)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit item score")
        verbose_name_plural = _("audit item scores")
        constraints = [
            models.UniqueConstraint(fields=["audit", "item"], name="audit_item_once"),
            models.CheckConstraint(
                condition=models.Q(score__lte=ITEM_SCORE_MAX), name="audit_item_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"
