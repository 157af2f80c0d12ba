"""Writes of PDCA cycles: open one (by hand or from an accepted idea), plan it, recognise
the people behind an adopted one, delete one.

The Plan's baseline is computed from the target indicator's snapshots (`improvement.check`),
never typed. The cycle's dates and windows are drawn on every chart of its target indicator
(`improvement.annotations`). The phase moves are in `phases.py`.
"""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import delete_refusal
from core.exceptions import ApplicationError
from core.references import next_reference
from core.saving import UNCHANGED, Unchanged, given, validated_save
from feedback.models import Complaint, ImprovementIdea
from feedback.services.recognition import recognition_give
from journeys.models import Journey, Touchpoint
from metrics.models import Indicator
from stakeholders.models import Partner

from .. import annotations, check, evidence
from ..models import PDCACycle

Phase = PDCACycle.Phase
# What may still change once a cycle is closed: whether it shows on "You said, we did", and how.
PUBLISHING = frozenset({"publish", "public_summary"})
Outcome = PDCACycle.Outcome
Verdict = PDCACycle.Verdict


def require_runner(user: Any) -> None:
    """Refuse anyone but those who run cycles (quality managers and administrators)."""
    if not user.has_perm("improvement.run_cycles"):
        raise PermissionDenied(_("Quality managers run PDCA cycles."))


def _check_team(team: list[User]) -> None:
    inactive = [user for user in team if not user.is_active]
    if inactive:
        raise ValidationError(
            {"team": _("%(name)s's account is not active.") % {"name": inactive[0].get_username()}}
        )


def _five_whys(answers: list[str]) -> list[str]:
    whys = [str(answer).strip() for answer in answers if str(answer).strip()]
    if len(whys) > 5:
        raise ValidationError({"five_whys": _("Ask at most five whys.")})
    if any(len(answer) > 500 for answer in whys):
        raise ValidationError({"five_whys": _("Keep each answer under 500 characters.")})
    return whys


@transaction.atomic
def cycle_create(
    *,
    by: User,
    title: str,
    owner: User,
    type: str = PDCACycle.Type.IMPROVEMENT,
    origin: str = PDCACycle.Origin.MANUAL,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    partner: Partner | None = None,
    team: list[User] | None = None,
    complaints: list[Complaint] | None = None,
    ideas: list[ImprovementIdea] | None = None,
    parent: PDCACycle | None = None,
    problem_statement: str = "",
    root_cause_category: str = "",
    five_whys: list[str] | None = None,
    hypothesis: str = "",
    target_indicator: Indicator | None = None,
    target_value: float | None = None,
    planned_check_on: date | None = None,
    started_on: date | None = None,
) -> PDCACycle:
    """Open a cycle in Plan; with a target indicator its baseline is computed from the data.

    Quality managers open cycles of every origin; whoever records a management review (an
    executive) may open one for a review's action, which a quality manager then runs.
    """
    if not (
        origin == PDCACycle.Origin.MANAGEMENT_REVIEW
        and by.has_perm("improvement.open_review_cycles")
    ):
        require_runner(by)
    if not owner.is_active:
        raise ValidationError({"owner": _("This account is not active.")})
    _check_team(team or [])
    started = started_on or timezone.localdate()
    cycle = PDCACycle(
        reference="pending",
        title=title.strip(),
        owner=owner,
        type=type,
        origin=origin,
        journey=journey,
        touchpoint=touchpoint,
        partner=partner,
        parent=parent,
        problem_statement=problem_statement.strip(),
        root_cause_category=root_cause_category,
        five_whys=_five_whys(five_whys or []),
        hypothesis=hypothesis.strip(),
        target_indicator=target_indicator,
        target_value=target_value,
        planned_check_on=planned_check_on,
        started_on=started,
        created_by=by,
    )
    if target_indicator is not None:
        cycle.baseline_from, cycle.baseline_to = evidence.default_baseline_window(
            target_indicator, started
        )
        _compute_baseline(cycle)
    cycle.full_clean(exclude=["reference"])
    cycle.reference = next_reference("PDCA", year=started.year)
    cycle.save()
    if team:
        cycle.team.set(team)
    if complaints:
        cycle.complaints.set(complaints)
    if ideas:
        cycle.ideas.set(ideas)
    annotations.draw(cycle, by)
    return cycle


