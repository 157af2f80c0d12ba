"""Writes of PDCA cycles: create, plan, move through the phases, check, decide, close, delete.

Every phase move is a row of `CYCLE_TRANSITIONS`, taken on the locked row; its gate names all
that is missing at once. The Check is computed from the target indicator's snapshots
(`improvement.check`), never typed. The cycle's dates and windows are drawn on every chart of
its target indicator through the metrics annotation service.
"""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.audit import delete_refusal
from core.exceptions import ApplicationError
from core.references import next_reference
from core.saving import UNCHANGED, Unchanged, given, validated_save
from feedback.models import Complaint, ImprovementIdea
from feedback.services.complaints import complaint_record_improvement
from feedback.services.ideas import idea_record_outcome
from feedback.services.recognition import recognition_give
from journeys.models import Journey, Touchpoint
from journeys.services import touchpoint_update
from metrics.models import Annotation, Indicator
from metrics.periods import period_start, previous_period
from metrics.services import annotation_upsert, annotations_remove, limits_recalculate
from stakeholders.models import Partner

from .. import check, evidence, impact, tasks
from ..lifecycle import CYCLE_TRANSITIONS
from ..models import PDCACycle

Phase = PDCACycle.Phase
Outcome = PDCACycle.Outcome
Verdict = PDCACycle.Verdict


def require_runner(user: Any) -> None:
    """Refuse anyone but those who run cycles (quality managers and administrators)."""
    if not user.has_perm("improvement.run_cycles"):
        raise PermissionDenied(_("Quality managers run PDCA cycles."))


def _guard(by: Any, cycle: PDCACycle, action: str) -> None:
    require_runner(by)


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
    """Open a cycle in Plan; with a target indicator its baseline is computed from the data."""
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
    _sync_annotations(cycle, by)
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
    if locked.phase == Phase.CLOSED and (
        set(given(title=title, owner=owner, problem_statement=problem_statement))
        or team is not UNCHANGED
    ):
        raise ApplicationError(
            _("%(reference)s is closed: it is kept as it was.") % {"reference": locked.reference}
        )
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
        _remove_annotations(locked)
    _sync_annotations(locked, by)
    return locked


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
            points, check.measure_of(indicator), scale=check.scale_of(indicator)
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


def plan_missing(cycle: PDCACycle) -> dict[str, str]:
    """Return what the Plan still lacks, by field, in words ({} when it is complete)."""
    missing: dict[str, str] = {}
    if not cycle.problem_statement.strip():
        missing["problem_statement"] = _("the problem statement")
    if not cycle.root_cause_category:
        missing["root_cause_category"] = _("the root cause's fishbone category")
    if not cycle.five_whys:
        missing["five_whys"] = _("the root cause (at least one answer to “why?”)")
    if cycle.target_indicator_id is None:
        missing["target_indicator"] = _("the target indicator")
    elif cycle.baseline_value is None:
        missing["baseline_from"] = _("a baseline window with at least 2 complete periods")
    if cycle.target_value is None:
        missing["target_value"] = _("the target value")
    return missing


def _refuse_missing(cycle: PDCACycle, intro: str, missing: dict[str, str]) -> None:
    if missing:
        raise ApplicationError(
            intro % {"reference": cycle.reference} + " " + "; ".join(missing.values()) + ".",
            extra={"missing": sorted(missing)},
        )


@transaction.atomic
def cycle_start_do(*, cycle: PDCACycle, by: User, at: date | None = None) -> PDCACycle:
    """Leave Plan for Do: the problem, root cause, target indicator and target must be set."""
    move = CYCLE_TRANSITIONS.begin(cycle, "do", by=by, guard=_guard)
    _refuse_missing(
        move.row, _("%(reference)s cannot leave Plan yet. Missing:"), plan_missing(move.row)
    )
    validated_save(move.row, phase=move.target, do_on=at or timezone.localdate())
    _sync_annotations(move.row, by)
    return move.row


def open_actions(cycle: PDCACycle) -> list[Any]:
    """Return the cycle's actions that are neither done nor deferred."""
    return list(cycle.actions.filter(done_on__isnull=True, deferred_reason="").order_by("due_on"))


