"""The shape every life cycle shares: a table of allowed moves, checked on the locked row."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError
from core.lifecycle import LifeCycle, Transition
from core.roles import Role
from feedback import services
from feedback.models import ImprovementIdea
from tests.core.factories import UserFactory
from tests.feedback.factories import IdeaFactory

Status = ImprovementIdea.Status

# A small table of its own, so that these tests say what the shape does whatever the ideas' rules.
REVIEW: LifeCycle[ImprovementIdea] = LifeCycle(
    Status,
    {
        "review": Transition(
            frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW, gettext_lazy("reviewed")
        ),
        "decline": Transition(
            frozenset({Status.SUBMITTED, Status.UNDER_REVIEW}),
            Status.DECLINED,
            gettext_lazy("declined"),
        ),
    },
    refusal=gettext_lazy("%(reference)s is %(status)s: only one %(allowed)s can be %(done)s."),
)


def row(status: str) -> Any:
    """Return a stand-in for a row at a status (the checks read only the status and reference)."""
    return SimpleNamespace(status=status, reference="IDEA-2026-000007")


def test_the_table_reads_like_a_mapping_of_actions_to_moves() -> None:
    assert list(REVIEW) == ["review", "decline"]
    assert len(REVIEW) == 2
    assert REVIEW["review"].sources == {Status.SUBMITTED}
    assert REVIEW["review"].target == Status.UNDER_REVIEW
    # Older callers unpack a move as (sources, target).
    assert REVIEW["decline"][0] == {Status.SUBMITTED, Status.UNDER_REVIEW}


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        (Status.SUBMITTED, "review", True),
        (Status.UNDER_REVIEW, "review", False),
        (Status.UNDER_REVIEW, "decline", True),
        (Status.DECLINED, "decline", False),
    ],
)
def test_allowed_says_whether_the_status_lets_the_action_start(
    status: str, action: str, allowed: bool
) -> None:
    assert REVIEW.allowed(row(status), action) is allowed


def test_check_returns_the_status_the_action_leads_to() -> None:
    assert REVIEW.check(row(Status.UNDER_REVIEW), "decline") == Status.DECLINED


def test_check_refuses_a_move_from_the_wrong_status_naming_row_status_and_the_rule() -> None:
    with pytest.raises(ApplicationError) as refused:
        REVIEW.check(row(Status.ACCEPTED), "decline")

    assert refused.value.message == (
        "IDEA-2026-000007 is accepted: only one submitted, under review can be declined."
    )
    assert refused.value.extra == {"status": Status.ACCEPTED, "action": "decline"}


@pytest.mark.django_db
def test_begin_decides_on_the_stored_row_not_on_an_outdated_copy() -> None:
    """A page opened before a colleague accepted the idea cannot take it into review."""
    idea = IdeaFactory.create()
    outdated = ImprovementIdea.objects.get(pk=idea.pk)
    services.idea_accept(idea=idea, by=UserFactory.create(role=Role.QUALITY_MANAGER))

    with pytest.raises(ApplicationError, match="is accepted: only one submitted can be reviewed"):
        REVIEW.begin(outdated, "review", by=None)

    assert outdated.status == Status.SUBMITTED  # the caller's copy is left as it was


@pytest.mark.django_db
def test_begin_returns_the_locked_row_and_both_statuses_of_the_move() -> None:
    idea = IdeaFactory.create()

    move = REVIEW.begin(idea, "decline", by=None)

    assert (move.row.pk, move.action, move.source, move.target) == (
        idea.pk,
        "decline",
        Status.SUBMITTED,
        Status.DECLINED,
    )
    assert move.row is not idea


@pytest.mark.django_db
def test_begin_asks_the_guard_first_with_the_user_the_locked_row_and_the_action() -> None:
    idea = IdeaFactory.create()
    asked: list[tuple[Any, int, str]] = []

    def refuse(by: Any, locked: ImprovementIdea, action: str) -> None:
        asked.append((by, locked.pk, action))
        raise PermissionDenied("Only quality managers review ideas.")

    with pytest.raises(PermissionDenied, match="Only quality managers review ideas"):
        REVIEW.begin(idea, "review", by="someone", guard=refuse)

    assert asked == [("someone", idea.pk, "review")]
    idea.refresh_from_db()
    assert idea.status == Status.SUBMITTED