@transaction.atomic
def cycle_start_from_idea(*, idea: ImprovementIdea, by: User) -> PDCACycle:
    """Turn an accepted idea into a cycle in one click: its problem, proposal and touchpoint."""
    require_runner(by)
    idea = ImprovementIdea.objects.select_for_update().get(pk=idea.pk)
    if idea.status != ImprovementIdea.Status.ACCEPTED:
        raise ApplicationError(
            _("%(reference)s is %(status)s: only an accepted idea starts a cycle.")
            % {"reference": idea.reference, "status": idea.get_status_display().lower()}
        )
    existing = idea.cycles.first()
    if existing is not None:
        raise ApplicationError(
            _("%(idea)s already started %(cycle)s.")
            % {"idea": idea.reference, "cycle": existing.reference}
        )
    touchpoint = idea.touchpoint
    return cycle_create(
        by=by,
        title=idea.title,
        owner=by,
        origin=PDCACycle.Origin.IDEA,
        type=PDCACycle.Type.IMPROVEMENT,
        touchpoint=touchpoint,
        journey=None,
        ideas=[idea],
        team=[idea.submitted_by] if idea.submitted_by and idea.submitted_by.is_active else [],
        problem_statement=idea.problem,
        hypothesis=idea.proposal,
    )


@transaction.atomic
def cycle_update(
    *,
    cycle: PDCACycle,
    by: User,
    title: str | Unchanged = UNCHANGED,
    owner: User | Unchanged = UNCHANGED,
    type: str | Unchanged = UNCHANGED,
    journey: Journey | Unchanged | None = UNCHANGED,
    touchpoint: Touchpoint | Unchanged | None = UNCHANGED,
    partner: Partner | Unchanged | None = UNCHANGED,
    team: list[User] | Unchanged = UNCHANGED,
    complaints: list[Complaint] | Unchanged = UNCHANGED,
    ideas: list[ImprovementIdea] | Unchanged = UNCHANGED,
    problem_statement: str | Unchanged = UNCHANGED,
    root_cause_category: str | Unchanged = UNCHANGED,
    five_whys: list[str] | Unchanged = UNCHANGED,
    hypothesis: str | Unchanged = UNCHANGED,
    target_indicator: Indicator | Unchanged | None = UNCHANGED,
    baseline_from: date | Unchanged | None = UNCHANGED,
    baseline_to: date | Unchanged | None = UNCHANGED,
    target_value: float | Unchanged | None = UNCHANGED,
    planned_check_on: date | Unchanged | None = UNCHANGED,
    check_periods: int | Unchanged = UNCHANGED,
    publish: bool | Unchanged = UNCHANGED,
    public_summary: str | Unchanged = UNCHANGED,
) -> PDCACycle:
    """Change a cycle; the plan (indicator, baseline, target) is fixed once the Check began."""
    locked = PDCACycle.objects.select_for_update().get(pk=cycle.pk)
    require_runner(by)
    plan = given(
        target_indicator=target_indicator,
        baseline_from=baseline_from,
        baseline_to=baseline_to,
        target_value=target_value,
        check_periods=check_periods,
    )
    changed_plan = {name for name, value in plan.items() if getattr(locked, name) != value}
    if changed_plan and locked.phase not in (Phase.PLAN, Phase.DO):
        raise ApplicationError(
            _(
                "%(reference)s is in %(phase)s: the target indicator, baseline and target were "
                "fixed when the Check began."
            )
            % {"reference": locked.reference, "phase": locked.get_phase_display()},
            extra={"fields": sorted(changed_plan)},
        )
    if owner is not UNCHANGED and not owner.is_active:
        raise ValidationError({"owner": _("This account is not active.")})
    if team is not UNCHANGED:
        _check_team(team)
    if public_summary is not UNCHANGED:
        public_summary = public_summary.strip()
    fields = given(
        title=title.strip() if isinstance(title, str) else title,
        owner=owner,
        type=type,
        journey=journey,
        touchpoint=touchpoint,
        partner=partner,
        problem_statement=(
            problem_statement.strip() if isinstance(problem_statement, str) else problem_statement
        ),
        root_cause_category=root_cause_category,
        five_whys=_five_whys(five_whys) if isinstance(five_whys, list) else five_whys,
        hypothesis=hypothesis.strip() if isinstance(hypothesis, str) else hypothesis,
        planned_check_on=planned_check_on,
        publish=publish,
        public_summary=public_summary,
        **plan,
    )
    if locked.phase == Phase.CLOSED:
        _refuse_closed_changes(locked, fields, team=team, complaints=complaints, ideas=ideas)
    for name, value in fields.items():
        setattr(locked, name, value)
    if (
        "target_indicator" in changed_plan
        and "baseline_from" not in plan
        and locked.target_indicator is not None
    ):
        locked.baseline_from, locked.baseline_to = evidence.default_baseline_window(
            locked.target_indicator, locked.started_on
        )
    if changed_plan:
        _compute_baseline(locked)
    if locked.publish and not locked.public_summary:
        raise ValidationError(
            {"public_summary": _("Write the public summary before publishing the change.")}
        )
    validated_save(locked)
    if team is not UNCHANGED:
        locked.team.set(team)
    if complaints is not UNCHANGED:
        locked.complaints.set(complaints)
    if ideas is not UNCHANGED:
        locked.ideas.set(ideas)
    if "target_indicator" in changed_plan:
        annotations.erase(locked)
    annotations.draw(locked, by)
    return locked


