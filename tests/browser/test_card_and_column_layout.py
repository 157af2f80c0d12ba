"""Layout details people notice: journey-map buttons stay inside their card, and the mystery-
shopping quarters line up from row to row."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import ViewportSize, expect

from feedback import services as feedback_services
from journeys import services as journey_services
from journeys.models import Touchpoint
from stakeholders import services as stakeholder_services
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import ChecklistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP: ViewportSize = {"width": 1400, "height": 1000}

# Every element of a journey-map card that reaches past the card's left or right edge.
SPILLS_SCRIPT = """() => [...document.querySelectorAll(".jm-card")].flatMap(card => {
  const edge = card.getBoundingClientRect();
  return [...card.querySelectorAll("a, button")]
    .filter(element => {
      const box = element.getBoundingClientRect();
      return box.right > edge.right + 0.5 || box.left < edge.left - 0.5;
    })
    .map(element => `${card.dataset.touchpointName}: ${element.getAttribute("aria-label")}`);
})"""


def build_buy_online() -> int:
    """Build the five stages of "Buy online", with the long-worded cards of the demo."""
    field_service = stakeholder_services.department_create(name="Field Service")
    journey = journey_services.journey_create(name="Buy online")
    for name in ["Discover", "Choose & order", "Pay", "Delivery"]:
        journey_services.stage_add(journey=journey, name=name)
    install = journey_services.stage_add(journey=journey, name="Install & first use")
    visit = journey_services.touchpoint_add(
        stage=install, name="Installation visit", channel="on_site", owner_department=field_service
    )
    journey_services.touchpoint_add(
        stage=install, name="Welcome e-mail", channel="email", owner_department=field_service
    )
    journey_services.failure_point_add(
        touchpoint=visit,
        description="Engineer misses the slot",
        severity=8,
        occurrence=4,
        detection=3,
    )
    return journey.pk


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_journey_map_card_buttons_stay_inside_their_card(
    live_server, make_user, open_page, viewport
) -> None:
    journey = build_buy_online()
    manager = make_user("quality_manager")
    browser_page = open_page(viewport)
    page = browser_page.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/journeys/{journey}/")

    card = page.locator('[data-touchpoint-name="Installation visit"]')
    expect(card.get_by_role("button", name="Delete Installation visit")).to_be_attached()
    assert page.evaluate(SPILLS_SCRIPT) == []
    screenshot(page, f"journey-map-cards-{viewport['width']}")
    assert browser_page.errors == []


def quarter_x(page: Any, touchpoint: str, quarter: str) -> float:
    box = page.locator(
        f'[data-touchpoint="{touchpoint}"] [data-quarter="{quarter}"]'
    ).bounding_box()
    assert box is not None
    return box["x"]


def test_mystery_shopping_quarters_line_up_from_row_to_row(
    live_server, make_user, open_page, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """A touchpoint audited a quarter earlier than the others does not shift their columns."""
    manager = make_user("quality_manager")
    for audited, visits in [
        (delivery, [date(2025, 11, 3), date(2026, 2, 9), date(2026, 5, 4)]),
        (touchpoint, [date(2026, 2, 16), date(2026, 5, 11)]),
    ]:
        checklist = ChecklistFactory.create(
            by=manager, touchpoint=audited, name=f"{audited.name} visit", items=[("a", 1)]
        )
        for number, visited_on in enumerate(visits):
            scores = {item.pk: 1 + number % 4 for item in checklist.items.all()}
            feedback_services.audit_record(
                template=checklist, auditor=manager, visited_on=visited_on, scores=scores
            )
    browser_page = open_page(LAPTOP)
    page = browser_page.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/feedback/mystery-shopping/")

    for quarter in ["2026-01", "2026-04"]:
        assert quarter_x(page, "Delivery", quarter) == quarter_x(page, "Checkout", quarter)
    screenshot(page, "mystery-shopping-quarters")
    assert browser_page.errors == []
