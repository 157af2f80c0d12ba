"""Complaint services: logging, empowerment, first-contact resolution, assignment, escalation,
visibility and the queue; and recognition."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from feedback import selectors, services
from feedback.models import Complaint, ComplaintEvent, Recognition, Severity
from journeys import services as journey_services
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Partner
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = Complaint.Status
Kind = ComplaintEvent.Kind
MakeUser = Callable[..., Any]
LogComplaint = Callable[..., Complaint]


@pytest.fixture
def frontline(make_user: MakeUser) -> Any:
    """Return a frontline employee."""
    return make_user("frontline")


@pytest.fixture
def manager(make_user: MakeUser) -> Any:
    """Return a quality manager."""
    return make_user("quality_manager")


def walk(complaint: Complaint, by: Any, *actions: str) -> Complaint:
    """Take life-cycle steps with valid arguments."""
    for action in actions:
        if action == "acknowledge":
            services.complaint_acknowledge(complaint=complaint, by=by)
        elif action == "investigate":
            services.complaint_investigate(complaint=complaint, by=by)
        elif action == "respond":
            services.complaint_respond(complaint=complaint, by=by, decision="Refund.")
        elif action == "close":
            services.complaint_close(complaint=complaint, by=by, customer_accepted=True)
        else:
            raise AssertionError(action)
    return complaint


def attempt(action: str, complaint: Complaint, by: Any) -> None:
    """Try a step that frontline staff may take on their own complaints of any severity."""
    if action == "acknowledge":
        services.complaint_acknowledge(complaint=complaint, by=by)
    elif action == "comment":
        services.complaint_comment(complaint=complaint, by=by, text="Called the customer.")
    elif action == "escalate":
        services.complaint_escalate(complaint=complaint, by=by)
    else:
        raise AssertionError(action)


# Logging ----------------------------------------------------------------------------------------


def test_logging_gives_consecutive_references_of_the_year_received(
    log_complaint: LogComplaint,
) -> None:
    received = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)

    first = log_complaint(received_at=received)
    second = log_complaint(received_at=received)

    assert (first.reference, second.reference) == ("CMP-2024-000001", "CMP-2024-000002")


def test_reference_year_is_the_local_year_of_receipt(log_complaint: LogComplaint) -> None:
    """23:30 UTC on New Year's Eve is already New Year in Amsterdam; 22:30 UTC is not."""
    new_year = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    old_year = datetime(2024, 12, 31, 22, 30, tzinfo=UTC)

    first = log_complaint(received_at=new_year)
    second = log_complaint(received_at=old_year)

    assert (first.reference, second.reference) == ("CMP-2025-000001", "CMP-2024-000001")


