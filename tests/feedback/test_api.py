"""The feedback REST API: complaints from integrations, the life cycle, visibility, ideas, kudos."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Complaint, IdeaVote, Recognition, SeverityPolicy
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Department, Partner

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^CMP-\d{4}-\d{6}$")


def list_url(route: str) -> str:
    """Return the list endpoint of a route."""
    return reverse(f"{route}-list")


def detail_url(route: str, pk: int) -> str:
    """Return the endpoint of one row of a route."""
    return reverse(f"{route}-detail", kwargs={"pk": pk})


def action_url(route: str, name: str, pk: int | None = None) -> str:
    """Return the endpoint of an action, on one row when `pk` is given."""
    return reverse(f"{route}-{name}", kwargs={"pk": pk} if pk is not None else {})


def api_as(user: Any) -> APIClient:
    """Return an API client authenticated as the user."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_for(make_user: Callable[..., Any]) -> Callable[[str], APIClient]:
    """Return a function giving an API client authenticated as a new user of that role."""
    return lambda key: api_as(make_user(key))


@pytest.fixture
def frontline(make_user: Callable[..., Any]) -> Any:
    """A frontline employee, who logs complaints."""
    return make_user("frontline")


@pytest.fixture
def quality_manager(make_user: Callable[..., Any]) -> Any:
    """A quality manager, who handles every complaint."""
    return make_user("quality_manager")


@pytest.fixture
def manager(quality_manager: Any) -> APIClient:
    """An API client of the quality manager."""
    return api_as(quality_manager)


def references(response: Any) -> set[str]:
    """Return the references of a page of complaints."""
    return {row["reference"] for row in response.json()["results"]}


def logged_through_api() -> int:
    """Return how many complaints integrations logged (not staff through the services)."""
    return Complaint.objects.filter(source=Complaint.Source.API).count()


# Logging complaints -----------------------------------------------------------------------------


