"""Fixtures of the journeys tests: the rest of the "Buy online" map."""

import pytest

from journeys.models import FailurePoint, Handoff, Touchpoint
from tests.journeys.factories import FailurePointFactory, HandoffFactory


@pytest.fixture
def handoff(touchpoint: Touchpoint, delivery: Touchpoint) -> Handoff:
    """The checkout hands the customer over to the partner's delivery (across owners)."""
    return HandoffFactory.create(from_touchpoint=touchpoint, to_touchpoint=delivery)


@pytest.fixture
def failure_point(delivery: Touchpoint) -> FailurePoint:
    """A late parcel, the delivery's known failure mode (RPN 7 x 5 x 4)."""
    return FailurePointFactory.create(
        touchpoint=delivery, description="Parcel late", severity=7, occurrence=5, detection=4
    )