def test_logging_starts_at_received_with_a_logged_event(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    received = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    complaint = log_complaint(logged_by=frontline, received_at=received)

    event = complaint.events.get()
    assert complaint.status == Status.RECEIVED
    assert (event.kind, event.actor, event.at, event.to_status) == (
        Kind.LOGGED,
        frontline,
        received,
        Status.RECEIVED,
    )


@pytest.mark.parametrize(
    ("touchpoint_key", "department_key", "partner_key"),
    [("touchpoint", "department", None), ("delivery", None, "partner")],
)
def test_logging_attributes_the_complaint_to_its_touchpoints_owner_and_journey(
    log_complaint: LogComplaint,
    request: pytest.FixtureRequest,
    journey: Journey,
    touchpoint_key: str,
    department_key: str | None,
    partner_key: str | None,
) -> None:
    complaint = log_complaint(touchpoint=request.getfixturevalue(touchpoint_key))

    assert (complaint.journey, complaint.owner_department, complaint.owner_partner) == (
        journey,
        request.getfixturevalue(department_key) if department_key else None,
        request.getfixturevalue(partner_key) if partner_key else None,
    )


def test_logging_refuses_a_touchpoint_of_another_journey(
    log_complaint: LogComplaint, touchpoint: Touchpoint
) -> None:
    other = journey_services.journey_create(name="Renew contract")
    count = Complaint.objects.count()

    with pytest.raises(ValidationError) as refused:
        log_complaint(journey=other, touchpoint=touchpoint)

    assert refused.value.message_dict == {
        "touchpoint": ["This touchpoint belongs to the journey Buy online."]
    }
    assert Complaint.objects.count() == count


def test_logging_links_the_customer_when_the_reference_is_known(
    log_complaint: LogComplaint, customer: Customer
) -> None:
    complaint = log_complaint(customer_reference=" CRM-000001 ")

    assert (complaint.customer, complaint.customer_reference) == (customer, "CRM-000001")


def test_logging_keeps_an_unknown_customer_reference_as_text(log_complaint: LogComplaint) -> None:
    complaint = log_complaint(customer_reference="Mrs Jansen, 06-12345678")

    assert (complaint.customer, complaint.customer_reference) == (None, "Mrs Jansen, 06-12345678")


def test_logging_refuses_a_complaint_received_in_the_future(log_complaint: LogComplaint) -> None:
    count = Complaint.objects.count()

    with pytest.raises(ValidationError) as refused:
        log_complaint(received_at=timezone.now() + timedelta(hours=1))

    assert list(refused.value.message_dict) == ["received_at"]
    assert Complaint.objects.count() == count


def test_logging_tolerates_a_device_clock_a_minute_ahead(log_complaint: LogComplaint) -> None:
    received = timezone.now() + timedelta(minutes=1)

    complaint = log_complaint(received_at=received)

    assert complaint.received_at == received


def test_logging_refuses_an_external_id_already_used_by_the_same_source(
    log_complaint: LogComplaint,
) -> None:
    first = log_complaint(source=Complaint.Source.API, external_id="ZD-4711")

    with pytest.raises(ValidationError) as refused:
        log_complaint(source=Complaint.Source.API, external_id="ZD-4711")

    assert refused.value.message_dict == {
        "external_id": ["A complaint with this external id already exists."]
    }
    assert Complaint.objects.filter(external_id="ZD-4711").get() == first


def test_logging_accepts_the_same_external_id_from_another_source(
    log_complaint: LogComplaint,
) -> None:
    log_complaint(source=Complaint.Source.API, external_id="ZD-4711")

    log_complaint(source=Complaint.Source.IMPORT, external_id="ZD-4711")

    assert Complaint.objects.filter(external_id="ZD-4711").count() == 2


# First-contact resolution -----------------------------------------------------------------------


def test_first_contact_resolution_closes_the_complaint_at_once(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    received = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    complaint = log_complaint(
        logged_by=frontline,
        severity=Severity.LOW,
        received_at=received,
        resolved_at_first_contact=True,
        decision="Rebooked the visit for tomorrow.",
    )

    events = list(complaint.events.order_by("id").values_list("kind", "actor", "at"))
    assert (
        complaint.status,
        complaint.resolved_at_first_contact,
        complaint.decision,
        complaint.customer_accepted,
        complaint.acknowledged_within_sla,
        complaint.resolved_within_sla,
        complaint.closed_at,
    ) == (Status.CLOSED, True, "Rebooked the visit for tomorrow.", True, True, True, received)
    assert events == [
        (Kind.LOGGED, frontline.pk, received),
        (Kind.ACKNOWLEDGED, frontline.pk, received),
        (Kind.RESPONDED, frontline.pk, received),
        (Kind.CLOSED, frontline.pk, received),
    ]


@pytest.mark.parametrize("severity", [Severity.HIGH, Severity.CRITICAL])
def test_first_contact_resolution_is_refused_to_frontline_above_their_limit(
    log_complaint: LogComplaint, frontline: Any, severity: int
) -> None:
    with pytest.raises(ValidationError) as refused:
        log_complaint(
            logged_by=frontline,
            severity=severity,
            resolved_at_first_contact=True,
            decision="Refunded.",
        )

    assert list(refused.value.message_dict) == ["resolved_at_first_contact"]
    assert "escalate" in refused.value.message_dict["resolved_at_first_contact"][0]
    assert not Complaint.objects.filter(logged_by=frontline).exists()


def test_refused_first_contact_resolution_uses_up_no_reference(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    received = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(ValidationError):
        log_complaint(
            logged_by=frontline,
            severity=Severity.HIGH,
            received_at=received,
            resolved_at_first_contact=True,
            decision="Refunded.",
        )

    complaint = log_complaint(logged_by=frontline, received_at=received)

    assert complaint.reference == "CMP-2024-000001"


def test_quality_manager_may_resolve_a_critical_complaint_at_first_contact(
    log_complaint: LogComplaint, manager: Any
) -> None:
    complaint = log_complaint(
        logged_by=manager,
        severity=Severity.CRITICAL,
        resolved_at_first_contact=True,
        decision="Replaced the boiler today.",
    )

    assert (complaint.status, complaint.resolved_at_first_contact) == (Status.CLOSED, True)


def test_first_contact_resolution_needs_the_decision(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        log_complaint(
            logged_by=frontline,
            severity=Severity.LOW,
            resolved_at_first_contact=True,
            decision=" ",
        )

    assert list(refused.value.message_dict) == ["decision"]
    assert not Complaint.objects.filter(logged_by=frontline).exists()


def test_reopening_a_first_contact_resolution_no_longer_counts_it_as_one(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    complaint = log_complaint(
        logged_by=frontline, severity=Severity.LOW, resolved_at_first_contact=True, decision="Ok."
    )

    services.complaint_reopen(complaint=complaint, by=frontline, reason="Not fixed after all.")

    assert (complaint.status, complaint.resolved_at_first_contact) == (
        Status.INVESTIGATING,
        False,
    )


# Empowerment ------------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", [Severity.LOW, Severity.MEDIUM])
def test_frontline_resolves_their_own_complaints_up_to_medium_by_default(
    log_complaint: LogComplaint, frontline: Any, severity: int
) -> None:
    complaint = log_complaint(logged_by=frontline, severity=severity)

    walk(complaint, frontline, "acknowledge", "investigate", "respond", "close")

    assert complaint.status == Status.CLOSED


@pytest.mark.parametrize("severity", [Severity.HIGH, Severity.CRITICAL])
@pytest.mark.parametrize("action", ["acknowledge", "respond", "close"])
def test_frontline_is_told_to_escalate_complaints_above_their_limit(
    log_complaint: LogComplaint, frontline: Any, manager: Any, severity: int, action: str
) -> None:
    complaint = log_complaint(logged_by=frontline, severity=severity)
    before = {"acknowledge": [], "respond": ["acknowledge"], "close": ["acknowledge", "respond"]}
    walk(complaint, manager, *before[action])
    status = complaint.status

    with pytest.raises(PermissionDenied) as refused:
        walk(complaint, frontline, action)

    complaint.refresh_from_db()
    label = Severity(severity).label
    assert str(refused.value) == (
        f"{label} complaints are handled by quality managers: escalate it instead."
    )
    assert complaint.status == status


def test_assigned_frontline_employee_may_resolve_a_complaint_someone_else_logged(
    log_complaint: LogComplaint, frontline: Any, manager: Any
) -> None:
    complaint = log_complaint(severity=Severity.MEDIUM)
    services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)

    walk(complaint, frontline, "acknowledge", "respond", "close")

    assert complaint.status == Status.CLOSED


def test_frontline_loses_a_complaint_reassigned_to_someone_else_even_on_an_open_page(
    log_complaint: LogComplaint, frontline: Any, manager: Any, make_user: MakeUser
) -> None:
    """The page loaded while the complaint was theirs; the step is decided on the stored row."""
    complaint = log_complaint(severity=Severity.MEDIUM)
    services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)
    open_page = Complaint.objects.get(pk=complaint.pk)
    services.complaint_assign(complaint=complaint, assignee=make_user("frontline"), by=manager)

    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint=open_page, by=frontline)

    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


@pytest.mark.parametrize("action", ["acknowledge", "comment", "escalate"])
def test_frontline_may_not_touch_a_complaint_they_neither_logged_nor_are_assigned(
    log_complaint: LogComplaint, make_user: MakeUser, action: str
) -> None:
    complaint = log_complaint(severity=Severity.LOW)
    stranger = make_user("frontline")

    with pytest.raises(PermissionDenied) as refused:
        attempt(action, complaint, stranger)

    assert str(refused.value) == f"You may not do this on {complaint.reference}."
    assert complaint.events.count() == 1


def test_raising_the_frontline_limit_lets_frontline_resolve_high_but_not_critical(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    high = log_complaint(logged_by=frontline, severity=Severity.HIGH)
    critical = log_complaint(logged_by=frontline, severity=Severity.CRITICAL)

    services.frontline_limit_set(highest_severity=Severity.HIGH)

    walk(high, frontline, "acknowledge")
    with pytest.raises(PermissionDenied):
        walk(critical, frontline, "acknowledge")
    assert (high.status, selectors.frontline_limit()) == (Status.ACKNOWLEDGED, Severity.HIGH)


def test_withdrawing_the_frontline_limit_leaves_every_severity_to_quality_managers(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    low = log_complaint(logged_by=frontline, severity=Severity.LOW)

    services.frontline_limit_set(highest_severity=None)

    with pytest.raises(PermissionDenied, match="Low complaints are handled by quality managers"):
        walk(low, frontline, "acknowledge")
    assert selectors.frontline_limit() is None


def test_frontline_limit_must_be_a_severity() -> None:
    with pytest.raises(ValidationError) as refused:
        services.frontline_limit_set(highest_severity=7)

    assert list(refused.value.message_dict) == ["highest_severity"]


@pytest.mark.parametrize("action", ["acknowledge", "comment", "escalate"])
def test_executives_read_but_do_not_act_on_complaints(
    log_complaint: LogComplaint, make_user: MakeUser, action: str
) -> None:
    complaint = log_complaint(severity=Severity.LOW)
    executive = make_user("executive")

    with pytest.raises(PermissionDenied):
        attempt(action, complaint, executive)

    assert complaint.events.count() == 1


def test_quality_manager_handles_any_complaint_of_any_severity(
    log_complaint: LogComplaint, manager: Any
) -> None:
    complaint = log_complaint(severity=Severity.CRITICAL)

    walk(complaint, manager, "acknowledge", "investigate")
    services.complaint_set_root_cause(complaint=complaint, by=manager, category="people")
    services.complaint_comment(complaint=complaint, by=manager, text="Coaching booked.")
    walk(complaint, manager, "respond", "close")
    services.complaint_reopen(complaint=complaint, by=manager, reason="Customer called back.")

    assert list(complaint.events.order_by("id").values_list("kind", flat=True)) == [
        Kind.LOGGED,
        Kind.ACKNOWLEDGED,
        Kind.INVESTIGATING,
        Kind.ROOT_CAUSE,
        Kind.COMMENT,
        Kind.RESPONDED,
        Kind.CLOSED,
        Kind.REOPENED,
    ]


# Escalation and comments ------------------------------------------------------------------------


def test_frontline_escalates_a_complaint_above_their_limit_and_quality_managers_are_emailed(
    log_complaint: LogComplaint,
    frontline: Any,
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = log_complaint(logged_by=frontline, severity=Severity.CRITICAL)

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_escalate(complaint=complaint, by=frontline, note=" Gas smell. ")

    event = complaint.events.get(kind=Kind.ESCALATED)
    assert complaint.escalated_at is not None
    assert (event.actor, event.text) == (frontline, "Gas smell.")
    assert len(mailoutbox) == 1
    assert manager.email in mailoutbox[0].to
    assert frontline.email not in mailoutbox[0].to
    assert mailoutbox[0].subject == f"[LoyaltyQMS] {complaint.reference} escalated (Critical)"


def test_escalation_emails_nobody_before_the_transaction_commits(
    log_complaint: LogComplaint,
    frontline: Any,
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = log_complaint(logged_by=frontline, severity=Severity.HIGH)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.complaint_escalate(complaint=complaint, by=frontline)

    assert (len(callbacks), mailoutbox) == (1, [])


def test_a_complaint_is_escalated_once(
    log_complaint: LogComplaint, frontline: Any, manager: Any
) -> None:
    complaint = log_complaint(logged_by=frontline, severity=Severity.HIGH)
    services.complaint_escalate(complaint=complaint, by=frontline)

    with pytest.raises(ApplicationError, match="is already escalated"):
        services.complaint_escalate(complaint=complaint, by=frontline)

    assert complaint.events.filter(kind=Kind.ESCALATED).count() == 1


def test_a_closed_complaint_is_not_escalated(log_complaint: LogComplaint, frontline: Any) -> None:
    complaint = walk(
        log_complaint(logged_by=frontline, severity=Severity.LOW),
        frontline,
        "acknowledge",
        "respond",
        "close",
    )

    with pytest.raises(ApplicationError, match="is closed: reopen it first"):
        services.complaint_escalate(complaint=complaint, by=frontline)

    complaint.refresh_from_db()
    assert complaint.escalated_at is None


def test_frontline_comments_on_their_own_complaint_above_their_limit(
    log_complaint: LogComplaint, frontline: Any
) -> None:
    complaint = log_complaint(logged_by=frontline, severity=Severity.CRITICAL)

    event = services.complaint_comment(complaint=complaint, by=frontline, text=" Called back. ")

    assert (event.kind, event.actor, event.text) == (Kind.COMMENT, frontline, "Called back.")


def test_an_empty_comment_is_refused(log_complaint: LogComplaint, frontline: Any) -> None:
    complaint = log_complaint(logged_by=frontline)

    with pytest.raises(ValidationError) as refused:
        services.complaint_comment(complaint=complaint, by=frontline, text="  ")

    assert list(refused.value.message_dict) == ["text"]


# Assignment -------------------------------------------------------------------------------------


def test_assigning_emails_the_assignee_after_commit(
    log_complaint: LogComplaint,
    frontline: Any,
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = log_complaint()

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)

    complaint.refresh_from_db()
    event = complaint.events.get(kind=Kind.ASSIGNED)
    assert (complaint.assignee, event.actor) == (frontline, manager)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [frontline.email]
    assert mailoutbox[0].subject == f"[LoyaltyQMS] {complaint.reference} is assigned to you"
    assert complaint.reference in mailoutbox[0].body


def test_assignment_rolled_back_sends_no_email(
    log_complaint: LogComplaint,
    frontline: Any,
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = log_complaint()

    def assign_then_fail() -> None:
        with transaction.atomic():
            services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)
            raise RuntimeError("The page failed after assigning.")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        assign_then_fail()

    complaint.refresh_from_db()
    assert (complaint.assignee, mailoutbox) == (None, [])


def test_bulk_assignment_sends_one_email_listing_every_complaint(
    log_complaint: LogComplaint,
    frontline: Any,
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaints = [log_complaint(), log_complaint(), log_complaint()]

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_bulk_assign(complaints=complaints, assignee=frontline, by=manager)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[LoyaltyQMS] 3 complaints are assigned to you"
    assert all(complaint.reference in mailoutbox[0].body for complaint in complaints)


def test_reassigning_to_the_same_person_sends_nothing_new(
    log_complaint: LogComplaint,
    frontline: Any,
    manager: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = log_complaint()
    services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)

    assert (mailoutbox, complaint.events.filter(kind=Kind.ASSIGNED).count()) == ([], 1)


def test_assigning_a_closed_complaint_is_refused(
    log_complaint: LogComplaint, frontline: Any, manager: Any
) -> None:
    complaint = walk(log_complaint(), manager, "acknowledge", "respond", "close")

    with pytest.raises(ApplicationError) as refused:
        services.complaint_assign(complaint=complaint, assignee=frontline, by=manager)

    complaint.refresh_from_db()
    assert refused.value.message == f"Closed complaints are not assigned: {complaint.reference}."
    assert complaint.assignee is None


def test_assigning_to_someone_without_a_role_is_refused(
    log_complaint: LogComplaint, manager: Any, roles: None
) -> None:
    complaint = log_complaint()
    outsider = UserFactory.create(first_name="Olga", last_name="Outsider")

    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(complaint=complaint, assignee=outsider, by=manager)

    complaint.refresh_from_db()
    assert refused.value.message_dict == {
        "assignee": ["Olga Outsider has no role that handles complaints."]
    }
    assert complaint.assignee is None


def test_assigning_to_an_inactive_account_is_refused(
    log_complaint: LogComplaint, manager: Any, make_user: MakeUser
) -> None:
    complaint = log_complaint()
    leaver = make_user("frontline", is_active=False)

    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(complaint=complaint, assignee=leaver, by=manager)

    assert list(refused.value.message_dict) == ["assignee"]


def test_frontline_may_not_assign(
    log_complaint: LogComplaint, frontline: Any, make_user: MakeUser
) -> None:
    complaint = log_complaint(logged_by=frontline)

    with pytest.raises(PermissionDenied, match="Only quality managers assign complaints"):
        services.complaint_assign(
            complaint=complaint, assignee=make_user("frontline"), by=frontline
        )

    complaint.refresh_from_db()
    assert complaint.assignee is None


# Visibility -------------------------------------------------------------------------------------


def test_frontline_sees_only_the_complaints_they_logged_or_are_assigned(
    log_complaint: LogComplaint, frontline: Any, manager: Any, make_user: MakeUser
) -> None:
    colleague = make_user("frontline")
    logged = log_complaint(logged_by=frontline)
    assigned = log_complaint(logged_by=colleague)
    services.complaint_assign(complaint=assigned, assignee=frontline, by=manager)
    log_complaint(logged_by=colleague)

    visible = selectors.complaints_visible_to(frontline)

    assert set(visible) == {logged, assigned}


@pytest.mark.parametrize("role", ["quality_manager", "executive", "administrator"])
def test_quality_managers_and_executives_see_every_complaint(
    log_complaint: LogComplaint, make_user: MakeUser, role: str
) -> None:
    complaints = {log_complaint(), log_complaint()}

    visible = set(selectors.complaints_visible_to(make_user(role)))

    assert complaints <= visible
    assert visible == set(Complaint.objects.all())


def test_someone_without_a_role_sees_no_complaint(log_complaint: LogComplaint) -> None:
    log_complaint()

    visible = selectors.complaints_visible_to(UserFactory.create())

    assert list(visible) == []


# The queue --------------------------------------------------------------------------------------

# Medium: acknowledge within 24 hours. Critical: within 2 hours.
MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def queue(
    log_complaint: LogComplaint, manager: Any, frontline: Any, delivery: Touchpoint
) -> dict[str, Complaint]:
    """Return complaints in several states of their clocks, logged on MONDAY."""
    medium = log_complaint(severity=Severity.MEDIUM, received_at=MONDAY)
    critical = log_complaint(
        severity=Severity.CRITICAL,
        received_at=MONDAY + timedelta(hours=3),
        touchpoint=delivery,
    )
    services.complaint_assign(complaint=critical, assignee=frontline, by=manager)
    responded = walk(
        log_complaint(received_at=MONDAY + timedelta(hours=1)), manager, "acknowledge", "respond"
    )
    closed = walk(
        log_complaint(received_at=MONDAY + timedelta(hours=2)),
        manager,
        "acknowledge",
        "respond",
        "close",
    )
    return {"medium": medium, "critical": critical, "responded": responded, "closed": closed}


def queued(
    user: Any, queue: dict[str, Complaint], *, now: datetime = MONDAY, **filters: Any
) -> list[str]:
    """Return the names of the queue fixture's complaints in the queue at `now`, in order."""
    names = {complaint.pk: name for name, complaint in queue.items()}
    rows = selectors.complaint_queue(user, selectors.QueueFilters(**filters), now=now)
    return [names[row.pk] for row in rows if row.pk in names]


def test_queue_lists_the_soonest_due_first_and_responded_and_closed_last(
    queue: dict[str, Complaint], manager: Any
) -> None:
    rows = queued(manager, queue)

    assert rows == ["critical", "medium", "closed", "responded"]


def test_queue_filters_open_complaints(queue: dict[str, Complaint], manager: Any) -> None:
    rows = queued(manager, queue, status="open")

    assert rows == ["critical", "medium", "responded"]


@pytest.mark.parametrize(
    ("now", "sla", "expected"),
    [
        # The critical complaint is due at 14:00 and at risk from 13:30.
        (MONDAY + timedelta(hours=4, minutes=29), "at_risk", []),
        (MONDAY + timedelta(hours=4, minutes=30), "at_risk", ["critical"]),
        (MONDAY + timedelta(hours=5), "overdue", []),
        (MONDAY + timedelta(hours=5, minutes=1), "overdue", ["critical"]),
        # The medium one is due on Tuesday at 09:00 and at risk from 03:00.
        (MONDAY + timedelta(hours=18), "at_risk", ["medium"]),
        (MONDAY + timedelta(hours=18), "overdue", ["critical"]),
        (MONDAY + timedelta(days=2), "overdue", ["critical", "medium"]),
    ],
)
def test_queue_filters_by_sla_state_at_a_given_moment(
    queue: dict[str, Complaint], manager: Any, now: datetime, sla: str, expected: list[str]
) -> None:
    rows = queued(manager, queue, now=now, sla=sla)

    assert rows == expected


def test_queue_filters_unassigned_complaints(queue: dict[str, Complaint], manager: Any) -> None:
    rows = queued(manager, queue, assignee="none")

    assert rows == ["medium", "closed", "responded"]


def test_queue_filters_by_owning_partner(
    queue: dict[str, Complaint], manager: Any, partner: Partner
) -> None:
    rows = queued(manager, queue, owner=f"partner:{partner.pk}")

    assert rows == ["critical"]


def test_queue_of_frontline_holds_only_their_complaints(
    queue: dict[str, Complaint], frontline: Any
) -> None:
    rows = selectors.complaint_queue(frontline, now=MONDAY)

    assert list(rows) == [queue["critical"]]


# Recognition ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["quality_manager", "executive"])
def test_recognition_is_given_and_the_recipient_is_emailed(
    make_user: MakeUser,
    frontline: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    role: str,
) -> None:
    giver = make_user(role, first_name="Grace", last_name="Giver")

    with django_capture_on_commit_callbacks(execute=True):
        recognition = services.recognition_give(
            given_by=giver, recipient=frontline, behaviour=" Stayed late to fix a boiler. "
        )

    assert (recognition.recipient, recognition.behaviour) == (
        frontline,
        "Stayed late to fix a boiler.",
    )
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        ([frontline.email], "[LoyaltyQMS] Grace Giver recognised your work")
    ]
    assert "Stayed late to fix a boiler." in mailoutbox[0].body


def test_frontline_may_not_give_recognition(frontline: Any, make_user: MakeUser) -> None:
    with pytest.raises(PermissionDenied):
        services.recognition_give(
            given_by=frontline, recipient=make_user("frontline"), behaviour="Great help."
        )

    assert not Recognition.objects.exists()


def test_recognition_goes_to_someone_else(manager: Any, mailoutbox: list[Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.recognition_give(given_by=manager, recipient=manager, behaviour="Me, again.")

    assert refused.value.message_dict == {"recipient": ["Recognition goes to someone else."]}
    assert not Recognition.objects.exists()
