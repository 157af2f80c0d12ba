"""The improvement REST API: cycles and their phase moves, actions, the Check, suggested cycles,
and who may do what (quality managers run cycles, owners tick off their actions, executives
read, partner contacts nothing)."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from werkzeug.test import Client

from feedback.models import Complaint
from feedback.services import (
    complaint_acknowledge,
    complaint_investigate,
    complaint_set_root_cause,
    idea_accept,
)
from improvement.models import CycleAction, PDCACycle, Suggestion
from improvement.services import actions, cycles, phases
from improvement.services.suggestions import suggestions_find
from journeys.models import Touchpoint
from tests.core.factories import UserFactory
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
from tests.wsgi import wsgi_application

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^PDCA-\d{4}-\d{6}$")
Phase = PDCACycle.Phase


def api_as(user: Any) -> APIClient:
    """Return an API client authenticated as the user (anonymous with None)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def cycle_url(cycle: PDCACycle, route: str = "detail") -> str:
    """Return the endpoint of a cycle, or of one of its phase routes."""
    return reverse(f"cycle-{route}", kwargs={"reference": cycle.reference})


def action_url(action: CycleAction, route: str = "detail") -> str:
    """Return the endpoint of an action, or of one of its routes."""
    return reverse(f"cycle-action-{route}", kwargs={"pk": action.pk})


def suggestion_url(suggestion: Suggestion, route: str = "detail") -> str:
    """Return the endpoint of a suggested cycle, or of one of its routes."""
    return reverse(f"cycle-suggestion-{route}", kwargs={"pk": suggestion.pk})


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    """A quality manager, who runs cycles."""
    return make_user("quality_manager")


@pytest.fixture
def clerk(make_user: Callable[..., User]) -> User:
    """A frontline employee, who owns an action of a cycle."""
    return make_user("frontline")


@pytest.fixture
def partner_contact(roles: None) -> User:
    """A partner contact's account: signed in, with no staff role."""
    return UserFactory.create()


def bare_cycle(manager: User, **fields: Any) -> PDCACycle:
    """Open a cycle in Plan with only its title and owner."""
    return cycles.cycle_create(by=manager, title="Shorter waits", owner=manager, **fields)


def action_of(cycle: PDCACycle, manager: User, owner: User) -> CycleAction:
    """Plan an action of the cycle for its owner."""
    return actions.action_add(
        cycle=cycle, by=manager, title="Offer call-back slots", owner=owner, due_on=CHANGE_ON
    )


# Who may do what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["frontline", "quality_manager", "executive", "administrator"])
def test_every_staff_role_reads_cycles_actions_and_suggestions(
    role: str, make_user: Callable[..., User], manager: User
) -> None:
    """Cycles hold no customer data: every role on the staff reads them, their actions and the
    suggested cycles."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, manager)
    reader = api_as(make_user(role))

    answers = [
        reader.get(reverse("cycle-list")),
        reader.get(cycle_url(cycle)),
        reader.get(cycle_url(cycle, "check")),
        reader.get(reverse("cycle-action-list")),
        reader.get(action_url(action)),
        reader.get(reverse("cycle-suggestion-list")),
    ]

    assert [answer.status_code for answer in answers] == [200] * 6
    assert answers[1].json()["reference"] == cycle.reference


def test_partner_contacts_and_anonymous_callers_reach_nothing(
    manager: User, partner_contact: User
) -> None:
    """An account without a staff role gets 403 on every improvement route; no one signed out
    gets in either."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, manager)
    urls = [
        reverse("cycle-list"),
        cycle_url(cycle),
        cycle_url(cycle, "check"),
        reverse("cycle-action-list"),
        action_url(action),
        reverse("cycle-suggestion-list"),
    ]

    partner_answers = [api_as(partner_contact).get(url).status_code for url in urls]
    anonymous_answers = [api_as(None).get(url).status_code for url in urls]
    refused_write = api_as(partner_contact).post(action_url(action, "complete"), {}, format="json")

    assert partner_answers == [403] * len(urls)
    assert set(anonymous_answers) <= {401, 403}
    assert refused_write.status_code == 403


