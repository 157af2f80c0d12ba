"""Improvement ideas: references, review transitions, decisions with reasons, and support."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import ApplicationError
from feedback import selectors, services
from feedback.models import IdeaVote, ImprovementIdea

pytestmark = pytest.mark.django_db

Status = ImprovementIdea.Status
MakeUser = Callable[..., Any]
SubmitIdea = Callable[..., ImprovementIdea]

SUBMITTED = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
WALKED_AT = SUBMITTED + timedelta(days=1)
ACTED_AT = SUBMITTED + timedelta(days=2)


def take(action: str, idea: ImprovementIdea, by: Any, at: datetime) -> ImprovementIdea:
    """Take a review action with valid arguments."""
    if action == "review":
        return services.idea_review(idea=idea, by=by, at=at)
    if action == "accept":
        return services.idea_accept(idea=idea, by=by, reason="Cheap and quick.", at=at)
    if action == "decline":
        return services.idea_decline(idea=idea, by=by, reason="The SMS gateway is gone.", at=at)
    if action == "implement":
        return services.idea_implement(idea=idea, by=by, note="Live since Monday.", at=at)
    raise AssertionError(action)


# The actions that bring a new idea to each status.
PATHS = {
    Status.SUBMITTED: [],
    Status.UNDER_REVIEW: ["review"],
    Status.ACCEPTED: ["accept"],
    Status.DECLINED: ["decline"],
    Status.IMPLEMENTED: ["accept", "implement"],
}

PAIRS = [(status, action) for status in Status.values for action in services.IDEA_TRANSITIONS]
LEGAL = [
    (status, action) for status, action in PAIRS if status in services.IDEA_TRANSITIONS[action][0]
]
ILLEGAL = [pair for pair in PAIRS if pair not in LEGAL]


def support(idea: ImprovementIdea, viewer: Any) -> tuple[int, bool]:
    """Return the idea's support count and whether the viewer supports it, as lists show them."""
    listed: Any = selectors.idea_list(viewer).get(pk=idea.pk)
    return listed.vote_count, listed.supported


@pytest.fixture
def reviewer(make_user: MakeUser) -> Any:
    """Return a quality manager, who reviews ideas."""
    return make_user("quality_manager")


@pytest.fixture
def submitter(make_user: MakeUser) -> Any:
    """Return the frontline employee who submits the idea."""
    return make_user("frontline")


@pytest.fixture
def idea_in(
    submit_idea: SubmitIdea, reviewer: Any, submitter: Any
) -> Callable[[str], ImprovementIdea]:
    """Return a function making an idea in a given status by walking the services."""

    def make(status: str) -> ImprovementIdea:
        idea = submit_idea(submitted_by=submitter, submitted_at=SUBMITTED)
        for action in PATHS[Status(status)]:
            take(action, idea, reviewer, WALKED_AT)
        assert idea.status == status
        return idea

    return make


# References -------------------------------------------------------------------------------------


def test_ideas_get_consecutive_references_of_the_local_year_submitted(
    submit_idea: SubmitIdea,
) -> None:
    """23:30 UTC on New Year's Eve is already New Year in Amsterdam."""
    new_year = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)

    first = submit_idea(submitted_at=new_year)
    second = submit_idea(submitted_at=new_year)

    assert (first.reference, second.reference) == ("IDEA-2025-000001", "IDEA-2025-000002")


def test_ideas_and_complaints_are_numbered_independently(
    submit_idea: SubmitIdea, log_complaint: Callable[..., Any]
) -> None:
    moment = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    log_complaint(received_at=moment)
    log_complaint(received_at=moment)

    idea = submit_idea(submitted_at=moment)

    assert idea.reference == "IDEA-2024-000001"


def test_submitted_idea_waits_for_review_with_a_submitted_event(
    submit_idea: SubmitIdea, submitter: Any
) -> None:
    idea = submit_idea(submitted_by=submitter, submitted_at=SUBMITTED)

    event = idea.events.get()
    assert idea.status == Status.SUBMITTED
    assert (event.actor, event.at, event.to_status) == (submitter, SUBMITTED, Status.SUBMITTED)


# Transitions ------------------------------------------------------------------------------------


