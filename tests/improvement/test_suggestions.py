"""Suggested cycles (CAPA): found in the data, never twice, accepted in one click or dismissed."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ApplicationError
from feedback.models import Complaint
from feedback.services import (
    complaint_acknowledge,
    complaint_investigate,
    complaint_set_root_cause,
)
from improvement.models import PDCACycle, Suggestion
from improvement.services import cycles
from improvement.services.suggestions import (
    suggestion_accept,
    suggestion_dismiss,
    suggestions_find,
)
from journeys.models import Touchpoint
from metrics.models import Indicator
from tests.feedback.factories import AuditFactory, ChecklistFactory, ComplaintFactory
from tests.improvement.factories import indicator_with_data
from tests.journeys.factories import TouchpointFactory

pytestmark = pytest.mark.django_db

Kind = Suggestion.Kind


def today() -> date:
    """Return the organisation's local date (the day the suggestions are looked for)."""
    return timezone.localdate()


def complaint_with_cause(
    manager: Any, touchpoint: Touchpoint, days_ago: int, category: str = "people"
) -> Complaint:
    """Log a complaint `days_ago` days ago (at this time of day) and record its root cause,
    through the services."""
    received = timezone.now() - timedelta(days=days_ago)
    complaint = ComplaintFactory.create(touchpoint=touchpoint, received_at=received)
    complaint_acknowledge(complaint=complaint, by=manager)
    complaint_investigate(complaint=complaint, by=manager)
    return complaint_set_root_cause(complaint=complaint, by=manager, category=category)


def cluster(manager: Any, touchpoint: Touchpoint, days: list[int], **fields: Any) -> list[Any]:
    """Log one complaint with a root cause per number of days ago."""
    return [complaint_with_cause(manager, touchpoint, day, **fields) for day in days]


def deteriorating(indicator: Indicator) -> Indicator:
    """Mark the indicator's latest period as a special cause on its deteriorating side.

    As the series pass would after a point below the lower limit of a higher-is-better measure.
    """
    latest = indicator.snapshots.order_by("period").last()
    assert latest is not None
    latest.signals = ["WE1"]
    latest.save(update_fields=["signals"])
    Indicator.objects.filter(pk=indicator.pk).update(
        variation=Indicator.Variation.SPECIAL_DETERIORATING, latest_period=latest.period
    )
    indicator.refresh_from_db()
    return indicator


# Complaint clusters ------------------------------------------------------------------------------


def test_five_complaints_with_one_cause_at_one_touchpoint_in_30_days_suggest_a_cycle(
    make_user,
) -> None:
    """The threshold (5 within 30 days) is reached: one suggestion with the numbers and the
    complaints; running again creates nothing more."""
    manager = make_user("quality_manager")
    touchpoint = TouchpointFactory.create(name="Call centre")
    complaints = cluster(manager, touchpoint, [29, 20, 10, 5, 1])

    made = suggestions_find(today=today())
    again = suggestions_find(today=today())

    assert len(made) == 1
    suggestion = made[0]
    assert suggestion.kind == Kind.COMPLAINT_CLUSTER
    assert suggestion.touchpoint == touchpoint
    assert suggestion.root_cause_category == "people"
    assert suggestion.summary.startswith("5 complaints at Call centre")
    assert set(suggestion.complaints.all()) == set(complaints)
    assert again == []
    assert Suggestion.objects.count() == 1


def test_complaints_below_the_threshold_or_outside_the_window_suggest_nothing(make_user) -> None:
    """Four in the window, or five whose first is 30 days old (outside a 30-day window ending
    today, which holds days 0 to 29), make no suggestion; nor do five with different causes."""
    manager = make_user("quality_manager")
    touchpoint = TouchpointFactory.create()
    cluster(manager, touchpoint, [30, 20, 10, 5, 1])
    other = TouchpointFactory.create()
    cluster(manager, other, [3, 2], category="method")
    cluster(manager, other, [3, 2, 1], category="machine")

    assert suggestions_find(today=today()) == []