@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_frontline_staff_and_executives_may_not_open_plan_or_move_cycles(
    role: str, make_user: Callable[..., User], manager: User
) -> None:
    """Only quality managers run cycles: the others are refused every write on a cycle, and
    the cycle stays as it was."""
    cycle = planned_cycle(manager)
    caller = api_as(make_user(role))

    answers = [
        caller.post(reverse("cycle-list"), {"title": "Mine", "owner": manager.pk}, format="json"),
        caller.patch(cycle_url(cycle), {"title": "Renamed"}, format="json"),
        caller.post(cycle_url(cycle, "do"), {}, format="json"),
        caller.post(cycle_url(cycle, "check"), {}, format="json"),
        caller.post(cycle_url(cycle, "check-run"), {}, format="json"),
        caller.post(cycle_url(cycle, "decide"), {"outcome": "adopt"}, format="json"),
        caller.post(cycle_url(cycle, "close"), {}, format="json"),
        caller.post(cycle_url(cycle, "abandon"), {"reason": "No time."}, format="json"),
        caller.post(
            reverse("cycle-action-list"),
            {
                "cycle": cycle.reference,
                "title": "Mine",
                "owner": manager.pk,
                "due_on": "2026-01-01",
            },
            format="json",
        ),
    ]

    assert [answer.status_code for answer in answers] == [403] * len(answers)
    cycle.refresh_from_db()
    assert (cycle.phase, cycle.title) == (Phase.PLAN, "Call customers back at a time they choose")
    assert PDCACycle.objects.count() == 1


# Cycles and their phases ------------------------------------------------------------------------


