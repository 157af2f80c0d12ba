"""Ideas as conversations: searching the list, commenting, telling the submitter and supporters
of every status change (once), and choosing the ideas of the public roadmap."""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Notification, OutboxMessage
from core.pagination import PAGE_SIZE
from core.roles import Role
from core.tasks import notification_email_task
from feedback import emails, selectors, services
from feedback.models import IdeaComment, ImprovementIdea, Survey
from feedback.views.ideas import COMMENTS_SHOWN
from tests.core.factories import UserFactory
from tests.feedback.factories import SurveyFactory

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
SubmitIdea = Callable[..., ImprovementIdea]
Status = ImprovementIdea.Status


@pytest.fixture
def submitter(make_user: MakeUser) -> User:
    """Return the frontline colleague who submits the idea."""
    return make_user("frontline", first_name="Sanne")


@pytest.fixture
def reviewer(make_user: MakeUser) -> User:
    """Return the quality manager who reviews ideas."""
    return make_user("quality_manager", first_name="Quinn")


@pytest.fixture
def supporters(make_user: MakeUser) -> list[User]:
    """Return two colleagues, who will support the idea."""
    return [make_user("frontline"), make_user("executive")]


@pytest.fixture
def idea(submit_idea: SubmitIdea, submitter: User, supporters: list[User]) -> ImprovementIdea:
    """Return an idea of the submitter that both supporters support."""
    made = submit_idea(submitted_by=submitter, title="Text customers before the engineer comes")
    for person in supporters:
        services.idea_vote(idea=made, voter=person)
    return made


def signed_in(user: User) -> Client:
    """Return a test client signed in as the user."""
    client = Client()
    client.force_login(user)
    return client


def api_as(user: User) -> APIClient:
    """Return an API client authenticated as the user."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def told(key: str) -> list[User]:
    """Return who was told the news of a key, in the order of their ids."""
    rows = Notification.objects.filter(key=key).select_related("recipient")
    return sorted((row.recipient for row in rows), key=lambda person: person.pk)


def references(html: str) -> list[str]:
    """Return the references of the idea cards on a list page, in order."""
    return re.findall(r'data-idea="(IDEA-[^"]+)"', html)


def partner_contact() -> User:
    """Return a partner's contact, who sees only the partner portal."""
    return UserFactory.create(role=Role.PARTNER)


# Search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "search"),
    [
        ("title", "Doorstep photos for parcels", "doorstep"),
        ("problem", "Customers say the courier never rang.", "NEVER RANG"),
        ("proposal", "Ask SwiftParcel for a photo.", "swiftparcel"),
    ],
)
def test_search_finds_ideas_by_their_words_in_any_case(
    submit_idea: SubmitIdea, make_user: MakeUser, field: str, text: str, search: str
) -> None:
    wanted = submit_idea(**{field: text})
    submit_idea(title="Shorter hold music", problem="Long waits.", proposal="Call-backs.")

    found = selectors.idea_list(make_user("frontline"), search=search)

    assert list(found) == [wanted]


def test_search_finds_an_idea_by_reference_and_by_what_became_of_it(
    submit_idea: SubmitIdea, make_user: MakeUser, reviewer: User
) -> None:
    by_reference = submit_idea()
    with_outcome = services.idea_accept(idea=submit_idea(), by=reviewer)
    services.idea_record_outcome(idea=with_outcome, outcome="Changed for good: call-back slots.")
    viewer = make_user("frontline")

    assert list(selectors.idea_list(viewer, search=by_reference.reference.lower())) == [
        by_reference
    ]
    assert list(selectors.idea_list(viewer, search="call-back slots")) == [with_outcome]


def test_search_needs_every_word_somewhere_in_the_idea(
    submit_idea: SubmitIdea, make_user: MakeUser
) -> None:
    both = submit_idea(title="Photo at the door", proposal="Ask the courier.")
    submit_idea(title="Photo of the meter", proposal="Ask the customer.")

    found = selectors.idea_list(make_user("frontline"), search="photo courier")

    assert list(found) == [both]


