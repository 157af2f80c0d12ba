"""The complaint life cycle: every legal and illegal transition, and what each step requires."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import ApplicationError
from feedback import lifecycle, services
from feedback.models import Complaint, ComplaintEvent

pytestmark = pytest.mark.django_db

Status = Complaint.Status

RECEIVED = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
# When the steps leading to a status were taken, and when the step under test is taken.
WALKED_AT = RECEIVED + timedelta(hours=1)
ACTED_AT = RECEIVED + timedelta(hours=2)


def take(action: str, complaint: Complaint, by: Any, at: datetime) -> Complaint:
    """Take a life-cycle action with valid arguments."""
    if action == "acknowledge":
        return services.complaint_acknowledge(complaint=complaint, by=by, at=at)
    if action == "investigate":
        return services.complaint_investigate(complaint=complaint, by=by, at=at)
    if action == "respond":
        return services.complaint_respond(
            complaint=complaint, by=by, decision="Refund the missed visit.", at=at
        )
    if action == "close":
        return services.complaint_close(
            complaint=complaint, by=by, customer_accepted=True, satisfaction=4, at=at
        )
    if action == "reopen":
        return services.complaint_reopen(
            complaint=complaint, by=by, reason="The customer called again.", at=at
        )
    raise AssertionError(action)


# The steps that bring a new complaint to each status.
PATHS = {
    Status.RECEIVED: [],
    Status.ACKNOWLEDGED: ["acknowledge"],
    Status.INVESTIGATING: ["acknowledge", "investigate"],
    Status.RESPONDED: ["acknowledge", "investigate", "respond"],
    Status.CLOSED: ["acknowledge", "investigate", "respond", "close"],
}

PAIRS = [(status, action) for status in Status.values for action in lifecycle.TRANSITIONS]
LEGAL = [(status, action) for status, action in PAIRS if status in lifecycle.TRANSITIONS[action][0]]
ILLEGAL = [pair for pair in PAIRS if pair not in LEGAL]


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    """Return a quality manager, who may take every step."""
    return make_user("quality_manager")


@pytest.fixture
def complaint_in(
    log_complaint: Callable[..., Complaint], manager: Any
) -> Callable[[str], Complaint]:
    """Return a function making a complaint in a given status by walking the services."""

    def make(status: str) -> Complaint:
        complaint = log_complaint(logged_by=manager, received_at=RECEIVED)
        for action in PATHS[Status(status)]:
            take(action, complaint, manager, WALKED_AT)
        assert complaint.status == status
        return complaint

    return make


def test_life_cycle_allows_exactly_the_documented_steps() -> None:
    assert set(LEGAL) == {
        (Status.RECEIVED, "acknowledge"),
        (Status.ACKNOWLEDGED, "investigate"),
        (Status.ACKNOWLEDGED, "respond"),
        (Status.INVESTIGATING, "respond"),
        (Status.RESPONDED, "close"),
        (Status.RESPONDED, "reopen"),
        (Status.CLOSED, "reopen"),
    }


@pytest.mark.parametrize(("status", "action"), LEGAL)
def test_legal_transition_moves_the_complaint_and_records_who_when_and_from_where(
    complaint_in: Callable[[str], Complaint], manager: Any, status: str, action: str
) -> None:
    complaint = complaint_in(status)
    target = lifecycle.TRANSITIONS[action][1]

    take(action, complaint, manager, ACTED_AT)

    complaint.refresh_from_db()
    event = complaint.events.order_by("-id").first()
    assert event is not None
    assert complaint.status == target
    assert (event.kind, event.actor, event.at, event.from_status, event.to_status) == (
        services.action_event_kind(action),
        manager,
        ACTED_AT,
        status,
        target,
    )


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transition_is_refused_naming_the_status_and_changes_nothing(
    complaint_in: Callable[[str], Complaint], manager: Any, status: str, action: str
) -> None:
    complaint = complaint_in(status)
    events = complaint.events.count()

    with pytest.raises(ApplicationError) as refused:
        take(action, complaint, manager, ACTED_AT)

    complaint.refresh_from_db()
    label = Status(status).label.lower()
    assert refused.value.message.startswith(f"{complaint.reference} is {label}: only a complaint")
    assert refused.value.extra == {"status": status, "action": action}
    assert (complaint.status, complaint.events.count()) == (status, events)


def test_acknowledge_rejects_closed_complaint(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.CLOSED)

    with pytest.raises(ApplicationError) as refused:
        services.complaint_acknowledge(complaint=complaint, by=manager)

    assert refused.value.message == (
        f"{complaint.reference} is closed: only a complaint that is received can be acknowledged."
    )


def test_reopen_names_both_statuses_it_starts_from(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.ACKNOWLEDGED)

    with pytest.raises(ApplicationError) as refused:
        services.complaint_reopen(complaint=complaint, by=manager, reason="Called again.")

    assert refused.value.message == (
        f"{complaint.reference} is acknowledged: only a complaint that is closed, responded "
        "can be reopened."
    )


# Root cause -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [status for status in Status.values if status != Status.INVESTIGATING]
)
def test_root_cause_is_refused_outside_investigation(
    complaint_in: Callable[[str], Complaint], manager: Any, status: str
) -> None:
    complaint = complaint_in(status)
    events = complaint.events.count()

    with pytest.raises(ApplicationError, match="the root cause is set during investigation"):
        services.complaint_set_root_cause(complaint=complaint, by=manager, category="method")

    complaint.refresh_from_db()
    assert (complaint.root_cause_category, complaint.events.count()) == ("", events)


def test_root_cause_during_investigation_is_kept_and_shown_on_the_timeline(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.INVESTIGATING)

    services.complaint_set_root_cause(
        complaint=complaint, by=manager, category="machine", text=" Booking app lost the slot. "
    )

    event = complaint.events.get(kind=ComplaintEvent.Kind.ROOT_CAUSE)
    assert (complaint.root_cause_category, complaint.root_cause, complaint.status) == (
        "machine",
        "Booking app lost the slot.",
        Status.INVESTIGATING,
    )
    assert (event.actor, event.text) == (
        manager,
        "Machine / technology: Booking app lost the slot.",
    )


def test_root_cause_must_be_one_of_the_six_categories(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.INVESTIGATING)

    with pytest.raises(ValidationError) as refused:
        services.complaint_set_root_cause(complaint=complaint, by=manager, category="luck")

    assert list(refused.value.message_dict) == ["root_cause_category"]


# Respond, close, reopen -------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["", "   "])
def test_respond_needs_the_decision_told_to_the_customer(
    complaint_in: Callable[[str], Complaint], manager: Any, decision: str
) -> None:
    complaint = complaint_in(Status.INVESTIGATING)

    with pytest.raises(ValidationError) as refused:
        services.complaint_respond(complaint=complaint, by=manager, decision=decision)

    complaint.refresh_from_db()
    assert list(refused.value.message_dict) == ["decision"]
    assert complaint.status == Status.INVESTIGATING


def test_respond_records_the_decision(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.ACKNOWLEDGED)

    services.complaint_respond(
        complaint=complaint, by=manager, decision=" Refund the visit. ", at=ACTED_AT
    )

    assert (complaint.status, complaint.decision, complaint.responded_at) == (
        Status.RESPONDED,
        "Refund the visit.",
        ACTED_AT,
    )


def test_close_needs_to_know_whether_the_customer_accepted(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.RESPONDED)

    with pytest.raises(ValidationError) as refused:
        services.complaint_close(complaint=complaint, by=manager, customer_accepted=None)

    complaint.refresh_from_db()
    assert list(refused.value.message_dict) == ["customer_accepted"]
    assert complaint.status == Status.RESPONDED


@pytest.mark.parametrize("satisfaction", [0, 6, -1])
def test_close_refuses_satisfaction_outside_1_to_5(
    complaint_in: Callable[[str], Complaint], manager: Any, satisfaction: int
) -> None:
    complaint = complaint_in(Status.RESPONDED)

    with pytest.raises(ValidationError) as refused:
        services.complaint_close(
            complaint=complaint, by=manager, customer_accepted=True, satisfaction=satisfaction
        )

    complaint.refresh_from_db()
    assert refused.value.message_dict == {
        "customer_satisfaction": ["Satisfaction is a score from 1 to 5."]
    }
    assert complaint.status == Status.RESPONDED


@pytest.mark.parametrize("satisfaction", [1, 5, None])
def test_close_records_acceptance_and_satisfaction(
    complaint_in: Callable[[str], Complaint], manager: Any, satisfaction: int | None
) -> None:
    complaint = complaint_in(Status.RESPONDED)

    services.complaint_close(
        complaint=complaint,
        by=manager,
        customer_accepted=False,
        satisfaction=satisfaction,
        at=ACTED_AT,
    )

    assert (
        complaint.status,
        complaint.closed_at,
        complaint.customer_accepted,
        complaint.customer_satisfaction,
    ) == (Status.CLOSED, ACTED_AT, False, satisfaction)


@pytest.mark.parametrize("reason", ["", "  "])
def test_reopen_needs_a_reason(
    complaint_in: Callable[[str], Complaint], manager: Any, reason: str
) -> None:
    complaint = complaint_in(Status.CLOSED)

    with pytest.raises(ValidationError) as refused:
        services.complaint_reopen(complaint=complaint, by=manager, reason=reason)

    complaint.refresh_from_db()
    assert list(refused.value.message_dict) == ["reason"]
    assert (complaint.status, complaint.reopen_count) == (Status.CLOSED, 0)


def test_reopen_clears_the_outcome_and_counts_the_reopening(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.CLOSED)

    services.complaint_reopen(complaint=complaint, by=manager, reason=" Called again. ")

    event = complaint.events.get(kind=ComplaintEvent.Kind.REOPENED)
    assert (
        complaint.status,
        complaint.reopen_count,
        complaint.closed_at,
        complaint.customer_accepted,
        complaint.customer_satisfaction,
        complaint.responded_at,
        complaint.resolved_within_sla,
    ) == (Status.INVESTIGATING, 1, None, None, None, None, None)
    assert (event.from_status, event.to_status, event.text) == (
        Status.CLOSED,
        Status.INVESTIGATING,
        "Called again.",
    )


def test_each_reopening_is_counted(complaint_in: Callable[[str], Complaint], manager: Any) -> None:
    complaint = complaint_in(Status.CLOSED)
    services.complaint_reopen(complaint=complaint, by=manager, reason="Called again.")
    take("respond", complaint, manager, ACTED_AT)

    services.complaint_reopen(complaint=complaint, by=manager, reason="And again.")

    assert (complaint.reopen_count, complaint.events.filter(kind="reopened").count()) == (2, 2)


def test_reopened_complaint_decides_its_resolution_sla_again_at_the_next_response(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    complaint = complaint_in(Status.CLOSED)
    services.complaint_reopen(complaint=complaint, by=manager, reason="Called again.")

    services.complaint_respond(
        complaint=complaint,
        by=manager,
        decision="Second visit booked.",
        at=complaint.resolve_due_at + timedelta(days=1),
    )

    assert complaint.resolved_within_sla is False


def test_reopening_from_an_outdated_copy_still_counts_every_reopening(
    complaint_in: Callable[[str], Complaint], manager: Any
) -> None:
    """A page opened before someone else reopened and answered the complaint again."""
    complaint = complaint_in(Status.RESPONDED)
    open_page = Complaint.objects.get(pk=complaint.pk)
    services.complaint_reopen(complaint=complaint, by=manager, reason="Called again.")
    take("respond", complaint, manager, ACTED_AT)

    services.complaint_reopen(complaint=open_page, by=manager, reason="And again.")

    complaint.refresh_from_db()
    assert complaint.reopen_count == 2
