"""Writes of a cycle's actions: quality managers plan them, their owners tick them off.

An immediate containment action may be logged while the cycle is still in Plan; other actions
belong to Plan and Do. An action's owner (any staff member) marks it done, notes on it or
defers it with a reason; quality managers do all of that on any action.
"""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.saving import UNCHANGED, Unchanged, given, validated_save

from ..models import CycleAction, PDCACycle
from .cycles import require_runner

Phase = PDCACycle.Phase


def can_update_action(user: Any, action: CycleAction) -> bool:
    """Return whether a user may tick off, note on or defer an action."""
    return bool(user.has_perm("improvement.run_cycles") or action.owner_id == user.pk)


def _require_updater(user: Any, action: CycleAction) -> None:
    if not can_update_action(user, action):
        raise PermissionDenied(_("Only the action's owner or a quality manager updates it."))


def _require_open_cycle(cycle: PDCACycle, *, containment: bool = False) -> None:
    allowed = {Phase.PLAN, Phase.DO} if not containment else {Phase.PLAN, Phase.DO, Phase.CHECK}
    if cycle.phase not in allowed:
        raise ApplicationError(
            _("%(reference)s is in %(phase)s: actions are planned in Plan and Do.")
            % {"reference": cycle.reference, "phase": cycle.get_phase_display()}
        )


def _check_owner(owner: User) -> None:
    if not owner.is_active:
        raise ValidationError({"owner": _("This account is not active.")})
    if not owner.is_staff and not owner.groups.exists() and not owner.is_superuser:
        raise ValidationError({"owner": _("Actions go to staff with a role.")})


@transaction.atomic
def action_add(
    *,
    cycle: PDCACycle,
    by: User,
    title: str,
    owner: User,
    due_on: date,
    containment: bool = False,
    note: str = "",
) -> CycleAction:
    """Plan an action of the cycle (a containment action may come before the analysis)."""
    require_runner(by)
    locked = PDCACycle.objects.select_for_update().get(pk=cycle.pk)
    _require_open_cycle(locked, containment=containment)
    _check_owner(owner)
    return validated_save(
        CycleAction(cycle=locked),
        title=title.strip(),
        owner=owner,
        due_on=due_on,
        containment=containment,
        note=note.strip(),
    )


@transaction.atomic
def action_update(
    *,
    action: CycleAction,
    by: User,
    title: str | Unchanged = UNCHANGED,
    owner: User | Unchanged = UNCHANGED,
    due_on: date | Unchanged = UNCHANGED,
    note: str | Unchanged = UNCHANGED,
) -> CycleAction:
    """Change an action: quality managers re-plan it, its owner adds a note."""
    locked = CycleAction.objects.select_for_update().select_related("cycle").get(pk=action.pk)
    _require_updater(by, locked)
    planning = given(title=title, owner=owner, due_on=due_on)
    if planning:
        require_runner(by)
    if owner is not UNCHANGED:
        _check_owner(owner)
    if locked.cycle.phase == Phase.CLOSED:
        raise ApplicationError(
            _("%(reference)s is closed: its actions are kept as they were.")
            % {"reference": locked.cycle.reference}
        )
    return validated_save(
        locked,
        **given(
            title=title.strip() if isinstance(title, str) else title,
            owner=owner,
            due_on=due_on,
            note=note.strip() if isinstance(note, str) else note,
        ),
    )


@transaction.atomic
def action_complete(
    *, action: CycleAction, by: User, done_on: date | None = None, note: str = ""
) -> CycleAction:
    """Tick an action off (its owner or a quality manager); a note may say what was done."""
    locked = CycleAction.objects.select_for_update().select_related("cycle").get(pk=action.pk)
    _require_updater(by, locked)
    if locked.cycle.phase == Phase.CLOSED:
        raise ApplicationError(_("The cycle is closed: its actions are kept as they were."))
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"done_on": _("An action cannot be done in the future.")})
    fields: dict[str, Any] = {"done_on": day, "deferred_reason": ""}
    if note.strip():
        fields["note"] = note.strip()
    return validated_save(locked, **fields)


@transaction.atomic
def action_reopen(*, action: CycleAction, by: User) -> CycleAction:
    """Untick an action ticked off by mistake, or take a deferred one up again."""
    locked = CycleAction.objects.select_for_update().select_related("cycle").get(pk=action.pk)
    _require_updater(by, locked)
    if locked.cycle.phase not in (Phase.PLAN, Phase.DO):
        raise ApplicationError(
            _("%(reference)s has left Do: its actions are settled.")
            % {"reference": locked.cycle.reference}
        )
    return validated_save(locked, done_on=None, deferred_reason="")


@transaction.atomic
def action_defer(*, action: CycleAction, by: User, reason: str) -> CycleAction:
    """Defer an open action with the reason (it then no longer holds the cycle in Do)."""
    locked = CycleAction.objects.select_for_update().select_related("cycle").get(pk=action.pk)
    _require_updater(by, locked)
    if not reason.strip():
        raise ValidationError({"deferred_reason": _("Say why the action is deferred.")})
    if locked.done_on is not None:
        raise ApplicationError(_("The action is done: reopen it before deferring it."))
    return validated_save(locked, deferred_reason=reason.strip())


@transaction.atomic
def action_delete(*, action: CycleAction, by: User) -> None:
    """Remove an action planned by mistake (quality managers, while the cycle is in Plan or Do)."""
    require_runner(by)
    locked = CycleAction.objects.select_for_update().select_related("cycle").get(pk=action.pk)
    _require_open_cycle(locked.cycle)
    locked.delete()
