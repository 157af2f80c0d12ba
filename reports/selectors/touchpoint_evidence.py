"""A touchpoint's evidence, joined end to end: complaints, surveys, mystery shopping, failure
points, indicators and PDCA cycles, each read in a fixed number of queries.

Each section follows its own reading rule: complaints through `complaints_visible_to`, cycles
through `cycles_visible_to`, the other sections through their view permission. A section the
user may not read is None and the page leaves it out.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count

from feedback.models import Audit, Complaint, Survey, SurveyDay
from feedback.selectors import Headline, audit_list, complaints_visible_to
from improvement.lifecycle import OPEN_PHASES
from improvement.models import PDCACycle
from improvement.selectors import cycles_visible_to
from journeys.models import FailurePoint, Touchpoint
from metrics.models import Indicator

from ..periods import days_between
from .complaint_counts import activity_count, complaints_received, per_thousand
from .pareto import BY_CATEGORY, Pareto, complaint_pareto
from .survey_scores import CUSTOMER_KINDS, add_sums, day_sums, in_window, scores_headline

LATEST_COMPLAINTS = 5
LATEST_AUDITS = 5
CLOSED_CYCLES = 10  # the latest closed cycles shown; open ones are all shown


@dataclass
class ComplaintEvidence:
    """Complaints at the touchpoint in the window: count, rate, categories; the latest ones."""

    count: int
    activities: int
    rate: float | None  # per 1,000 customer activities
    categories: Pareto
    latest: list[Complaint]
    sees_all: bool  # False: only the complaints the user logged or holds are counted


@dataclass
class SurveyEvidence:
    """Scores per kind over the window, and each survey about the touchpoint with its score."""

    scores: list[Headline]
    surveys: list[tuple[Survey, Headline]]


@dataclass
class AuditEvidence:
    """The window's mean mystery-shop score and audit count; the latest audits."""

    average: float | None
    count: int
    latest: list[Audit]


@dataclass
class TouchpointEvidence:
    """Everything the evidence page shows; None for a section the user may not read."""

    touchpoint: Touchpoint
    date_from: date
    date_to: date
    complaints: ComplaintEvidence | None = None
    surveys: SurveyEvidence | None = None
    audits: AuditEvidence | None = None
    failure_points: list[FailurePoint] | None = None
    indicators: list[Indicator] | None = None
    open_cycles: list[PDCACycle] | None = None
    closed_cycles: list[PDCACycle] = field(default_factory=list)


def touchpoint_for_evidence(pk: int) -> Touchpoint:
    """Return a touchpoint with its stage, journey and owner (DoesNotExist otherwise)."""
    return Touchpoint.objects.select_related(
        "stage__journey", "owner_department", "owner_partner"
    ).get(pk=pk)


def _complaints(
    touchpoint: Touchpoint, user: Any, date_from: date, date_to: date
) -> ComplaintEvidence:
    count = complaints_received(user, date_from, date_to).filter(touchpoint=touchpoint).count()
    activities = activity_count(date_from, date_to)
    latest = (
        complaints_visible_to(user)
        .filter(touchpoint=touchpoint)
        .order_by("-received_at", "-id")[:LATEST_COMPLAINTS]
    )
    return ComplaintEvidence(
        count=count,
        activities=activities,
        rate=per_thousand(count, activities),
        categories=complaint_pareto(
            by=BY_CATEGORY, touchpoint=touchpoint, date_from=date_from, date_to=date_to, user=user
        ),
        latest=list(latest),
        sees_all=user.has_perm("feedback.view_all_complaints"),
    )


def _surveys(touchpoint: Touchpoint, date_from: date, date_to: date) -> SurveyEvidence:
    surveys = list(
        Survey.objects.filter(touchpoint=touchpoint, kind__in=CUSTOMER_KINDS).order_by("name")
    )
    sums = {
        row["survey_id"]: row
        for row in SurveyDay.objects.filter(
            in_window(date_from, date_to),
            survey__touchpoint=touchpoint,
            survey__kind__in=CUSTOMER_KINDS,
        )
        .values("survey_id")
        .annotate(**day_sums())
        .order_by()
    }
    scores = []
    for kind in CUSTOMER_KINDS:
        rows = [sums[survey.pk] for survey in surveys if survey.kind == kind and survey.pk in sums]
        if rows:
            scores.append(scores_headline(kind, add_sums(rows)))
    return SurveyEvidence(
        scores=[score for score in scores if score.answers],
        surveys=[
            (survey, scores_headline(survey.kind, sums.get(survey.pk, {}))) for survey in surveys
        ],
    )


def _audits(touchpoint: Touchpoint, date_from: date, date_to: date) -> AuditEvidence:
    summary = Audit.objects.filter(
        days_between("visited_on", date_from, date_to), touchpoint=touchpoint
    ).aggregate(average=Avg("score"), count=Count("id"))
    average = summary["average"]
    return AuditEvidence(
        average=float(average) if average is not None else None,
        count=summary["count"],
        latest=list(audit_list(touchpoint=touchpoint.pk)[:LATEST_AUDITS]),
    )


def touchpoint_evidence(
    *, touchpoint: Touchpoint, user: Any, date_from: date, date_to: date
) -> TouchpointEvidence:
    """Return the touchpoint's evidence over the window, each section as the user may read it."""
    evidence = TouchpointEvidence(touchpoint=touchpoint, date_from=date_from, date_to=date_to)
    if user.has_perm("feedback.view_complaint"):
        evidence.complaints = _complaints(touchpoint, user, date_from, date_to)
    if user.has_perm("feedback.view_survey"):
        evidence.surveys = _surveys(touchpoint, date_from, date_to)
    if user.has_perm("feedback.view_audit"):
        evidence.audits = _audits(touchpoint, date_from, date_to)
    if user.has_perm("journeys.view_failurepoint"):
        evidence.failure_points = list(
            FailurePoint.objects.filter(touchpoint=touchpoint).order_by("-rpn", "description")
        )
    if user.has_perm("metrics.view_indicator"):
        evidence.indicators = list(
            Indicator.objects.filter(touchpoint=touchpoint, is_active=True).order_by("name")
        )
    if user.has_perm("improvement.view_pdcacycle"):
        cycles = cycles_visible_to(user).filter(touchpoint=touchpoint)
        evidence.open_cycles = list(
            cycles.filter(phase__in=OPEN_PHASES).order_by("-created_at", "-id")
        )
        evidence.closed_cycles = list(
            cycles.filter(phase=PDCACycle.Phase.CLOSED).order_by("-closed_on", "-id")[
                :CLOSED_CYCLES
            ]
        )
    return evidence
