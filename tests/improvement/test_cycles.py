"""A PDCA cycle's life: the gates of each phase, the computed Check, the decision, its effects."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import history_panel
from core.exceptions import ApplicationError
from feedback.models import ComplaintEvent, ImprovementIdea
from feedback.services import ideas as idea_services
from improvement.models import PDCACycle
from improvement.services import actions, cycles, phases
from journeys.models import Touchpoint
from metrics.models import Annotation, Indicator, LimitSegment, Snapshot
from tests.feedback.factories import ComplaintFactory, IdeaFactory
from tests.improvement.factories import (
    AFTER,
    BEFORE,
    CHANGE_ON,
    FIRST,
    cycle_in_check,
    indicator_with_data,
    planned_cycle,
)
from tests.journeys.factories import TouchpointFactory
from tests.metrics.factories import IndicatorFactory
from tests.metrics.snapshots import months

pytestmark = pytest.mark.django_db

Phase = PDCACycle.Phase


def test_leaving_plan_is_refused_with_every_missing_item_named(make_user) -> None:
    """A bare cycle cannot move to Do; the refusal names problem, root cause, indicator, target."""
    manager = make_user("quality_manager")
    cycle = cycles.cycle_create(by=manager, title="Shorter waits", owner=manager)

    with pytest.raises(ApplicationError) as refusal:
        phases.cycle_start_do(cycle=cycle, by=manager)

    assert set(refusal.value.extra["missing"]) == {
        "problem_statement",
        "root_cause_category",
        "five_whys",
        "target_indicator",
        "target_value",
    }
    for words in ("problem statement", "fishbone", "why", "target indicator", "target value"):
        assert words in refusal.value.message
    cycle.refresh_from_db()
    assert cycle.phase == Phase.PLAN


def test_plan_computes_the_baseline_from_the_indicators_snapshots(make_user) -> None:
    """The baseline is the mean of the window's complete periods, with the window's XmR limits.

    Hand computation: the 12 before values sum to 846, mean 70.5; their 11 moving ranges sum to
    2+3+2+1+3+5+3+1+2+3+2 = 27, mean 27/11 = 2.4545; the limits are 70.5 ± 2.66 * 2.4545 =
    70.5 ± 6.529, so 63.971 and 77.029.
    """
    manager = make_user("quality_manager")

    cycle = planned_cycle(manager)

    assert cycle.baseline_value == pytest.approx(70.5)
    assert cycle.baseline_periods == 12
    assert cycle.baseline_center == pytest.approx(70.5)
    assert cycle.baseline_ucl == pytest.approx(70.5 + 2.66 * 27 / 11, rel=1e-3)
    assert cycle.baseline_lcl == pytest.approx(70.5 - 2.66 * 27 / 11, rel=1e-3)


def test_a_baseline_window_without_two_complete_periods_is_refused_on_the_field(make_user) -> None:
    """A one-period baseline cannot judge anything: the error names the baseline field."""
    manager = make_user("quality_manager")
    cycle = planned_cycle(manager)

    with pytest.raises(ValidationError) as error:
        cycles.cycle_update(cycle=cycle, by=manager, baseline_from=FIRST, baseline_to=FIRST)

    assert "baseline_from" in error.value.message_dict
    cycle.refresh_from_db()
    assert cycle.baseline_periods == 12


def test_leaving_do_with_an_open_action_is_refused_until_it_is_done_or_deferred(make_user) -> None:
    """Open actions hold the cycle in Do; deferring one with a reason lets it go on."""
    manager = make_user("quality_manager")
    cycle = planned_cycle(manager)
    first = actions.action_add(
        cycle=cycle, by=manager, title="Train the team", owner=manager, due_on=CHANGE_ON
    )
    phases.cycle_start_do(cycle=cycle, by=manager, at=CHANGE_ON - timedelta(days=10))

    with pytest.raises(ApplicationError) as refusal:
        phases.cycle_start_check(cycle=cycle, by=manager, change_on=CHANGE_ON)
    assert "Train the team" in refusal.value.message
    assert refusal.value.extra["missing"] == ["actions"]

    with pytest.raises(ValidationError) as no_reason:
        actions.action_defer(action=first, by=manager, reason="  ")
    assert "deferred_reason" in no_reason.value.message_dict
    actions.action_defer(action=first, by=manager, reason="Waits for the new phone system")
    cycle = phases.cycle_start_check(cycle=cycle, by=manager, change_on=CHANGE_ON)

    assert cycle.phase == Phase.CHECK


def test_the_check_is_computed_from_the_data_when_the_cycle_enters_check(make_user) -> None:
    """Before 70.5 (12 months), after 78.5 (6 months): Welch's test on the period values.

    Hand computation: after mean (79+78+80+77+79+78)/6 = 78.5; difference 8.0; relative change
    8 / 70.5 = 11.35 %. The after window has 6 complete periods, more than the 3 planned, so the
    verdict is decided: the change is significant and on the better side, hence effective.
    """
    manager = make_user("quality_manager")

    cycle = cycle_in_check(manager)

    result = cycle.check_result
    assert result["before_value"] == pytest.approx(sum(BEFORE) / 12)
    assert result["after_value"] == pytest.approx(sum(AFTER) / 6)
    assert result["difference"] == pytest.approx(8.0)
    assert result["relative_change"] == pytest.approx(8.0 / 70.5)
    assert result["p_value"] < 0.001
    assert cycle.verdict == PDCACycle.Verdict.EFFECTIVE
    assert result["after_start"] == CHANGE_ON.isoformat()


def test_a_check_without_enough_periods_waits_and_says_how_many_more_it_needs(make_user) -> None:
    """One month after the change with three planned: inconclusive, two more periods needed."""
    manager = make_user("quality_manager")
    indicator = indicator_with_data(after=[79.0])

    cycle = cycle_in_check(manager, indicator)

    assert cycle.verdict == PDCACycle.Verdict.INCONCLUSIVE
    assert cycle.check_result["periods_needed"] == 2


def test_an_inconclusive_check_closes_only_by_abandoning_with_the_reason(make_user) -> None:
    """Adopting on too little data is refused; abandoning needs a reason, then the cycle closes."""
    manager = make_user("quality_manager")
    cycle = cycle_in_check(manager, indicator_with_data(after=[79.0]))

    with pytest.raises(ApplicationError) as adopt:
        phases.cycle_decide(cycle=cycle, by=manager, outcome="adopt")
    assert "inconclusive" in adopt.value.message
    with pytest.raises(ApplicationError) as no_reason:
        phases.cycle_decide(cycle=cycle, by=manager, outcome="abandon", reason="")
    assert "outcome_reason" in no_reason.value.extra["missing"]

    cycle = phases.cycle_abandon(cycle=cycle, by=manager, reason="The team was reorganised.")

    assert cycle.phase == Phase.CLOSED
    assert cycle.outcome == PDCACycle.Outcome.ABANDON


def test_adopting_standardises_the_touchpoint_and_restarts_the_limits_at_the_change(
    make_user,
) -> None:
    """Adopt writes the new service standard (with history) and a limit segment at the change."""
    manager = make_user("quality_manager")
    touchpoint = TouchpointFactory.create()
    cycle = cycle_in_check(manager, touchpoint=touchpoint)

    cycle = phases.cycle_decide(
        cycle=cycle,
        by=manager,
        outcome="adopt",
        new_standard="Offer a call-back within the hour the customer chooses.",
    )

    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    assert touchpoint.service_standard.startswith("Offer a call-back")
    assert touchpoint.history.count() >= 2
    segment = LimitSegment.objects.get(indicator=cycle.target_indicator)
    assert segment.starts_on == CHANGE_ON
    assert cycle.reference in segment.reason
    assert cycle.phase == Phase.ACT


def test_adopting_without_the_new_standard_of_its_touchpoint_is_refused(make_user) -> None:
    """A change at a touchpoint is standardised in words: the decision names the missing field."""
    manager = make_user("quality_manager")
    cycle = cycle_in_check(manager, touchpoint=TouchpointFactory.create())

    with pytest.raises(ApplicationError) as refusal:
        phases.cycle_decide(cycle=cycle, by=manager, outcome="adopt")

    assert refusal.value.extra["missing"] == ["new_standard"]


def test_adopting_tells_the_people_whose_complaints_and_ideas_started_it(
    make_user, django_capture_on_commit_callbacks
) -> None:
    """The idea is implemented with its outcome, the complaint's timeline says what changed,
    and each submitter gets one e-mail."""
    manager = make_user("quality_manager")
    clerk = make_user("frontline", email="clerk@example.com")
    idea = IdeaFactory.create(submitted_by=clerk)
    idea_services.idea_accept(idea=idea, by=manager)
    complaint = ComplaintFactory.create(logged_by=clerk)
    cycle = cycle_in_check(manager)
    cycles.cycle_update(cycle=cycle, by=manager, ideas=[idea], complaints=[complaint])

    with django_capture_on_commit_callbacks(execute=True):
        phases.cycle_decide(cycle=cycle, by=manager, outcome="adopt")

    idea.refresh_from_db()
    assert idea.status == ImprovementIdea.Status.IMPLEMENTED
    assert cycle.reference in idea.outcome
    event = complaint.events.get(kind=ComplaintEvent.Kind.IMPROVEMENT)
    assert cycle.reference in event.text
    assert [message.to for message in mail.outbox] == [["clerk@example.com"]]


def test_adapting_opens_a_follow_up_cycle_with_the_context_and_evidence(make_user) -> None:
    """The follow-up inherits the scope, root cause, indicator, target and linked complaints."""
    manager = make_user("quality_manager")
    complaint = ComplaintFactory.create(logged_by=manager)
    cycle = cycle_in_check(manager)
    cycles.cycle_update(cycle=cycle, by=manager, complaints=[complaint])

    phases.cycle_decide(cycle=cycle, by=manager, outcome="adapt", reason="Extend to evenings")

    follow_up = PDCACycle.objects.get(parent=cycle)
    assert follow_up.phase == Phase.PLAN
    assert follow_up.target_indicator == cycle.target_indicator
    assert follow_up.root_cause_category == "method"
    assert list(follow_up.complaints.all()) == [complaint]


def test_closing_an_adopted_cycle_freezes_its_impact(make_user) -> None:
    """The measured effect is recorded on adoption and frozen when the cycle closes."""
    manager = make_user("quality_manager")
    cycle = phases.cycle_decide(cycle=cycle_in_check(manager), by=manager, outcome="adopt")

    cycle = phases.cycle_close(cycle=cycle, by=manager)

    assert cycle.phase == Phase.CLOSED
    assert cycle.impact_effect == pytest.approx(8.0)
    assert cycle.impact_frozen_at is not None


def test_the_cycles_dates_and_windows_are_drawn_on_its_indicators_charts(make_user) -> None:
    """Start, Do, Check and the before/after windows appear as the cycle's annotations."""
    manager = make_user("quality_manager")

    cycle = cycle_in_check(manager)

    annotations = Annotation.objects.filter(source_key__startswith=f"pdca:{cycle.pk}:")
    parts = {annotation.source_key.rsplit(":", 1)[1]: annotation for annotation in annotations}
    assert set(parts) == {"start", "before", "do", "check", "after"}
    assert parts["after"].starts_on == CHANGE_ON
    assert parts["after"].ends_on == date(2026, 6, 1)
    assert all(annotation.kind == Annotation.Kind.PDCA for annotation in annotations)
    assert all(annotation.link == cycle.get_absolute_url() for annotation in annotations)


