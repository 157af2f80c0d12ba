"""Service rules that keep a journey whole."""

import pytest
from django.core.exceptions import ValidationError

from journeys import services
from journeys.models import Journey, Stage, Touchpoint

pytestmark = pytest.mark.django_db


def test_touchpoint_cannot_move_to_another_journeys_stage(
    stage: Stage, touchpoint: Touchpoint
) -> None:
    """Handoffs join touchpoints of one journey, so a touchpoint stays in its journey."""
    other = services.journey_create(name="Renew contract")
    foreign_stage = services.stage_add(journey=other, name="Remind")

    with pytest.raises(ValidationError) as refused:
        services.touchpoint_update(touchpoint=touchpoint, stage=foreign_stage, order=1)

    assert refused.value.message_dict == {"stage": ["Choose a stage of the same journey."]}
    touchpoint.refresh_from_db()
    assert touchpoint.stage == stage


def test_moving_a_touchpoint_to_another_stage_closes_the_gap_it_leaves(
    journey: Journey, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """The old stage's remaining touchpoints are renumbered 1..n."""
    later = services.stage_add(journey=journey, name="Use")

    services.touchpoint_update(touchpoint=touchpoint, stage=later)

    delivery.refresh_from_db()
    touchpoint.refresh_from_db()
    assert (delivery.order, touchpoint.stage, touchpoint.order) == (1, later, 1)


def test_stage_stays_in_its_journey(stage: Stage) -> None:
    """Moving a stage to another journey would tear its handoffs apart; it is refused."""
    other = services.journey_create(name="Renew contract")

    with pytest.raises(ValidationError, match=r"A stage stays in its journey\."):
        services.stage_update(stage=stage, journey=other)