def test_the_list_page_searches_within_the_status_filter_and_keeps_it_across_pages(
    submit_idea: SubmitIdea, reviewer: User, submitter: User
) -> None:
    """Thirty matching accepted ideas fill two pages; the pages' links keep the search and the
    status, and the status counts count what the search finds."""
    for number in range(PAGE_SIZE + 5):
        services.idea_accept(idea=submit_idea(title=f"Courier idea {number}"), by=reviewer)
    submit_idea(title="Courier idea still waiting")
    submit_idea(title="Something else entirely")
    client = signed_in(submitter)

    first = client.get(reverse("feedback:idea-list"), {"q": "courier", "status": "accepted"})
    second = client.get(
        reverse("feedback:idea-list"), {"q": "courier", "status": "accepted", "page": "2"}
    )

    html = first.content.decode()
    assert len(references(html)) == PAGE_SIZE
    assert len(references(second.content.decode())) == 5
    assert "q=courier&amp;status=accepted&amp;page=2" in html
    assert re.search(r'data-status-count="accepted">[^<]*<span[^>]*>30<', html)
    assert re.search(r'data-status-count="submitted">[^<]*<span[^>]*>1<', html)
    assert 'value="courier"' in html


def test_a_search_without_a_match_says_so(submit_idea: SubmitIdea, submitter: User) -> None:
    submit_idea(title="Photo at the door")

    response = signed_in(submitter).get(reverse("feedback:idea-list"), {"q": "heat pump"})

    assert references(response.content.decode()) == []
    assert "No idea matches" in response.content.decode()


def test_a_partner_contact_finds_no_idea_and_is_refused_the_list(
    submit_idea: SubmitIdea,
) -> None:
    submit_idea(title="Photo at the door")
    contact = partner_contact()

    assert list(selectors.idea_list(contact, search="photo")) == []
    assert signed_in(contact).get(reverse("feedback:idea-list"), {"q": "photo"}).status_code == 403


def test_the_searched_list_page_makes_as_many_queries_for_many_ideas_as_for_one(
    submit_idea: SubmitIdea, make_user: MakeUser, submitter: User, reviewer: User
) -> None:
    """Supports, comments and touchpoints are read with the ideas, not one query per idea."""
    url = reverse("feedback:idea-list")
    client = signed_in(submitter)
    voter = make_user("frontline")

    def add_idea() -> None:
        made = submit_idea(title="Courier photo")
        services.idea_vote(idea=made, voter=voter)
        services.idea_comment(idea=made, by=reviewer, text="How often?")

    add_idea()
    client.get(url, {"q": "courier"})  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"q": "courier"})
    for _number in range(4):
        add_idea()

    with CaptureQueriesContext(connection) as five:
        response = client.get(url, {"q": "courier"})

    assert len(references(response.content.decode())) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_api_searches_ideas_too(submit_idea: SubmitIdea, submitter: User) -> None:
    wanted = submit_idea(title="Doorstep photos")
    submit_idea(title="Shorter hold music")

    response = api_as(submitter).get(reverse("idea-list"), {"search": "DOORSTEP"})

    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == [wanted.reference]


def test_the_api_refuses_an_over_long_search_naming_the_field(submitter: User) -> None:
    response = api_as(submitter).get(reverse("idea-list"), {"search": "x" * 101})

    assert response.status_code == 400
    assert "search" in response.json()


# Comments ---------------------------------------------------------------------------------------


def test_a_colleague_comments_and_the_page_shows_who_wrote_what_and_when(
    idea: ImprovementIdea, make_user: MakeUser
) -> None:
    colleague = make_user("frontline", first_name="Maya", last_name="Brouwer")
    client = signed_in(colleague)

    response = client.post(
        reverse("feedback:idea-comment", args=[idea.pk]), {"text": "  We see this every week.  "}
    )

    comment = IdeaComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.author, comment.text) == (colleague, "We see this every week.")
    page = client.get(idea.get_absolute_url()).content.decode()
    shown = page[page.index(f'id="comment-{comment.pk}"') :]
    assert "Maya Brouwer" in shown[:600]
    assert "We see this every week." in shown[:800]
    assert timezone.localtime(comment.created_at).strftime("%Y") in shown[:600]


