"""Insights: comments from responses and complaints, and staff notes, tagged with themes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validation import BoundedTextField, validate_record_date
from journeys.models import Touchpoint

from .complaints import Complaint
from .surveys import SurveyResponse


class Theme(models.Model):
    """A recurring subject of what customers say (quality managers keep the list)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = BoundedTextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Insight(models.Model):
    """One piece of qualitative feedback, from a survey comment, a complaint or a staff note."""

    class Source(models.TextChoices):
        SURVEY = "survey", _("Survey comment")
        COMPLAINT = "complaint", _("Complaint")
        NOTE = "note", _("Staff note")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    response = models.OneToOneField(
        SurveyResponse,
        verbose_name=_("survey response"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="insight",
    )
    complaint = models.OneToOneField(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="insight",
    )
    text = BoundedTextField(_("text"))
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insights",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="insights"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(
        _("when"), default=timezone.now, validators=[validate_record_date]
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("insight")
        verbose_name_plural = _("insights")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source="survey", response__isnull=False, complaint__isnull=True)
                    | Q(source="complaint", complaint__isnull=False, response__isnull=True)
                    | Q(source="note", complaint__isnull=True, response__isnull=True)
                ),
                name="insight_source_matches_link",
                violation_error_message=_("An insight links to the record it came from."),
            )
        ]
        indexes = [models.Index(fields=["occurred_at"], name="insight_time")]

    def __str__(self) -> str:
        return self.text[:60]
