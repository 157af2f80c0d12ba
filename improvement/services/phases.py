"""The phase moves of a PDCA cycle: Plan → Do → Check → Act → closed, each behind its gate.

Every move is a row of `CYCLE_TRANSITIONS`, taken on the locked row; its gate names all that
is missing at once. The Check is computed from the target indicator's snapshots
(`improvement.check`), never typed. Deciding adopts (the touchpoint's standard, the limits
restarted at the change, the measured impact), adapts (a follow-up cycle) or abandons, and
tells the people whose complaints and ideas the cycle came from.
"""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.lifecycle import Move
from core.mail import site_link
from core.saving import validated_save
from core.webhooks.services import webhook_emit
from feedback.services.complaints import complaint_record_improvement
from feedback.services.ideas import idea_record_outcome
from journeys.services import touchpoint_update
from metrics.periods import period_start, previous_period
from metrics.services import limits_recalculate

from .. import annotations, check, emails, evidence, impact
from ..lifecycle import CYCLE_TRANSITIONS
from ..models import OPEN_ACTION, PDCACycle
from .cycles import cycle_create, require_runner

Phase = PDCACycle.Phase
Outcome = PDCACycle.Outcome
Verdict = PDCACycle.Verdict


def _guard(by: Any, cycle: PDCACycle, action: str) -> None:
    require_runner(by)


def _phase_changed(move: Move[PDCACycle]) -> None:
    """Emit the "cycle.phase_changed" webhook event of a move, in its transaction."""
    cycle = move.row
    webhook_emit(
        "cycle.phase_changed",
        {
            "id": cycle.pk,
            "reference": cycle.reference,
            "title": cycle.title,
            "from_phase": move.source,
            "to_phase": move.target,
            "outcome": cycle.outcome,
            "url": site_link(cycle.get_absolute_url()),
        },
    )


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
    annotations.draw(move.row, by)
    _phase_changed(move)
    return move.row


def open_actions(cycle: PDCACycle) -> list[Any]:
    """Return the cycle's actions that are neither done nor deferred."""
    return list(cycle.actions.filter(OPEN_ACTION).order_by("due_on"))


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
        raise ValidationError(
            {"change_on": _("The change cannot go live before the Do phase began.")}
        )
    validated_save(row, phase=move.target, check_on=today, change_on=went_live)
    _phase_changed(move)
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
    # of=("self",): PostgreSQL locks no nullable side of an outer join (the indicator).
    row = (
        PDCACycle.objects.select_for_update(of=("self",))
        .select_related("target_indicator")
        .get(pk=cycle.pk)
    )
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
    if stored == row.check_result and result.verdict == row.verdict:
        # The daily re-run of a waiting Check found no new period: the time it looked is noted
        # without a new version in the cycle's history.
        row.checked_at = timezone.now()
        PDCACycle.objects.filter(pk=row.pk).update(checked_at=row.checked_at)
        return row
    validated_save(row, check_result=stored, verdict=result.verdict, checked_at=timezone.now())
    annotations.draw(row, by)
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
    annotations.draw(row, by)
    _phase_changed(move)
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
    """Open the follow-up cycle of an adapted one, with its context and evidence, on the day the
    adaptation was decided."""
    return cycle_create(
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
        started_on=cycle.acted_on,
    )


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
    # An idea's submitter and supporters hear of its outcome from the idea itself
    # (idea_record_outcome), once; here only the people whose complaints the cycle came from,
    # unless the idea's news already told them (one message each, whatever they started).
    told_by_ideas = set(cycle.ideas.values_list("submitted_by", flat=True)) | set(
        cycle.ideas.values_list("votes__voter", flat=True)
    )
    people = {
        complaint.logged_by
        for complaint in cycle.complaints.select_related("logged_by")
        if complaint.logged_by
        and complaint.logged_by.is_active
        and complaint.logged_by_id not in told_by_ideas
    }
    emails.notify_outcome(cycle, sorted(people, key=lambda person: person.pk), words)


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
    annotations.draw(row, by)
    _phase_changed(move)
    return row


@transaction.atomic
def cycle_abandon(*, cycle: PDCACycle, by: User, reason: str) -> PDCACycle:
    """Abandon a cycle in Check with its reason and close it (how an inconclusive one ends)."""
    decided = cycle_decide(cycle=cycle, by=by, outcome=Outcome.ABANDON, reason=reason)
    return cycle_close(cycle=decided, by=by)
