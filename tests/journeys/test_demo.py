"""The demo organisation's journeys look like a real company's."""

from typing import Any

import pytest
from django.core.management import call_command

from journeys.demo import GET_SUPPORT
from journeys.models import Journey, Touchpoint
from journeys.selectors import journey_list
from stakeholders.models import Department, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_organisation: None, settings) -> None:
    """The demo organisation, loaded once for this module."""
    settings.DEBUG = True  # for the test that loads it again


def test_demo_has_three_journeys_of_four_to_six_stages(demo) -> None:
    """Buy online, get support and renew contract, each with 4-6 stages."""
    journeys: dict[str, Any] = {journey.name: journey for journey in journey_list()}

    assert set(journeys) == {"Buy online", "Get support", "Renew contract"}
    assert all(4 <= journey.stage_count <= 6 for journey in journeys.values())
    assert all(journey.cross_owner_handoff_count >= 1 for journey in journeys.values())


def test_demo_touchpoints_are_owned_by_five_departments_and_three_partners(demo) -> None:
    """About twenty touchpoints, spread over every department and partner."""
    touchpoints = Touchpoint.objects.all()

    assert 18 <= touchpoints.count() <= 24
    assert Department.objects.filter(touchpoints__isnull=False).distinct().count() == 5
    assert Partner.objects.filter(touchpoints__isnull=False).distinct().count() == 3


def test_demo_get_support_matches_its_published_spec(demo) -> None:
    """The demo's Get support journey is the spec the browser test builds by hand."""
    journey = Journey.objects.get(name="Get support")

    stages = list(journey.stages.order_by("order").values_list("name", flat=True))

    assert stages == [name for name, _touchpoints in GET_SUPPORT["stages"]]
    assert journey.stages.get(name="Resolve").touchpoints.count() == 2


def test_loading_the_demo_twice_adds_no_journey(demo) -> None:
    """Re-running the demo leaves the journeys as they were."""
    before = (Journey.objects.count(), Touchpoint.objects.count())

    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Journey.objects.count(), Touchpoint.objects.count()) == before
