"""factory_boy factories of journey maps, made through the journeys services."""

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from journeys import services
from journeys.models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint
from tests.stakeholders.factories import DepartmentFactory


class JourneyFactory(factory.Factory[Journey]):
    """A draft journey with a unique name, for no particular segment."""

    class Meta:
        model = Journey

    name = factory.Sequence(lambda number: f"Customer journey {number}")

    @classmethod
    def _create(cls, model_class: type[Journey], *args: Any, **kwargs: Any) -> Journey:
        return services.journey_create(**kwargs)


class StageFactory(factory.Factory[Stage]):
    """A stage added at the end of a new journey."""

    class Meta:
        model = Stage

    journey = factory.SubFactory(JourneyFactory)
    name = factory.Sequence(lambda number: f"Stage {number}")

    @classmethod
    def _create(cls, model_class: type[Stage], *args: Any, **kwargs: Any) -> Stage:
        return services.stage_add(**kwargs)


class TouchpointFactory(factory.Factory[Touchpoint]):
    """A web touchpoint at the end of a new stage, owned by a new department.

    Pass `owner_partner=...` for a partner's touchpoint: it then has no department.
    """

    class Meta:
        model = Touchpoint

    stage = factory.SubFactory(StageFactory)
    name = factory.Sequence(lambda number: f"Touchpoint {number}")
    channel = Touchpoint.Channel.WEB
    owner_partner = None
    owner_department = factory.Maybe(
        "owner_partner", yes_declaration=None, no_declaration=factory.SubFactory(DepartmentFactory)
    )

    @classmethod
    def _create(cls, model_class: type[Touchpoint], *args: Any, **kwargs: Any) -> Touchpoint:
        return services.touchpoint_add(**kwargs)


class HandoffFactory(factory.Factory[Handoff]):
    """A handoff from a new touchpoint to the next one of the same stage."""

    class Meta:
        model = Handoff

    from_touchpoint = factory.SubFactory(TouchpointFactory)
    to_touchpoint = factory.SubFactory(
        TouchpointFactory, stage=factory.SelfAttribute("..from_touchpoint.stage")
    )

    @classmethod
    def _create(cls, model_class: type[Handoff], *args: Any, **kwargs: Any) -> Handoff:
        return services.handoff_add(**kwargs)


class FailurePointFactory(factory.Factory[FailurePoint]):
    """A failure mode of a new touchpoint, rated 5 for severity, occurrence and detection."""

    class Meta:
        model = FailurePoint

    touchpoint = factory.SubFactory(TouchpointFactory)
    description = factory.Sequence(lambda number: f"Failure {number}")
    severity = 5
    occurrence = 5
    detection = 5

    @classmethod
    def _create(cls, model_class: type[FailurePoint], *args: Any, **kwargs: Any) -> FailurePoint:
        return services.failure_point_add(**kwargs)


class ObjectiveFactory(factory.Factory[QualityObjective]):
    """A quality objective at a new touchpoint: at least 95 % by the end of March 2027."""

    class Meta:
        model = QualityObjective

    touchpoint = factory.SubFactory(TouchpointFactory)
    statement = factory.Sequence(lambda number: f"Objective {number}")
    target_value = Decimal(95)
    unit = "%"
    due_date = date(2027, 3, 31)

    @classmethod
    def _create(
        cls, model_class: type[QualityObjective], *args: Any, **kwargs: Any
    ) -> QualityObjective:
        return services.objective_create(**kwargs)