def test_deleting_a_cycle_removes_its_annotations_and_only_administrators_may(make_user) -> None:
    """A quality manager is refused the delete; an administrator's removes the chart notes."""
    manager = make_user("quality_manager")
    admin = make_user("administrator")
    cycle = cycle_in_check(manager)
    indicator = cycle.target_indicator

    with pytest.raises(PermissionDenied):
        cycles.cycle_delete(cycle=cycle, by=manager)
    cycles.cycle_delete(cycle=cycle, by=admin)

    assert not Annotation.objects.filter(indicator=indicator, kind="pdca").exists()


def test_an_accepted_idea_starts_a_cycle_in_one_click_and_only_once(make_user) -> None:
    """The cycle takes the idea's problem, proposal and touchpoint; a second click is refused."""
    manager = make_user("quality_manager")
    idea = IdeaFactory.create(touchpoint=TouchpointFactory.create())
    idea_services.idea_accept(idea=idea, by=manager)

    cycle = cycles.cycle_start_from_idea(idea=idea, by=manager)

    assert cycle.origin == PDCACycle.Origin.IDEA
    assert cycle.problem_statement == idea.problem
    assert cycle.hypothesis == idea.proposal
    assert cycle.touchpoint == idea.touchpoint
    assert list(cycle.ideas.all()) == [idea]
    with pytest.raises(ApplicationError):
        cycles.cycle_start_from_idea(idea=idea, by=manager)


