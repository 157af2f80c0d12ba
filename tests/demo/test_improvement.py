"""The improvement demo: Brightline's PDCA cycles in every phase, judged by the demo's own data.

The whole demo is loaded once for tests/demo/ (`demo_organisation`): the cycles stand on the
snapshots the metrics demo rebuilds from the feedback and activity demos.
"""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from scipy import stats

from feedback.models import ComplaintEvent
from improvement import evidence
from improvement.demo.wording import cycle_wording
from improvement.models import PDCACycle, Suggestion
from improvement.selectors import my_open_actions, published_changes
from improvement.services.phases import plan_missing
from metrics.models import Annotation, LimitSegment, Snapshot
from tests.core.test_demo import run_demo

pytestmark = pytest.mark.django_db

Phase = PDCACycle.Phase
Outcome = PDCACycle.Outcome
Verdict = PDCACycle.Verdict


def story_cycle(key: str) -> PDCACycle:
    """Return the demo cycle of a story, found by the title its wording gives it."""
    return PDCACycle.objects.get(title=cycle_wording().cycles[key].title)


def test_demo_has_cycles_in_every_phase_of_every_type(demo_organisation: str) -> None:
    """A newcomer finds about twelve cycles on the board: some in each phase, of each type,
    from most origins, owned by quality managers."""
    cycles = PDCACycle.objects.all()

    phases = set(cycles.values_list("phase", flat=True))
    types = set(cycles.values_list("type", flat=True))
    origins = set(cycles.values_list("origin", flat=True))

    assert 10 <= cycles.count() <= 14
    assert phases == set(Phase.values)
    assert types == set(PDCACycle.Type.values)
    assert len(origins) >= 6
    assert PDCACycle.Origin.IDEA in origins
    assert not cycles.exclude(owner__groups__name="Quality manager").exists()


def test_demo_ideas_that_started_cycles_were_accepted_before_them(demo_organisation: str) -> None:
    """Each idea-origin cycle links the idea it came from, accepted before the cycle started;
    the adopted one's idea is implemented and its submitter reads the outcome."""
    from_ideas = PDCACycle.objects.filter(origin=PDCACycle.Origin.IDEA).prefetch_related("ideas")

    assert from_ideas.exists()
    for cycle in from_ideas:
        (idea,) = cycle.ideas.all()
        assert idea.decided_at is not None
        assert timezone.localdate(idea.decided_at) < cycle.started_on
        if cycle.outcome == Outcome.ADOPT:
            assert idea.status == "implemented"
            assert cycle.reference in idea.outcome


def test_demo_call_back_cycle_was_adopted_on_a_significant_effect(demo_organisation: str) -> None:
    """The call-back change is closed as adopted: phone CSAT rose with p < 0.05, the touchpoint's
    standard is the new one, it is on "You said, we did", and its complainers were told.

    The stored p-value is the two-proportion test of the stored shares, as scipy computes it:
    the 2 x 2 table of satisfied / not satisfied answers after and before the change, Pearson's
    chi-square without continuity correction (the pooled z-test squared).
    """
    cycle = story_cycle("callback")
    result = cycle.check_result
    table = [
        [
            round(result["after_value"] / 100 * result["after_n"]),
            round((1 - result["after_value"] / 100) * result["after_n"]),
        ],
        [
            round(result["before_value"] / 100 * result["before_n"]),
            round((1 - result["before_value"] / 100) * result["before_n"]),
        ],
    ]

    recomputed = stats.chi2_contingency(table, correction=False).pvalue

    assert (cycle.phase, cycle.outcome, cycle.verdict) == (
        Phase.CLOSED,
        Outcome.ADOPT,
        Verdict.EFFECTIVE,
    )
    assert cycle.target_indicator is not None
    assert cycle.target_indicator.code == "csat-phone"
    assert result["p_value"] < 0.05
    assert result["p_value"] == pytest.approx(recomputed, rel=1e-6)
    assert result["after_value"] > result["before_value"]
    assert cycle.touchpoint is not None
    assert cycle.touchpoint.service_standard == cycle.new_standard != ""
    assert cycle in published_changes()
    assert cycle.five_whys
    assert not cycle.actions.filter(done_on__isnull=True).exists()
    assert cycle.complaints.exists()
    told = ComplaintEvent.objects.filter(
        complaint__in=cycle.complaints.all(), kind=ComplaintEvent.Kind.IMPROVEMENT
    )
    assert told.count() == cycle.complaints.count()
    assert cycle.change_on is not None
    assert cycle.checked_at is not None
    assert cycle.closed_on is not None
    assert cycle.change_on < timezone.localdate(cycle.checked_at) <= cycle.closed_on


