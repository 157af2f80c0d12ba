"""Closing the loop with the complainant in a real browser: a quality manager answers by e-mail
from a reply template, the customer rates the handling on the post-complaint survey, and the
complaint's new forms fit a phone."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from feedback import services
from feedback.models import Complaint, SurveyInvitation
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import ComplaintFactory, ReplyTemplateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "anouk.claassen@example.net"


def acknowledged_complaint(manager: User) -> Complaint:
    """Log a complaint whose customer left their address, and acknowledge it."""
    complaint = ComplaintFactory.create(
        logged_by=manager,
        description="The heat pump was installed a week late.",
        contact_email=ADDRESS,
    )
    return services.complaint_acknowledge(complaint=complaint, by=manager)


def test_quality_manager_answers_with_a_template_and_the_customer_is_emailed(
    live_server, make_user, open_page, mailoutbox
) -> None:
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    ReplyTemplateFactory.create(
        by=manager, name="Short answer", purpose="response", subject="Answer", body="{decision}"
    )
    ReplyTemplateFactory.create(
        by=manager,
        name="Our answer",
        purpose="response",
        subject="Our answer to your complaint {reference}",
        body="Dear customer,\n\nWhat we decided: {decision}\n\nReceived on {received_on}.\n\n"
        "{handler}, {organisation}",
    )
    complaint = acknowledged_complaint(manager)
    page = open_page(DESKTOP).page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{complaint.get_absolute_url()}")

    page.locator("#actions").get_by_role("button", name="Respond to the customer").click()
    form = page.locator("#action-respond")
    form.get_by_label("Decision communicated to the customer").fill(
        "We refund the installation fee of 150 euros."
    )
    form.get_by_label("Start from a template").select_option(label="Our answer")
    expect(form.get_by_label("Subject")).to_have_value(
        f"Our answer to your complaint {complaint.reference}"
    )
    expect(form.get_by_label("Message")).to_have_value(re.compile(r"What we decided: \{decision\}"))
    expect(form.get_by_role("button", name="Use this template")).to_be_hidden()
    screenshot(page, "complaint-respond-with-template")
    form.get_by_role("button", name="Respond to the customer").click()

    expect(page.locator(".alert-success")).to_contain_text("The customer is e-mailed.")
    expect(page.get_by_test_id("timeline").locator('[data-event="message_sent"]')).to_be_visible()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [ADDRESS]
    assert email.subject == f"Our answer to your complaint {complaint.reference}"
    assert "What we decided: We refund the installation fee of 150 euros." in email.body
    assert "Quinn, Brightline Home Services" in email.body
    assert "{" not in email.body


def test_customer_rates_the_handling_and_the_complaint_shows_it(
    live_server, make_user, open_page
) -> None:
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    complaint = acknowledged_complaint(manager)
    services.complaint_respond(complaint=complaint, by=manager, decision="Refunded.")
    services.complaint_close(
        complaint=complaint, by=manager, customer_accepted=True, send_csat_to=ADDRESS
    )
    invitation = SurveyInvitation.objects.get(complaint=complaint)

    customer = open_page(PHONE).page
    customer.goto(f"{live_server.url}/s/{invitation.token}/")
    customer.locator("label[for=score-4]").click()
    customer.get_by_role("button", name="Send my answer").click()
    expect(customer.get_by_test_id("thanks")).to_be_visible()

    page = open_page(DESKTOP).page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{complaint.get_absolute_url()}")
    expect(page.get_by_test_id("satisfaction")).to_have_text("Satisfaction 4/5.")
    expect(page.locator('[data-invitation-state="answered"]')).to_contain_text("answered")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Customer rated the handling 4/5 (survey)."
    )
    screenshot(page, "complaint-rated-by-the-customer")


def test_the_new_forms_of_the_complaint_page_fit_a_phone(live_server, make_user, open_page) -> None:
    manager = make_user("quality_manager", first_name="Quinn", last_name="Okafor")
    ReplyTemplateFactory.create(by=manager, name="Acknowledgement: no heating or hot water")
    complaint = ComplaintFactory.create(
        logged_by=manager, description="No heating since Monday.", contact_email=ADDRESS
    )
    phone = open_page(PHONE)
    page = phone.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{complaint.get_absolute_url()}")

    page.locator("#actions").get_by_role("button", name="Acknowledge", exact=True).click()
    expect(page.locator("#action-acknowledge").get_by_label("Subject")).to_be_visible()
    assert_no_sideways_scroll(page)
    for panel in ("Write to the customer", "Log the customer's reply", "Change the e-mail address"):
        page.locator("#customer-actions").get_by_role("button", name=panel).click()
        expect(page.locator("#customer-actions .accordion-collapse.show")).to_be_visible()
        assert_no_sideways_scroll(page)
    screenshot(page, "complaint-customer-forms-phone")
    assert phone.errors == []