def test_review_allows_exactly_the_documented_steps() -> None:
    assert set(LEGAL) == {
        (Status.SUBMITTED, "review"),
        (Status.SUBMITTED, "accept"),
        (Status.UNDER_REVIEW, "accept"),
        (Status.SUBMITTED, "decline"),
        (Status.UNDER_REVIEW, "decline"),
        (Status.ACCEPTED, "implement"),
    }


@pytest.mark.parametrize(("status", "action"), LEGAL)
def test_legal_idea_transition_moves_the_idea_and_records_who_and_when(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any, status: str, action: str
) -> None:
    idea = idea_in(status)
    target = services.IDEA_TRANSITIONS[action][1]

    take(action, idea, reviewer, ACTED_AT)

    idea.refresh_from_db()
    event = idea.events.order_by("-id").first()
    assert event is not None
    assert idea.status == target
    assert (event.actor, event.at, event.to_status) == (reviewer, ACTED_AT, target)


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_idea_transition_is_refused_naming_the_status_and_changes_nothing(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any, status: str, action: str
) -> None:
    idea = idea_in(status)
    events = idea.events.count()

    with pytest.raises(ApplicationError) as refused:
        take(action, idea, reviewer, ACTED_AT)

    idea.refresh_from_db()
    label = Status(status).label.lower()
    assert refused.value.message.startswith(f"{idea.reference} is {label}: only an idea that is")
    assert refused.value.extra == {"status": status, "action": action}
    assert (idea.status, idea.events.count()) == (status, events)


def test_implementing_an_idea_that_was_not_accepted_says_what_is_needed(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any
) -> None:
    idea = idea_in(Status.UNDER_REVIEW)

    with pytest.raises(ApplicationError) as refused:
        services.idea_implement(idea=idea, by=reviewer)

    assert refused.value.message == (
        f"{idea.reference} is under review: only an idea that is accepted can be marked "
        "implemented."
    )


@pytest.mark.parametrize("role", ["frontline", "executive"])
@pytest.mark.parametrize("action", list(services.IDEA_TRANSITIONS))
def test_only_quality_managers_review_ideas(
    idea_in: Callable[[str], ImprovementIdea],
    make_user: MakeUser,
    role: str,
    action: str,
) -> None:
    status = Status.ACCEPTED if action == "implement" else Status.SUBMITTED
    idea = idea_in(status)

    with pytest.raises(PermissionDenied, match="Only quality managers review ideas"):
        take(action, idea, make_user(role), ACTED_AT)

    idea.refresh_from_db()
    assert idea.status == status


# Decisions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any, reason: str
) -> None:
    idea = idea_in(Status.UNDER_REVIEW)

    with pytest.raises(ValidationError) as refused:
        services.idea_decline(idea=idea, by=reviewer, reason=reason)

    idea.refresh_from_db()
    assert list(refused.value.message_dict) == ["reason"]
    assert idea.status == Status.UNDER_REVIEW


def test_decline_reason_is_kept_and_shown_to_the_submitter(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any, submitter: Any
) -> None:
    idea = idea_in(Status.UNDER_REVIEW)

    services.idea_decline(
        idea=idea, by=reviewer, reason=" Customers opted out of SMS. ", at=ACTED_AT
    )

    mine = selectors.my_ideas(submitter).get()
    event = idea.events.order_by("-id").first()
    assert (mine.status, mine.decision_reason, mine.decided_by, mine.decided_at) == (
        Status.DECLINED,
        "Customers opted out of SMS.",
        reviewer,
        ACTED_AT,
    )
    assert event is not None
    assert event.text == "Customers opted out of SMS."


def test_acceptance_records_who_decided_and_an_optional_reason(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any
) -> None:
    idea = idea_in(Status.SUBMITTED)

    services.idea_accept(idea=idea, by=reviewer, at=ACTED_AT)

    assert (idea.status, idea.decision_reason, idea.decided_by, idea.decided_at) == (
        Status.ACCEPTED,
        "",
        reviewer,
        ACTED_AT,
    )


def test_implementation_records_when(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any
) -> None:
    idea = idea_in(Status.ACCEPTED)

    services.idea_implement(idea=idea, by=reviewer, at=ACTED_AT)

    assert (idea.status, idea.implemented_at) == (Status.IMPLEMENTED, ACTED_AT)


