"""Permission classes of the improvement API, on top of the role table's model permissions.

Quality managers run cycles and decide suggested ones; every staff member reads them; an
action's owner (any staff member) ticks off, notes on and defers it. Partner contacts (accounts
without a staff role) hold none of these permissions and are refused everywhere.
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.permissions import RoleModelPermissions

from ..services.actions import can_update_action


def _holds(request: Request, permission: str) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.has_perm(permission))


class MayRunCycles(BasePermission):
    """Let staff read a cycle's phase routes; only those who run cycles move a cycle on."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return _holds(request, "improvement.view_pdcacycle")
        return _holds(request, "improvement.run_cycles")


# The routes of an action its owner (any staff member) may use, besides quality managers.
OWNER_ROUTES = frozenset({"partial_update", "complete", "defer", "reopen"})


class CycleActionPermissions(RoleModelPermissions):
    """The role table's permissions on actions; on the owner's routes, the owner rule instead.

    On those routes any staff member who reads actions may ask, and the object rule is the
    services' (`can_update_action`): anyone but the owner or a quality manager gets 403 before
    the request body is looked at.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if getattr(view, "action", None) in OWNER_ROUTES:
            return _holds(request, "improvement.view_cycleaction")
        return super().has_permission(request, view)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if getattr(view, "action", None) in OWNER_ROUTES:
            return can_update_action(request.user, obj)
        return True


class MayDecideSuggestions(BasePermission):
    """Let only those who run cycles (quality managers) accept or dismiss a suggested cycle."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _holds(request, "improvement.run_cycles") and _holds(
            request, "improvement.change_suggestion"
        )