@transaction.atomic
def cycle_start_check(
    *, cycle: PDCACycle, by: User, change_on: date | None = None, at: date | None = None
) -> PDCACycle:
    """Leave Do for Check: every action done or deferred with a reason; the Check runs at once.

    `change_on` is the day the change went live (the Do phase's start when not given); the
    after window begins with the first period wholly after it.
    """
    move = CYCLE_TRANSITIONS.begin(cycle, "check", by=by, guard=_guard)
    row = move.row
    still_open = open_actions(row)
    if still_open:
        raise ApplicationError(
            _(
                "%(reference)s cannot leave Do while actions are open: mark each done or defer it "
                "with a reason: %(actions)s."
            )
            % {"reference": row.reference, "actions": "; ".join(a.title for a in still_open)},
            extra={"missing": ["actions"], "actions": [a.pk for a in still_open]},
        )
    today = at or timezone.localdate()
    went_live = change_on or row.do_on or today
    if went_live > today:
        raise ValidationError({"change_on": _("The change cannot go live in the future.")})
    if row.do_on and went_live < row.do_on:
        raise ValidationError({"change_on": _("The change cannot go live before the Do phase began.")})
    validated_save(row, phase=move.target, check_on=today, change_on=went_live)
    return cycle_check_run(cycle=row, by=by, as_of=at)


def _after_points(cycle: PDCACycle, as_of: date | None = None) -> list[check.Point]:
    indicator = cycle.target_indicator
    assert indicator is not None
    assert cycle.change_on is not None
    last = None
    if as_of is not None:
        # As the Check stood that day: only the periods that had ended by then.
        last = previous_period(period_start(as_of, indicator.grain), indicator.grain)
    return evidence.points_between(
        indicator, evidence.after_window_start(indicator, cycle.change_on), last
    )


@transaction.atomic
def cycle_check_run(
    *, cycle: PDCACycle, by: User | None = None, as_of: date | None = None
) -> PDCACycle:
    """Compute the Check from the snapshots: before vs after, the test, the shift, the verdict.

    Runs when the cycle enters Check and again each day while it waits for data; a period
    that has not ended never counts. `as_of` (a past day, as when the move into Check is dated)
    computes the Check as it stood that day, from the periods that had ended by then.
    """
    row = PDCACycle.objects.select_for_update().select_related("target_indicator").get(pk=cycle.pk)
    if row.phase != Phase.CHECK:
        raise ApplicationError(
            _("%(reference)s is in %(phase)s: the Check runs only in the Check phase.")
            % {"reference": row.reference, "phase": row.get_phase_display()}
        )
    indicator = row.target_indicator
    assert indicator is not None
    before = evidence.points_between(indicator, row.baseline_from, row.baseline_to)
    try:
        result = check.check(
            measure=check.measure_of(indicator),
            before=before,
            after=_after_points(row, as_of),
            higher_is_better=indicator.higher_is_better,
            target=row.target_value,
            required_after_periods=row.check_periods,
            scale=check.scale_of(indicator),
            chart=indicator.chart_type,
            rule_set=indicator.rule_set,
            name=indicator.name,
            unit=indicator.unit,
        )
    except ValueError:
        raise ApplicationError(
            _(
                "%(reference)s's baseline window no longer holds 2 complete periods of "
                "%(indicator)s: the Check cannot compare before and after."
            )
            % {"reference": row.reference, "indicator": indicator.name}
        ) from None
    stored = result.as_dict()
    validated_save(row, check_result=stored, verdict=result.verdict, checked_at=timezone.now())
    _sync_annotations(row, by)
    return row


def decide_missing(
    cycle: PDCACycle, outcome: str, reason: str, new_standard: str
) -> dict[str, str]:
    """Return what a decision in Act lacks, by field ({} when it may be taken)."""
    missing: dict[str, str] = {}
    if not cycle.verdict:
        missing["verdict"] = _("a Check verdict (run the Check first)")
    elif cycle.verdict == Verdict.INCONCLUSIVE and outcome != Outcome.ABANDON:
        missing["outcome"] = _(
            "enough data: the Check is inconclusive, so the cycle can only be abandoned, with "
            "the reason"
        )
    elif outcome == Outcome.ADOPT and cycle.verdict != Verdict.EFFECTIVE:
        missing["outcome"] = _(
            "an effective verdict: a change the data did not show working is adapted or abandoned"
        )
    if outcome == Outcome.ABANDON and not reason.strip():
        missing["outcome_reason"] = _("the reason for abandoning")
    if outcome == Outcome.ADOPT and cycle.touchpoint_id and not new_standard.strip():
        missing["new_standard"] = _("the touchpoint's new service standard")
    return missing


