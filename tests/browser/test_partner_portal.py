"""The partner portal on a phone: SwiftParcel's contact signs in, lands on the scorecard, opens
the complaints at its touchpoints and adds a corrective-action note, with nothing scrolling
sideways and no script error."""

import pytest
from playwright.sync_api import expect

from feedback.models import ComplaintEvent
from journeys.models import Touchpoint
from stakeholders.models import Partner
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import ComplaintFactory
from tests.stakeholders.factories import PartnerContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Both agency drivers briefed on the photo-at-the-door rule."


def test_partner_signs_in_on_a_phone_reads_its_complaints_and_adds_a_note(
    live_server, make_user, open_page, partner: Partner, delivery: Touchpoint
) -> None:
    """Sign in → the scorecard; Complaints → the list; a complaint → add a note → it shows."""
    contact = PartnerContactFactory.create(partner=partner, email="piotr@swiftparcel.example")
    complaint = ComplaintFactory.create(
        logged_by=make_user("frontline"),
        touchpoint=delivery,
        description="Parcel thrown over the fence at 12 Elm Street.",
        customer_reference="CRM-009876",
    )
    phone = open_page(PHONE)
    page = phone.page

    sign_in(page, live_server.url, contact.user.username, TEST_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/reports/scorecards/{partner.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("SwiftParcel")
    screenshot(page, "partner-portal-scorecard-phone")
    page.get_by_role("button", name="Toggle navigation").click()
    page.locator('[data-nav="reports:portal-complaint-list"]').click()
    expect(page.locator(f'[data-complaint="{complaint.pk}"]')).to_be_visible()
    assert_no_sideways_scroll(page)
    body = page.content()
    assert complaint.reference not in body
    assert "12 Elm Street" not in body
    assert "CRM-009876" not in body
    screenshot(page, "partner-portal-complaints-phone")
    page.locator(f'[data-complaint="{complaint.pk}"] a').click()
    page.get_by_role("textbox", name="Corrective-action note").fill(NOTE)
    page.locator('[data-submit="note"]').click()

    expect(page.locator('[data-testid="notes"]')).to_contain_text(NOTE)
    assert_no_sideways_scroll(page)
    screenshot(page, "partner-portal-note-phone")
    assert ComplaintEvent.objects.filter(
        complaint=complaint, kind=ComplaintEvent.Kind.PARTNER_NOTE, partner=partner
    ).exists()
    assert phone.errors == []