def test_integration_logs_a_complaint_and_gets_its_reference_and_owner(
    frontline, department: Department, journey: Journey, touchpoint: Touchpoint, customer: Customer
) -> None:
    """A complaint from a helpdesk gets a reference, the touchpoint's owner and its clocks."""
    payload = {
        "description": "The parcel arrived damaged.",
        "severity": 2,
        "channel": "email",
        "touchpoint": touchpoint.pk,
        "customer_reference": "CRM-000001",
        "external_id": "HD-4711",
    }

    response = api_as(frontline).post(list_url("complaint"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert REFERENCE.match(body["reference"])
    assert body["owner"] == {
        "kind": "department",
        "id": department.pk,
        "name": "Customer Service",
    }
    assert body["journey"] == journey.pk
    assert body["journey_name"] == "Buy online"
    assert body["customer"] == customer.pk
    assert body["source"] == "api"
    assert body["status"] == "received"
    assert body["sla_state"] == "on_track"
    assert body["next_due_at"] is not None
    assert body["logged_by_username"] == frontline.username
    assert Complaint.objects.get(reference=body["reference"]).external_id == "HD-4711"


def test_complaint_at_a_partner_touchpoint_is_attributed_to_the_partner(
    frontline, partner: Partner, delivery: Touchpoint
) -> None:
    """The owner of a delivery touchpoint run by a partner is that partner."""
    payload = {"description": "Parcel left in the rain.", "touchpoint": delivery.pk}

    response = api_as(frontline).post(list_url("complaint"), payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == {
        "kind": "partner",
        "id": partner.pk,
        "name": "SwiftParcel",
    }


def test_complaint_without_a_description_is_refused_on_description(frontline) -> None:
    """The description is what happened: without it nothing is logged."""
    response = api_as(frontline).post(list_url("complaint"), {"severity": 2}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["description"]
    assert logged_through_api() == 0


def test_complaint_with_an_unknown_severity_is_refused_on_severity(frontline) -> None:
    """Severities run from 1 (low) to 4 (critical)."""
    payload = {"description": "Rude driver.", "severity": 7}

    response = api_as(frontline).post(list_url("complaint"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["severity"]
    assert logged_through_api() == 0


def test_complaint_received_in_the_future_is_refused_on_received_at(frontline) -> None:
    """The service's own checks reach the caller keyed by field."""
    received_at = (timezone.now() + timedelta(days=1)).isoformat()

    response = api_as(frontline).post(
        list_url("complaint"),
        {"description": "Rude driver.", "received_at": received_at},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["received_at"]


def test_integration_sending_an_external_id_twice_is_refused_on_external_id(frontline) -> None:
    """Without an idempotency key a duplicate is still caught by its id in the source system."""
    client = api_as(frontline)
    payload = {"description": "Rude driver.", "external_id": "HD-1"}
    client.post(list_url("complaint"), payload, format="json")

    response = client.post(list_url("complaint"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["external_id"]
    assert logged_through_api() == 1


def test_complaint_resolved_at_first_contact_is_closed_at_once(frontline) -> None:
    """A small complaint settled on the phone is logged, responded to and closed in one call."""
    payload = {
        "description": "Charged twice.",
        "severity": 1,
        "resolved_at_first_contact": True,
        "decision": "Refunded the second charge.",
    }

    response = api_as(frontline).post(list_url("complaint"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "closed"
    assert body["resolved_at_first_contact"] is True
    assert body["decision"] == "Refunded the second charge."
    assert body["sla_state"] == ""


def test_executive_cannot_log_a_complaint(api_for) -> None:
    """Executives read complaints; logging them is frontline work."""
    response = api_for("executive").post(
        list_url("complaint"), {"description": "Rude driver."}, format="json"
    )

    assert response.status_code == 403
    assert logged_through_api() == 0


def test_anonymous_callers_cannot_log_complaints() -> None:
    """Without signing in there is nothing to write, and no redirect (reads: test_access.py)."""
    client = APIClient()

    logged = client.post(list_url("complaint"), {"description": "Hi"}, format="json")

    assert logged.status_code in (401, 403)
    assert "Location" not in logged
    assert not Complaint.objects.exists()


# Idempotency ------------------------------------------------------------------------------------


def test_retry_with_the_same_idempotency_key_logs_one_complaint(frontline) -> None:
    """A retried request gets the first answer again, marked as replayed."""
    client = api_as(frontline)
    payload = {"description": "The parcel arrived damaged."}

    first = client.post(
        list_url("complaint"), payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
    )
    second = client.post(
        list_url("complaint"), payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
    )

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert logged_through_api() == 1


def test_same_idempotency_key_with_a_different_body_is_refused(frontline) -> None:
    """Reusing a key for another request is a client bug: 422 and nothing logged."""
    client = api_as(frontline)
    client.post(
        list_url("complaint"), {"description": "First."}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    response = client.post(
        list_url("complaint"), {"description": "Second."}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 422
    assert logged_through_api() == 1


def test_two_callers_may_pick_the_same_idempotency_key(make_user) -> None:
    """Keys belong to one caller: two integrations' complaints are both logged."""
    payload = {"description": "The parcel arrived damaged."}

    first = api_as(make_user("frontline")).post(
        list_url("complaint"), payload, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    second = api_as(make_user("frontline")).post(
        list_url("complaint"), payload, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] != second.json()["reference"]
    assert logged_through_api() == 2


def test_refused_request_leaves_its_idempotency_key_free(frontline) -> None:
    """Only a successful answer is kept: the corrected request with the same key goes through."""
    client = api_as(frontline)
    client.post(list_url("complaint"), {"severity": 2}, format="json", HTTP_IDEMPOTENCY_KEY="fix")

    response = client.post(
        list_url("complaint"),
        {"description": "Now complete."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="fix",
    )

    assert response.status_code == 201
    assert logged_through_api() == 1


# Visibility -------------------------------------------------------------------------------------


def test_frontline_lists_only_complaints_they_logged_or_are_assigned(
    frontline, quality_manager, make_user, log_complaint
) -> None:
    """A colleague's complaint stays out of the list until it is assigned to them."""
    own = log_complaint(logged_by=frontline)
    assigned = log_complaint()
    services.complaint_assign(complaint=assigned, assignee=frontline, by=quality_manager)
    others = log_complaint()

    response = api_as(frontline).get(list_url("complaint"))

    assert response.status_code == 200
    assert references(response) == {own.reference, assigned.reference}
    assert others.reference not in references(response)


def test_frontline_gets_404_for_a_colleagues_complaint(frontline, log_complaint) -> None:
    """Reading, acting on or reading the timeline of an invisible complaint is a 404."""
    others = log_complaint()
    client = api_as(frontline)

    shown = client.get(detail_url("complaint", others.pk))
    timeline = client.get(action_url("complaint", "events", others.pk))
    acknowledged = client.post(action_url("complaint", "acknowledge", others.pk), format="json")

    assert shown.status_code == timeline.status_code == acknowledged.status_code == 404
    others.refresh_from_db()
    assert others.status == Complaint.Status.RECEIVED


@pytest.mark.parametrize("role", ["quality_manager", "executive"])
def test_quality_managers_and_executives_see_every_complaint(api_for, log_complaint, role) -> None:
    """Complaints of every frontline employee are listed and readable."""
    first, second = log_complaint(), log_complaint()
    client = api_for(role)

    listed = client.get(list_url("complaint"))
    shown = client.get(detail_url("complaint", first.pk))

    assert {first.reference, second.reference} <= references(listed)
    assert listed.json()["count"] == Complaint.objects.count()
    assert shown.status_code == 200
    assert shown.json()["reference"] == first.reference


def test_executive_reads_a_complaint_but_cannot_acknowledge_it(api_for, log_complaint) -> None:
    """Executives read; the service refuses them every step with a 403."""
    complaint = log_complaint()

    response = api_for("executive").post(
        action_url("complaint", "acknowledge", complaint.pk), {}, format="json"
    )

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED


# Life cycle -------------------------------------------------------------------------------------


def test_closing_a_received_complaint_is_refused_with_the_rule(manager, log_complaint) -> None:
    """An illegal step is a 400 naming the rule, and the complaint does not move."""
    complaint = log_complaint()

    response = manager.post(
        action_url("complaint", "close", complaint.pk), {"customer_accepted": True}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == (
        f"{complaint.reference} is received: only a complaint that is responded can be closed."
    )
    assert body["extra"] == {"status": "received", "action": "close"}
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED


def test_quality_manager_takes_a_complaint_through_its_whole_life_cycle(
    manager, log_complaint
) -> None:
    """Acknowledge, investigate, find the root cause, respond and close, each a 200."""
    complaint = log_complaint()
    steps = [
        ("acknowledge", {"note": "Called the customer back."}, "acknowledged"),
        ("investigate", {}, "investigating"),
        (
            "root-cause",
            {"root_cause_category": "people", "root_cause": "Slot not in the planner."},
            "investigating",
        ),
        ("respond", {"decision": "New slot and a voucher."}, "responded"),
        ("close", {"customer_accepted": True, "customer_satisfaction": 4}, "closed"),
    ]

    answers = [
        manager.post(action_url("complaint", name, complaint.pk), payload, format="json")
        for name, payload, _status in steps
    ]

    assert [answer.status_code for answer in answers] == [200] * 5
    assert [answer.json()["status"] for answer in answers] == [step[2] for step in steps]
    body = answers[-1].json()
    assert body["root_cause_category"] == "people"
    assert body["customer_accepted"] is True
    assert body["customer_satisfaction"] == 4
    assert body["acknowledged_within_sla"] is True
    assert body["resolved_within_sla"] is True
    timeline = manager.get(action_url("complaint", "events", complaint.pk)).json()
    assert [event["kind"] for event in timeline] == [
        "logged",
        "acknowledged",
        "investigating",
        "root_cause",
        "responded",
        "closed",
    ]
    assert timeline[1]["text"] == "Called the customer back."
    assert timeline[-1]["from_status"] == "responded"
    assert timeline[-1]["to_status"] == "closed"


@pytest.mark.parametrize("payload", [{}, {"reason": "  "}])
def test_reopening_without_a_reason_is_refused_on_reason(
    manager, quality_manager, log_complaint, payload
) -> None:
    """A complaint is reopened only with the reason why."""
    complaint = log_complaint()
    services.complaint_acknowledge(complaint=complaint, by=quality_manager)
    services.complaint_respond(complaint=complaint, by=quality_manager, decision="Refund.")

    response = manager.post(action_url("complaint", "reopen", complaint.pk), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESPONDED


def test_reopened_complaint_is_investigated_again(manager, quality_manager, log_complaint) -> None:
    """Reopening with a reason sends the complaint back to investigation and counts it."""
    complaint = log_complaint()
    services.complaint_acknowledge(complaint=complaint, by=quality_manager)
    services.complaint_respond(complaint=complaint, by=quality_manager, decision="Refund.")

    response = manager.post(
        action_url("complaint", "reopen", complaint.pk),
        {"reason": "The refund never arrived."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "investigating"
    assert response.json()["reopen_count"] == 1


def test_frontline_acknowledges_their_own_medium_complaint(frontline, log_complaint) -> None:
    """Frontline staff resolve their own complaints up to the allowed severity."""
    complaint = log_complaint(logged_by=frontline, severity=2)

    response = api_as(frontline).post(
        action_url("complaint", "acknowledge", complaint.pk), {}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "acknowledged"


def test_frontline_cannot_acknowledge_a_high_complaint_but_may_escalate_it(
    frontline,
    quality_manager,
    log_complaint,
    django_capture_on_commit_callbacks,
    mailoutbox,
) -> None:
    """High complaints belong to quality managers: frontline staff escalate them in one call."""
    complaint = log_complaint(logged_by=frontline, severity=3)
    client = api_as(frontline)

    refused = client.post(action_url("complaint", "acknowledge", complaint.pk), {}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        escalated = client.post(
            action_url("complaint", "escalate", complaint.pk),
            {"note": "Customer is very upset."},
            format="json",
        )

    assert refused.status_code == 403
    assert "escalate" in refused.json()["detail"]
    assert escalated.status_code == 200, escalated.json()
    assert escalated.json()["status"] == "received"
    assert escalated.json()["escalated_at"] is not None
    assert len(mailoutbox) == 1
    assert complaint.reference in mailoutbox[0].subject
    assert quality_manager.email in mailoutbox[0].to


def test_frontline_comments_on_their_own_complaint(frontline, log_complaint) -> None:
    """A comment is a new timeline entry, answered with 201."""
    complaint = log_complaint(logged_by=frontline)
    client = api_as(frontline)

    response = client.post(
        action_url("complaint", "comments", complaint.pk),
        {"text": "Customer called again."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "comment"
    assert response.json()["actor"] == frontline.username
    timeline = client.get(action_url("complaint", "events", complaint.pk)).json()
    assert timeline[-1]["text"] == "Customer called again."


def test_empty_comment_is_refused_on_text(frontline, log_complaint) -> None:
    """A comment needs words."""
    complaint = log_complaint(logged_by=frontline)

    response = api_as(frontline).post(
        action_url("complaint", "comments", complaint.pk), {"text": " "}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["text"]


# Assignment -------------------------------------------------------------------------------------


def test_quality_manager_assigns_a_complaint(manager, make_user, log_complaint) -> None:
    """The answer names the new assignee."""
    complaint = log_complaint()
    assignee = make_user("frontline")

    response = manager.post(
        action_url("complaint", "assign", complaint.pk), {"assignee": assignee.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["assignee"] == assignee.pk
    assert response.json()["assignee_username"] == assignee.username


def test_frontline_cannot_assign_their_own_complaint(frontline, make_user, log_complaint) -> None:
    """Only quality managers assign complaints."""
    complaint = log_complaint(logged_by=frontline)

    response = api_as(frontline).post(
        action_url("complaint", "assign", complaint.pk),
        {"assignee": make_user("frontline").pk},
        format="json",
    )

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.assignee is None


def test_quality_manager_bulk_assigns_complaints_and_the_assignee_gets_one_email(
    manager, make_user, log_complaint, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    """Three complaints, one assignee, one e-mail listing them."""
    complaints = [log_complaint() for _ in range(3)]
    assignee = make_user("frontline")

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            action_url("complaint", "bulk-assign"),
            {"complaints": [complaint.pk for complaint in complaints], "assignee": assignee.pk},
            format="json",
        )

    assert response.status_code == 200, response.json()
    assert {row["assignee"] for row in response.json()} == {assignee.pk}
    assert Complaint.objects.filter(assignee=assignee).count() == 3
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [assignee.email]
    assert mailoutbox[0].subject == "[LoyaltyQMS] 3 complaints are assigned to you"


def test_frontline_cannot_bulk_assign(frontline, make_user, log_complaint) -> None:
    """Bulk assignment is for quality managers, even on one's own complaints."""
    complaint = log_complaint(logged_by=frontline)

    response = api_as(frontline).post(
        action_url("complaint", "bulk-assign"),
        {"complaints": [complaint.pk], "assignee": make_user("frontline").pk},
        format="json",
    )

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.assignee is None


def test_bulk_assigning_an_unknown_complaint_is_refused_on_complaints(
    manager, make_user, log_complaint
) -> None:
    """Nothing is assigned when one of the complaints does not exist."""
    complaint = log_complaint()

    response = manager.post(
        action_url("complaint", "bulk-assign"),
        {"complaints": [complaint.pk, 999999], "assignee": make_user("frontline").pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"complaints": ["No such complaints: 999999."]}
    complaint.refresh_from_db()
    assert complaint.assignee is None


def test_bulk_assigning_a_closed_complaint_is_refused_with_its_reference(
    manager, make_user, log_complaint
) -> None:
    """Closed complaints are not assigned; the open ones in the same call are not either."""
    open_one = log_complaint()
    closed = log_complaint(severity=1, resolved_at_first_contact=True, decision="Refunded at once.")

    response = manager.post(
        action_url("complaint", "bulk-assign"),
        {"complaints": [open_one.pk, closed.pk], "assignee": make_user("frontline").pk},
        format="json",
    )

    assert response.status_code == 400
    assert closed.reference in response.json()["detail"]
    open_one.refresh_from_db()
    assert open_one.assignee is None


# The queue's filters ----------------------------------------------------------------------------


def test_queue_filters_by_status(manager, quality_manager, log_complaint) -> None:
    """ "open" means any status but closed."""
    received = log_complaint()
    acknowledged = log_complaint()
    services.complaint_acknowledge(complaint=acknowledged, by=quality_manager)

    only_acknowledged = manager.get(list_url("complaint"), {"status": "acknowledged"})
    open_ones = manager.get(list_url("complaint"), {"status": "open"})
    closed = manager.get(list_url("complaint"), {"status": "closed"})

    assert acknowledged.reference in references(only_acknowledged)
    assert received.reference not in references(only_acknowledged)
    assert {received.reference, acknowledged.reference} <= references(open_ones)
    assert references(closed) == set()


def test_queue_lists_overdue_complaints_first_and_filters_them(manager, log_complaint) -> None:
    """A complaint received ten days ago and never acknowledged is overdue."""
    recent = log_complaint()
    old = log_complaint(received_at=timezone.now() - timedelta(days=10))

    everything = manager.get(list_url("complaint"))
    overdue = manager.get(list_url("complaint"), {"sla": "overdue"})

    rows = {row["reference"]: row for row in everything.json()["results"]}
    assert everything.json()["results"][0]["reference"] == old.reference
    assert rows[old.reference]["sla_state"] == "overdue"
    assert rows[recent.reference]["sla_state"] == "on_track"
    assert old.reference in references(overdue)
    assert recent.reference not in references(overdue)


def test_queue_filters_by_assignee(manager, quality_manager, make_user, log_complaint) -> None:
    """ "none" lists the unassigned complaints, an id those of one person."""
    unassigned = log_complaint()
    assigned = log_complaint()
    assignee = make_user("frontline")
    services.complaint_assign(complaint=assigned, assignee=assignee, by=quality_manager)

    nobodys = manager.get(list_url("complaint"), {"assignee": "none"})
    theirs = manager.get(list_url("complaint"), {"assignee": assignee.pk})

    assert unassigned.reference in references(nobodys)
    assert assigned.reference not in references(nobodys)
    assert references(theirs) == {assigned.reference}


def test_queue_filters_by_owner_severity_and_search(
    manager, department: Department, partner: Partner, delivery: Touchpoint, log_complaint
) -> None:
    """Owner, severity and a search term narrow the queue."""
    at_checkout = log_complaint(severity=1, customer_reference="CRM-000001")
    at_delivery = log_complaint(touchpoint=delivery, description="Parcel was wet.")

    by_department = manager.get(list_url("complaint"), {"owner": f"department:{department.pk}"})
    by_partner = manager.get(list_url("complaint"), {"owner": f"partner:{partner.pk}"})
    by_severity = manager.get(list_url("complaint"), {"severity": 1})
    by_text = manager.get(list_url("complaint"), {"search": "was wet"})
    by_customer = manager.get(list_url("complaint"), {"search": "CRM-000001"})

    assert references(by_department) == {at_checkout.reference}
    assert at_delivery.reference in references(by_partner)
    assert at_checkout.reference not in references(by_partner)
    assert references(by_severity) == {at_checkout.reference}
    assert references(by_text) == {at_delivery.reference}
    assert references(by_customer) == {at_checkout.reference}


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("sla", "late"), ("status", "lost"), ("owner", "team:1"), ("assignee", "me")],
)
def test_unknown_queue_filter_value_is_refused(manager, parameter, value) -> None:
    """A filter the queue does not know is a 400 on that parameter, not an unfiltered list."""
    response = manager.get(list_url("complaint"), {parameter: value})

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_complaint_list_reads_a_constant_number_of_queries(
    api_for,
    quality_manager,
    make_user,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
    log_complaint,
    django_assert_max_num_queries,
) -> None:
    """Twenty complaints cost the same queries as a few: relations are joined in one query."""
    client = api_for("executive")
    for _ in range(2):
        log_complaint()
    client.get(list_url("complaint"))  # the first request caches the caller's permissions
    with CaptureQueriesContext(connection) as few_rows:
        client.get(list_url("complaint"), {"page_size": 100})

    for number in range(18):
        at = delivery if number % 2 else touchpoint
        complaint = log_complaint(touchpoint=at, logged_by=make_user("frontline"))
        services.complaint_assign(
            complaint=complaint, assignee=make_user("frontline"), by=quality_manager
        )

    with django_assert_max_num_queries(len(few_rows.captured_queries)):
        response = client.get(list_url("complaint"), {"page_size": 100})
    assert response.json()["count"] == Complaint.objects.count() >= 20


# Severity policies ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["frontline", "quality_manager", "executive"])
def test_everyone_reads_the_severity_policies(api_for, role) -> None:
    """The SLA targets of the four severities are public to staff."""
    response = api_for(role).get(list_url("severity-policy"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["severity_label"] for row in rows] == ["Low", "Medium", "High", "Critical"]


def test_quality_manager_changes_an_sla_target(manager) -> None:
    """A partial update changes one target and keeps the others."""
    policy = SeverityPolicy.objects.get(severity=3)

    response = manager.patch(
        detail_url("severity-policy", policy.pk), {"acknowledge_within_hours": 4}, format="json"
    )

    assert response.status_code == 200, response.json()
    policy.refresh_from_db()
    assert policy.acknowledge_within_hours == 4
    assert policy.resolve_within_days == 3


def test_sla_target_out_of_range_is_refused(manager) -> None:
    """Acknowledgement within zero hours is impossible."""
    policy = SeverityPolicy.objects.get(severity=3)

    response = manager.patch(
        detail_url("severity-policy", policy.pk), {"acknowledge_within_hours": 0}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["acknowledge_within_hours"]


@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_only_quality_managers_change_severity_policies(api_for, role) -> None:
    """Targets and the frontline limit are the quality manager's."""
    policy = SeverityPolicy.objects.get(severity=3)
    client = api_for(role)

    changed = client.patch(
        detail_url("severity-policy", policy.pk), {"acknowledge_within_hours": 4}, format="json"
    )
    limited = client.post(
        action_url("severity-policy", "frontline-limit"), {"highest_severity": 4}, format="json"
    )

    assert changed.status_code == limited.status_code == 403
    policy.refresh_from_db()
    assert policy.acknowledge_within_hours == 8
    assert policy.frontline_may_resolve is False


def test_raised_frontline_limit_lets_frontline_staff_acknowledge_high_complaints(
    manager, frontline, log_complaint
) -> None:
    """With the limit at High, frontline staff handle their own High complaints."""
    complaint = log_complaint(logged_by=frontline, severity=3)

    limit = manager.post(
        action_url("severity-policy", "frontline-limit"), {"highest_severity": 3}, format="json"
    )
    acknowledged = api_as(frontline).post(
        action_url("complaint", "acknowledge", complaint.pk), {}, format="json"
    )

    assert limit.status_code == 200, limit.json()
    assert [row["frontline_may_resolve"] for row in limit.json()] == [True, True, True, False]
    assert acknowledged.status_code == 200


def test_frontline_limit_of_none_takes_every_severity_from_frontline_staff(manager) -> None:
    """A null limit means quality managers resolve everything."""
    response = manager.post(
        action_url("severity-policy", "frontline-limit"), {"highest_severity": None}, format="json"
    )

    assert response.status_code == 200
    assert not SeverityPolicy.objects.filter(frontline_may_resolve=True).exists()


def test_frontline_limit_beyond_the_severities_is_refused(manager) -> None:
    """There is no severity 9."""
    response = manager.post(
        action_url("severity-policy", "frontline-limit"), {"highest_severity": 9}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["highest_severity"]


# Ideas ------------------------------------------------------------------------------------------


def test_frontline_submits_an_idea(frontline, touchpoint: Touchpoint) -> None:
    """A new idea gets a reference and waits for review, without support yet."""
    payload = {
        "title": "Text customers when the engineer is on the way",
        "problem": "Customers wait at home all morning.",
        "proposal": "Send an SMS with a 30-minute arrival window.",
        "touchpoint": touchpoint.pk,
    }

    response = api_as(frontline).post(list_url("idea"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.match(r"^IDEA-\d{4}-\d{6}$", body["reference"])
    assert body["status"] == "submitted"
    assert body["vote_count"] == 0
    assert body["supported"] is False
    assert body["submitted_by_username"] == frontline.username


def test_idea_without_a_proposal_is_refused_on_proposal(frontline) -> None:
    """An idea says what to change."""
    payload = {"title": "Faster", "problem": "Slow."}

    response = api_as(frontline).post(list_url("idea"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["proposal"]


def test_colleague_supports_an_idea_once(api_for, submit_idea) -> None:
    """The first vote counts; a second one is a 400 with the reason."""
    idea = submit_idea()
    client = api_for("frontline")

    first = client.post(action_url("idea", "vote", idea.pk))
    second = client.post(action_url("idea", "vote", idea.pk))

    assert first.status_code == 201, first.json()
    assert first.json()["vote_count"] == 1
    assert first.json()["supported"] is True
    assert second.status_code == 400
    assert second.json()["detail"] == "You already support this idea."
    assert IdeaVote.objects.filter(idea=idea).count() == 1


def test_submitter_cannot_support_their_own_idea(frontline, submit_idea) -> None:
    """Support comes from colleagues."""
    idea = submit_idea(submitted_by=frontline)

    response = api_as(frontline).post(action_url("idea", "vote", idea.pk))

    assert response.status_code == 400
    assert response.json()["detail"] == "You cannot support your own idea."
    assert not IdeaVote.objects.exists()


def test_colleague_withdraws_their_support(frontline, submit_idea) -> None:
    """Withdrawing is a 204, and the idea has no support left."""
    idea = submit_idea()
    client = api_as(frontline)
    client.post(action_url("idea", "vote", idea.pk))

    response = client.delete(action_url("idea", "vote", idea.pk))

    assert response.status_code == 204
    assert client.get(detail_url("idea", idea.pk)).json()["vote_count"] == 0


@pytest.mark.parametrize("payload", [{}, {"reason": ""}])
def test_declining_an_idea_without_a_reason_is_refused_on_reason(
    manager, submit_idea, payload
) -> None:
    """The submitter is owed the reason."""
    idea = submit_idea()

    response = manager.post(action_url("idea", "decline", idea.pk), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    idea.refresh_from_db()
    assert idea.status == "submitted"


def test_quality_manager_reviews_accepts_and_implements_an_idea(manager, submit_idea) -> None:
    """Each decision moves the idea on and lands on its timeline."""
    idea = submit_idea()

    reviewed = manager.post(action_url("idea", "review", idea.pk))
    accepted = manager.post(
        action_url("idea", "accept", idea.pk), {"reason": "Cheap to try."}, format="json"
    )
    implemented = manager.post(
        action_url("idea", "implement", idea.pk), {"note": "Live in March."}, format="json"
    )

    assert [reviewed.status_code, accepted.status_code, implemented.status_code] == [200] * 3
    assert implemented.json()["status"] == "implemented"
    assert implemented.json()["decision_reason"] == "Cheap to try."
    timeline = manager.get(action_url("idea", "events", idea.pk)).json()
    assert [event["to_status"] for event in timeline] == [
        "submitted",
        "under_review",
        "accepted",
        "implemented",
    ]


def test_quality_manager_declines_an_idea_with_the_reason(manager, submit_idea) -> None:
    """The reason is kept for the submitter."""
    idea = submit_idea()

    response = manager.post(
        action_url("idea", "decline", idea.pk), {"reason": "SMS costs too much."}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "declined"
    assert response.json()["decision_reason"] == "SMS costs too much."


def test_implementing_an_idea_not_accepted_is_refused_with_the_rule(manager, submit_idea) -> None:
    """Only an accepted idea can be marked implemented."""
    idea = submit_idea()

    response = manager.post(action_url("idea", "implement", idea.pk), {}, format="json")

    assert response.status_code == 400
    assert "only an idea that is accepted can be marked implemented" in response.json()["detail"]


@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_only_quality_managers_review_ideas(api_for, submit_idea, role) -> None:
    """Frontline staff and executives submit and support ideas; they do not decide on them."""
    idea = submit_idea()

    response = api_for(role).post(action_url("idea", "review", idea.pk))

    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == "submitted"


def test_ideas_filter_by_status(manager, quality_manager, submit_idea) -> None:
    """Ideas under review can be listed on their own."""
    waiting = submit_idea()
    reviewed = submit_idea()
    services.idea_review(idea=reviewed, by=quality_manager)

    response = manager.get(list_url("idea"), {"status": "under_review"})

    assert [row["id"] for row in response.json()["results"]] == [reviewed.pk]
    assert waiting.pk not in [row["id"] for row in response.json()["results"]]


# Recognition ------------------------------------------------------------------------------------


def test_executive_gives_kudos_and_the_recipient_is_emailed(
    make_user, frontline, log_complaint, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    """Recognition can point at the complaint the behaviour was about."""
    executive = make_user("executive")
    complaint = log_complaint(logged_by=frontline)
    payload = {
        "recipient": frontline.pk,
        "behaviour": "Drove the replacement part over herself.",
        "complaint": complaint.pk,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(executive).post(list_url("recognition"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["recipient_username"] == frontline.username
    assert body["given_by_username"] == executive.username
    assert body["complaint_reference"] == complaint.reference
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [frontline.email]


def test_frontline_cannot_give_kudos(make_user, frontline) -> None:
    """Recognition comes from quality managers and executives."""
    payload = {"recipient": make_user("frontline").pk, "behaviour": "Stayed late."}

    response = api_as(frontline).post(list_url("recognition"), payload, format="json")

    assert response.status_code == 403
    assert not Recognition.objects.exists()


def test_kudos_to_oneself_is_refused_on_recipient(quality_manager, manager) -> None:
    """Recognition goes to someone else."""
    payload = {"recipient": quality_manager.pk, "behaviour": "Great work, me."}

    response = manager.post(list_url("recognition"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["recipient"]


def test_recognitions_filter_by_recipient(quality_manager, manager, make_user) -> None:
    """Each employee's kudos can be listed on their own."""
    first, second = make_user("frontline"), make_user("frontline")
    for recipient in (first, second):
        services.recognition_give(given_by=quality_manager, recipient=recipient, behaviour="Kind.")

    response = manager.get(list_url("recognition"), {"recipient": first.pk})

    assert [row["recipient"] for row in response.json()["results"]] == [first.pk]


# Schema -----------------------------------------------------------------------------------------


def test_schema_documents_the_feedback_api_without_warnings(tmp_path) -> None:
    """Every endpoint is in the OpenAPI schema, which validates with warnings as errors."""
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    for path in [
        "/api/v1/complaints/{id}/root-cause/",
        "/api/v1/complaints/bulk-assign/",
        "/api/v1/severity-policies/frontline-limit/",
        "/api/v1/ideas/{id}/vote/",
        "/api/v1/recognitions/",
    ]:
        assert f"  {path}:" in schema
    assert "name: Idempotency-Key" in schema
