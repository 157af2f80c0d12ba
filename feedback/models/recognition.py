"""Recognition: kudos to employees."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validation import BoundedTextField, ConstraintErrorsOnFields, validate_record_date

from .complaints import Complaint
from .ideas import ImprovementIdea


class Recognition(ConstraintErrorsOnFields, models.Model):
    """Kudos to an employee for a behaviour that improved customer outcomes."""

    CONSTRAINT_FIELDS = {"recognition_not_self": "recipient"}

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="recognitions_received",
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="recognitions_given",
    )
    behaviour = BoundedTextField(
        _("what they did"), help_text=_("The behaviour and how it helped customers.")
    )
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recognitions",
    )
    idea = models.ForeignKey(
        ImprovementIdea,
        verbose_name=_("idea"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recognitions",
    )
    # The improvement cycle whose measured outcome the kudos is for ("app.Model": the improvement
    # app sits above feedback and writes this link through the recognition service).
    cycle = models.ForeignKey(
        "improvement.PDCACycle",
        verbose_name=_("improvement cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recognitions",
    )
    given_at = models.DateTimeField(
        _("given"), default=timezone.now, validators=[validate_record_date]
    )

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(recipient=F("given_by")),
                name="recognition_not_self",
                violation_error_message=_("Recognition goes to someone else."),
            )
        ]
        indexes = [models.Index(fields=["recipient", "given_at"], name="recognition_recipient")]

    def __str__(self) -> str:
        return f"Kudos to {self.recipient_id} on {self.given_at:%Y-%m-%d}"