def test_only_quality_managers_run_cycles_and_owners_tick_off_their_actions(make_user) -> None:
    """Frontline staff may not open cycles, but complete the actions they own; others may not."""
    manager = make_user("quality_manager")
    clerk = make_user("frontline")
    other = make_user("frontline")
    cycle = planned_cycle(manager)
    action = actions.action_add(
        cycle=cycle, by=manager, title="Call back", owner=clerk, due_on=CHANGE_ON
    )

    with pytest.raises(PermissionDenied):
        cycles.cycle_create(by=clerk, title="Mine", owner=clerk)
    with pytest.raises(PermissionDenied):
        actions.action_complete(action=action, by=other)
    done = actions.action_complete(action=action, by=clerk, note="Slots offered")

    assert done.done_on is not None
    assert done.note == "Slots offered"


def test_the_history_keeps_the_computed_verdict_and_baseline(make_user) -> None:
    """The audit trail shows what the Check decided, though no one typed it."""
    manager = make_user("quality_manager")
    cycle = cycle_in_check(manager)

    panel = history_panel(cycle, size=20)

    changed = {change.field for entry in panel.entries for change in entry.changes}
    assert {"verdict", "baseline value", "phase"} <= changed


def test_a_proportion_indicators_baseline_has_its_p_chart_limits(make_user) -> None:
    """A p-chart indicator's baseline limits are the p chart's, the lower one never below 0 %.

    Hand computation: 4 periods of 20 with 4, 6, 5 and 5 hits give p = 20 / 80 = 0.25; at the
    mean size 20, sigma = sqrt(0.25 * 0.75 / 20) = 0.09682, so the upper limit is
    0.25 + 3 * 0.09682 = 0.5405 (54.05 %) and the lower one 0.25 - 0.2905 < 0, shown as 0 %.
    """
    manager = make_user("quality_manager")
    indicator = IndicatorFactory.create(chart_type=Indicator.ChartType.P, unit="%")
    hits = [4, 6, 5, 5]
    Snapshot.objects.bulk_create(
        Snapshot(
            indicator=indicator,
            period=period,
            value=100 * count / 20,
            n=20,
            numerator=count,
            denominator=20,
        )
        for period, count in zip(months(FIRST, 4), hits, strict=True)
    )

    cycle = planned_cycle(manager, indicator, target_value=15.0)
    cycle = cycles.cycle_update(
        cycle=cycle, by=manager, baseline_from=FIRST, baseline_to=months(FIRST, 4)[-1]
    )

    assert cycle.baseline_value == pytest.approx(25.0)
    assert cycle.baseline_ucl == pytest.approx(54.05, abs=0.01)
    assert cycle.baseline_lcl == 0.0