def test_timeline_tells_the_ideas_story_in_order(
    idea_in: Callable[[str], ImprovementIdea], reviewer: Any, submitter: Any
) -> None:
    idea = idea_in(Status.SUBMITTED)
    services.idea_review(idea=idea, by=reviewer, at=SUBMITTED + timedelta(days=1))
    services.idea_accept(idea=idea, by=reviewer, reason="Yes.", at=SUBMITTED + timedelta(days=2))

    services.idea_implement(idea=idea, by=reviewer, note="Done.", at=SUBMITTED + timedelta(days=9))

    timeline = [
        (event.to_status, event.actor, event.text) for event in selectors.idea_timeline(idea)
    ]
    assert timeline == [
        (Status.SUBMITTED, submitter, ""),
        (Status.UNDER_REVIEW, reviewer, ""),
        (Status.ACCEPTED, reviewer, "Yes."),
        (Status.IMPLEMENTED, reviewer, "Done."),
    ]


# Support ----------------------------------------------------------------------------------------


def test_a_colleague_supports_an_idea_once(
    idea_in: Callable[[str], ImprovementIdea], make_user: MakeUser
) -> None:
    idea = idea_in(Status.SUBMITTED)
    colleague = make_user("frontline")
    services.idea_vote(idea=idea, voter=colleague)

    with pytest.raises(ApplicationError, match="You already support this idea"):
        services.idea_vote(idea=idea, voter=colleague)

    assert support(idea, colleague) == (1, True)


def test_support_is_counted_per_person(
    idea_in: Callable[[str], ImprovementIdea], make_user: MakeUser, submitter: Any
) -> None:
    idea = idea_in(Status.SUBMITTED)

    services.idea_vote(idea=idea, voter=make_user("frontline"))
    services.idea_vote(idea=idea, voter=make_user("executive"))

    assert support(idea, submitter) == (2, False)


def test_nobody_supports_their_own_idea(
    idea_in: Callable[[str], ImprovementIdea], submitter: Any
) -> None:
    idea = idea_in(Status.SUBMITTED)

    with pytest.raises(ApplicationError, match="You cannot support your own idea"):
        services.idea_vote(idea=idea, voter=submitter)

    assert not IdeaVote.objects.filter(idea=idea).exists()


@pytest.mark.parametrize("status", [Status.DECLINED, Status.IMPLEMENTED])
def test_decided_ideas_collect_no_more_support(
    idea_in: Callable[[str], ImprovementIdea], make_user: MakeUser, status: str
) -> None:
    idea = idea_in(status)

    with pytest.raises(ApplicationError) as refused:
        services.idea_vote(idea=idea, voter=make_user("frontline"))

    label = Status(status).label.lower()
    assert refused.value.message == f"{idea.reference} is {label}: it no longer collects support."
    assert not IdeaVote.objects.filter(idea=idea).exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACCEPTED])
def test_open_and_accepted_ideas_collect_support(
    idea_in: Callable[[str], ImprovementIdea], make_user: MakeUser, status: str
) -> None:
    idea = idea_in(status)

    vote = services.idea_vote(idea=idea, voter=make_user("frontline"))

    assert IdeaVote.objects.filter(idea=idea).get() == vote


def test_withdrawing_support_removes_the_vote(
    idea_in: Callable[[str], ImprovementIdea], make_user: MakeUser
) -> None:
    idea = idea_in(Status.SUBMITTED)
    colleague = make_user("frontline")
    services.idea_vote(idea=idea, voter=colleague)

    services.idea_unvote(idea=idea, voter=colleague)

    assert support(idea, colleague) == (0, False)


def test_withdrawing_support_one_never_gave_changes_nothing(
    idea_in: Callable[[str], ImprovementIdea], make_user: MakeUser
) -> None:
    idea = idea_in(Status.SUBMITTED)
    services.idea_vote(idea=idea, voter=make_user("frontline"))

    services.idea_unvote(idea=idea, voter=make_user("frontline"))

    assert IdeaVote.objects.filter(idea=idea).count() == 1
