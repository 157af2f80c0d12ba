"""Permission classes of the feedback API, on top of the role table's model permissions."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.permissions import RoleModelPermissions

from ..models import IdeaVote


class HoldsPermission(BasePermission):
    """Require a signed-in user holding `permission`, whatever the method."""

    permission = ""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.permission))


class MayActOnComplaints(BasePermission):
    """Let those who act on complaints ask for a step: frontline staff on their own (they log
    complaints), quality managers on any. The service decides on the complaint at hand; anyone
    else (executives read) is refused before the request body is looked at."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (
                user.has_perm("feedback.add_complaint")
                or user.has_perm("feedback.manage_complaints")
            )
        )


class MayManageComplaints(HoldsPermission):
    """Let only those who handle any complaint (quality managers) act on many at once."""

    permission = "feedback.manage_complaints"


class MayReviewIdeas(HoldsPermission):
    """Let only those who review ideas (quality managers) decide on one."""

    permission = "feedback.review_ideas"


class MaySeeIdeas(HoldsPermission):
    """Let those who see ideas (every staff role) read and join an idea's conversation; the
    service checks the idea at hand against the visibility selector."""

    permission = "feedback.view_improvementidea"


class MayChangeSeverityPolicies(HoldsPermission):
    """Let only those who change SLA policies set the frontline limit."""

    permission = "feedback.change_severitypolicy"


class IdeaVotePermissions(RoleModelPermissions):
    """Check the role table's permissions on votes (add to support, delete to withdraw)."""

    def get_required_permissions(self, method: str, model_cls: Any) -> list[str]:
        return super().get_required_permissions(method, IdeaVote)
