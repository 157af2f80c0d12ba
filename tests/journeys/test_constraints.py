"""The database itself refuses illegal journey data, whatever writes it."""

import pytest
from django.db import IntegrityError, transaction

from journeys.models import Handoff, Stage, Touchpoint

pytestmark = pytest.mark.django_db


def test_database_refuses_a_touchpoint_with_two_owners(world) -> None:
    """The exactly-one-owner rule is a CHECK constraint, not only form validation."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Touchpoint.objects.create(
            stage=world["stage"],
            order=9,
            name="Both",
            channel="web",
            owner_department=world["department"],
            owner_partner=world["partner"],
        )


def test_database_refuses_a_touchpoint_without_an_owner(world) -> None:
    """A touchpoint nobody owns cannot be stored."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Touchpoint.objects.create(stage=world["stage"], order=9, name="Nobody", channel="web")


def test_database_refuses_a_handoff_to_itself(world) -> None:
    """A handoff's two ends differ."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.create(
            from_touchpoint=world["touchpoint"], to_touchpoint=world["touchpoint"]
        )


def test_database_refuses_two_stages_at_one_position(world) -> None:
    """Stage positions are unique within a journey."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(journey=world["journey"], name="Clash", order=1)

    assert world["journey"].stages.get().name == "Order"