def test_a_dismissed_cluster_never_comes_back_but_new_complaints_make_a_new_one(make_user) -> None:
    """Dismissing settles those complaints: the next days' runs do not suggest them again, even
    when the window slides; five new complaints at the same place are new evidence."""
    manager = make_user("quality_manager")
    touchpoint = TouchpointFactory.create()
    cluster(manager, touchpoint, [9, 8, 7, 6, 5, 4])
    (suggestion,) = suggestions_find(today=today())
    suggestion_dismiss(suggestion=suggestion, by=manager, reason="A one-off staff shortage.")

    later = [suggestions_find(today=today() - timedelta(days=shift)) for shift in (3, 1, 0)]
    assert later == [[], [], []]

    cluster(manager, touchpoint, [3, 2, 2, 1, 0])
    (fresh,) = suggestions_find(today=today())

    assert fresh.pk != suggestion.pk
    assert fresh.complaints.count() == 5
    assert Suggestion.objects.filter(status=Suggestion.Status.DISMISSED).count() == 1


def test_a_running_cycle_on_the_same_touchpoint_and_cause_holds_the_suggestion_back(
    make_user,
) -> None:
    """The cluster is already being worked on: no suggestion while that cycle is open."""
    manager = make_user("quality_manager")
    touchpoint = TouchpointFactory.create()
    cycles.cycle_create(
        by=manager,
        title="Train the late shift",
        owner=manager,
        touchpoint=touchpoint,
        root_cause_category="people",
    )
    cluster(manager, touchpoint, [5, 4, 3, 2, 1])

    assert suggestions_find(today=today()) == []


# Signals and mystery shops -----------------------------------------------------------------------


def test_a_deteriorating_special_cause_suggests_a_cycle_once_per_indicator_period_and_rule(
    make_user,
) -> None:
    """The latest complete period breaks the lower limit of a higher-is-better indicator."""
    indicator = deteriorating(indicator_with_data(name="Phone CSAT"))

    (suggestion,) = suggestions_find(today=today())
    again = suggestions_find(today=today())

    assert suggestion.kind == Kind.SIGNAL
    assert suggestion.indicator == indicator
    assert suggestion.period == indicator.latest_period
    assert suggestion.evidence_key == f"signal:{indicator.pk}:{indicator.latest_period}:WE1"
    assert "Phone CSAT" in suggestion.summary
    assert again == []


def test_an_improving_or_common_cause_indicator_suggests_nothing(make_user) -> None:
    """Only the deteriorating side calls for a corrective cycle."""
    indicator = indicator_with_data()
    latest = indicator.snapshots.order_by("period").last()
    assert latest is not None
    latest.signals = ["WE1"]
    latest.save(update_fields=["signals"])
    Indicator.objects.filter(pk=indicator.pk).update(
        variation=Indicator.Variation.SPECIAL_IMPROVING
    )

    assert suggestions_find(today=today()) == []


def test_a_mystery_shop_scoring_below_the_threshold_suggests_a_cycle(make_user) -> None:
    """Every item scored 2 of 4 is 50 % (below 70 %); every item 3 of 4 is 75 % (above)."""
    manager = make_user("quality_manager")
    low_checklist = ChecklistFactory.create(by=manager)
    visited = today() - timedelta(days=2)
    low = AuditFactory.create(
        template=low_checklist,
        auditor=manager,
        visited_on=visited,
        scores={item.pk: 2 for item in low_checklist.items.all()},
    )
    AuditFactory.create(auditor=manager, visited_on=visited)

    (suggestion,) = suggestions_find(today=today())

    assert float(low.score) == 50.0
    assert suggestion.kind == Kind.MYSTERY_SHOP
    assert suggestion.audit == low
    assert suggestion.touchpoint == low.touchpoint
    assert "50 %" in suggestion.summary
    assert suggestions_find(today=today()) == []


# Accepting and dismissing ------------------------------------------------------------------------


def test_accepting_makes_a_corrective_cycle_with_the_evidence_and_only_once(make_user) -> None:
    """One click: origin, type, touchpoint, journey, root cause, complaints and the problem
    statement come from the suggestion; a second accept is refused naming the cycle."""
    manager = make_user("quality_manager")
    touchpoint = TouchpointFactory.create()
    complaints = cluster(manager, touchpoint, [4, 3, 2, 1, 0])
    (suggestion,) = suggestions_find(today=today())

    cycle = suggestion_accept(suggestion=suggestion, by=manager)

    assert cycle.phase == PDCACycle.Phase.PLAN
    assert cycle.origin == PDCACycle.Origin.COMPLAINTS
    assert cycle.type == PDCACycle.Type.CORRECTIVE
    assert cycle.touchpoint == touchpoint
    assert cycle.journey == touchpoint.stage.journey
    assert cycle.root_cause_category == "people"
    assert set(cycle.complaints.all()) == set(complaints)
    assert cycle.problem_statement == suggestion.summary
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.cycle == cycle
    assert suggestion.decided_by == manager
    with pytest.raises(ApplicationError) as twice:
        suggestion_accept(suggestion=suggestion, by=manager)
    assert cycle.reference in twice.value.message
    assert PDCACycle.objects.count() == 1


