"""Builders of the records the improvement pages address, for the access table."""

from typing import Any

from core.roles import Role
from feedback import services as feedback_services
from improvement.models import CycleAction
from improvement.services import actions, cycles
from tests.core.factories import UserFactory
from tests.feedback.factories import IdeaFactory
from tests.improvement.factories import cycle_in_check


def _manager() -> Any:
    return UserFactory.create(role=Role.QUALITY_MANAGER)


def cycle_of() -> dict[str, Any]:
    """Open a cycle in Plan (nothing planned yet) and return its reference."""
    manager = _manager()
    cycle = cycles.cycle_create(by=manager, title="Shorter queues", owner=manager)
    return {"reference": cycle.reference}


def cycle_move_of() -> dict[str, Any]:
    """Open a cycle in Plan and return the address of its move to Do (refused: no Plan yet)."""
    return {**cycle_of(), "move": "do"}


def open_action() -> CycleAction:
    """Plan an action of a new cycle, owned by its quality manager."""
    manager = _manager()
    cycle = cycles.cycle_create(by=manager, title="Shorter queues", owner=manager)
    return actions.action_add(
        cycle=cycle, by=manager, title="Print leaflets", owner=manager, due_on=cycle.started_on
    )


def accepted_idea() -> Any:
    """Submit an idea and accept it (a cycle can start from it)."""
    return feedback_services.idea_accept(idea=IdeaFactory.create(), by=_manager())


def cycle_page() -> Any:
    """Open a cycle in Plan (nothing planned yet) and return it."""
    manager = _manager()
    return cycles.cycle_create(by=manager, title="Shorter queues", owner=manager)


def decidable_cycle() -> Any:
    """Return a cycle whose Check has run on the data and found the change effective."""
    return cycle_in_check(_manager())