def test_demo_late_shift_cycle_owns_the_answer_times_new_limits(demo_organisation: str) -> None:
    """CallPoint's late shift was adopted: the answer time's limits restart with the first week
    after the change (a segment the cycle's decision made, the snapshots recomputed on it), and
    the chart's PDCA annotations are the cycle's own, not hand-made ones."""
    cycle = story_cycle("late_shift")
    indicator = cycle.target_indicator
    assert indicator is not None
    assert cycle.change_on is not None
    start = evidence.after_window_start(indicator, cycle.change_on)

    segment = LimitSegment.objects.get(indicator=indicator)
    keys = set(
        Annotation.objects.filter(
            indicator=indicator, source_key__startswith=f"pdca:{cycle.pk}:"
        ).values_list("source_key", flat=True)
    )
    first_after = Snapshot.objects.get(indicator=indicator, period=start)
    last_before = Snapshot.objects.filter(indicator=indicator, period__lt=start).latest("period")

    assert (cycle.outcome, cycle.verdict, cycle.phase) == (
        Outcome.ADOPT,
        Verdict.EFFECTIVE,
        Phase.CLOSED,
    )
    assert cycle.check_result["p_value"] < 0.05
    assert segment.starts_on == start
    assert segment.reason.startswith(cycle.reference)
    assert keys == {
        f"pdca:{cycle.pk}:{part}" for part in ("start", "before", "do", "check", "after")
    }
    assert Annotation.objects.filter(
        indicator=indicator, source_key=f"limits:{segment.pk}"
    ).exists()
    assert not Annotation.objects.filter(source_key__startswith="demo:late-shift").exists()
    assert not Annotation.objects.filter(source_key__startswith="demo:callback").exists()
    # The limits restarted: the new centre line sits at the new, lower level.
    assert first_after.segment == last_before.segment + 1
    assert first_after.center is not None
    assert last_before.center is not None
    assert first_after.center < last_before.center


def test_demo_abandoned_cycle_showed_no_effect(demo_organisation: str) -> None:
    """The checklist cycle is closed as abandoned, with its reason: its Check found no
    significant change and no chance of reaching the target with more data."""
    cycle = story_cycle("checklist")

    assert (cycle.phase, cycle.outcome, cycle.verdict) == (
        Phase.CLOSED,
        Outcome.ABANDON,
        Verdict.NOT_EFFECTIVE,
    )
    assert cycle.check_result["p_value"] >= 0.05
    assert cycle.check_result["periods_needed"] == 0
    assert cycle.outcome_reason == cycle_wording().cycles["checklist"].reason


def test_demo_follow_up_is_in_do_with_an_overdue_action(demo_organisation: str) -> None:
    """The adapted van-stock cycle has a follow-up in Do: it inherits the plan, and its open
    actions include an overdue one and one the frontline login sees among "My actions"."""
    parent = story_cycle("van_stock")
    today = timezone.localdate()

    follow_up = PDCACycle.objects.get(parent=parent)
    open_actions = follow_up.actions.filter(done_on__isnull=True, deferred_reason="")
    frontline = User.objects.get(username="frontline")

    assert (parent.phase, parent.outcome) == (Phase.CLOSED, Outcome.ADAPT)
    assert follow_up.phase == Phase.DO
    assert follow_up.target_indicator_id == parent.target_indicator_id
    assert follow_up.five_whys == parent.five_whys
    assert open_actions.filter(due_on__lt=today).exists()
    assert open_actions.filter(due_on__gte=today).exists()
    assert my_open_actions(frontline).filter(cycle=follow_up).exists()


