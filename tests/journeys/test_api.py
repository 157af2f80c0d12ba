"""The journeys REST API: writes through the services, clear 400s, roles, filters, paging."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from journeys import services
from journeys.models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint
from stakeholders.models import CustomerSegment, Department, Partner

pytestmark = pytest.mark.django_db

ROUTES = ["journey", "stage", "touchpoint", "handoff", "failure-point", "quality-objective"]
# The fixture holding a row of each route.
FIXTURES = {
    "journey": "journey",
    "stage": "stage",
    "touchpoint": "touchpoint",
    "handoff": "handoff",
    "failure-point": "failure_point",
    "quality-objective": "objective",
}


def list_url(route: str) -> str:
    """Return the list endpoint of a route."""
    return reverse(f"{route}-list")


def detail_url(route: str, pk: int) -> str:
    """Return the endpoint of one row of a route."""
    return reverse(f"{route}-detail", kwargs={"pk": pk})


@pytest.fixture
def api_for(make_user) -> Callable[[str], APIClient]:
    """Return a function giving an API client authenticated as a new user of that role."""

    def make(key: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(key))
        return client

    return make


@pytest.fixture
def manager(api_for) -> APIClient:
    """An API client of a quality manager, who shapes journeys."""
    return api_for("quality_manager")


def other_journey_touchpoint(department: Department) -> Touchpoint:
    """Create a second journey with one touchpoint of the department and return that touchpoint."""
    journey = services.journey_create(name="Get support")
    stage = services.stage_add(journey=journey, name="Ask")
    return services.touchpoint_add(
        stage=stage, name="Hotline", channel="phone", owner_department=department
    )


# Journeys -------------------------------------------------------------------------------------


def test_quality_manager_creates_a_journey_and_gets_its_counts(
    manager, segment: CustomerSegment
) -> None:
    """A new journey comes back with the counts the journey list shows."""
    payload = {"name": "Return an item", "segment": segment.pk, "status": "active"}

    response = manager.post(list_url("journey"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Return an item"
    assert body["status"] == "active"
    assert body["stage_count"] == 0
    assert body["touchpoint_count"] == 0
    assert body["highest_rpn"] is None
    assert Journey.objects.filter(name="Return an item").exists()


@pytest.mark.usefixtures("handoff", "failure_point")
def test_journey_detail_counts_stages_touchpoints_and_cross_owner_handoffs(
    manager, journey: Journey
) -> None:
    """The journey has one stage, two touchpoints and one handoff across owners."""
    response = manager.get(detail_url("journey", journey.pk))

    body = response.json()
    assert body["stage_count"] == 1
    assert body["touchpoint_count"] == 2
    assert body["handoff_count"] == 1
    assert body["cross_owner_handoff_count"] == 1
    assert body["failure_point_count"] == 1
    assert body["highest_rpn"] == 7 * 5 * 4


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_quality_manager_updates_a_journey(manager, journey: Journey) -> None:
    """A partial update changes only the fields sent."""
    response = manager.patch(
        detail_url("journey", journey.pk), {"status": "retired"}, format="json"
    )

    assert response.status_code == 200, response.json()
    journey.refresh_from_db()
    assert journey.status == Journey.Status.RETIRED
    assert journey.name == "Buy online"
    assert response.json()["touchpoint_count"] == 2


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_administrator_deletes_a_journey_with_its_stages_and_touchpoints(
    api_for, journey: Journey
) -> None:
    """Deleting a journey removes what belongs to it (quality managers retire journeys:
    tests/core/test_audit_trail.py)."""
    response = api_for("administrator").delete(detail_url("journey", journey.pk))

    assert response.status_code == 204
    assert not Journey.objects.filter(pk=journey.pk).exists()
    assert not Stage.objects.filter(journey=journey.pk).exists()
    assert not Touchpoint.objects.filter(stage__journey=journey.pk).exists()


@pytest.mark.usefixtures("journey")
def test_journey_with_a_taken_name_is_refused_on_name(manager) -> None:
    """Journey names are unique; the clash is reported on the name."""
    response = manager.post(list_url("journey"), {"name": "Buy online"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()
    assert Journey.objects.count() == 1


# Stages ---------------------------------------------------------------------------------------


def test_stage_without_an_order_goes_to_the_end_of_its_journey(manager, stage: Stage) -> None:
    """The API leaves the position to the service when none is given."""
    payload = {"journey": stage.journey_id, "name": "Delivery"}

    response = manager.post(list_url("stage"), payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["order"] == 2


def test_new_stage_at_a_taken_position_is_refused_on_order(manager, stage: Stage) -> None:
    """A stage order clash is a 400 on "order" and nothing is added."""
    payload = {"journey": stage.journey_id, "name": "Pay", "order": 1}

    response = manager.post(list_url("stage"), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"order": ["Another stage of this journey has this position."]}
    assert Stage.objects.count() == 1


def test_moving_a_stage_onto_a_taken_position_keeps_both_stages_where_they_were(
    manager, journey: Journey, stage: Stage
) -> None:
    """The refused update leaves the saved positions as they were."""
    first = stage
    second = services.stage_add(journey=journey, name="Delivery")

    response = manager.patch(detail_url("stage", second.pk), {"order": 1}, format="json")

    assert response.status_code == 400
    assert response.json() == {"order": ["Another stage of this journey has this position."]}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (1, 2)


def test_stage_update_renames_the_stage_but_keeps_its_journey(
    manager, journey: Journey, stage: Stage
) -> None:
    """A stage stays in its journey; only its name and position change."""
    other = services.journey_create(name="Get support")

    response = manager.patch(
        detail_url("stage", stage.pk), {"name": "Checkout", "journey": other.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    stage.refresh_from_db()
    assert stage.name == "Checkout"
    assert stage.journey_id == journey.pk


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_quality_manager_deletes_a_stage(manager, stage: Stage) -> None:
    """Deleting a stage takes its touchpoints with it."""
    response = manager.delete(detail_url("stage", stage.pk))

    assert response.status_code == 204
    assert not Stage.objects.filter(pk=stage.pk).exists()
    assert Touchpoint.objects.count() == 0


# Touchpoints ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("touchpoint")
def test_quality_manager_adds_a_touchpoint_owned_by_a_partner(
    manager, journey: Journey, delivery: Touchpoint
) -> None:
    """The answer names the journey and the owner, and the touchpoint goes to the end."""
    payload = {
        "stage": delivery.stage_id,
        "name": "Return label",
        "channel": "email",
        "owner_partner": delivery.owner_partner_id,
    }

    response = manager.post(list_url("touchpoint"), payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["journey"] == journey.pk
    assert body["order"] == 3
    assert body["owner_kind"] == "partner"
    assert body["owner_name"] == "SwiftParcel"


@pytest.mark.parametrize(
    "owners",
    [
        pytest.param({"owner_department": "department", "owner_partner": "partner"}, id="two"),
        pytest.param({}, id="none"),
    ],
)
@pytest.mark.usefixtures("touchpoint", "delivery")
def test_touchpoint_needs_exactly_one_owner(
    manager, request: pytest.FixtureRequest, stage: Stage, owners: dict[str, str]
) -> None:
    """Two owners or none is a 400 on "owner" and nothing is saved."""
    payload = {"stage": stage.pk, "name": "Chat", "channel": "chat"}
    payload |= {field: request.getfixturevalue(name).pk for field, name in owners.items()}

    response = manager.post(list_url("touchpoint"), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "owner": ["A touchpoint is owned by exactly one department or one partner."]
    }
    assert Touchpoint.objects.count() == 2


def test_giving_a_touchpoint_a_second_owner_is_refused_and_keeps_the_first(
    manager, department: Department, partner: Partner, touchpoint: Touchpoint
) -> None:
    """A refused update leaves the saved owner in place."""
    response = manager.patch(
        detail_url("touchpoint", touchpoint.pk), {"owner_partner": partner.pk}, format="json"
    )

    assert response.status_code == 400
    assert "owner" in response.json()
    touchpoint.refresh_from_db()
    assert touchpoint.owner_department_id == department.pk
    assert touchpoint.owner_partner_id is None


def test_touchpoint_changes_owner_when_both_owner_fields_are_sent(
    manager, partner: Partner, touchpoint: Touchpoint
) -> None:
    """Handing a touchpoint to a partner clears the department in the same request."""
    payload = {"owner_department": None, "owner_partner": partner.pk}

    response = manager.patch(detail_url("touchpoint", touchpoint.pk), payload, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["owner_kind"] == "partner"
    touchpoint.refresh_from_db()
    assert touchpoint.owner_partner_id == partner.pk


def test_touchpoint_cannot_move_to_a_stage_of_another_journey(
    manager, department: Department, stage: Stage, touchpoint: Touchpoint
) -> None:
    """The service's journey check reaches the API caller on "stage"."""
    foreign_stage = other_journey_touchpoint(department).stage

    response = manager.patch(
        detail_url("touchpoint", touchpoint.pk), {"stage": foreign_stage.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"stage": ["Choose a stage of the same journey."]}
    touchpoint.refresh_from_db()
    assert touchpoint.stage_id == stage.pk


def test_touchpoint_update_records_who_changed_it(make_user, touchpoint: Touchpoint) -> None:
    """The history names the API caller, as it does for the pages."""
    user = make_user("quality_manager")
    client = APIClient()
    client.force_authenticate(user)

    response = client.patch(
        detail_url("touchpoint", touchpoint.pk), {"name": "One-page checkout"}, format="json"
    )

    assert response.status_code == 200, response.json()
    latest = touchpoint.history.first()
    assert latest.history_type == "~"
    assert latest.name == "One-page checkout"
    assert latest.history_user == user


def test_quality_manager_deletes_a_touchpoint_and_the_others_close_the_gap(
    manager, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """The remaining touchpoints of the stage are renumbered from 1."""
    response = manager.delete(detail_url("touchpoint", touchpoint.pk))

    assert response.status_code == 204
    delivery.refresh_from_db()
    assert delivery.order == 1


# Handoffs -------------------------------------------------------------------------------------


def test_quality_manager_adds_a_handoff_and_sees_whether_it_crosses_owners(
    manager, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """A handoff between a department's and a partner's touchpoints crosses owners."""
    payload = {
        "from_touchpoint": delivery.pk,
        "to_touchpoint": touchpoint.pk,
        "description": "Proof of delivery",
    }

    response = manager.post(list_url("handoff"), payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["is_cross_owner"] is True


@pytest.mark.usefixtures("handoff")
def test_handoff_to_itself_is_refused(manager, touchpoint: Touchpoint) -> None:
    """A touchpoint cannot hand the customer to itself."""
    payload = {"from_touchpoint": touchpoint.pk, "to_touchpoint": touchpoint.pk}

    response = manager.post(list_url("handoff"), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"to_touchpoint": ["A handoff connects two different touchpoints."]}
    assert Handoff.objects.count() == 1


@pytest.mark.usefixtures("handoff")
def test_handoff_across_two_journeys_is_refused(
    manager, department: Department, touchpoint: Touchpoint
) -> None:
    """Both ends of a handoff belong to one journey."""
    payload = {
        "from_touchpoint": touchpoint.pk,
        "to_touchpoint": other_journey_touchpoint(department).pk,
    }

    response = manager.post(list_url("handoff"), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "to_touchpoint": ["Both touchpoints must belong to the same journey."]
    }
    assert Handoff.objects.count() == 1


def test_handoff_recorded_twice_is_refused_with_the_model_message(
    manager, handoff: Handoff
) -> None:
    """The duplicate is reported in the model's words, not the serializer's."""
    payload = {
        "from_touchpoint": handoff.from_touchpoint_id,
        "to_touchpoint": handoff.to_touchpoint_id,
    }

    response = manager.post(list_url("handoff"), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"to_touchpoint": ["This handoff exists already."]}


def test_changing_a_handoff_to_point_at_itself_keeps_the_saved_handoff(
    manager, delivery: Touchpoint, handoff: Handoff
) -> None:
    """A refused update leaves the handoff as it was."""

    response = manager.patch(
        detail_url("handoff", handoff.pk),
        {"to_touchpoint": handoff.from_touchpoint_id},
        format="json",
    )

    assert response.status_code == 400
    handoff.refresh_from_db()
    assert handoff.to_touchpoint_id == delivery.pk


def test_quality_manager_updates_and_deletes_a_handoff(manager, handoff: Handoff) -> None:
    """A handoff's description changes, then the handoff goes."""
    url = detail_url("handoff", handoff.pk)

    updated = manager.patch(url, {"description": "Order number"}, format="json")
    deleted = manager.delete(url)

    assert updated.status_code == 200
    assert updated.json()["description"] == "Order number"
    assert deleted.status_code == 204
    assert Handoff.objects.count() == 0


# Failure points -------------------------------------------------------------------------------


def test_quality_manager_records_a_failure_point_and_gets_its_rpn(
    manager, touchpoint: Touchpoint
) -> None:
    """The risk priority number is computed by the database and returned."""
    payload = {
        "touchpoint": touchpoint.pk,
        "description": "Payment declined",
        "severity": 8,
        "occurrence": 3,
        "detection": 2,
    }

    response = manager.post(list_url("failure-point"), payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["rpn"] == 48


def test_failure_point_rating_change_recomputes_the_rpn(
    manager, failure_point: FailurePoint
) -> None:
    """Changing a rating changes the risk priority number at once."""
    response = manager.patch(
        detail_url("failure-point", failure_point.pk), {"severity": 10}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["rpn"] == 10 * 5 * 4


def test_failure_point_rpn_cannot_be_written(manager, failure_point: FailurePoint) -> None:
    """The rpn is read-only: a value sent for it is ignored."""
    response = manager.patch(
        detail_url("failure-point", failure_point.pk), {"rpn": 1}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["rpn"] == 7 * 5 * 4


@pytest.mark.parametrize("field", ["severity", "occurrence", "detection"])
@pytest.mark.usefixtures("failure_point")
def test_fmea_rating_of_eleven_is_refused(manager, touchpoint: Touchpoint, field: str) -> None:
    """FMEA ratings run from 1 to 10; an 11 is a 400 on that rating and nothing is saved."""
    payload = {
        "touchpoint": touchpoint.pk,
        "description": "Wrong size",
        "severity": 5,
        "occurrence": 5,
        "detection": 5,
    } | {field: 11}

    response = manager.post(list_url("failure-point"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert FailurePoint.objects.count() == 1


def test_quality_manager_deletes_a_failure_point(manager, failure_point: FailurePoint) -> None:
    """A failure point that no longer applies can be removed."""
    response = manager.delete(detail_url("failure-point", failure_point.pk))

    assert response.status_code == 204
    assert FailurePoint.objects.count() == 0


# Quality objectives ---------------------------------------------------------------------------


def test_quality_manager_sets_an_objective_at_a_journey(manager, journey: Journey) -> None:
    """An objective at a journey is saved with its target."""
    payload = {
        "journey": journey.pk,
        "statement": "Repeat purchase within a year",
        "target_value": "40.00",
        "unit": "%",
        "due_date": "2027-06-30",
    }

    response = manager.post(list_url("quality-objective"), payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "at_least"
    assert QualityObjective.objects.filter(journey=journey).count() == 1


@pytest.mark.usefixtures("objective")
def test_objective_at_a_journey_and_a_touchpoint_at_once_is_refused(
    manager, journey: Journey, touchpoint: Touchpoint
) -> None:
    """An objective applies to exactly one journey or one touchpoint."""
    payload = {
        "journey": journey.pk,
        "touchpoint": touchpoint.pk,
        "statement": "Fast checkout",
        "target_value": "2",
        "unit": "minutes",
        "due_date": "2027-06-30",
    }

    response = manager.post(list_url("quality-objective"), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "touchpoint": ["An objective applies to exactly one journey or one touchpoint."]
    }
    assert QualityObjective.objects.count() == 1


def test_quality_manager_changes_an_objective_and_history_keeps_the_old_target(
    manager, objective: QualityObjective
) -> None:
    """An objective's target changes; its history still shows what it was."""

    response = manager.patch(
        detail_url("quality-objective", objective.pk), {"target_value": "97.50"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["target_value"] == "97.50"
    targets = [str(row.target_value) for row in objective.history.order_by("history_id")]
    assert targets == ["95.00", "97.50"]


def test_administrator_deletes_an_objective(api_for, objective: QualityObjective) -> None:
    """An objective entered by mistake can be removed by an administrator (quality managers
    retire objectives: tests/core/test_audit_trail.py)."""
    response = api_for("administrator").delete(detail_url("quality-objective", objective.pk))

    assert response.status_code == 204
    assert QualityObjective.objects.count() == 0


# Roles ----------------------------------------------------------------------------------------


# Reading every route as each role, and anonymous reads, are walked in tests/test_access.py.


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ["frontline", "executive"])
@pytest.mark.parametrize("route", ROUTES)
def test_frontline_and_executives_cannot_write(
    api_for, request: pytest.FixtureRequest, role, route, method
) -> None:
    """Only quality managers shape journeys: every write is a 403 and changes nothing."""
    client = api_for(role)
    row = request.getfixturevalue(FIXTURES[route])
    url = list_url(route) if method == "post" else detail_url(route, row.pk)

    response = getattr(client, method)(url, {"name": "Changed"}, format="json")

    assert response.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_callers_cannot_write(route) -> None:
    """Without signing in there is nothing to write, and no redirect."""
    response = APIClient().post(list_url(route), {}, format="json")

    assert response.status_code in (401, 403)
    assert "Location" not in response


# Filters and pages ----------------------------------------------------------------------------


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_touchpoints_filter_by_journey(manager, department: Department, journey: Journey) -> None:
    """Only the chosen journey's touchpoints are listed."""
    other_journey_touchpoint(department)

    response = manager.get(list_url("touchpoint"), {"journey": journey.pk})

    names = {row["name"] for row in response.json()["results"]}
    assert names == {"Checkout", "Delivery"}


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_touchpoints_filter_by_owner_and_channel(manager, partner: Partner) -> None:
    """Owner and channel narrow the list."""
    by_partner = manager.get(list_url("touchpoint"), {"owner_partner": partner.pk})
    by_channel = manager.get(list_url("touchpoint"), {"channel": "web"})

    assert [row["name"] for row in by_partner.json()["results"]] == ["Delivery"]
    assert [row["name"] for row in by_channel.json()["results"]] == ["Checkout"]


@pytest.mark.parametrize(("cross_owner", "expected"), [("true", 1), ("false", 0)])
@pytest.mark.usefixtures("handoff")
def test_handoffs_filter_by_crossing_owners(manager, cross_owner, expected) -> None:
    """The checkout's handoff goes from a department to a partner, so it crosses owners."""
    response = manager.get(list_url("handoff"), {"cross_owner": cross_owner})

    assert response.json()["count"] == expected


@pytest.mark.usefixtures("handoff")
def test_handoffs_within_one_owner_are_not_cross_owner(
    manager, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """Two touchpoints of one department hand over without crossing owners."""
    inside = services.touchpoint_add(
        stage=touchpoint.stage,
        name="Confirmation",
        channel="email",
        owner_department=touchpoint.owner_department,
    )
    services.handoff_add(from_touchpoint=touchpoint, to_touchpoint=inside)

    crossing = manager.get(list_url("handoff"), {"cross_owner": "true"})
    staying = manager.get(list_url("handoff"), {"cross_owner": "false"})

    assert [row["to_touchpoint"] for row in crossing.json()["results"]] == [delivery.pk]
    assert [row["to_touchpoint"] for row in staying.json()["results"]] == [inside.pk]
    assert staying.json()["results"][0]["is_cross_owner"] is False


@pytest.mark.usefixtures("journey")
def test_journeys_filter_by_status(manager) -> None:
    """Active journeys can be listed on their own."""
    services.journey_create(name="Get support", status="active")

    response = manager.get(list_url("journey"), {"status": "active"})

    assert [row["name"] for row in response.json()["results"]] == ["Get support"]


def test_stages_and_failure_points_filter_by_journey(
    manager, department: Department, stage: Stage, failure_point: FailurePoint
) -> None:
    """Another journey's stages and failure points stay out of the list."""
    foreign = other_journey_touchpoint(department)
    services.failure_point_add(
        touchpoint=foreign, description="Long wait", severity=5, occurrence=5, detection=5
    )

    stages = manager.get(list_url("stage"), {"journey": stage.journey_id})
    failures = manager.get(list_url("failure-point"), {"journey": stage.journey_id})

    assert [row["id"] for row in stages.json()["results"]] == [stage.pk]
    assert [row["id"] for row in failures.json()["results"]] == [failure_point.pk]


def test_objectives_of_a_journey_include_those_of_its_touchpoints(
    manager, department: Department, journey: Journey, objective: QualityObjective
) -> None:
    """Filtering by journey finds objectives at the journey and at its touchpoints."""
    at_journey = services.objective_create(
        journey=journey,
        statement="Repeat purchase",
        target_value=Decimal(40),
        unit="%",
        due_date=date(2027, 6, 30),
    )
    services.objective_create(
        touchpoint=other_journey_touchpoint(department),
        statement="Answer fast",
        target_value=Decimal(60),
        unit="seconds",
        due_date=date(2027, 6, 30),
    )

    response = manager.get(list_url("quality-objective"), {"journey": journey.pk})

    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {at_journey.pk, objective.pk}


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_lists_are_paged_and_the_page_size_can_be_chosen(manager) -> None:
    """A client asks for a page size and gets the total and a link to the next page."""
    response = manager.get(list_url("touchpoint"), {"page_size": 1})

    body = response.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert "page=2" in body["next"]
    assert body["previous"] is None


def grow(
    route: str, rows: int, department: Department, partner: Partner, segment: CustomerSegment
) -> None:
    """Add rows of one kind, with the relations the list shows, across several journeys."""
    for number in range(rows):
        journey = services.journey_create(name=f"Journey {number}", segment=segment)
        stage = services.stage_add(journey=journey, name="Start")
        owner: dict[str, Any] = (
            {"owner_department": department} if number % 2 else {"owner_partner": partner}
        )
        first = services.touchpoint_add(stage=stage, name="First", channel="web", **owner)
        second = services.touchpoint_add(
            stage=stage, name="Second", channel="phone", owner_department=department
        )
        if route == "handoff":
            services.handoff_add(from_touchpoint=first, to_touchpoint=second)
        elif route == "failure-point":
            services.failure_point_add(
                touchpoint=first, description="Slow", severity=3, occurrence=3, detection=3
            )
        elif route == "quality-objective":
            target: dict[str, Any] = {"journey": journey} if number % 2 else {"touchpoint": first}
            services.objective_create(
                statement="Fast",
                target_value=Decimal(1),
                unit="days",
                due_date=date(2027, 1, 1),
                **target,
            )


@pytest.mark.usefixtures("handoff", "failure_point", "objective")
@pytest.mark.parametrize("route", ROUTES)
def test_list_endpoints_read_a_constant_number_of_queries(
    api_for,
    department: Department,
    partner: Partner,
    segment: CustomerSegment,
    route,
    django_assert_max_num_queries,
) -> None:
    """Twenty rows cost the same queries as one: relations are joined, counts are annotated."""
    client = api_for("executive")
    url = list_url(route)
    client.get(url)  # the first request caches the caller's permissions
    with CaptureQueriesContext(connection) as few_rows:
        client.get(url, {"page_size": 100})

    grow(route, 19, department, partner, segment)

    with django_assert_max_num_queries(len(few_rows.captured_queries)):
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] >= 20
