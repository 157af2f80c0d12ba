"""A complaint from a phone to its outcome: frontline logs it, quality handles it, frontline sees.

Phone-sized viewport (390x844) throughout, as frontline staff and many managers work on phones.
"""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from feedback.models import Complaint
from journeys import services as journey_services
from journeys.models import Journey
from stakeholders import services as stakeholder_services
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The bar: logging takes under 30 seconds of scripted typing on a phone.
LOGGING_BUDGET_SECONDS = 30
# Typed key by key at a brisk thumb-typing pace (about 40 words a minute), not pasted.
KEY_DELAY_MS = 250


def build_delivery_touchpoint() -> None:
    partner = stakeholder_services.partner_create(
        name="SwiftParcel",
        kind="distributor",
        reliability_score=2,
        values_score=3,
        customer_impact_score=5,
        cost_score=4,
    )
    department = stakeholder_services.department_create(name="E-commerce")
    journey = journey_services.journey_create(name="Buy online")
    order = journey_services.stage_add(journey=journey, name="Order")
    receive = journey_services.stage_add(journey=journey, name="Receive")
    journey_services.touchpoint_add(
        stage=order, name="Checkout", channel="web", owner_department=department
    )
    journey_services.touchpoint_add(
        stage=receive, name="Parcel delivery", channel="delivery", owner_partner=partner
    )


def sign_out(page: Page) -> None:
    """Sign out by dropping the session (signing out through the menu is tested elsewhere)."""
    page.context.clear_cookies()


def take_step(page: Page, label: str, fill: dict[str, str] | None = None, check: str = "") -> None:
    """Open one step of the complaint's accordion, fill it in and submit it."""
    page.locator("#actions").get_by_role("button", name=label, exact=True).first.click()
    item = page.locator(".accordion-collapse.show")
    for field_label, value in (fill or {}).items():
        control = item.get_by_label(field_label, exact=False).first
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    if check:
        item.get_by_label(check, exact=True).check()
    item.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_complaint_from_phone_to_outcome(live_server, make_user, open_page) -> None:
    build_delivery_touchpoint()
    frontline = make_user("frontline", first_name="Sanne", last_name="Verbeek")
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")

    # Frontline staff log the complaint on a phone and see the reference at once.
    phone = open_page(PHONE)
    page = phone.page
    sign_in(page, live_server.url, frontline.username, TEST_PASSWORD)
    page.get_by_role("link", name="Log a complaint").first.click()
    started = time.monotonic()
    page.get_by_label("What happened?").press_sequentially(
        "Courier left the heat pump outside in the rain.", delay=KEY_DELAY_MS
    )
    page.get_by_text("High", exact=True).click()
    page.get_by_label("Search touchpoints").press_sequentially("parcel", delay=KEY_DELAY_MS)
    page.get_by_role("listbox", name="Matching touchpoints").get_by_role(
        "option", name="Buy online · Receive · Parcel delivery"
    ).click()
    journey = Journey.objects.get(name="Buy online")
    expect(page.get_by_label("Journey", exact=True)).to_have_value(str(journey.pk))
    screenshot(page, "complaint-log-phone")
    page.get_by_role("button", name="Log complaint").click()
    expect(page.get_by_test_id("reference")).to_have_text(re.compile(r"CMP-\d{4}-\d{6}"))
    elapsed = time.monotonic() - started
    reference = page.get_by_test_id("reference").inner_text()
    screenshot(page, "complaint-logged-phone")
    print(f"Logging the complaint took {elapsed:.1f} s")  # shown with -s, for the record
    assert elapsed < LOGGING_BUDGET_SECONDS, f"logging took {elapsed:.1f} s"
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.owner_partner is not None
    assert complaint.owner_partner.name == "SwiftParcel"
    # High complaints are the quality managers': frontline staff escalate with one click.
    take_step(page, "Escalate to quality")
    sign_out(page)

    # The quality manager takes it through the whole life cycle, also on a phone.
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/feedback/complaints/?sla=escalated")
    page.get_by_role("link", name=reference).click()
    take_step(page, "Assign", {"Assign to": "Quinn Okafor"})
    take_step(page, "Acknowledge")
    take_step(page, "Start investigation", {"Note": "Checking SwiftParcel's scan log."})
    take_step(
        page,
        "Set root cause",
        {"Root cause category": "Material / supplier", "What caused it": "No doorstep photo."},
    )
    take_step(
        page,
        "Respond to the customer",
        {"Decision communicated": "A new heat pump is on its way and the delivery is refunded."},
    )
    take_step(page, "Close", {"Customer satisfaction": "4"}, check="Yes")
    expect(page.locator("[data-status]").first).to_have_text("Closed")
    screenshot(page, "complaint-closed-phone")
    assert phone.errors == []
    sign_out(page)

    # Frontline staff see the outcome in My submissions.
    sign_in(page, live_server.url, frontline.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/feedback/mine/")
    card = page.locator(f'[data-complaint="{reference}"]')
    expect(card.locator("[data-status]")).to_have_text("Closed")
    expect(card.get_by_test_id("decision")).to_contain_text("A new heat pump is on its way")
    expect(card).to_contain_text("accepted by the customer")
    screenshot(page, "my-submissions-phone")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.customer_satisfaction == 4
    assert list(complaint.events.values_list("kind", flat=True)) == [
        "logged",
        "escalated",
        "assigned",
        "acknowledged",
        "investigating",
        "root_cause",
        "responded",
        "closed",
    ]