def test_demo_checks_waiting_for_data_say_how_many_periods_they_need(
    demo_organisation: str,
) -> None:
    """Cycles whose change went live a few weeks ago wait in Check, inconclusive, each saying
    how many more complete periods it needs."""
    waiting = PDCACycle.objects.filter(phase=Phase.CHECK)

    assert waiting.exists()
    for cycle in waiting:
        assert cycle.verdict == Verdict.INCONCLUSIVE, cycle.reference
        assert cycle.check_result["periods_needed"] > 0, cycle.reference


def test_demo_plan_logs_containment_before_the_analysis(demo_organisation: str) -> None:
    """A cycle still in Plan already logged the containment that stopped the harm, while its
    root cause and target are still missing."""
    cycle = story_cycle("payflow")

    assert cycle.phase == Phase.PLAN
    assert cycle.actions.filter(containment=True, done_on__isnull=False).exists()
    assert {"root_cause_category", "five_whys", "target_value"} <= set(plan_missing(cycle))


def test_demo_swiftparcel_spell_left_suggestions_waiting(demo_organisation: str) -> None:
    """The courier's bad spell made complaint clusters the daily round suggested: still waiting,
    each on one SwiftParcel touchpoint and one root cause, its complaints all alike."""
    waiting = Suggestion.objects.filter(
        status=Suggestion.Status.OPEN,
        kind=Suggestion.Kind.COMPLAINT_CLUSTER,
        touchpoint__owner_partner__name="SwiftParcel",
    )

    assert waiting.exists()
    for suggestion in waiting:
        complaints = suggestion.complaints.all()
        assert complaints.count() >= 5
        assert set(complaints.values_list("touchpoint", "root_cause_category")) == {
            (suggestion.touchpoint_id, suggestion.root_cause_category)
        }


def test_demo_cycles_history_reads_like_a_year(demo_organisation: str) -> None:
    """Every cycle was created by its owner on the day it started, in the past, and each later
    phase move is dated after the one before."""
    now = timezone.now()
    for cycle in PDCACycle.objects.all():
        created = cycle.history.get(history_type="+")
        days = [cycle.started_on, cycle.do_on, cycle.check_on, cycle.acted_on, cycle.closed_on]
        reached = [day for day in days if day is not None]

        assert created.history_user_id == cycle.owner_id, cycle.reference
        assert created.history_date < now, cycle.reference
        assert timezone.localdate(cycle.created_at) == cycle.started_on, cycle.reference
        assert reached == sorted(reached), cycle.reference


def demo_state() -> list[Any]:
    """Return what the improvement demo makes: cycles, actions, suggestions, chart marks."""
    return [
        list(PDCACycle.objects.order_by("pk").values()),
        list(PDCACycle.history.order_by("pk").values_list("pk", "history_date")),
        [list(cycle.actions.order_by("pk").values()) for cycle in PDCACycle.objects.order_by("pk")],
        list(Suggestion.objects.order_by("pk").values()),
        list(Annotation.objects.order_by("pk").values_list("pk", "source_key", "starts_on")),
        list(LimitSegment.objects.order_by("pk").values_list("pk", "starts_on")),
    ]


def test_running_the_demo_again_changes_no_cycle(demo_organisation: str, settings) -> None:
    """A second run finds the cycles and leaves them, their actions, suggestions and chart
    annotations as they were."""
    settings.DEBUG = True
    before = demo_state()

    run_demo()

    assert demo_state() == before
