"""The database itself refuses illegal journey data, whatever writes it."""

import pytest
from django.db import IntegrityError, transaction

from journeys.models import Handoff, Journey, Stage, Touchpoint
from stakeholders.models import Department, Partner

pytestmark = pytest.mark.django_db


def test_database_refuses_a_touchpoint_with_two_owners(
    stage: Stage, department: Department, partner: Partner
) -> None:
    """The exactly-one-owner rule is a CHECK constraint, not only form validation."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Touchpoint.objects.create(
            stage=stage,
            order=9,
            name="Both",
            channel="web",
            owner_department=department,
            owner_partner=partner,
        )


def test_database_refuses_a_touchpoint_without_an_owner(stage: Stage) -> None:
    """A touchpoint nobody owns cannot be stored."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Touchpoint.objects.create(stage=stage, order=9, name="Nobody", channel="web")


def test_database_refuses_a_handoff_to_itself(touchpoint: Touchpoint) -> None:
    """A handoff's two ends differ."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.create(from_touchpoint=touchpoint, to_touchpoint=touchpoint)


def test_database_refuses_two_stages_at_one_position(journey: Journey, stage: Stage) -> None:
    """Stage positions are unique within a journey."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(journey=journey, name="Clash", order=1)

    assert journey.stages.get().name == "Order"
