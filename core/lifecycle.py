"""Life cycles as tables of allowed moves: one shape for complaints, ideas and PDCA cycles.

A life cycle maps each action to the statuses it may start from and the status it leads to. A
service takes a step in three lines, deciding on the row locked for its transaction so that two
people cannot both move it on from the same status:

    move = IDEA_TRANSITIONS.begin(idea, "accept", by=user, guard=_require_reviewer)
    validated_save(move.row, status=move.target, decided_by=user)
    IdeaEvent.objects.create(idea=move.row, actor=user, to_status=move.target)

A move from the wrong status is refused with an `ApplicationError` naming the row, its status and
the statuses the move needs, with `extra={"status": ..., "action": ...}` for API clients.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import models
from django.utils.functional import Promise

from .exceptions import ApplicationError

RowT = TypeVar("RowT", bound=models.Model)

# Raises PermissionDenied when the user may not take the action on the (locked) row.
Guard = Callable[[Any, RowT, str], None]


class Transition(NamedTuple):
    """One allowed move: the statuses it starts from, the status it leads to, its past tense."""

    sources: frozenset[str]
    target: str
    done: str | Promise  # completes the refusal: "… can be <done>." ("acknowledged")


@dataclass(frozen=True)
class Move(Generic[RowT]):
    """A step about to be taken: the row, locked for the transaction, and its two statuses."""

    row: RowT
    action: str
    source: str
    target: str


class LifeCycle(Mapping[str, Transition], Generic[RowT]):
    """The moves of one kind of row: a read-only table `action -> Transition`.

    `statuses` names the statuses in refusals; `refusal` is the sentence refusing a move from
    the wrong status, with the placeholders `reference`, `status`, `allowed` and `done`.
    """

    def __init__(
        self,
        statuses: type[models.TextChoices],
        transitions: dict[str, Transition],
        *,
        refusal: str | Promise,
        field: str = "status",
    ) -> None:
        self.statuses = statuses
        self.transitions = dict(transitions)
        self.refusal = refusal
        self.field = field

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self.transitions)

    def __len__(self) -> int:
        return len(self.transitions)

    def allowed(self, row: RowT, action: str) -> bool:
        """Return whether the row's status lets `action` start now."""
        return getattr(row, self.field) in self.transitions[action].sources

    def check(self, row: RowT, action: str) -> str:
        """Return the status `action` leads the row to, or refuse with a message naming the rule."""
        transition = self.transitions[action]
        status = getattr(row, self.field)
        if status not in transition.sources:
            allowed = ", ".join(sorted(self._label(source) for source in transition.sources))
            raise ApplicationError(
                str(self.refusal)
                % {
                    "reference": getattr(row, "reference", None) or str(row),
                    "status": self._label(status),
                    "allowed": allowed,
                    "done": transition.done,
                },
                extra={"status": status, "action": action},
            )
        return transition.target

    def begin(
        self, row: RowT, action: str, *, by: Any, guard: Guard[RowT] | None = None
    ) -> Move[RowT]:
        """Lock the row, check who may take `action` (`guard`) and from where; return the move.

        Call it inside the service's transaction; the lock is held until it ends.
        """
        # Decided on the locked row: the caller's copy may predate another move or a reassignment.
        locked = type(row)._default_manager.select_for_update().get(pk=row.pk)
        if guard is not None:
            guard(by, locked, action)
        target = self.check(locked, action)
        return Move(row=locked, action=action, source=getattr(locked, self.field), target=target)

    def _label(self, status: str) -> str:
        return str(self.statuses(status).label).lower()
