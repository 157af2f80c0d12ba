"""A PDCA cycle (Plan, Do, Check, Act) and the actions of its Do phase."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionAddress
from core.validation import BoundedTextField, ConstraintErrorsOnFields, validate_date_in_range
from feedback.models import Complaint, ImprovementIdea
from journeys.models import Journey, Touchpoint
from metrics.models import Indicator
from stakeholders.models import Partner


class PDCACycle(ConstraintErrorsOnFields, models.Model):
    """An improvement or corrective action run as Plan → Do → Check → Act, judged by the data."""

    CONSTRAINT_FIELDS = {
        "cycle_check_periods_positive": "check_periods",
        "cycle_abandon_has_reason": "outcome_reason",
    }

    class Phase(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        CHECK = "check", _("Check")
        ACT = "act", _("Act")
        CLOSED = "closed", _("Closed")

    class Origin(models.TextChoices):
        IDEA = "idea", _("Accepted idea")
        COMPLAINTS = "complaints", _("Complaint cluster")
        SIGNAL = "signal", _("Special-cause signal")
        MYSTERY_SHOP = "mystery_shop", _("Mystery-shop finding")
        PARTNER_SCORECARD = "partner_scorecard", _("Partner scorecard")
        MANAGEMENT_REVIEW = "management_review", _("Management-review decision")
        MANUAL = "manual", _("Manual")

    class Type(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")
        IMPROVEMENT = "improvement", _("Improvement")

    class Verdict(models.TextChoices):
        EFFECTIVE = "effective", _("Effective")
        NOT_EFFECTIVE = "not_effective", _("Not effective")
        INCONCLUSIVE = "inconclusive", _("Inconclusive — not enough data yet")

    class Outcome(models.TextChoices):
        ADOPT = "adopt", _("Adopt and standardise")
        ADAPT = "adapt", _("Adapt: a follow-up cycle")
        ABANDON = "abandon", _("Abandon")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_cycles",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="cycles"
    )
    # Scope: where the change happens. PROTECT: a cycle's evidence must not lose its context.
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
    )
    origin = models.CharField(
        _("origin"), max_length=17, choices=Origin.choices, default=Origin.MANUAL
    )
    type = models.CharField(
        _("type"), max_length=11, choices=Type.choices, default=Type.IMPROVEMENT
    )
    phase = models.CharField(
        _("phase"), max_length=6, choices=Phase.choices, default=Phase.PLAN, db_index=True
    )
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), blank=True, related_name="cycles"
    )
    ideas = models.ManyToManyField(
        ImprovementIdea, verbose_name=_("ideas"), blank=True, related_name="cycles"
    )
    # A follow-up ("adapt") inherits the context and the evidence of the cycle it continues.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("follows up"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )

    # Plan
    problem_statement = BoundedTextField(_("problem statement"), blank=True)
    root_cause_category = models.CharField(
        _("root cause category"),
        max_length=15,
        choices=Complaint.RootCause.choices,
        blank=True,
        help_text=_("The fishbone (6M) category, as on complaints."),
    )
    # The 5 whys as an ordered list of answers: ["Customers wait", "Nobody calls back", ...].
    five_whys = models.JSONField(_("5 whys"), default=list, blank=True)
    hypothesis = BoundedTextField(_("hypothesis"), blank=True)
    target_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("target indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
    )
    baseline_from = models.DateField(
        _("baseline from"), null=True, blank=True, validators=[validate_date_in_range]
    )
    baseline_to = models.DateField(
        _("baseline to"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # Computed from the indicator's complete snapshots in the baseline window, never typed.
    baseline_value = models.FloatField(_("baseline value"), null=True, editable=False)
    baseline_n = models.FloatField(_("baseline n"), null=True, editable=False)
    baseline_periods = models.PositiveSmallIntegerField(
        _("baseline periods"), null=True, editable=False
    )
    baseline_center = models.FloatField(_("baseline centre line"), null=True, editable=False)
    baseline_lcl = models.FloatField(_("baseline lower limit"), null=True, editable=False)
    baseline_ucl = models.FloatField(_("baseline upper limit"), null=True, editable=False)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    planned_check_on = models.DateField(
        _("planned check date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    check_periods = models.PositiveSmallIntegerField(
        _("periods to check"),
        default=3,
        help_text=_("Complete periods after the change that the Check compares with the baseline."),
    )

    # Do: the change goes live on this day; the after window starts with the next period.
    change_on = models.DateField(
        _("change went live"), null=True, blank=True, validators=[validate_date_in_range]
    )
    started_on = models.DateField(_("started"), default=timezone.localdate)
    do_on = models.DateField(_("Do from"), null=True, blank=True)
    check_on = models.DateField(_("Check from"), null=True, blank=True)

    # Check: computed from the snapshots (improvement.check), never typed.
    verdict = models.CharField(
        _("verdict"), max_length=13, choices=Verdict.choices, blank=True, editable=False
    )
    check_result = models.JSONField(_("check result"), default=dict, blank=True, editable=False)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)

    # Act
    outcome = models.CharField(_("decision"), max_length=7, choices=Outcome.choices, blank=True)
    outcome_reason = BoundedTextField(_("reason"), blank=True)
    new_standard = BoundedTextField(
        _("new service standard"),
        blank=True,
        help_text=_("Adopting writes it to the touchpoint's service standard (with history)."),
    )
    acted_on = models.DateField(_("decided"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    # Impact of an adopted cycle: derived from the measured effect, frozen when it closes.
    impact_effect = models.FloatField(_("measured effect"), null=True, editable=False)
    impact_value = models.FloatField(_("estimated value per year"), null=True, editable=False)
    impact_basis = models.CharField(_("how the value was estimated"), max_length=300, blank=True)
    impact_frozen_at = models.DateTimeField(_("impact frozen"), null=True, editable=False)

    # "You said, we did": shown on the public page only when someone opts in.
    publish = models.BooleanField(_("publish on “You said, we did”"), default=False)
    public_summary = models.CharField(
        _("public summary"),
        max_length=300,
        blank=True,
        help_text=_("Plain words for customers, no names or personal data."),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDCA cycle")
        verbose_name_plural = _("PDCA cycles")
        permissions = [
            ("run_cycles", _("Can run PDCA cycles and decide suggestions")),
            # Top management directs improvement (ISO 9001 §9.3.3): whoever records a
            # management review opens cycles for its actions; quality managers run them.
            ("open_review_cycles", _("Can open PDCA cycles for management-review actions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_periods__gte=1),
                name="cycle_check_periods_positive",
                violation_error_message=_("Check at least one period after the change."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="abandon") | ~Q(outcome_reason=""),
                name="cycle_abandon_has_reason",
                violation_error_message=_("Say why the cycle is abandoned."),
            ),
        ]
        indexes = [
            models.Index(fields=["phase", "created_at"], name="cycle_phase_created"),
            models.Index(fields=["owner", "phase"], name="cycle_owner_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("improvement:cycle-detail", args=[self.reference])


# An action neither done nor deferred: it holds its cycle in Do and goes into the reminders.
OPEN_ACTION = Q(done_on__isnull=True, deferred_reason="")


class CycleAction(ConstraintErrorsOnFields, models.Model):
    """A task of a cycle's Do phase (or a containment action logged before the analysis)."""

    CONSTRAINT_FIELDS = {"action_done_or_deferred": "deferred_reason"}

    cycle = models.ForeignKey(
        PDCACycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="cycle_actions",
    )
    due_on = models.DateField(_("due"), validators=[validate_date_in_range])
    done_on = models.DateField(
        _("done"), null=True, blank=True, validators=[validate_date_in_range]
    )
    note = BoundedTextField(_("note"), blank=True)
    containment = models.BooleanField(
        _("immediate containment"),
        default=False,
        help_text=_("Stops the harm now, before the root cause is known."),
    )
    deferred_reason = BoundedTextField(_("deferred because"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["cycle", "due_on", "id"]
        verbose_name = _("cycle action")
        verbose_name_plural = _("cycle actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(deferred_reason=""),
                name="action_done_or_deferred",
                violation_error_message=_("An action is either done or deferred, not both."),
            ),
        ]
        indexes = [
            # The daily reminders read open actions by due date.
            models.Index(
                fields=["due_on"],
                condition=OPEN_ACTION,
                name="action_open_due",
            ),
            models.Index(fields=["owner", "due_on"], name="action_owner_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Return whether the action is neither done nor deferred."""
        return self.done_on is None and not self.deferred_reason

    def is_overdue(self, today: object = None) -> bool:
        """Return whether an open action is past its due date."""
        day = today or timezone.localdate()
        return self.is_open and self.due_on < day  # type: ignore[operator]
