"""Editing the journey map in place: each edit saves through the services, or explains why not."""

import pytest
from django.urls import reverse

from journeys.models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint
from stakeholders.models import Partner

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def manager(client_for):
    """A quality manager's signed-in client."""
    return client_for("quality_manager")


@pytest.mark.usefixtures("stage")
def test_adding_a_stage_returns_the_updated_map(manager, journey: Journey) -> None:
    """A new stage appears as the last column of the map, swapped in out of band."""
    response = manager.post(
        reverse("journeys:stage-add", args=[journey.pk]), {"name": "Deliver"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="journey-map"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'data-stage="Deliver"' in html
    assert list(journey.stages.values_list("name", "order")) == [("Order", 1), ("Deliver", 2)]


@pytest.mark.usefixtures("stage")
def test_stage_name_clash_is_shown_next_to_the_field_and_nothing_is_saved(
    manager, journey: Journey
) -> None:
    """Two stages of one journey cannot share a name; the form says so."""
    response = manager.post(
        reverse("journeys:stage-add", args=[journey.pk]), {"name": "Order"}, **HTMX
    )

    html = response.content.decode()
    assert "This journey already has a stage with this name." in html
    assert 'id="journey-map"' not in html
    assert journey.stages.count() == 1


@pytest.mark.usefixtures("touchpoint")
def test_touchpoint_without_an_owner_is_refused_with_the_reason(
    manager, journey: Journey, stage: Stage
) -> None:
    """The owner field explains that exactly one department or partner owns a touchpoint."""
    before = Touchpoint.objects.count()

    response = manager.post(
        reverse("journeys:touchpoint-add", args=[journey.pk]),
        {"name": "Invoice", "stage": stage.pk, "channel": "email", "owner": ""},
        **HTMX,
    )

    assert (
        "A touchpoint is owned by exactly one department or one partner."
        in response.content.decode()
    )
    assert Touchpoint.objects.count() == before


def test_touchpoint_is_added_with_a_partner_as_owner(
    manager, journey: Journey, stage: Stage, partner: Partner
) -> None:
    """Choosing a partner makes it the touchpoint's only owner, shown in its own lane."""
    response = manager.post(
        reverse("journeys:touchpoint-add", args=[journey.pk]),
        {
            "name": "Returns pick-up",
            "stage": stage.pk,
            "channel": "delivery",
            "owner": f"partner:{partner.pk}",
        },
        **HTMX,
    )

    touchpoint = Touchpoint.objects.get(name="Returns pick-up")
    assert touchpoint.owner_partner == partner
    assert touchpoint.owner_department is None
    assert 'data-touchpoint-name="Returns pick-up"' in response.content.decode()


def test_changing_the_owner_keeps_the_old_one_in_history(
    manager, touchpoint: Touchpoint, partner: Partner
) -> None:
    """Handing a touchpoint to another owner is recorded with who did it."""
    manager.post(
        reverse("journeys:touchpoint-edit", args=[touchpoint.pk]),
        {
            "name": touchpoint.name,
            "stage": touchpoint.stage_id,
            "channel": "web",
            "owner": f"partner:{partner.pk}",
        },
        **HTMX,
    )
    page = manager.get(reverse("journeys:touchpoint-detail", args=[touchpoint.pk])).content.decode()

    touchpoint.refresh_from_db()
    assert touchpoint.owner_partner == partner
    assert "owning partner" in page
    assert "changed" in page


@pytest.mark.usefixtures("handoff")
def test_handoff_to_itself_is_refused_next_to_the_to_field(
    manager, journey: Journey, touchpoint: Touchpoint
) -> None:
    """A handoff connects two different touchpoints."""
    response = manager.post(
        reverse("journeys:handoff-add", args=[journey.pk]),
        {"from_touchpoint": touchpoint.pk, "to_touchpoint": touchpoint.pk},
        **HTMX,
    )

    assert "A handoff connects two different touchpoints." in response.content.decode()
    assert Handoff.objects.count() == 1


@pytest.mark.usefixtures("handoff")
def test_cross_owner_handoff_is_highlighted_on_the_map(manager, journey: Journey) -> None:
    """A handoff between a department and a partner is marked cross-owner."""
    html = manager.get(reverse("journeys:journey-map", args=[journey.pk])).content.decode()

    assert 'data-cross="true"' in html
    assert "1 cross-owner" in html


def test_failure_point_rating_out_of_range_is_refused(manager, touchpoint: Touchpoint) -> None:
    """FMEA ratings run from 1 to 10; an 11 is explained next to its field."""
    response = manager.post(
        reverse("journeys:failure-point-add", args=[touchpoint.pk]),
        {"description": "Page times out", "severity": 11, "occurrence": 2, "detection": 3},
        **HTMX,
    )

    assert "less than or equal to 10" in response.content.decode()
    assert not FailurePoint.objects.filter(description="Page times out").exists()


def test_failure_point_shows_its_risk_priority_number(manager, touchpoint: Touchpoint) -> None:
    """The map shows the RPN (severity x occurrence x detection) of a new failure point."""
    response = manager.post(
        reverse("journeys:failure-point-add", args=[touchpoint.pk]),
        {"description": "Page times out", "severity": 6, "occurrence": 5, "detection": 3},
        **HTMX,
    )

    assert "RPN 90" in response.content.decode()


@pytest.mark.usefixtures("stage")
def test_moving_a_stage_right_swaps_it_with_its_neighbour(manager, journey: Journey) -> None:
    """Reordering keeps positions 1..n without clashes."""
    later = Stage.objects.create(journey=journey, name="Use", order=2)

    manager.post(reverse("journeys:stage-move", args=[later.pk]), {"direction": "left"}, **HTMX)

    assert list(journey.stages.order_by("order").values_list("name", flat=True)) == ["Use", "Order"]


def test_moving_a_touchpoint_down_reorders_its_stage(
    manager, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """A touchpoint moves one place later in its stage."""
    manager.post(
        reverse("journeys:touchpoint-move", args=[touchpoint.pk]), {"direction": "down"}, **HTMX
    )

    delivery.refresh_from_db()
    touchpoint.refresh_from_db()
    assert (delivery.order, touchpoint.order) == (1, 2)


@pytest.mark.usefixtures("stage")
def test_deleting_a_stage_closes_the_gap(manager, journey: Journey) -> None:
    """The remaining stages are renumbered 1..n."""
    second = Stage.objects.create(journey=journey, name="Use", order=2)
    Stage.objects.create(journey=journey, name="Renew", order=3)

    manager.post(reverse("journeys:stage-delete", args=[second.pk]), **HTMX)

    assert list(journey.stages.order_by("order").values_list("name", "order")) == [
        ("Order", 1),
        ("Renew", 2),
    ]


def test_deleting_a_handoff_and_a_failure_point(
    manager, handoff: Handoff, failure_point: FailurePoint
) -> None:
    """Delete buttons remove exactly the row they belong to."""
    manager.post(reverse("journeys:handoff-delete", args=[handoff.pk]), **HTMX)
    manager.post(reverse("journeys:failure-point-delete", args=[failure_point.pk]), **HTMX)

    assert Handoff.objects.count() == 0
    assert FailurePoint.objects.count() == 0


@pytest.mark.usefixtures("handoff", "failure_point")
def test_deleting_a_touchpoint_removes_its_handoffs(manager, delivery: Touchpoint) -> None:
    """A touchpoint's handoffs and failure points go with it."""
    manager.post(reverse("journeys:touchpoint-delete", args=[delivery.pk]), **HTMX)

    assert Handoff.objects.count() == 0
    assert list(Touchpoint.objects.values_list("name", "order")) == [("Checkout", 1)]


@pytest.mark.parametrize("visitor", ["frontline", "executive"])
@pytest.mark.parametrize(
    ("route", "key"),
    [
        ("journeys:stage-move", "stage"),
        ("journeys:stage-delete", "stage"),
        ("journeys:touchpoint-move", "touchpoint"),
        ("journeys:touchpoint-delete", "touchpoint"),
        ("journeys:handoff-delete", "handoff"),
        ("journeys:failure-point-delete", "failure_point"),
        ("journeys:stage-add", "journey"),
    ],
)
@pytest.mark.usefixtures("handoff", "failure_point")
def test_readers_cannot_edit_the_map(
    client_for, request: pytest.FixtureRequest, visitor, route, key
) -> None:
    """Frontline staff and executives read the map; every edit answers 403 and changes nothing."""
    client = client_for(visitor)
    row = request.getfixturevalue(key)
    counts = (Stage.objects.count(), Touchpoint.objects.count(), Handoff.objects.count())

    response = client.post(reverse(route, args=[row.pk]), {"name": "X"}, **HTMX)

    assert response.status_code == 403
    assert (Stage.objects.count(), Touchpoint.objects.count(), Handoff.objects.count()) == counts


def test_objective_for_the_whole_journey_is_listed_with_its_target(
    manager, journey: Journey
) -> None:
    """An objective without a touchpoint applies to the whole journey."""
    response = manager.post(
        reverse("journeys:objective-add", args=[journey.pk]),
        {
            "statement": "Order-to-door time",
            "direction": "at_most",
            "target_value": "5",
            "unit": "days",
            "due_date": "2027-06-30",
        },
        **HTMX,
    )

    html = response.content.decode()
    assert "Order-to-door time" in html
    assert "at most 5 days" in html
    assert "Whole journey" in html


def test_journey_created_from_the_form_opens_its_empty_map(manager, roles) -> None:
    """A new journey leads to its map, which invites adding the first stage."""
    response = manager.post(
        reverse("journeys:journey-create"), {"name": "Move house", "status": "draft"}, follow=True
    )

    assert response.status_code == 200
    assert "Add the first stage to start the map." in response.content.decode()


def test_changing_an_objectives_target_is_shown_in_its_history(
    manager, objective: QualityObjective
) -> None:
    """Raising a target keeps the old value, who changed it and when, on the objective's page."""
    response = manager.post(
        reverse("journeys:objective-edit", args=[objective.pk]),
        {
            "statement": objective.statement,
            "touchpoint": objective.touchpoint_id,
            "direction": "at_least",
            "target_value": "97",
            "unit": "%",
            "due_date": "2027-03-31",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "at least 97 %" in html
    assert "<del>95.00</del>" in html  # the history keeps the old target
    assert "changed" in html


def test_objective_edit_refuses_a_missing_target_and_keeps_the_old_one(
    manager, objective: QualityObjective
) -> None:
    """A blank target is explained next to the field; the saved objective is unchanged."""
    response = manager.post(
        reverse("journeys:objective-edit", args=[objective.pk]),
        {
            "statement": objective.statement,
            "touchpoint": objective.touchpoint_id,
            "direction": "at_least",
            "target_value": "",
            "unit": "%",
            "due_date": "2027-03-31",
        },
    )

    assert "This field is required." in response.content.decode()
    objective.refresh_from_db()
    assert objective.target_value == 95
