"""The life cycles of complaints (ISO 10002) and of improvement ideas, and who may act on them.

Complaints: received → acknowledged → investigating → responded → closed, with reopen from
responded or closed back to investigating. A small complaint may be responded to straight after
acknowledgement. Quality managers may take every step on every complaint; frontline staff on the
complaints they logged or are assigned, for severities quality managers allow them, and they may
always comment on and escalate their own complaints. Executives read.

Ideas: submitted → under review → accepted → implemented, or declined; quality managers decide,
and may accept or decline straight from submission.

Both are tables of the one shape in `core.lifecycle`, which the services check on the locked row.
"""

from typing import Any

from django.utils.translation import gettext_lazy

from core.lifecycle import LifeCycle, Transition

from .models import Complaint, ImprovementIdea

Status = Complaint.Status
IdeaStatus = ImprovementIdea.Status

# The complaints' moves (the name predates the ideas' table beside it).
TRANSITIONS: LifeCycle[Complaint] = LifeCycle(
    Status,
    {
        "acknowledge": Transition(
            frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED, gettext_lazy("acknowledged")
        ),
        "investigate": Transition(
            frozenset({Status.ACKNOWLEDGED}), Status.INVESTIGATING, gettext_lazy("investigated")
        ),
        "respond": Transition(
            frozenset({Status.ACKNOWLEDGED, Status.INVESTIGATING}),
            Status.RESPONDED,
            gettext_lazy("responded to"),
        ),
        "close": Transition(frozenset({Status.RESPONDED}), Status.CLOSED, gettext_lazy("closed")),
        "reopen": Transition(
            frozenset({Status.RESPONDED, Status.CLOSED}),
            Status.INVESTIGATING,
            gettext_lazy("reopened"),
        ),
    },
    refusal=gettext_lazy(
        "%(reference)s is %(status)s: only a complaint that is %(allowed)s can be %(done)s."
    ),
)

IDEA_TRANSITIONS: LifeCycle[ImprovementIdea] = LifeCycle(
    IdeaStatus,
    {
        "review": Transition(
            frozenset({IdeaStatus.SUBMITTED}),
            IdeaStatus.UNDER_REVIEW,
            gettext_lazy("taken into review"),
        ),
        "accept": Transition(
            frozenset({IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW}),
            IdeaStatus.ACCEPTED,
            gettext_lazy("accepted"),
        ),
        "decline": Transition(
            frozenset({IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW}),
            IdeaStatus.DECLINED,
            gettext_lazy("declined"),
        ),
        "implement": Transition(
            frozenset({IdeaStatus.ACCEPTED}),
            IdeaStatus.IMPLEMENTED,
            gettext_lazy("marked implemented"),
        ),
    },
    refusal=gettext_lazy(
        "%(reference)s is %(status)s: only an idea that is %(allowed)s can be %(done)s."
    ),
)

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
        if action in TRANSITIONS and not TRANSITIONS.allowed(complaint, action):
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
