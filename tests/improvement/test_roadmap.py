"""The public roadmap: the accepted and implemented ideas a reviewer chose to show, for anyone,
without names or internal text, linked with "You said, we did" both ways."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.pagination import PAGE_SIZE
from feedback import services
from feedback.models import ImprovementIdea
from improvement.services import cycles, phases
from journeys.models import Touchpoint
from tests.feedback.factories import IdeaFactory
from tests.improvement.factories import cycle_in_check

pytestmark = pytest.mark.django_db

SubmitIdea = Callable[..., ImprovementIdea]
ROADMAP = "public-improvement:roadmap"
PATH_MARK = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"  # between journey and touchpoint
PUBLISHED = "You told us the wait on the phone was too long: we now call you back."


@pytest.fixture
def reviewer(make_user: Callable[..., User]) -> User:
    """Return the quality manager who decides ideas and chooses the roadmap."""
    return make_user("quality_manager", first_name="Quentin", last_name="Reviewer")


@pytest.fixture
def submit_idea(touchpoint: Touchpoint, make_user: Callable[..., User]) -> SubmitIdea:
    """Return a function submitting a frontline idea for the checkout (override any field)."""

    def submit(submitted_by: User | None = None, **fields: Any) -> ImprovementIdea:
        fields.setdefault("touchpoint", touchpoint)
        return IdeaFactory.create(submitted_by=submitted_by or make_user("frontline"), **fields)

    return submit


def titles(html: str) -> list[str]:
    """Return the titles of the roadmap's items, in order."""
    return re.findall(r'<h2 class="h6 mb-1 text-break">([^<]+)</h2>', html)


def test_anyone_sees_the_planned_and_done_ideas_on_the_roadmap_and_nothing_else(
    submit_idea: SubmitIdea, reviewer: User, make_user: Callable[..., User], touchpoint: Touchpoint
) -> None:
    """Planned (accepted) first, then done (implemented); an idea nobody put on the roadmap, a
    declined one with a stale tick and one still waiting are not shown."""
    submitter = make_user("frontline", first_name="Sanne", last_name="Verbeek")
    planned = services.idea_accept(
        idea=submit_idea(submitted_by=submitter, title="Pick-up points for small parcels"),
        by=reviewer,
        reason="Agreed with the warehouse manager.",
        on_roadmap=True,
    )
    done = services.idea_accept(
        idea=submit_idea(submitted_by=submitter, title="Shoe covers at every visit"),
        by=reviewer,
        on_roadmap=True,
    )
    services.idea_implement(idea=done, by=reviewer, note="Bought from supplier 4711.")
    services.idea_accept(idea=submit_idea(title="Not chosen"), by=reviewer)
    declined = services.idea_decline(idea=submit_idea(title="Declined"), by=reviewer, reason="No")
    ImprovementIdea.objects.filter(pk=declined.pk).update(on_roadmap=True)
    submit_idea(title="Still waiting")

    response = Client().get(reverse(ROADMAP))

    html = response.content.decode()
    assert response.status_code == 200
    assert titles(html) == [planned.title, done.title]
    assert 'data-status="planned"' in html
    assert 'data-status="done"' in html
    assert f"{touchpoint.stage.journey.name} {PATH_MARK} {touchpoint.name}" in html
    assert done.implemented_at is not None
    # The page says the organisation's local date (after 23:00 UTC in winter, the next day's).
    assert f"Done</span> on {timezone.localtime(done.implemented_at):%-d %B %Y}" in html


