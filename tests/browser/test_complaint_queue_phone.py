"""The complaint queue on a small phone (364x800): each row laid out as a card, filters folded.

The queue is one table; from md up it shows as a table with its header, on a phone its header is
hidden and each row is a card. There the first complaint's reference, status, SLA clock and owner
are on the first screen, nothing scrolls sideways, and bulk assignment still works.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from feedback.models import Complaint
from journeys.models import Touchpoint
from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import ComplaintFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE: ViewportSize = {"width": 364, "height": 800}

# Every visible element whose right edge passes the viewport, and how far the page scrolls.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const offenders = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && box.right > width + 1) {
      offenders.push(`${element.tagName.toLowerCase()}.${element.className}`);
    }
  }
  return {sideways: document.documentElement.scrollWidth - width, offenders};
}"""


def fill_queue(logged_by: Any, touchpoint: Touchpoint, delivery: Touchpoint) -> Complaint:
    """Log a page's worth of complaints at the checkout and the delivery; return the overdue one,
    which heads the queue."""
    for number in range(8):
        ComplaintFactory.create(
            logged_by=logged_by,
            description=f"Parcel {number} left at the neighbours without a note to the customer.",
            touchpoint=delivery if number % 2 else touchpoint,
        )
    return ComplaintFactory.create(
        logged_by=logged_by,
        description="The engineer never came and nobody called to say so.",
        touchpoint=delivery,
        received_at=timezone.now() - timedelta(days=6),
    )


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(OVERFLOW_SCRIPT)
    assert overflow == {"sideways": 0, "offenders": []}


def test_phone_queue_shows_cards_with_folded_filters(
    live_server, make_user, open_page, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """At 364 px the first card's reference, status, SLA and owner show on the first screen."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    overdue = fill_queue(make_user("frontline"), touchpoint, delivery)
    phone = open_page(SMALL_PHONE)
    page = phone.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/feedback/complaints/")

    assert_no_sideways_scroll(page)
    expect(page.locator("thead")).to_be_hidden()
    card = page.locator("tr[data-complaint]").first
    expect(card).to_have_attribute("data-complaint", overdue.reference)
    first_screen = [
        card.get_by_role("link", name=overdue.reference),
        card.locator("[data-status]"),
        card.locator("[data-sla]"),
        card.locator("[data-owner]"),
    ]
    for part in first_screen:
        expect(part).to_be_visible()
        box = part.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= SMALL_PHONE["width"]
        assert box["y"] + box["height"] <= SMALL_PHONE["height"]
    expect(card.locator("[data-sla]")).to_have_text("Overdue")
    # A card, not a table row: the status goes on the line below the reference.
    reference_box = first_screen[0].bounding_box()
    status_box = first_screen[1].bounding_box()
    assert reference_box is not None
    assert status_box is not None
    assert status_box["y"] >= reference_box["y"] + reference_box["height"]
    expect(card.locator("[data-owner]")).to_contain_text("SwiftParcel")
    screenshot(page, "complaint-queue-small-phone")

    status_filter = page.get_by_label("Status", exact=True)
    expect(status_filter).to_be_hidden()
    page.get_by_role("button", name="Filters").click()
    expect(status_filter).to_be_visible()
    assert_no_sideways_scroll(page)
    assert phone.errors == []


def test_phone_queue_counts_active_filters_on_the_button(
    live_server, make_user, open_page, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """A filtered queue keeps its filters folded and says how many apply."""
    manager = make_user("quality_manager")
    fill_queue(make_user("frontline"), touchpoint, delivery)
    phone = open_page(SMALL_PHONE)
    page = phone.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/feedback/complaints/?status=open&assignee=none")

    expect(page.get_by_test_id("active-filters")).to_have_text("2 active")
    expect(page.get_by_label("Status", exact=True)).to_be_hidden()
    assert_no_sideways_scroll(page)


def test_phone_queue_bulk_assigns_the_ticked_cards(
    live_server, make_user, open_page, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """Quality managers tick cards on a phone and assign them in one go."""
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    overdue = fill_queue(make_user("frontline"), touchpoint, delivery)
    phone = open_page(SMALL_PHONE)
    page = phone.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/feedback/complaints/")

    page.get_by_role("checkbox", name=f"Tick {overdue.reference}").check()
    page.get_by_label("Assign ticked complaints to").select_option(label="Quinn Okafor")
    page.get_by_role("button", name="Assign", exact=True).click()

    expect(page.locator(".alert-success")).to_contain_text("1 complaints assigned to Quinn Okafor")
    overdue.refresh_from_db()
    assert overdue.assignee == manager
    card = page.locator(f'tr[data-complaint="{overdue.reference}"]')
    expect(card.locator("[data-assignee]")).to_contain_text("Quinn Okafor")
    assert phone.errors == []


def test_frontline_phone_queue_has_cards_without_tick_boxes(
    live_server, make_user, open_page, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """Frontline staff see their complaints as cards, with nothing to tick."""
    frontline = make_user("frontline")
    overdue = fill_queue(frontline, touchpoint, delivery)
    phone = open_page(SMALL_PHONE)
    page = phone.page
    sign_in(page, live_server.url, frontline.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/feedback/complaints/")

    expect(page.locator("tr[data-complaint]").first).to_have_attribute(
        "data-complaint", overdue.reference
    )
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_no_sideways_scroll(page)
    screenshot(page, "complaint-queue-small-phone-frontline")
    assert phone.errors == []


def test_desktop_queue_keeps_the_table(
    live_server, make_user, open_page, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """From the md breakpoint up the queue is a table with its header, filters in view."""
    manager = make_user("quality_manager")
    overdue = fill_queue(make_user("frontline"), touchpoint, delivery)
    desktop = open_page(DESKTOP)
    page = desktop.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/feedback/complaints/")

    expect(page.locator(f'tr[data-complaint="{overdue.reference}"]')).to_be_visible()
    expect(page.get_by_role("columnheader", name="Assignee")).to_be_visible()
    row = page.locator(f'tr[data-complaint="{overdue.reference}"]')
    # Laid out as a table row, not a phone's card: the status stands in its own column, right
    # of the complaint's cell (on a phone it goes on the line below the reference).
    reference_box = row.get_by_role("link", name=overdue.reference).bounding_box()
    status_box = row.locator("[data-status]").bounding_box()
    assert reference_box is not None
    assert status_box is not None
    assert status_box["x"] > reference_box["x"] + reference_box["width"]
    expect(page.get_by_label("Status", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Filters")).to_be_hidden()
    assert desktop.errors == []
