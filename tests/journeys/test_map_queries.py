"""The journey pages' query counts do not grow with the journey's size."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journeys import services
from stakeholders import services as stakeholder_services

pytestmark = pytest.mark.django_db


def build_journey(name: str, *, stages: int, touchpoints_per_stage: int):
    """Build a journey of the given size, alternating department and partner owners."""
    department = stakeholder_services.department_create(name=f"{name} department")
    partner = stakeholder_services.partner_create(
        name=f"{name} partner", kind="supplier", reliability_score=3, values_score=3,
        customer_impact_score=3, cost_score=3,
    )  # fmt: skip
    journey = services.journey_create(name=name)
    previous = None
    for stage_number in range(stages):
        stage = services.stage_add(journey=journey, name=f"Stage {stage_number}")
        for number in range(touchpoints_per_stage):
            owner: dict[str, Any] = (
                {"owner_department": department} if number % 2 else {"owner_partner": partner}
            )
            touchpoint = services.touchpoint_add(
                stage=stage, name=f"T{stage_number}.{number}", channel="web", **owner
            )
            services.failure_point_add(
                touchpoint=touchpoint, description="Fails", severity=5, occurrence=5, detection=5
            )
            if previous is not None:
                services.handoff_add(from_touchpoint=previous, to_touchpoint=touchpoint)
            previous = touchpoint
    services.objective_create(
        journey=journey,
        statement="Objective",
        target_value=Decimal(1),
        unit="%",
        due_date=date(2027, 1, 1),
    )
    return journey


def queries_for(client, url: str) -> int:
    """Return how many SQL queries one GET of the page runs."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_journey_map_runs_the_same_queries_for_a_small_and_a_large_journey(
    client_for, django_assert_num_queries
) -> None:
    """The map of 1 stage x 1 touchpoint and of 6 stages x 8 touchpoints cost the same."""
    client = client_for("quality_manager")
    small = build_journey("Small", stages=1, touchpoints_per_stage=1)
    large = build_journey("Large", stages=6, touchpoints_per_stage=8)
    expected = queries_for(client, reverse("journeys:journey-map", args=[small.pk]))

    with django_assert_num_queries(expected):
        response = client.get(reverse("journeys:journey-map", args=[large.pk]))

    assert response.content.decode().count("data-touchpoint=") == 48


def test_journey_list_runs_the_same_queries_for_one_and_many_journeys(
    client_for, django_assert_num_queries
) -> None:
    """The journey list's counts come from subqueries, not one query per journey."""
    client = client_for("executive")
    build_journey("First", stages=1, touchpoints_per_stage=1)
    expected = queries_for(client, reverse("journeys:journey-list"))
    for number in range(8):
        build_journey(f"More {number}", stages=2, touchpoints_per_stage=2)

    with django_assert_num_queries(expected):
        client.get(reverse("journeys:journey-list"))


def test_touchpoint_page_runs_the_same_queries_whatever_its_history(
    client_for, django_assert_num_queries
) -> None:
    """The touchpoint page reads its history in a fixed number of queries."""
    client = client_for("quality_manager")
    journey = build_journey("History", stages=1, touchpoints_per_stage=2)
    touchpoint = journey.stages.get().touchpoints.first()
    url = reverse("journeys:touchpoint-detail", args=[touchpoint.pk])
    expected = queries_for(client, url)
    for number in range(10):
        services.touchpoint_update(touchpoint=touchpoint, name=f"Renamed {number}")

    with django_assert_num_queries(expected):
        client.get(url)