def test_accepting_a_signal_targets_its_indicator_with_a_baseline(make_user) -> None:
    """The cycle's target indicator is the one that signalled; its baseline is computed."""
    manager = make_user("quality_manager")
    indicator = deteriorating(indicator_with_data())
    (suggestion,) = suggestions_find(today=today())

    cycle = suggestion_accept(suggestion=suggestion, by=manager)

    assert cycle.origin == PDCACycle.Origin.SIGNAL
    assert cycle.target_indicator == indicator
    assert cycle.baseline_value is not None


def test_dismissing_needs_a_reason_and_only_quality_managers_decide(make_user) -> None:
    """An empty reason is a field error; frontline staff may neither dismiss nor accept."""
    manager = make_user("quality_manager")
    frontline = make_user("frontline")
    cluster(manager, TouchpointFactory.create(), [4, 3, 2, 1, 0])
    (suggestion,) = suggestions_find(today=today())

    with pytest.raises(ValidationError) as no_reason:
        suggestion_dismiss(suggestion=suggestion, by=manager, reason="  ")
    with pytest.raises(PermissionDenied):
        suggestion_dismiss(suggestion=suggestion, by=frontline, reason="Not ours")
    with pytest.raises(PermissionDenied):
        suggestion_accept(suggestion=suggestion, by=frontline)

    assert "dismiss_reason" in no_reason.value.message_dict
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.OPEN


# The page ----------------------------------------------------------------------------------------


def test_the_page_lists_waiting_suggestions_first_and_accepts_in_one_click(
    make_user, client
) -> None:
    """A dismissed suggestion comes after the waiting one; accepting opens the new cycle."""
    manager = make_user("quality_manager")
    cluster(manager, TouchpointFactory.create(name="Returns desk"), [4, 3, 2, 1, 0])
    (dismissed,) = suggestions_find(today=today())
    suggestion_dismiss(suggestion=dismissed, by=manager, reason="Seasonal.")
    cluster(manager, TouchpointFactory.create(name="Checkout"), [4, 3, 2, 1, 0])
    (waiting,) = suggestions_find(today=today())
    client.force_login(manager)

    page = client.get(reverse("improvement:suggestion-list")).content.decode()
    response = client.post(reverse("improvement:suggestion-accept", args=[waiting.pk]))

    assert page.index(f'data-suggestion="{waiting.pk}"') < page.index(
        f'data-suggestion="{dismissed.pk}"'
    )
    assert "Seasonal." in page
    cycle = PDCACycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()


def test_dismissing_without_a_reason_shows_the_error_next_to_the_field(make_user, client) -> None:
    """The dismiss page comes back with the error beside the reason; nothing changes."""
    manager = make_user("quality_manager")
    cluster(manager, TouchpointFactory.create(), [4, 3, 2, 1, 0])
    (suggestion,) = suggestions_find(today=today())
    client.force_login(manager)
    url = reverse("improvement:suggestion-dismiss", args=[suggestion.pk])

    refused = client.post(url, {"dismiss_reason": ""})
    done = client.post(url, {"dismiss_reason": "Handled by the supplier."})

    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'data-field-error="dismiss_reason"' in html
    assert "is-invalid" in html
    assert done.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.dismiss_reason == "Handled by the supplier."


def test_frontline_staff_read_suggestions_without_the_buttons(make_user, client) -> None:
    """Staff see the evidence; accepting is for quality managers (403 for others)."""
    manager = make_user("quality_manager")
    cluster(manager, TouchpointFactory.create(), [4, 3, 2, 1, 0])
    (suggestion,) = suggestions_find(today=today())
    client.force_login(make_user("frontline"))

    page = client.get(reverse("improvement:suggestion-list"))
    accept = client.post(reverse("improvement:suggestion-accept", args=[suggestion.pk]))

    assert page.status_code == 200
    assert suggestion.title in page.content.decode()
    assert 'data-testid="accept"' not in page.content.decode()
    assert accept.status_code == 403