def test_quality_manager_opens_a_cycle_whose_baseline_is_computed_from_the_data(
    manager: User,
) -> None:
    """Posting a Plan opens a cycle with a reference, its baseline computed from the indicator.

    Hand computation: the 12 months before the change sum to 846, so the baseline is 70.5 over
    12 periods (the default window is the year before the cycle starts).
    """
    indicator = indicator_with_data()
    payload = {
        "title": "Call customers back",
        "owner": manager.pk,
        "type": "corrective",
        "problem_statement": "Customers wait on hold.",
        "root_cause_category": "method",
        "five_whys": ["Customers wait", "Every call is answered live"],
        "target_indicator": indicator.code,
        "target_value": 78,
        "started_on": "2026-01-01",
    }

    response = api_as(manager).post(reverse("cycle-list"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert REFERENCE.match(body["reference"])
    assert body["phase"] == "plan"
    assert body["target_indicator"] == indicator.code
    assert body["baseline_value"] == pytest.approx(sum(BEFORE) / 12)
    assert body["baseline_periods"] == 12
    assert body["baseline_from"] == FIRST.isoformat()
    assert body["check_result"] is None
    assert body["five_whys"] == ["Customers wait", "Every call is answered live"]
    assert body["url"] == f"/improvement/cycles/{body['reference']}/"
    assert api_as(manager).get(f"/api/v1/cycles/{body['reference']}/").status_code == 200


def test_leaving_plan_is_refused_with_400_naming_every_missing_field(manager: User) -> None:
    """A bare cycle cannot move to Do: the answer says why and lists the cycle's missing fields."""
    cycle = bare_cycle(manager)

    response = api_as(manager).post(cycle_url(cycle, "do"), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["extra"]["missing"] == [
        "five_whys",
        "problem_statement",
        "root_cause_category",
        "target_indicator",
        "target_value",
    ]
    assert "cannot leave Plan" in body["detail"]
    cycle.refresh_from_db()
    assert cycle.phase == Phase.PLAN


def test_a_field_at_fault_is_refused_with_400_naming_it(manager: User) -> None:
    """A one-period baseline window and an unknown decision are each refused on their field."""
    cycle = planned_cycle(manager)

    window = api_as(manager).patch(
        cycle_url(cycle),
        {"baseline_from": "2025-01-01", "baseline_to": "2025-01-01"},
        format="json",
    )
    decision = api_as(manager).post(cycle_url(cycle, "decide"), {"outcome": "maybe"}, format="json")

    assert window.status_code == 400
    assert "baseline_from" in window.json()
    assert decision.status_code == 400
    assert "outcome" in decision.json()


def test_patch_changes_only_the_plan_fields_sent(manager: User) -> None:
    """A partial update changes the target and the hypothesis and leaves the rest of the Plan."""
    cycle = planned_cycle(manager)

    response = api_as(manager).patch(
        cycle_url(cycle),
        {"target_value": 80, "hypothesis": "A chosen time removes the wait."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    cycle.refresh_from_db()
    assert cycle.target_value == 80
    assert cycle.hypothesis == "A chosen time removes the wait."
    assert cycle.problem_statement == "Customers wait on hold for support."
    assert cycle.baseline_value == pytest.approx(70.5)


def test_leaving_do_with_an_open_action_is_refused_naming_the_actions(manager: User) -> None:
    """Check needs every action done or deferred: the refusal names `actions` as missing."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, manager)
    phases.cycle_start_do(cycle=cycle, by=manager, at=CHANGE_ON - timedelta(days=20))

    response = api_as(manager).post(
        cycle_url(cycle, "check"), {"change_on": CHANGE_ON.isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["extra"]["missing"] == ["actions"]
    assert response.json()["extra"]["actions"] == [action.pk]
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DO


def test_a_cycle_goes_from_plan_to_closed_through_the_api_with_the_check_computed(
    manager: User, clerk: User
) -> None:
    """The owner ticks the action off, Check computes the effect, adopt, close.

    The data is historical (the change went live on 2026-01-01), so the cycle entered Do then,
    through the service; the API's move to Do is the next test's.

    Hand computation: before, 12 months summing to 846 (mean 70.5); after, 6 months summing to
    471 (mean 78.5); the difference is 8.0 points, 8 / 70.5 = 11.3 % up, which Welch's test finds
    significant (the months vary by about ±1.5 around each mean): the change is effective.
    """
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, clerk)
    phases.cycle_start_do(cycle=cycle, by=manager, at=CHANGE_ON - timedelta(days=20))
    run = api_as(manager)

    done = api_as(clerk).post(
        action_url(action, "complete"),
        {"done_on": (CHANGE_ON - timedelta(days=2)).isoformat(), "note": "Slots offered"},
        format="json",
    )
    checked = run.post(
        cycle_url(cycle, "check"), {"change_on": CHANGE_ON.isoformat()}, format="json"
    )
    check = run.get(cycle_url(cycle, "check")).json()
    decided = run.post(cycle_url(cycle, "decide"), {"outcome": "adopt"}, format="json")
    closed = run.post(cycle_url(cycle, "close"), format="json")

    assert done.status_code == 200
    assert done.json()["is_open"] is False
    assert checked.status_code == 200, checked.json()
    assert checked.json()["phase"] == "check"
    assert check["verdict"] == "effective"
    result = check["result"]
    assert result["before_value"] == pytest.approx(sum(BEFORE) / 12)
    assert result["after_value"] == pytest.approx(sum(AFTER) / 6)
    assert result["difference"] == pytest.approx(8.0)
    assert result["relative_change"] == pytest.approx(8.0 / 70.5)
    assert result["significant"] is True
    assert checked.json()["check_result"]["verdict"] == "effective"
    assert decided.status_code == 200, decided.json()
    assert decided.json()["outcome"] == "adopt"
    assert closed.status_code == 200
    assert closed.json()["phase"] == "closed"
    assert closed.json()["impact_frozen_at"] is not None


def test_a_complete_plan_moves_to_do(manager: User) -> None:
    """With the problem, root cause, indicator and target set, Do starts today."""
    cycle = planned_cycle(manager)

    moved = api_as(manager).post(cycle_url(cycle, "do"), format="json")

    assert moved.status_code == 200, moved.json()
    assert moved.json()["phase"] == "do"
    assert moved.json()["do_on"] == timezone.localdate().isoformat()


def test_an_inconclusive_check_is_closed_by_abandoning_with_the_reason(manager: User) -> None:
    """One month after the change with three planned: adopting is refused; abandoning needs the
    reason, then closes the cycle."""
    cycle = cycle_in_check(manager, indicator_with_data(after=[79.0]))
    run = api_as(manager)

    check = run.get(cycle_url(cycle, "check")).json()
    adopt = run.post(cycle_url(cycle, "decide"), {"outcome": "adopt"}, format="json")
    no_reason = run.post(cycle_url(cycle, "abandon"), {"reason": ""}, format="json")
    abandoned = run.post(
        cycle_url(cycle, "abandon"), {"reason": "The team was reorganised."}, format="json"
    )

    assert check["verdict"] == "inconclusive"
    assert check["result"]["periods_needed"] == 2
    assert adopt.status_code == 400
    assert adopt.json()["extra"]["missing"] == ["outcome"]
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert abandoned.status_code == 200, abandoned.json()
    assert abandoned.json()["phase"] == "closed"
    assert abandoned.json()["outcome"] == "abandon"


def test_an_accepted_idea_becomes_a_cycle_in_one_call_and_only_once(manager: User) -> None:
    """from-idea makes the cycle from the idea's problem, proposal and touchpoint; twice is 400."""
    idea = IdeaFactory.create(touchpoint=TouchpointFactory.create())
    idea_accept(idea=idea, by=manager)
    run = api_as(manager)

    first = run.post(reverse("cycle-from-idea"), {"idea": idea.pk}, format="json")
    second = run.post(reverse("cycle-from-idea"), {"idea": idea.pk}, format="json")

    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["origin"] == "idea"
    assert body["problem_statement"] == idea.problem
    assert body["hypothesis"] == idea.proposal
    assert body["touchpoint"] == idea.touchpoint_id
    assert body["ideas"] == [{"id": idea.pk, "reference": idea.reference, "title": idea.title}]
    assert second.status_code == 400
    assert body["reference"] in second.json()["detail"]


def test_a_cycle_shows_only_the_linked_complaints_the_caller_may_read(
    manager: User, clerk: User, make_user: Callable[..., User]
) -> None:
    """Frontline staff see their own complaints on a cycle, not a colleague's; managers see all."""
    own = ComplaintFactory.create(logged_by=clerk)
    colleagues = ComplaintFactory.create(logged_by=make_user("frontline"))
    cycle = bare_cycle(manager, complaints=[own, colleagues])

    seen_by_clerk = api_as(clerk).get(cycle_url(cycle)).json()["complaints"]
    seen_by_manager = api_as(manager).get(cycle_url(cycle)).json()["complaints"]

    assert seen_by_clerk == [{"id": own.pk, "reference": own.reference}]
    assert {row["id"] for row in seen_by_manager} == {own.pk, colleagues.pk}


# Lists -------------------------------------------------------------------------------------------


def test_the_cycle_list_is_paginated_and_filtered(manager: User) -> None:
    """Three cycles, two a page: the first page has two and a link on; filters narrow the list."""
    planned = planned_cycle(manager)
    bare_cycle(manager, type="corrective")
    bare_cycle(manager, origin="complaints")
    phases.cycle_start_do(cycle=planned, by=manager)
    run = api_as(manager)

    page = run.get(reverse("cycle-list"), {"page_size": 2}).json()
    in_do = run.get(reverse("cycle-list"), {"phase": "do"}).json()
    corrective = run.get(reverse("cycle-list"), {"type": "corrective"}).json()
    from_complaints = run.get(reverse("cycle-list"), {"origin": "complaints"}).json()
    by_owner = run.get(reverse("cycle-list"), {"owner": manager.pk}).json()

    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert page["next"] is not None
    assert [row["reference"] for row in in_do["results"]] == [planned.reference]
    assert corrective["count"] == 1
    assert from_complaints["count"] == 1
    assert by_owner["count"] == 3


def test_listing_cycles_costs_the_same_queries_for_few_or_many(manager: User) -> None:
    """The list reads its page in a fixed number of queries, whatever the number of cycles."""
    run = api_as(manager)
    bare_cycle(manager)
    with CaptureQueriesContext(connection) as few:
        assert run.get(reverse("cycle-list")).status_code == 200
    for _ in range(4):
        bare_cycle(manager)

    with CaptureQueriesContext(connection) as many:
        assert run.get(reverse("cycle-list")).status_code == 200

    assert len(many) == len(few)


def test_the_action_list_filters_by_cycle_owner_and_open(manager: User, clerk: User) -> None:
    """Actions narrow to one cycle, one owner, or the open ones."""
    cycle = planned_cycle(manager)
    other = bare_cycle(manager)
    mine = action_of(cycle, manager, clerk)
    done = action_of(cycle, manager, manager)
    actions.action_complete(action=done, by=manager)
    elsewhere = action_of(other, manager, manager)
    run = api_as(clerk)

    def ids(**query: Any) -> set[int]:
        return {row["id"] for row in run.get(reverse("cycle-action-list"), query).json()["results"]}

    assert ids(cycle=cycle.reference) == {mine.pk, done.pk}
    assert ids(owner=clerk.pk) == {mine.pk}
    assert ids(open="true") == {mine.pk, elsewhere.pk}
    assert ids(open="false") == {done.pk}


# Actions: their owners tick them off -------------------------------------------------------------


def test_an_action_owner_on_the_frontline_completes_their_own_action(
    manager: User, clerk: User
) -> None:
    """The owner of an action (no manager) ticks it off with a note, and may reopen it."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, clerk)
    owner = api_as(clerk)

    shown = owner.get(action_url(action)).json()
    done = owner.post(action_url(action, "complete"), {"note": "Slots offered"}, format="json")
    reopened = owner.post(action_url(action, "reopen"), format="json")

    assert shown["may_update"] is True
    assert done.status_code == 200, done.json()
    assert done.json()["done_on"] == timezone.localdate().isoformat()
    assert done.json()["note"] == "Slots offered"
    assert reopened.status_code == 200
    assert reopened.json()["is_open"] is True


@pytest.mark.parametrize("role", ["frontline", "executive"])
def test_staff_who_do_not_own_the_action_are_refused_its_updates(
    role: str, make_user: Callable[..., User], manager: User, clerk: User
) -> None:
    """A colleague who does not own the action may read it but not tick, note, defer or reopen."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, clerk)
    colleague = api_as(make_user(role))

    shown = colleague.get(action_url(action)).json()
    answers = [
        colleague.post(action_url(action, "complete"), {}, format="json"),
        colleague.patch(action_url(action), {"note": "Mine now"}, format="json"),
        colleague.post(action_url(action, "defer"), {"reason": "Later"}, format="json"),
        colleague.post(action_url(action, "reopen"), format="json"),
        colleague.delete(action_url(action)),
    ]

    assert shown["may_update"] is False
    assert [answer.status_code for answer in answers] == [403] * 5
    action.refresh_from_db()
    assert (action.done_on, action.note, action.deferred_reason) == (None, "", "")


def test_an_action_owner_notes_on_it_but_only_a_quality_manager_replans_it(
    manager: User, clerk: User
) -> None:
    """The owner adds a note; moving the due date is planning, refused to them, allowed to QMs."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, clerk)
    later = (CHANGE_ON + timedelta(days=7)).isoformat()

    noted = api_as(clerk).patch(action_url(action), {"note": "Waiting for IT"}, format="json")
    replan_by_owner = api_as(clerk).patch(action_url(action), {"due_on": later}, format="json")
    replan_by_manager = api_as(manager).patch(action_url(action), {"due_on": later}, format="json")

    assert noted.status_code == 200
    assert noted.json()["note"] == "Waiting for IT"
    assert replan_by_owner.status_code == 403
    assert replan_by_manager.status_code == 200
    assert replan_by_manager.json()["due_on"] == later


def test_deferring_an_action_needs_the_reason(manager: User, clerk: User) -> None:
    """Deferring without a reason is refused on `reason`; with one the action stops holding Do."""
    cycle = planned_cycle(manager)
    action = action_of(cycle, manager, clerk)

    refused = api_as(clerk).post(action_url(action, "defer"), {"reason": ""}, format="json")
    deferred = api_as(clerk).post(
        action_url(action, "defer"), {"reason": "Waits for the new phones"}, format="json"
    )

    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert deferred.status_code == 200
    assert deferred.json()["deferred_reason"] == "Waits for the new phones"
    assert deferred.json()["is_open"] is False


def test_a_quality_manager_plans_an_action_for_a_frontline_owner(
    manager: User, clerk: User
) -> None:
    """Posting an action adds it to the cycle for its owner, who then sees it as theirs."""
    cycle = planned_cycle(manager)
    payload = {
        "cycle": cycle.reference,
        "title": "Train the late shift",
        "owner": clerk.pk,
        "due_on": CHANGE_ON.isoformat(),
        "containment": True,
    }

    created = api_as(manager).post(reverse("cycle-action-list"), payload, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["cycle"] == cycle.reference
    assert created.json()["containment"] is True
    assert api_as(clerk).get(action_url(cycle.actions.get())).json()["may_update"] is True


# Suggested cycles --------------------------------------------------------------------------------


def complaint_with_cause(manager: User, touchpoint: Touchpoint) -> Complaint:
    """Log a complaint at the touchpoint yesterday and record its root cause (people)."""
    complaint = ComplaintFactory.create(
        touchpoint=touchpoint, received_at=timezone.now() - timedelta(days=1)
    )
    complaint_acknowledge(complaint=complaint, by=manager)
    complaint_investigate(complaint=complaint, by=manager)
    return complaint_set_root_cause(complaint=complaint, by=manager, category="people")


@pytest.fixture
def suggestion(manager: User, settings: Any) -> Suggestion:
    """A suggested cycle from two complaints with one cause at one touchpoint (threshold 2)."""
    settings.IMPROVEMENT_CLUSTER_THRESHOLD = 2
    touchpoint = TouchpointFactory.create()
    for _ in range(2):
        complaint_with_cause(manager, touchpoint)
    (found,) = suggestions_find()
    return found


def test_staff_list_suggestions_by_status_and_kind(suggestion: Suggestion, clerk: User) -> None:
    """Waiting complaint-cluster suggestions are listed; a filter on another status finds none."""
    reader = api_as(clerk)

    waiting = reader.get(reverse("cycle-suggestion-list"), {"status": "open"}).json()
    dismissed = reader.get(reverse("cycle-suggestion-list"), {"status": "dismissed"}).json()
    clusters = reader.get(reverse("cycle-suggestion-list"), {"kind": "complaints"}).json()

    assert [row["id"] for row in waiting["results"]] == [suggestion.pk]
    assert dismissed["count"] == 0
    assert clusters["count"] == 1


def test_a_quality_manager_accepts_a_suggestion_and_gets_the_cycle(
    suggestion: Suggestion, manager: User, clerk: User
) -> None:
    """Accepting answers 201 with the corrective cycle and its evidence; others are refused."""
    refused = api_as(clerk).post(suggestion_url(suggestion, "accept"), format="json")

    accepted = api_as(manager).post(suggestion_url(suggestion, "accept"), format="json")
    again = api_as(manager).post(suggestion_url(suggestion, "accept"), format="json")

    assert refused.status_code == 403
    assert accepted.status_code == 201, accepted.json()
    cycle = accepted.json()
    assert cycle["type"] == "corrective"
    assert cycle["origin"] == "complaints"
    assert len(cycle["complaints"]) == 2
    assert again.status_code == 400
    assert cycle["reference"] in again.json()["detail"]
    shown = api_as(clerk).get(suggestion_url(suggestion)).json()
    assert (shown["status"], shown["cycle"]) == ("accepted", cycle["reference"])


def test_dismissing_a_suggestion_needs_the_reason(suggestion: Suggestion, manager: User) -> None:
    """No reason is refused on `reason`; with one the suggestion is dismissed and says why."""
    run = api_as(manager)

    refused = run.post(suggestion_url(suggestion, "dismiss"), {}, format="json")
    dismissed = run.post(
        suggestion_url(suggestion, "dismiss"),
        {"reason": "Seasonal, already staffed."},
        format="json",
    )

    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert dismissed.status_code == 200, dismissed.json()
    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["dismiss_reason"] == "Seasonal, already staffed."


# The schema ---------------------------------------------------------------------------------------


def test_the_schema_documents_every_improvement_endpoint(manager: User) -> None:
    """The OpenAPI schema lists the cycle, action and suggestion routes with the Check's shape."""
    response = api_as(manager).get(reverse("api-schema"), {"format": "json"})

    schema = response.json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/cycles/",
        "/api/v1/cycles/{reference}/",
        "/api/v1/cycles/from-idea/",
        "/api/v1/cycles/{reference}/do/",
        "/api/v1/cycles/{reference}/check/",
        "/api/v1/cycles/{reference}/check-run/",
        "/api/v1/cycles/{reference}/decide/",
        "/api/v1/cycles/{reference}/close/",
        "/api/v1/cycles/{reference}/abandon/",
        "/api/v1/cycle-actions/",
        "/api/v1/cycle-actions/{id}/",
        "/api/v1/cycle-actions/{id}/complete/",
        "/api/v1/cycle-actions/{id}/defer/",
        "/api/v1/cycle-actions/{id}/reopen/",
        "/api/v1/cycle-suggestions/",
        "/api/v1/cycle-suggestions/{id}/",
        "/api/v1/cycle-suggestions/{id}/accept/",
        "/api/v1/cycle-suggestions/{id}/dismiss/",
    } <= paths
    result = schema["components"]["schemas"]["CheckResult"]["properties"]
    assert {"difference", "ci_low", "ci_high", "p_value", "verdict", "periods_needed"} <= set(
        result
    )
    assert "put" not in schema["paths"]["/api/v1/cycles/{reference}/"]


def test_real_answers_match_the_schema(
    manager: User, clerk: User, suggestion: Suggestion, settings: Any
) -> None:
    """A checked cycle, its Check, its action, a suggestion and a gate refusal, as the server
    sends them, each match the operation's declared answer (nulls, blanks and numbers included)."""
    settings.ALLOWED_HOSTS = ["localhost"]  # werkzeug's client sends this host
    cycle = cycle_in_check(manager, indicator_with_data(after=[79.0]))
    action = cycle.actions.get()
    bare = bare_cycle(manager)
    headers = {"Authorization": f"Token {Token.objects.create(user=manager).key}"}
    calls = [
        ("GET", "/api/v1/cycles/", "/api/v1/cycles/", 200),
        ("GET", cycle_url(cycle), "/api/v1/cycles/{reference}/", 200),
        ("GET", cycle_url(bare), "/api/v1/cycles/{reference}/", 200),
        ("GET", cycle_url(cycle, "check"), "/api/v1/cycles/{reference}/check/", 200),
        ("GET", cycle_url(bare, "check"), "/api/v1/cycles/{reference}/check/", 200),
        ("POST", cycle_url(bare, "do"), "/api/v1/cycles/{reference}/do/", 400),
        ("GET", action_url(action), "/api/v1/cycle-actions/{id}/", 200),
        ("GET", suggestion_url(suggestion), "/api/v1/cycle-suggestions/{id}/", 200),
    ]

    with wsgi_application() as application:
        client = Client(application)
        raw = client.get("/api/schema/?format=json", headers=headers).get_json()
        schema = schemathesis.openapi.from_dict(raw)
        for method, path, template, status in calls:
            response = client.open(path, method=method, headers=headers)

            assert response.status_code == status, (path, response.get_json())
            schema[template][method].validate_response(response)