def _refuse_closed_changes(cycle: PDCACycle, fields: dict[str, Any], **links: Any) -> None:
    """Refuse any change to a closed cycle but whether and how it is published."""
    changed = {
        name
        for name, value in fields.items()
        if name not in PUBLISHING and getattr(cycle, name) != value
    }
    changed |= {
        name
        for name, rows in links.items()
        if rows is not UNCHANGED
        and {row.pk for row in rows} != set(getattr(cycle, name).values_list("pk", flat=True))
    }
    if changed:
        raise ApplicationError(
            _("%(reference)s is closed: it is kept as it was.") % {"reference": cycle.reference},
            extra={"fields": sorted(changed)},
        )


def _compute_baseline(cycle: PDCACycle) -> None:
    """Fill the baseline from the indicator's complete snapshots in the chosen window."""
    cycle.baseline_value = cycle.baseline_n = cycle.baseline_periods = None
    cycle.baseline_center = cycle.baseline_lcl = cycle.baseline_ucl = None
    indicator = cycle.target_indicator
    if indicator is None or cycle.baseline_from is None or cycle.baseline_to is None:
        return
    if cycle.baseline_to < cycle.baseline_from:
        raise ValidationError({"baseline_to": _("The baseline ends before it starts.")})
    points = evidence.points_between(indicator, cycle.baseline_from, cycle.baseline_to)
    try:
        baseline = check.baseline_of(
            points,
            check.measure_of(indicator),
            scale=check.scale_of(indicator),
            chart=indicator.chart_type,
        )
    except ValueError:
        raise ValidationError(
            {
                "baseline_from": _(
                    "The baseline window holds fewer than 2 complete periods of %(indicator)s: "
                    "widen it."
                )
                % {"indicator": indicator.name}
            }
        ) from None
    cycle.baseline_value = baseline.value
    cycle.baseline_n = baseline.n
    cycle.baseline_periods = baseline.periods
    cycle.baseline_center = baseline.center
    cycle.baseline_lcl = baseline.lcl
    cycle.baseline_ucl = baseline.ucl


@transaction.atomic
def cycle_recognise(*, cycle: PDCACycle, by: User, recipient: User, behaviour: str) -> PDCACycle:
    """Recognise a person for an adopted cycle's measured outcome."""
    if cycle.outcome != Outcome.ADOPT:
        raise ApplicationError(
            _("%(reference)s was not adopted: recognition follows a measured improvement.")
            % {"reference": cycle.reference}
        )
    recognition_give(given_by=by, recipient=recipient, behaviour=behaviour, cycle_id=cycle.pk)
    return cycle


@transaction.atomic
def cycle_delete(*, cycle: PDCACycle, by: User) -> None:
    """Delete a cycle (administrators only) with its chart annotations."""
    refusal = delete_refusal(instance=cycle, by=by)
    if refusal:
        raise PermissionDenied(refusal)
    if cycle.follow_ups.exists():
        raise ApplicationError(
            _("%(reference)s has follow-up cycles: delete those first.")
            % {"reference": cycle.reference}
        )
    annotations.erase(cycle)
    cycle.delete()