def test_running_a_waiting_check_again_without_new_data_adds_no_version(make_user) -> None:
    """The daily re-run notes when it looked; the history grows only when the result changes."""
    manager = make_user("quality_manager")
    cycle = cycle_in_check(manager, indicator_with_data(after=[79.0]))
    versions = cycle.history.count()
    first_look = cycle.checked_at
    assert first_look is not None

    again = phases.cycle_check_run(cycle=cycle)

    assert again.history.count() == versions
    assert again.checked_at is not None
    assert again.checked_at > first_look
    assert again.verdict == PDCACycle.Verdict.INCONCLUSIVE


def test_a_follow_up_starts_on_the_day_its_parent_was_adapted(make_user) -> None:
    """A decision recorded for an earlier day opens the follow-up on that day, not today."""
    manager = make_user("quality_manager")
    cycle = cycle_in_check(manager)
    decided = date(2026, 7, 1)

    phases.cycle_decide(cycle=cycle, by=manager, outcome="adapt", reason="Evenings", at=decided)

    assert PDCACycle.objects.get(parent=cycle).started_on == decided


def test_a_closed_cycle_keeps_its_record_but_may_still_be_published(make_user) -> None:
    """After closing, the scope and Plan are kept as they were; publishing stays possible."""
    manager = make_user("quality_manager")
    cycle = phases.cycle_decide(cycle=cycle_in_check(manager), by=manager, outcome="adopt")
    cycle = phases.cycle_close(cycle=cycle, by=manager)

    with pytest.raises(ApplicationError) as refusal:
        cycles.cycle_update(cycle=cycle, by=manager, type="corrective")
    published = cycles.cycle_update(
        cycle=cycle, by=manager, publish=True, public_summary="You waited; now we call back."
    )

    assert refusal.value.extra["fields"] == ["type"]
    assert published.publish is True
    assert published.type == PDCACycle.Type.IMPROVEMENT
