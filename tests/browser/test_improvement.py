"""PDCA cycles in the browser: a quality manager runs one from an idea; an owner ticks an action."""

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from feedback import services as feedback_services
from improvement.services import actions as action_services
from improvement.services import cycles as cycle_services
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import IdeaFactory
from tests.improvement.factories import CHANGE_ON, FIRST, indicator_with_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 10_000  # milliseconds a state may take to appear (a page load, an htmx swap)


def test_a_quality_manager_runs_a_cycle_from_an_accepted_idea_to_its_check(
    live_server: Any, make_user: Any, open_page: Any
) -> None:
    """Idea → cycle in one click; refused out of Plan with the gaps named; Plan completed;
    an action added and ticked; Do and Check; the Check computed from the snapshots.

    The data: a year at 70, 72, 69, 71, 70, 73, 68, 71, 70, 72, 69, 71 (mean 846 / 12 = 70.5)
    and six months after the change at 79, 78, 80, 77, 79, 78 (mean 471 / 6 = 78.5): the page
    must show a rise from 70.5 to 78.5, +8.0, an effective verdict.
    """
    manager = make_user("quality_manager", username="quinn", first_name="Quinn")
    submitter = make_user("frontline", username="sam", first_name="Sam")
    idea = feedback_services.idea_accept(
        idea=IdeaFactory.create(
            submitted_by=submitter,
            title="Call customers back at a time they choose",
            problem="Customers wait on hold for support.",
            proposal="Offer a call-back slot instead of the queue.",
        ),
        by=manager,
    )
    indicator = indicator_with_data(name="Support satisfaction", code="support-csat")
    browser_page = open_page(DESKTOP)
    page = browser_page.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    # One click on the accepted idea opens the cycle in Plan.
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.get_by_test_id("start-cycle").click()
    expect(page.get_by_test_id("phase")).to_have_text("Plan", timeout=WAIT)
    expect(page.get_by_test_id("problem")).to_have_text("Customers wait on hold for support.")

    # Leaving Plan too early is refused, naming what is missing.
    page.locator('[data-submit="do"]').click()
    refusal = page.locator('[data-move-form="do"] [data-testid="form-errors"]')
    expect(refusal).to_contain_text("cannot leave Plan yet", timeout=WAIT)
    for missing in ("fishbone category", "target indicator", "target value"):
        expect(refusal).to_contain_text(missing)
    screenshot(page, "improvement-plan-refused-desktop")

    # Completing the Plan: root cause, whys, indicator, the year before as the baseline, target.
    plan = page.get_by_test_id("plan-form")
    plan.get_by_label("Root cause category (fishbone)").select_option("method")
    plan.get_by_label("5 whys").fill(
        "Customers wait on hold\nEvery call is answered live\nThere is no call-back option"
    )
    plan.get_by_label("Target indicator").select_option(str(indicator.pk))
    plan.get_by_label("Baseline from").fill(FIRST.isoformat())
    plan.get_by_label("Baseline to").fill(date(2025, 12, 1).isoformat())
    plan.get_by_label("Target value").fill("78")
    plan.get_by_role("button", name="Save the Plan").click()
    expect(page.get_by_test_id("baseline")).to_contain_text("70.5", timeout=WAIT)
    expect(page.get_by_test_id("plan-missing")).to_have_count(0)
    expect(page.get_by_test_id("five-whys").locator("li")).to_have_count(3)

    # An action, added and ticked off (htmx swaps the row).
    page.get_by_test_id("action-add").locator("summary").click()
    form = page.get_by_test_id("action-form")
    form.get_by_label("Action").fill("Offer call-back slots on the phone menu")
    form.get_by_label("Owner").select_option(str(manager.pk))
    form.get_by_label("Due").fill((CHANGE_ON - timedelta(days=2)).isoformat())
    form.get_by_role("button", name="Add the action").click()
    row = page.locator("[data-action]").first
    expect(row).to_have_attribute("data-state", "open", timeout=WAIT)
    row.locator("[data-tick]").click()
    ticked = page.locator("[data-action]").first
    expect(ticked).to_have_attribute("data-state", "done", timeout=WAIT)

    # Do began before the change went live at the start of January; then the Check.
    page.locator('[data-move-form="do"]').get_by_label("Do began on").fill("2025-12-20")
    page.locator('[data-submit="do"]').click()
    expect(page.get_by_test_id("phase")).to_have_text("Do", timeout=WAIT)
    page.locator('[data-move-form="check"]').get_by_label("The change went live on").fill(
        CHANGE_ON.isoformat()
    )
    page.locator('[data-submit="check"]').click()
    expect(page.get_by_test_id("phase")).to_have_text("Check", timeout=WAIT)

    # The Check, computed from the snapshots, in words and numbers.
    expect(page.get_by_test_id("check-summary")).to_contain_text("rose from 70.5 to 78.5")
    expect(page.get_by_test_id("check-before")).to_contain_text("70.5")
    expect(page.get_by_test_id("check-after")).to_contain_text("78.5")
    expect(page.get_by_test_id("check-difference")).to_contain_text("+8")
    expect(page.get_by_test_id("check-test")).to_contain_text("Welch")
    expect(page.get_by_test_id("check-verdict")).to_contain_text("Effective")
    # The control chart draws the cycle's dates and windows.
    expect(page.locator("#control-chart .main-svg").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("cycle-annotations")).to_contain_text("after the change")
    screenshot(page, "improvement-check-desktop")
    # On the board the card now stands in the Check column.
    page.get_by_role("link", name="Improvement board").click()
    check_column = page.locator('[data-phase="check"]')
    expect(check_column.locator("[data-cycle]")).to_have_count(1, timeout=WAIT)
    expect(check_column).to_contain_text("Support satisfaction")
    screenshot(page, "improvement-board-desktop")
    # The refused move's page is answered 400 on purpose (the browser logs it); nothing else.
    refused = [error for error in browser_page.errors if "status of 400" in error]
    assert len(refused) == 1
    assert [error for error in browser_page.errors if error not in refused] == []


def test_an_action_owner_ticks_off_an_action_on_a_phone(
    live_server: Any, make_user: Any, open_page: Any
) -> None:
    """A frontline owner opens My actions from the home page and ticks the action off."""
    manager = make_user("quality_manager")
    owner = make_user("frontline", username="fran", first_name="Fran")
    cycle = cycle_services.cycle_create(by=manager, title="Shorter queues", owner=manager)
    action_services.action_add(
        cycle=cycle,
        by=manager,
        title="Put the call-back leaflet at the till",
        owner=owner,
        due_on=date.today() + timedelta(days=2),
    )
    browser_page = open_page(PHONE)
    page = browser_page.page
    sign_in(page, live_server.url, owner.username, TEST_PASSWORD)

    page.get_by_role("link", name="Open my actions").click()
    card = page.locator("[data-action]").first
    expect(card).to_have_attribute("data-state", "open", timeout=WAIT)
    screenshot(page, "improvement-my-actions-phone")
    tick = card.locator("[data-tick]")
    box = tick.bounding_box()
    assert box is not None
    # A thumb-sized target.
    assert box["width"] >= 48
    assert box["height"] >= 48
    tick.click()

    done = page.locator('[data-action][data-state="done"]')
    expect(done).to_have_count(1, timeout=WAIT)
    expect(done).to_contain_text("Done")
    screenshot(page, "improvement-action-done-phone")
    assert browser_page.errors == []
