"""Surveys (NPS, CSAT, CES, employee eNPS), their invitations and responses."""

import secrets
from datetime import datetime

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
from core.validation import (
    BoundedTextField,
    ConstraintErrorsOnFields,
    validate_date_in_range,
    validate_record_date,
)
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Department

from .complaints import Complaint


def new_token() -> str:
    """Return an unguessable token for a survey link or an invitation."""
    return secrets.token_urlsafe(18)


class Survey(ConstraintErrorsOnFields, models.Model):
    """A question asked of customers (or employees) about a journey or touchpoint."""

    CONSTRAINT_FIELDS = {"survey_window_in_order": "ends_at"}

    class Kind(models.TextChoices):
        NPS = "nps", _("NPS (0-10)")
        CSAT = "csat", _("CSAT (1-5)")
        CES = "ces", _("CES (1-7)")
        ENPS = "enps", _("Employee eNPS (0-10)")

    # kind: (lowest score, highest score, label of the lowest, label of the highest)
    SCALES = {
        Kind.NPS: (0, 10, _("Not at all likely"), _("Extremely likely")),
        Kind.CSAT: (1, 5, _("Very dissatisfied"), _("Very satisfied")),
        Kind.CES: (1, 7, _("Very difficult"), _("Very easy")),
        Kind.ENPS: (0, 10, _("Not at all likely"), _("Extremely likely")),
    }
    DEFAULT_QUESTIONS = {
        Kind.NPS: _("How likely are you to recommend us to a friend or colleague?"),
        Kind.CSAT: _("How satisfied are you with how we handled this?"),
        Kind.CES: _("How easy was it to get what you needed?"),
        Kind.ENPS: _("How likely are you to recommend working here to a friend?"),
    }

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    question = models.CharField(_("question"), max_length=300)
    comment_question = models.CharField(
        _("follow-up question"),
        max_length=300,
        blank=True,
        help_text=_('An optional open question, e.g. "What is the main reason for your score?"'),
    )
    ask_improvement = models.BooleanField(
        _("ask what one thing to improve"),
        default=False,
        help_text=_("Answers enter the ideas pipeline as customer ideas."),
    )
    ask_follow_up = models.BooleanField(_("ask whether they would join a follow-up"), default=False)
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    starts_at = models.DateTimeField(
        _("open from"), default=timezone.now, validators=[validate_date_in_range]
    )
    ends_at = models.DateTimeField(
        _("open until"), null=True, blank=True, validators=[validate_date_in_range]
    )
    recurrence_weeks = models.PositiveSmallIntegerField(
        _("repeat every (weeks)"),
        null=True,
        blank=True,
        help_text=_("For pulses: the survey asks again every N weeks; empty asks once."),
    )

    class Audience(models.TextChoices):
        """Who a recurring pulse is e-mailed to when each pulse opens."""

        NONE = "", _("Nobody (shared by link)")
        STAFF = "staff", _("All staff")
        PARTNER_CONTACTS = "partner_contacts", _("Partners' contacts")

    pulse_audience = models.CharField(
        _("e-mail each pulse to"),
        max_length=20,
        choices=Audience.choices,
        blank=True,
        default="",
        help_text=_("Invitations go out once per pulse, on the day it opens."),
    )
    public_token = models.CharField(
        _("public link token"), max_length=40, unique=True, default=new_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["name"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="survey_window_in_order",
                violation_error_message=_("A survey closes after it opens."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("feedback:survey-detail", args=[self.pk])

    @property
    def scale(self) -> tuple[int, int]:
        """Return the lowest and highest score of the survey's kind."""
        low, high, _low_label, _high_label = self.SCALES[self.Kind(self.kind)]
        return low, high

    @property
    def is_employee_survey(self) -> bool:
        """Return whether employees answer it (signed in, stored without their identity)."""
        return self.kind == self.Kind.ENPS

    def is_open(self, now: datetime | None = None) -> bool:
        """Return whether the survey takes answers now."""
        now = now or timezone.now()
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


class SurveyPulse(models.Model):
    """One round of a recurring survey: created when it opens, its invitations sent once."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="pulses"
    )
    starts_on = models.DateField(_("opens on"))
    ends_on = models.DateField(_("closes after"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Claimed by the worker that sends the invitations: a second run sends nothing.
    sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("people invited"), default=0)

    class Meta:
        ordering = ["survey", "-starts_on"]
        verbose_name = _("survey pulse")
        verbose_name_plural = _("survey pulses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "starts_on"], name="pulse_once_per_start"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="pulse_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} pulse of {self.starts_on}"


class SurveyInvitation(models.Model):
    """A personal link for one customer: one answer each, answering again updates it."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(_("token"), max_length=40, unique=True, default=new_token)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    pulse = models.ForeignKey(
        SurveyPulse,
        verbose_name=_("pulse"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # An unanswered invitation is reminded once (claimed like sent_at).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            # A survey's latest invitations (its page shows 20): a LIMIT that reads 20 entries
            # instead of sorting every invitation the survey ever sent.
            models.Index(fields=["survey", "-created_at", "-id"], name="invitation_survey_latest"),
            # The daily reminder reads the e-mailed invitations never reminded, by sent time.
            models.Index(
                fields=["sent_at"],
                condition=Q(reminded_at__isnull=True) & ~Q(email=""),
                name="invitation_awaiting_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} invitation {self.pk}"


class SurveyResponse(ConstraintErrorsOnFields, TracksChanges, models.Model):
    """One answer to a survey: a score, optional comments, consent to a follow-up."""

    CHANGE_SOURCE = ChangeSource.SURVEY_RESPONSE
    CHANGE_DATE_FIELDS = ("responded_at",)
    # The full export (core.full_export) leaves eNPS answers out: one by one, with their
    # department and time beside the participation list, they could name the employee.
    FULL_EXPORT_LEAVES_OUT = models.Q(survey__kind="enps")

    class Channel(models.TextChoices):
        LINK = "link", _("Public link")
        INVITATION = "invitation", _("Invitation")
        EMPLOYEE = "employee", _("Employee (anonymous)")
        API = "api", _("Integration (API)")
        IMPORT = "import", _("Import")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    # Copied from the survey's scope when answered, so that metrics group without a join.
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    # eNPS answers carry the employee's department (for groups of 5 or more), never the person.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    score = models.SmallIntegerField(_("score"))
    comment = BoundedTextField(_("comment"), blank=True)
    improvement_suggestion = BoundedTextField(_("one thing to improve"), blank=True)
    follow_up_consent = models.BooleanField(_("agrees to a follow-up"), default=False)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.LINK
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The id in the system it came from; re-importing it updates nothing."),
    )
    responded_at = models.DateTimeField(
        _("answered"), default=timezone.now, validators=[validate_record_date]
    )

    # The customer idea made from `improvement_suggestion`: a re-answer does not make another.
    idea = models.OneToOneField(
        "feedback.ImprovementIdea",
        verbose_name=_("idea"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_response",
    )

    class Meta:
        ordering = ["-responded_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=10),
                name="survey_response_score_0_to_10",
                violation_error_message=_("A score is between 0 and 10."),
            ),
            models.UniqueConstraint(
                fields=["survey", "external_id"],
                condition=~Q(external_id=""),
                name="survey_response_unique_external_id",
                violation_error_message=_("This survey already has a response with this id."),
            ),
        ]
        indexes = [
            # Metrics aggregate by survey / touchpoint and period.
            models.Index(fields=["survey", "responded_at"], name="response_survey_time"),
            models.Index(fields=["touchpoint", "responded_at"], name="response_touchpoint_time"),
            models.Index(fields=["responded_at"], name="response_time"),
            models.Index(fields=["journey", "responded_at"], name="response_journey_time"),
            # The latest comments on a survey's results page: only answers with words, newest
            # first, so that its LIMIT reads a page of the index whatever the survey's size.
            models.Index(
                fields=["survey", "-responded_at", "-id"],
                condition=~Q(comment="", improvement_suggestion=""),
                name="response_survey_commented",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.score}"


SCORED_FIELDS = tuple(f"scored_{score}" for score in range(11))


class SurveyDay(models.Model):
    """The answers to one survey on one local day, counted per score, per department (eNPS),
    journey and touchpoint.

    A maintained aggregate of SurveyResponse, so that the survey pages read a row per day
    instead of every answer: `feedback.services.survey_days_refresh` rewrites the days a write
    touches in its transaction, and the nightly recompute refreshes the days of the change log.
    The metrics recompute reads these rows, not the answers, for the survey indicators that no
    customer segment narrows. Rows are not unique per (survey, day, department, journey,
    touchpoint): deleting one of those makes its rows refer to none beside the others, as it does
    its answers, and sums stay the same.
    """

    # A department's eNPS day may hold a single answer: the full export leaves eNPS days out.
    FULL_EXPORT_LEAVES_OUT = models.Q(survey__kind="enps")

    # Not indexed alone: the (survey, day) index below serves every read by survey.
    survey = models.ForeignKey(
        Survey,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        related_name="days",
        db_index=False,
    )
    day = models.DateField(_("day"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where the answers were given, as the indicators over answers narrow them (metrics reads
    # these rows instead of the answers); a deleted journey or touchpoint leaves its rows
    # without one, as it does its answers.
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.PositiveIntegerField(_("answers"))
    score_total = models.PositiveIntegerField(_("sum of the scores"))
    # Answers per score, 0 to 10: every scale (NPS, CSAT, CES, eNPS) fits in these.
    scored_0 = models.PositiveIntegerField(_("answers scoring 0"), default=0)
    scored_1 = models.PositiveIntegerField(_("answers scoring 1"), default=0)
    scored_2 = models.PositiveIntegerField(_("answers scoring 2"), default=0)
    scored_3 = models.PositiveIntegerField(_("answers scoring 3"), default=0)
    scored_4 = models.PositiveIntegerField(_("answers scoring 4"), default=0)
    scored_5 = models.PositiveIntegerField(_("answers scoring 5"), default=0)
    scored_6 = models.PositiveIntegerField(_("answers scoring 6"), default=0)
    scored_7 = models.PositiveIntegerField(_("answers scoring 7"), default=0)
    scored_8 = models.PositiveIntegerField(_("answers scoring 8"), default=0)
    scored_9 = models.PositiveIntegerField(_("answers scoring 9"), default=0)
    scored_10 = models.PositiveIntegerField(_("answers scoring 10"), default=0)

    class Meta:
        verbose_name = _("survey day")
        verbose_name_plural = _("survey days")
        indexes = [
            # The pages sum a survey's rows; every refresh replaces a range of a survey's days.
            models.Index(fields=["survey", "day"], name="survey_day_survey_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    answers=sum(
                        (models.F(name) for name in SCORED_FIELDS[1:]),
                        start=models.F(SCORED_FIELDS[0]),
                    )
                ),
                name="survey_day_answers_add_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.day}: {self.answers}"


class EmployeeParticipation(models.Model):
    """That an employee answered a pulse (not what): stops double answers, keeps anonymity."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    pulse_start = models.DateField(_("pulse started"))

    class Meta:
        verbose_name = _("employee participation")
        verbose_name_plural = _("employee participations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user", "pulse_start"], name="participation_once_per_pulse"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} answered {self.survey_id} ({self.pulse_start})"