def test_a_quality_managers_comment_is_marked_as_theirs(
    idea: ImprovementIdea, reviewer: User, submitter: User
) -> None:
    services.idea_comment(idea=idea, by=reviewer, text="How often does this happen?")
    services.idea_comment(idea=idea, by=submitter, text="Most weeks.")

    page = signed_in(submitter).get(idea.get_absolute_url()).content.decode()

    assert page.count(">quality manager<") == 1
    assert page.count(">submitter<") == 1


def test_an_empty_comment_is_refused_next_to_its_field_and_nothing_is_saved(
    idea: ImprovementIdea, submitter: User
) -> None:
    response = signed_in(submitter).post(
        reverse("feedback:idea-comment", args=[idea.pk]), {"text": "   "}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'data-field-error="text">.*?Write a comment\.', html)
    assert not IdeaComment.objects.exists()


def test_the_service_refuses_an_empty_comment_on_its_text(
    idea: ImprovementIdea, submitter: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.idea_comment(idea=idea, by=submitter, text="\n ")

    assert refused.value.message_dict == {"text": ["Write a comment."]}


def test_a_partner_contact_may_not_comment(idea: ImprovementIdea) -> None:
    contact = partner_contact()

    with pytest.raises(PermissionDenied):
        services.idea_comment(idea=idea, by=contact, text="We could help.")
    page = signed_in(contact).post(
        reverse("feedback:idea-comment", args=[idea.pk]), {"text": "We could help."}
    )

    assert page.status_code == 403
    assert not IdeaComment.objects.exists()


def test_a_comment_tells_the_submitter_supporters_and_earlier_commenters_once_not_its_author(
    idea: ImprovementIdea, submitter: User, supporters: list[User], reviewer: User
) -> None:
    first = services.idea_comment(idea=idea, by=reviewer, text="How often?")
    second = services.idea_comment(idea=idea, by=supporters[0], text="Every week here.")

    assert told(f"idea-comment:{first.pk}") == sorted(
        [submitter, *supporters], key=lambda person: person.pk
    )
    assert told(f"idea-comment:{second.pk}") == sorted(
        [submitter, supporters[1], reviewer], key=lambda person: person.pk
    )
    notification = Notification.objects.get(key=f"idea-comment:{second.pk}", recipient=submitter)
    assert notification.link == f"{idea.get_absolute_url()}#comment-{second.pk}"
    assert "Every week here." in notification.body
    assert not Notification.objects.filter(key__startswith="idea-comment:", email=True).exists()
    assert not OutboxMessage.objects.filter(task=notification_email_task.name).exists()


def test_the_conversation_shows_the_newest_comments_and_links_to_earlier_ones(
    idea: ImprovementIdea, submitter: User
) -> None:
    for number in range(COMMENTS_SHOWN + 3):
        services.idea_comment(idea=idea, by=submitter, text=f"Comment number {number}.")
    client = signed_in(submitter)

    newest = client.get(idea.get_absolute_url()).content.decode()
    earlier = client.get(idea.get_absolute_url(), {"comments": 2}).content.decode()

    shown = re.findall(r"Comment number (\d+)\.", newest)
    assert shown == [str(number) for number in range(3, COMMENTS_SHOWN + 3)]
    assert 'data-testid="earlier-comments"' in newest
    assert re.findall(r"Comment number (\d+)\.", earlier) == ["0", "1", "2"]
    assert 'data-testid="newer-comments"' in earlier


def test_the_idea_page_makes_as_many_queries_for_a_long_conversation_as_for_a_short_one(
    idea: ImprovementIdea, submitter: User, reviewer: User, supporters: list[User]
) -> None:
    client = signed_in(submitter)
    services.idea_comment(idea=idea, by=reviewer, text="How often?")
    client.get(idea.get_absolute_url())  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as one:
        client.get(idea.get_absolute_url())
    for number in range(COMMENTS_SHOWN + 5):
        author = [submitter, reviewer, *supporters][number % 4]
        services.idea_comment(idea=idea, by=author, text=f"Comment {number}.")

    with CaptureQueriesContext(connection) as many:
        client.get(idea.get_absolute_url())

    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_api_lists_and_adds_comments(
    idea: ImprovementIdea, submitter: User, supporters: list[User]
) -> None:
    url = reverse("idea-comments", args=[idea.pk])
    services.idea_comment(idea=idea, by=submitter, text="First.")

    added = api_as(supporters[0]).post(url, {"text": "Second."}, format="json")
    listed = api_as(submitter).get(url)

    assert added.status_code == 201
    assert added.json()["author"] == supporters[0].username
    assert [row["text"] for row in listed.json()["results"]] == ["First.", "Second."]
    assert listed.json()["count"] == 2
    assert (
        api_as(submitter).get(reverse("idea-detail", args=[idea.pk])).json()["comment_count"] == 2
    )


def test_the_api_refuses_an_empty_comment_on_text_and_a_partner_contact_altogether(
    idea: ImprovementIdea, submitter: User
) -> None:
    url = reverse("idea-comments", args=[idea.pk])

    empty = api_as(submitter).post(url, {"text": " "}, format="json")
    stranger = api_as(partner_contact()).post(url, {"text": "Hello"}, format="json")

    assert empty.status_code == 400
    assert empty.json() == {"text": ["Write a comment."]}
    assert stranger.status_code == 403
    assert not IdeaComment.objects.exists()


# Status changes ---------------------------------------------------------------------------------


def test_each_status_change_tells_the_submitter_and_every_supporter_once_never_the_actor(
    idea: ImprovementIdea, submitter: User, supporters: list[User], reviewer: User
) -> None:
    """The reviewer supports the idea too: they took the steps, so they are told nothing."""
    services.idea_vote(idea=idea, voter=reviewer)

    services.idea_review(idea=idea, by=reviewer)
    services.idea_accept(idea=idea, by=reviewer, reason="Cheap to try.")
    services.idea_implement(idea=idea, by=reviewer, note="Live since Monday.")

    everyone = sorted([submitter, *supporters], key=lambda person: person.pk)
    for status in ("under_review", "accepted", "implemented"):
        assert told(f"idea:{idea.pk}:{status}") == everyone
    assert not Notification.objects.filter(recipient=reviewer).exists()


def test_the_news_carries_the_reason_and_links_to_the_idea(
    idea: ImprovementIdea, submitter: User, supporters: list[User], reviewer: User
) -> None:
    services.idea_decline(idea=idea, by=reviewer, reason="The SMS gateway is gone.")

    mine = Notification.objects.get(recipient=submitter)
    theirs = Notification.objects.get(recipient=supporters[0])
    assert mine.title == f"{idea.reference} was declined: {idea.title}"
    assert mine.link == idea.get_absolute_url()
    assert "The SMS gateway is gone." in mine.body
    assert mine.body.startswith("Your idea")
    assert theirs.body.startswith("An idea you support")


def test_decisions_are_emailed_but_taking_into_review_is_news_for_the_bell_only(
    idea: ImprovementIdea, submitter: User, reviewer: User
) -> None:
    services.idea_review(idea=idea, by=reviewer)
    services.idea_accept(idea=idea, by=reviewer)

    emailed = dict(Notification.objects.filter(recipient=submitter).values_list("key", "email"))
    assert emailed == {f"idea:{idea.pk}:under_review": False, f"idea:{idea.pk}:accepted": True}


def test_the_same_news_a_second_time_tells_nobody_twice(
    idea: ImprovementIdea, reviewer: User
) -> None:
    services.idea_accept(idea=idea, by=reviewer, reason="Cheap to try.")
    before = Notification.objects.count()

    emails.notify_idea_status(idea, Status.ACCEPTED, actor=reviewer, text="Cheap to try.")

    assert Notification.objects.count() == before == 3


def test_an_outcome_written_by_a_cycle_is_news_once_per_wording(
    idea: ImprovementIdea, submitter: User, supporters: list[User], reviewer: User
) -> None:
    """An adopted cycle implements the idea (news once); the same outcome written again tells
    nobody; a follow-up cycle's other outcome is news again."""
    services.idea_accept(idea=idea, by=reviewer)
    now = timezone.now()

    services.idea_record_outcome(idea=idea, outcome="Changed for good.", implemented_at=now)
    services.idea_record_outcome(idea=idea, outcome="Changed for good.", implemented_at=now)
    implemented = told(f"idea:{idea.pk}:implemented")
    services.idea_record_outcome(idea=idea, outcome="Refined in a follow-up cycle.")

    everyone = sorted([submitter, *supporters], key=lambda person: person.pk)
    assert implemented == everyone
    news = Notification.objects.filter(key__startswith=f"idea:{idea.pk}:outcome:")
    assert sorted({row.recipient_id for row in news}) == [person.pk for person in everyone]
    assert news.count() == 3
    assert "Refined in a follow-up cycle." in news.first().body  # type: ignore[union-attr]


def test_a_customers_idea_never_tells_the_customer_voice_user(
    colleague: User, reviewer: User, make_user: MakeUser
) -> None:
    survey = SurveyFactory.create(created_by=colleague, kind=Survey.Kind.NPS, ask_improvement=True)
    services.survey_respond(survey=survey, score=6, improvement_suggestion="Deliver on Saturdays")
    customer_idea = ImprovementIdea.objects.get(source=ImprovementIdea.Source.CUSTOMER)
    supporter = make_user("frontline")
    services.idea_vote(idea=customer_idea, voter=supporter)

    services.idea_accept(idea=customer_idea, by=reviewer)
    services.idea_comment(idea=customer_idea, by=reviewer, text="Saturday slots from May.")

    assert {row.recipient for row in Notification.objects.all()} == {supporter}
    assert not Notification.objects.filter(recipient__username="customer-voice").exists()


def test_a_customers_idea_passed_on_by_a_colleague_tells_that_colleague(
    submit_idea: SubmitIdea, submitter: User, reviewer: User
) -> None:
    passed_on = submit_idea(submitted_by=submitter, source=ImprovementIdea.Source.CUSTOMER)

    services.idea_accept(idea=passed_on, by=reviewer)

    assert told(f"idea:{passed_on.pk}:accepted") == [submitter]


# The public roadmap ------------------------------------------------------------------------------


def test_a_reviewer_puts_an_idea_on_the_roadmap_when_accepting_it(
    idea: ImprovementIdea, reviewer: User
) -> None:
    response = signed_in(reviewer).post(
        reverse("feedback:idea-action", args=[idea.pk, "accept"]),
        {"reason": "Cheap to try.", "on_roadmap": "on"},
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert (idea.status, idea.on_roadmap) == (Status.ACCEPTED, True)
    assert list(selectors.roadmap_ideas()) == [idea]


def test_implementing_without_the_tick_takes_the_idea_off_the_roadmap_as_the_form_showed(
    idea: ImprovementIdea, reviewer: User
) -> None:
    """The tick box shows the idea's current choice; clearing it and implementing says no."""
    services.idea_accept(idea=idea, by=reviewer, on_roadmap=True)
    page = signed_in(reviewer).get(idea.get_absolute_url()).content.decode()
    assert re.search(r'<input[^>]*name="on_roadmap"[^>]*checked', page)

    signed_in(reviewer).post(
        reverse("feedback:idea-action", args=[idea.pk, "implement"]), {"reason": ""}
    )

    idea.refresh_from_db()
    assert (idea.status, idea.on_roadmap) == (Status.IMPLEMENTED, False)


def test_a_reviewer_puts_an_implemented_idea_on_the_roadmap_later_and_takes_it_off(
    idea: ImprovementIdea, reviewer: User
) -> None:
    services.idea_accept(idea=idea, by=reviewer)
    services.idea_implement(idea=idea, by=reviewer)
    client = signed_in(reviewer)
    url = reverse("feedback:idea-roadmap", args=[idea.pk])

    client.post(url, {"on_roadmap": "on"})
    idea.refresh_from_db()
    shown = idea.on_roadmap
    client.post(url, {"on_roadmap": ""})
    idea.refresh_from_db()

    assert (shown, idea.on_roadmap) == (True, False)
    assert idea.history.filter(on_roadmap=True).exists()


def test_an_idea_not_accepted_is_refused_a_place_on_the_roadmap_next_to_the_tick(
    idea: ImprovementIdea, reviewer: User
) -> None:
    response = signed_in(reviewer).post(
        reverse("feedback:idea-roadmap", args=[idea.pk]), {"on_roadmap": "on"}
    )

    idea.refresh_from_db()
    assert response.status_code == 400
    assert re.search(
        r'data-field-error="on_roadmap">.*?Only an accepted or implemented idea',
        response.content.decode(),
    )
    assert idea.on_roadmap is False


def test_only_reviewers_choose_the_roadmap(idea: ImprovementIdea, reviewer: User) -> None:
    services.idea_accept(idea=idea, by=reviewer)

    page = signed_in(idea.submitted_by).post(
        reverse("feedback:idea-roadmap", args=[idea.pk]), {"on_roadmap": "on"}
    )
    api = api_as(idea.submitted_by).post(
        reverse("idea-roadmap", args=[idea.pk]), {"on_roadmap": True}, format="json"
    )

    assert (page.status_code, api.status_code) == (403, 403)
    with pytest.raises(PermissionDenied):
        services.idea_set_roadmap(idea=idea, by=idea.submitted_by, on_roadmap=True)


def test_the_api_accepts_onto_the_roadmap_and_leaves_it_unchanged_when_not_said(
    submit_idea: SubmitIdea, reviewer: User
) -> None:
    client = api_as(reviewer)
    first, second = submit_idea(), submit_idea()

    accepted = client.post(
        reverse("idea-accept", args=[first.pk]), {"on_roadmap": True}, format="json"
    )
    client.post(reverse("idea-accept", args=[second.pk]), {}, format="json")
    client.post(reverse("idea-roadmap", args=[second.pk]), {"on_roadmap": True}, format="json")
    implemented = client.post(reverse("idea-implement", args=[second.pk]), {}, format="json")

    assert accepted.json()["on_roadmap"] is True
    assert implemented.json()["on_roadmap"] is True
    refused = client.post(
        reverse("idea-roadmap", args=[submit_idea().pk]), {"on_roadmap": True}, format="json"
    )
    assert refused.status_code == 400
    assert "on_roadmap" in refused.json()


def test_the_roadmap_lists_only_accepted_and_implemented_ideas_put_on_it(
    submit_idea: SubmitIdea, reviewer: User
) -> None:
    planned = services.idea_accept(idea=submit_idea(title="Planned"), by=reviewer, on_roadmap=True)
    done = services.idea_accept(idea=submit_idea(title="Done"), by=reviewer, on_roadmap=True)
    services.idea_implement(idea=done, by=reviewer)
    services.idea_accept(idea=submit_idea(title="Not chosen"), by=reviewer)
    declined = services.idea_decline(idea=submit_idea(), by=reviewer, reason="No budget.")
    ImprovementIdea.objects.filter(pk=declined.pk).update(on_roadmap=True)  # a stale tick

    assert list(selectors.roadmap_ideas()) == [planned, done]
    assert list(selectors.roadmap_ideas("implemented")) == [done]
