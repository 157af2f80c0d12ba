"""Ideas as conversations in the browser: a colleague finds an idea on a phone and joins its
conversation; a quality manager puts an accepted idea on the public roadmap, which shows it."""

from typing import Any

import pytest
from playwright.sync_api import expect

from feedback import services
from feedback.models import IdeaComment
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 10_000  # milliseconds a state may take to appear (a page load)
COMMENT = "Same at our counter: customers ask for the two-hour window every week."


def test_a_colleague_searches_opens_an_idea_and_comments_on_a_phone(
    live_server: Any, make_user: Any, open_page: Any
) -> None:
    """Search "two-hour" among a dozen ideas, open the one found, read the conversation and
    add a comment: nothing scrolls sideways, and the submitter is told in the notifications."""
    submitter = make_user("frontline", first_name="Sanne", last_name="Verbeek")
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    colleague = make_user("frontline", first_name="Maya", last_name="Brouwer")
    for number in range(12):
        IdeaFactory.create(title=f"Shorter hold music, take {number}")
    wanted = IdeaFactory.create(
        submitted_by=submitter,
        title="Text message with a two-hour delivery window",
        problem="Customers stay at home all day for a parcel that could come any time.",
        proposal="Ask the courier to send a text message the evening before with a window.",
    )
    services.idea_comment(idea=wanted, by=manager, text="How often do customers ask for this?")
    phone = open_page(PHONE)
    page = phone.page
    sign_in(page, live_server.url, colleague.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/feedback/ideas/")
    page.get_by_test_id("idea-search").fill("two-hour")
    page.get_by_test_id("idea-search").press("Enter")
    expect(page.locator("[data-idea]")).to_have_count(1, timeout=WAIT)
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name=wanted.title).click()

    expect(page.get_by_role("heading", name=wanted.title)).to_be_visible(timeout=WAIT)
    question = page.locator("[data-comment]")
    expect(question).to_have_count(1)
    expect(question).to_contain_text("Quinn Okafor")
    expect(question).to_contain_text("quality manager")
    expect(question).to_contain_text("How often do customers ask for this?")
    page.get_by_label("Your comment").fill(COMMENT)
    page.get_by_role("button", name="Add comment").click()

    added = page.locator("[data-comment]").last
    expect(added).to_contain_text(COMMENT, timeout=WAIT)
    expect(added).to_contain_text("Maya Brouwer")
    expect(page.get_by_test_id("comment-count")).to_have_text("2")
    assert_no_sideways_scroll(page)
    screenshot(page, "idea-conversation-phone")
    comment = IdeaComment.objects.get(idea=wanted, author=colleague, text=COMMENT)
    assert submitter.notifications.filter(key=f"idea-comment:{comment.pk}").count() == 1
    assert phone.errors == []


def test_the_roadmap_shows_an_idea_once_a_quality_manager_puts_it_there(
    live_server: Any, make_user: Any, open_page: Any
) -> None:
    """Accepted but not on the roadmap: the public page does not list it; one click on the
    idea's page, and a visitor without an account finds it there as planned."""
    manager = make_user("quality_manager")
    idea = services.idea_accept(
        idea=IdeaFactory.create(
            title="Pick-up points for small parcels",
            problem="Our margin on thermostats is thin.",
            proposal="Offer pick-up points at checkout.",
        ),
        by=manager,
    )
    desktop = open_page(DESKTOP)
    page = desktop.page
    visitor = open_page(PHONE).page

    visitor.goto(f"{live_server.url}/you-said-we-did/roadmap/")
    expect(visitor.get_by_text("Nothing on the roadmap yet")).to_be_visible()

    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.get_by_test_id("roadmap-toggle").click()
    expect(page.get_by_test_id("roadmap-badge")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("roadmap-state")).to_contain_text("Shown as planned")

    visitor.goto(f"{live_server.url}/you-said-we-did/")
    visitor.get_by_test_id("roadmap-link").click()
    item = visitor.get_by_test_id("roadmap-item")
    expect(item).to_have_count(1, timeout=WAIT)
    expect(item).to_contain_text("Pick-up points for small parcels")
    expect(item).to_contain_text("Planned")
    expect(item).not_to_contain_text("margin")
    assert_no_sideways_scroll(visitor)
    screenshot(visitor, "idea-roadmap-phone")
    assert desktop.errors == []