@transaction.atomic
def cycle_decide(
    *,
    cycle: PDCACycle,
    by: User,
    outcome: str,
    reason: str = "",
    new_standard: str = "",
    at: date | None = None,
) -> PDCACycle:
    """Act on the Check: adopt (standardise), adapt (a follow-up cycle) or abandon (why).

    Adopting writes the touchpoint's new service standard, restarts the indicator's control
    limits at the change, tells the people whose complaints and ideas the cycle came from, and
    records the measured impact.
    """
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose adopt, adapt or abandon.")})
    move = CYCLE_TRANSITIONS.begin(cycle, "decide", by=by, guard=_guard)
    row = move.row
    _refuse_missing(
        row,
        _("%(reference)s cannot be decided yet. Missing:"),
        decide_missing(row, outcome, reason, new_standard),
    )
    today = at or timezone.localdate()
    validated_save(
        row,
        phase=move.target,
        outcome=outcome,
        outcome_reason=reason.strip(),
        new_standard=new_standard.strip(),
        acted_on=today,
    )
    if outcome == Outcome.ADOPT:
        _adopt(row, by)
    elif outcome == Outcome.ADAPT:
        _follow_up(row, by)
    _close_the_loop(row, by)
    _sync_annotations(row, by)
    return row


def _adopt(cycle: PDCACycle, by: User) -> None:
    if cycle.touchpoint is not None and cycle.new_standard:
        touchpoint_update(touchpoint=cycle.touchpoint, service_standard=cycle.new_standard)
    indicator = cycle.target_indicator
    if indicator is not None and cycle.change_on is not None:
        start = evidence.after_window_start(indicator, cycle.change_on)
        if not indicator.limit_segments.filter(starts_on=start).exists():
            limits_recalculate(
                indicator=indicator,
                starts_on=start,
                reason=f"{cycle.reference}: {cycle.title}"[:200],
                user=by,
            )
    effect, value, basis = impact.estimate(cycle)
    cycle.impact_effect, cycle.impact_value, cycle.impact_basis = effect, value, basis[:300]
    cycle.save(update_fields=["impact_effect", "impact_value", "impact_basis"])


def _follow_up(cycle: PDCACycle, by: User) -> PDCACycle:
    """Open the follow-up cycle of an adapted one, with its context and evidence."""
    follow = cycle_create(
        by=by,
        title=(_("Follow-up: %(title)s") % {"title": cycle.title})[:150],
        owner=cycle.owner,
        type=cycle.type,
        origin=cycle.origin,
        journey=cycle.journey,
        touchpoint=cycle.touchpoint,
        partner=cycle.partner,
        team=list(cycle.team.all()),
        complaints=list(cycle.complaints.all()),
        ideas=list(cycle.ideas.all()),
        parent=cycle,
        problem_statement=cycle.problem_statement,
        root_cause_category=cycle.root_cause_category,
        five_whys=list(cycle.five_whys),
        hypothesis="",
        target_indicator=cycle.target_indicator,
        target_value=cycle.target_value,
    )
    return follow


def outcome_words(cycle: PDCACycle) -> str:
    """Return what became of the cycle in words its submitters read (no numbers they lack)."""
    summary = (cycle.check_result or {}).get("summary", "")
    if cycle.outcome == Outcome.ADOPT:
        text = _("Changed for good in %(reference)s: %(title)s.") % {
            "reference": cycle.reference,
            "title": cycle.title,
        }
    elif cycle.outcome == Outcome.ADAPT:
        text = _("Tried in %(reference)s and being refined in a follow-up cycle.") % {
            "reference": cycle.reference
        }
    else:
        text = _("Tried in %(reference)s and stopped: %(reason)s") % {
            "reference": cycle.reference,
            "reason": cycle.outcome_reason,
        }
    return f"{text} {summary}".strip()


