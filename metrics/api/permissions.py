"""Permission classes of the metrics API, on top of the role table's model permissions."""

from typing import Any, ClassVar

from django.db.models import Model

from core.permissions import RoleModelPermissions

from ..models import LimitSegment, Observation, RecomputeRun


class ActionRowPermissions(RoleModelPermissions):
    """Check the role table's permissions on `model`, the rows an indicator's action handles."""

    model: ClassVar[type[Model]]

    def get_required_permissions(self, method: str, model_cls: Any) -> list[str]:
        return super().get_required_permissions(method, self.model)


class ObservationPermissions(ActionRowPermissions):
    """View to list an indicator's observations, add to load them."""

    model = Observation


class LimitSegmentPermissions(ActionRowPermissions):
    """Add to restart an indicator's control limits."""

    model = LimitSegment


class RecomputeRunPermissions(ActionRowPermissions):
    """Add to start a recompute of an indicator."""

    model = RecomputeRun