def test_the_roadmap_shows_no_names_and_no_internal_text(
    submit_idea: SubmitIdea, reviewer: User, make_user: Callable[..., User]
) -> None:
    submitter = make_user("frontline", first_name="Sanne", last_name="Verbeek")
    idea = submit_idea(
        submitted_by=submitter,
        title="Pick-up points for small parcels",
        problem="Our margin on thermostats is thin.",
        proposal="Use the cheap PostNL contract.",
    )
    services.idea_vote(idea=idea, voter=make_user("frontline", first_name="Vera"))
    services.idea_accept(
        idea=idea, by=reviewer, reason="Cheaper than SwiftParcel.", on_roadmap=True
    )
    services.idea_comment(idea=idea, by=reviewer, text="Internal: check the contract.")

    html = Client().get(reverse(ROADMAP)).content.decode()

    assert "Pick-up points for small parcels" in html
    for private in (
        "Sanne",
        "Verbeek",
        submitter.username,
        "Vera",
        "Quentin",
        reviewer.username,
        idea.reference,
        "margin",
        "PostNL",
        "Cheaper than SwiftParcel",
        "Internal: check the contract",
    ):
        assert private not in html, private


def test_a_done_idea_shows_its_outcome_or_the_published_change_in_customers_words(
    submit_idea: SubmitIdea, reviewer: User, make_user: Callable[..., User]
) -> None:
    """The idea's own outcome by default; the public summary of the published change that
    implemented it when there is one (no cycle reference then)."""
    owner = make_user("quality_manager")
    by_hand = services.idea_accept(idea=submit_idea(title="By hand"), by=reviewer, on_roadmap=True)
    services.idea_implement(idea=by_hand, by=reviewer)
    services.idea_record_outcome(idea=by_hand, outcome="Fewer calls about parcels.")
    by_cycle = services.idea_accept(
        idea=submit_idea(title="By a cycle"), by=reviewer, on_roadmap=True
    )
    cycle = cycle_in_check(owner, ideas=[by_cycle])
    cycle = phases.cycle_decide(cycle=cycle, by=owner, outcome="adopt")
    cycles.cycle_update(cycle=cycle, by=owner, publish=True, public_summary=PUBLISHED)

    html = Client().get(reverse(ROADMAP)).content.decode()

    assert "Fewer calls about parcels." in html
    assert PUBLISHED in html
    assert cycle.reference not in html


def test_the_roadmap_is_paged_and_filtered_by_planned_or_done(
    submit_idea: SubmitIdea, reviewer: User
) -> None:
    for number in range(PAGE_SIZE + 3):
        services.idea_accept(
            idea=submit_idea(title=f"Planned {number}"), by=reviewer, on_roadmap=True
        )
    done = services.idea_accept(idea=submit_idea(title="Done one"), by=reviewer, on_roadmap=True)
    services.idea_implement(idea=done, by=reviewer)
    client = Client()

    first = client.get(reverse(ROADMAP)).content.decode()
    second = client.get(reverse(ROADMAP), {"page": "2"}).content.decode()
    only_done = client.get(reverse(ROADMAP), {"show": "done"}).content.decode()
    only_planned = client.get(reverse(ROADMAP), {"show": "planned", "page": "2"}).content.decode()

    assert len(titles(first)) == PAGE_SIZE
    assert titles(second)[-1] == "Done one"
    assert len(titles(second)) == 4
    assert titles(only_done) == ["Done one"]
    assert len(titles(only_planned)) == 3
    assert "show=planned&amp;page=1" in only_planned


def test_the_roadmap_makes_as_many_queries_for_many_ideas_as_for_one(
    submit_idea: SubmitIdea, reviewer: User
) -> None:
    client = Client()
    services.idea_accept(idea=submit_idea(), by=reviewer, on_roadmap=True)
    client.get(reverse(ROADMAP))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(ROADMAP))
    for _number in range(5):
        services.idea_accept(idea=submit_idea(), by=reviewer, on_roadmap=True)

    with CaptureQueriesContext(connection) as six:
        html = client.get(reverse(ROADMAP)).content.decode()

    assert len(titles(html)) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_roadmap_and_you_said_we_did_link_to_each_other(db: Any) -> None:
    roadmap = Client().get(reverse(ROADMAP)).content.decode()
    you_said = Client().get(reverse("public-improvement:you-said-we-did")).content.decode()

    assert f'href="{reverse("public-improvement:you-said-we-did")}"' in roadmap
    assert f'href="{reverse(ROADMAP)}"' in you_said
    assert "Nothing on the roadmap yet" in roadmap
