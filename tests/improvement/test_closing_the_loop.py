"""Closing the loop: the people whose idea or complaint started an adopted cycle hear of it."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import outbox
from core.models import OutboxMessage
from core.tasks import notification_email_task
from feedback.services import idea_accept
from improvement.models import PDCACycle
from improvement.services import actions, cycles, phases
from tests.feedback.factories import ComplaintFactory, IdeaFactory
from tests.improvement.factories import CHANGE_ON, FIRST, indicator_with_data
from tests.metrics.snapshots import months

pytestmark = pytest.mark.django_db


def adopted(cycle: PDCACycle, manager: Any) -> PDCACycle:
    """Plan, do and check a cycle on data showing an effect, then adopt it (through services)."""
    cycles.cycle_update(
        cycle=cycle,
        by=manager,
        root_cause_category="method",
        five_whys=["Customers wait", "Every call is answered live"],
        target_indicator=indicator_with_data(),
        target_value=78.0,
    )
    cycles.cycle_update(
        cycle=cycle, by=manager, baseline_from=FIRST, baseline_to=months(FIRST, 12)[-1]
    )
    action = actions.action_add(
        cycle=cycle, by=manager, title="Offer call-back slots", owner=manager, due_on=CHANGE_ON
    )
    phases.cycle_start_do(cycle=cycle, by=manager, at=CHANGE_ON - timedelta(days=20))
    actions.action_complete(action=action, by=manager, done_on=CHANGE_ON - timedelta(days=2))
    checked = phases.cycle_start_check(cycle=cycle, by=manager, change_on=CHANGE_ON)
    assert checked.verdict == PDCACycle.Verdict.EFFECTIVE
    return phases.cycle_decide(cycle=checked, by=manager, outcome="adopt")


def test_a_frontline_idea_turned_into_an_adopted_cycle_shows_its_outcome_and_mails_once(
    make_user, client, django_capture_on_commit_callbacks
) -> None:
    """Idea → accepted → cycle in one click → adopted: the submitter's My submissions shows
    what became of it, and one e-mail about the outcome reaches them (the idea's "implemented"
    news, after its "accepted" one), even when the tasks are delivered twice."""
    manager = make_user("quality_manager")
    clerk = make_user("frontline", email="clerk@example.org")
    idea = IdeaFactory.create(submitted_by=clerk, title="Call customers back")
    idea_accept(idea=idea, by=manager)
    cycle = cycles.cycle_start_from_idea(idea=idea, by=manager)

    with django_capture_on_commit_callbacks(execute=True):
        cycle = adopted(cycle, manager)
    messages = OutboxMessage.objects.filter(task=notification_email_task.name).order_by("pk")
    for message in [*messages, *messages]:
        notification_email_task.apply(args=message.args, task_id=outbox.task_id(message.pk))

    client.force_login(clerk)
    page = client.get(reverse("feedback:my-submissions"), {"tab": "ideas"}).content.decode()
    assert 'data-testid="idea-outcome"' in page
    assert f"Changed for good in {cycle.reference}" in page
    assert [sent.to for sent in mail.outbox] == [["clerk@example.org"]] * 2
    subjects = sorted(sent.subject for sent in mail.outbox)
    assert subjects == [
        f"[LoyaltyQMS] {idea.reference} is implemented: Call customers back",
        f"[LoyaltyQMS] {idea.reference} was accepted: Call customers back",
    ]
    implemented = next(sent for sent in mail.outbox if "is implemented" in sent.subject)
    assert cycle.reference in implemented.body


def test_the_complaints_tab_shows_what_the_adopted_cycle_changed(make_user, client) -> None:
    """The complaint's logger reads the improvement on their complaints tab."""
    manager = make_user("quality_manager")
    clerk = make_user("frontline")
    complaint = ComplaintFactory.create(logged_by=clerk)
    other = ComplaintFactory.create(logged_by=clerk)
    cycle = cycles.cycle_create(
        by=manager, title="Call customers back", owner=manager, problem_statement="Long waits."
    )
    cycles.cycle_update(cycle=cycle, by=manager, complaints=[complaint])

    cycle = adopted(cycle, manager)

    client.force_login(clerk)
    page = client.get(reverse("feedback:my-submissions")).content.decode()
    start = page.index(f'data-complaint="{complaint.reference}"')
    card = page[start : page.index("</article>", start)]
    other_start = page.index(f'data-complaint="{other.reference}"')
    other_card = page[other_start : page.index("</article>", other_start)]
    assert 'data-testid="improvement"' in card
    assert f"Changed for good in {cycle.reference}" in card
    assert 'data-testid="improvement"' not in other_card


def test_the_complaints_tab_reads_the_outcomes_without_a_query_per_complaint(
    make_user, client
) -> None:
    """One complaint or four: the page makes the same number of queries (no N+1)."""
    manager = make_user("quality_manager")
    clerk = make_user("frontline")
    cycle = cycles.cycle_create(
        by=manager, title="Call customers back", owner=manager, problem_statement="Long waits."
    )
    first = ComplaintFactory.create(logged_by=clerk)
    cycles.cycle_update(cycle=cycle, by=manager, complaints=[first])
    adopted(cycle, manager)
    client.force_login(clerk)
    url = reverse("feedback:my-submissions")
    client.get(url)  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _number in range(3):
        ComplaintFactory.create(logged_by=clerk)

    with CaptureQueriesContext(connection) as four:
        page = client.get(url)

    assert page.content.decode().count('data-complaint="') == 4
    assert len(four.captured_queries) == len(one.captured_queries)
