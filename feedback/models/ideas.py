"""Improvement ideas, their support and their timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.changes import Source as ChangeSource
from core.changes import TracksChanges
from core.models import VersionAddress
from core.validation import BoundedTextField, validate_record_date
from journeys.models import Touchpoint


class ImprovementIdea(TracksChanges, models.Model):
    """A proposal from staff (or, later, customers) to improve a touchpoint or process."""

    CHANGE_SOURCE = ChangeSource.IDEA
    CHANGE_DATE_FIELDS = ("implemented_at",)

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IMPLEMENTED = "implemented", _("Implemented")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        CUSTOMER = "customer", _("Customer")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=150)
    problem = BoundedTextField(_("problem"))
    proposal = BoundedTextField(_("proposal"))
    expected_benefit = BoundedTextField(_("expected benefit"), blank=True)
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submitted_ideas",
    )
    submitted_at = models.DateTimeField(
        _("submitted"), default=timezone.now, validators=[validate_record_date]
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED
    )
    decision_reason = BoundedTextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    # What became of it, in words the submitter reads in "My submissions" (written by the PDCA
    # cycle the idea started when the cycle is decided).
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    # Opt-in: an accepted or implemented idea shows on the public roadmap only when a reviewer
    # ticks this (title, status and outcome; never who submitted it).
    on_roadmap = models.BooleanField(
        _("show on the public roadmap"),
        default=False,
        help_text=_("Customers see its title, status and outcome once it is accepted."),
    )
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("improvement idea")
        verbose_name_plural = _("improvement ideas")
        permissions = [("review_ideas", _("Can review, accept, decline and implement ideas"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="idea_declined_has_reason",
                violation_error_message=_("A declined idea needs the reason, for its submitter."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="idea_status_time"),
            models.Index(fields=["touchpoint", "submitted_at"], name="idea_touchpoint_time"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:idea-detail", args=[self.pk])


class IdeaVote(models.Model):
    """A colleague's support for an idea: one per person and idea."""

    idea = models.ForeignKey(
        ImprovementIdea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="idea_votes",
    )
    voted_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("idea vote")
        verbose_name_plural = _("idea votes")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "voter"],
                name="idea_vote_once_per_person",
                violation_error_message=_("You already support this idea."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} supports {self.idea_id}"


class IdeaEvent(models.Model):
    """One entry of an idea's timeline: submission, review and decisions."""

    idea = models.ForeignKey(
        ImprovementIdea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    to_status = models.CharField(_("status"), max_length=15, choices=ImprovementIdea.Status.choices)
    text = BoundedTextField(_("text"), blank=True)

    class Meta:
        ordering = ["idea", "at", "id"]
        verbose_name = _("idea event")
        verbose_name_plural = _("idea events")
        indexes = [models.Index(fields=["idea", "at"], name="idea_event_timeline")]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


class IdeaComment(models.Model):
    """A colleague's or a quality manager's comment in an idea's conversation."""

    idea = models.ForeignKey(
        ImprovementIdea,
        verbose_name=_("idea"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = BoundedTextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["idea", "created_at", "id"]
        verbose_name = _("idea comment")
        verbose_name_plural = _("idea comments")
        indexes = [models.Index(fields=["idea", "created_at"], name="idea_comment_time")]

    def __str__(self) -> str:
        return f"{self.idea_id} comment at {self.created_at:%Y-%m-%d %H:%M}"