def _close_the_loop(cycle: PDCACycle, by: User) -> None:
    """Tell the people whose complaints and ideas the cycle came from what became of them."""
    words = outcome_words(cycle)
    now = timezone.now()
    for complaint in cycle.complaints.all():
        complaint_record_improvement(complaint=complaint, by=by, text=words, at=now)
    for idea in cycle.ideas.all():
        idea_record_outcome(
            idea=idea,
            outcome=words,
            implemented_at=now if cycle.outcome == Outcome.ADOPT else None,
        )
    outbox.enqueue(tasks.send_cycle_outcome_email_task, cycle.pk)


@transaction.atomic
def cycle_close(*, cycle: PDCACycle, by: User, at: date | None = None) -> PDCACycle:
    """Close a decided cycle; an adopted one's measured impact is frozen."""
    move = CYCLE_TRANSITIONS.begin(cycle, "close", by=by, guard=_guard)
    row = move.row
    if not row.outcome:
        raise ApplicationError(
            _("%(reference)s cannot close before its decision (adopt, adapt or abandon).")
            % {"reference": row.reference},
            extra={"missing": ["outcome"]},
        )
    fields: dict[str, Any] = {"phase": move.target, "closed_on": at or timezone.localdate()}
    if row.outcome == Outcome.ADOPT:
        fields["impact_frozen_at"] = timezone.now()
    validated_save(row, **fields)
    _sync_annotations(row, by)
    return row


@transaction.atomic
def cycle_abandon(*, cycle: PDCACycle, by: User, reason: str) -> PDCACycle:
    """Abandon a cycle in Check with its reason and close it (how an inconclusive one ends)."""
    decided = cycle_decide(cycle=cycle, by=by, outcome=Outcome.ABANDON, reason=reason)
    return cycle_close(cycle=decided, by=by)


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
    _remove_annotations(cycle)
    cycle.delete()


# Annotations: one per date or window, found again by its source key "pdca:<id>:<part>".


def _source(cycle: PDCACycle, part: str) -> str:
    return f"pdca:{cycle.pk}:{part}"


def _remove_annotations(cycle: PDCACycle) -> None:
    annotations_remove(source_prefix=f"pdca:{cycle.pk}:")


def _sync_annotations(cycle: PDCACycle, by: User | None) -> None:
    """Draw the cycle's start, Do and Check dates and its windows on the indicator's charts."""
    indicator = cycle.target_indicator
    if indicator is None:
        return
    link = cycle.get_absolute_url()
    wanted: dict[str, tuple[date, date | None, str]] = {
        "start": (
            cycle.started_on,
            None,
            _("%(reference)s started") % {"reference": cycle.reference},
        ),
    }
    if cycle.baseline_from and cycle.baseline_to:
        wanted["before"] = (
            cycle.baseline_from,
            cycle.baseline_to,
            _("%(reference)s baseline") % {"reference": cycle.reference},
        )
    if cycle.do_on:
        wanted["do"] = (
            cycle.do_on,
            None,
            _("%(reference)s Do: change made") % {"reference": cycle.reference},
        )
    if cycle.check_on and cycle.change_on:
        wanted["check"] = (
            cycle.check_on,
            None,
            _("%(reference)s Check") % {"reference": cycle.reference},
        )
        after_from = evidence.after_window_start(indicator, cycle.change_on)
        periods = (cycle.check_result or {}).get("after_end")
        wanted["after"] = (
            after_from,
            date.fromisoformat(periods) if periods else None,
            _("%(reference)s after the change") % {"reference": cycle.reference},
        )
    for part, (starts_on, ends_on, label) in wanted.items():
        annotation_upsert(
            indicator=indicator,
            starts_on=starts_on,
            ends_on=ends_on,
            label=label[:150],
            kind=Annotation.Kind.PDCA,
            link=link,
            source_key=_source(cycle, part),
            user=by,
        )
    annotations_remove(
        source_prefix=f"pdca:{cycle.pk}:", keep=[_source(cycle, part) for part in wanted]
    )
