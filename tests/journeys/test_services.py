"""Service rules that keep a journey whole."""

import pytest
from django.core.exceptions import ValidationError

from journeys import services

pytestmark = pytest.mark.django_db


def test_touchpoint_cannot_move_to_another_journeys_stage(world) -> None:
    """Handoffs join touchpoints of one journey, so a touchpoint stays in its journey."""
    other = services.journey_create(name="Renew contract")
    foreign_stage = services.stage_add(journey=other, name="Remind")

    with pytest.raises(ValidationError) as refused:
        services.touchpoint_update(touchpoint=world["touchpoint"], stage=foreign_stage, order=1)

    assert refused.value.message_dict == {"stage": ["Choose a stage of the same journey."]}
    world["touchpoint"].refresh_from_db()
    assert world["touchpoint"].stage == world["stage"]


def test_moving_a_touchpoint_to_another_stage_closes_the_gap_it_leaves(world) -> None:
    """The old stage's remaining touchpoints are renumbered 1..n."""
    later = services.stage_add(journey=world["journey"], name="Use")

    services.touchpoint_update(touchpoint=world["touchpoint"], stage=later)

    world["delivery"].refresh_from_db()
    world["touchpoint"].refresh_from_db()
    assert (world["delivery"].order, world["touchpoint"].stage, world["touchpoint"].order) == (
        1,
        later,
        1,
    )


def test_stage_stays_in_its_journey(world) -> None:
    """Moving a stage to another journey would tear its handoffs apart; it is refused."""
    other = services.journey_create(name="Renew contract")

    with pytest.raises(ValidationError, match=r"A stage stays in its journey\."):
        services.stage_update(stage=world["stage"], journey=other)
