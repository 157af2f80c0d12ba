"""The complaint life cycle (ISO 10002) and who may take each step.

received → acknowledged → investigating → responded → closed, with reopen from responded or
closed back to investigating. A small complaint may be responded to straight after
acknowledgement. Quality managers may take every step on every complaint; frontline staff on the
complaints they logged or are assigned, for severities quality managers allow them, and they may
always comment on and escalate their own complaints. Executives read.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError

from .models import Complaint

Status = Complaint.Status

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "acknowledge": (frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    "investigate": (frozenset({Status.ACKNOWLEDGED}), Status.INVESTIGATING),
    "respond": (frozenset({Status.ACKNOWLEDGED, Status.INVESTIGATING}), Status.RESPONDED),
    "close": (frozenset({Status.RESPONDED}), Status.CLOSED),
    "reopen": (frozenset({Status.RESPONDED, Status.CLOSED}), Status.INVESTIGATING),
}

ACTION_LABELS = {
    "acknowledge": gettext_lazy("Acknowledge"),
    "investigate": gettext_lazy("Start investigation"),
    "root_cause": gettext_lazy("Set root cause"),
    "respond": gettext_lazy("Respond to the customer"),
    "close": gettext_lazy("Close"),
    "reopen": gettext_lazy("Reopen"),
    "assign": gettext_lazy("Assign"),
    "escalate": gettext_lazy("Escalate to quality"),
    "comment": gettext_lazy("Comment"),
}

# Steps that resolve the complaint: frontline staff take them only up to the allowed severity.
RESOLVING_ACTIONS = frozenset(
    {"acknowledge", "investigate", "root_cause", "respond", "close", "reopen"}
)


def check_transition(complaint: Complaint, action: str) -> str:
    """Return the status `action` leads to, or refuse with a message naming the rule."""
    sources, target = TRANSITIONS[action]
    if complaint.status not in sources:
        allowed = ", ".join(sorted(str(Status(status).label).lower() for status in sources))
        raise ApplicationError(
            _("%(reference)s is %(status)s: only a complaint that is %(allowed)s can be %(done)s.")
            % {
                "reference": complaint.reference,
                "status": complaint.get_status_display().lower(),
                "allowed": allowed,
                "done": _past_tense(action),
            },
            extra={"status": complaint.status, "action": action},
        )
    return target


def _past_tense(action: str) -> str:
    return {
        "acknowledge": _("acknowledged"),
        "investigate": _("investigated"),
        "respond": _("responded to"),
        "close": _("closed"),
        "reopen": _("reopened"),
    }[action]


def is_manager(user: Any) -> bool:
    """Return whether the user handles any complaint (quality managers, administrators)."""
    return bool(user.has_perm("feedback.manage_complaints"))


def is_owner(user: Any, complaint: Complaint) -> bool:
    """Return whether the user logged the complaint or is assigned to it."""
    return user.pk is not None and user.pk in (complaint.logged_by_id, complaint.assignee_id)


def may_see(user: Any, complaint: Complaint) -> bool:
    """Return whether the user may read the complaint (the visibility rule of pages and API)."""
    if not user.has_perm("feedback.view_complaint"):
        return False
    return bool(user.has_perm("feedback.view_all_complaints")) or is_owner(user, complaint)


def may_act(user: Any, complaint: Complaint, action: str, *, frontline_may_resolve: bool) -> bool:
    """Return whether the user may take `action` on the complaint (ignoring its status)."""
    if is_manager(user):
        return True
    if not (user.has_perm("feedback.add_complaint") and is_owner(user, complaint)):
        return False
    if action in ("comment", "escalate"):
        return True
    return action in RESOLVING_ACTIONS and frontline_may_resolve


def available_actions(user: Any, complaint: Complaint, *, frontline_may_resolve: bool) -> list[str]:
    """Return the actions the user can take now, in life-cycle order."""
    actions = []
    for action in ACTION_LABELS:
        if not may_act(user, complaint, action, frontline_may_resolve=frontline_may_resolve):
            continue
        if action in TRANSITIONS and complaint.status not in TRANSITIONS[action][0]:
            continue
        if action == "root_cause" and complaint.status != Status.INVESTIGATING:
            continue
        if action == "escalate" and (
            complaint.escalated_at or not complaint.is_open or is_manager(user)
        ):
            continue
        if action == "assign" and not complaint.is_open:
            continue
        actions.append(action)
    return actions
