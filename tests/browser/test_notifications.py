"""The bell and the notification centre on a phone; a quality manager connecting a Teams channel
and a webhook receiver on a laptop (issue 17), in Debian's chromium."""

import json
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import ViewportSize, expect

from core.models import ChatChannel, WebhookEndpoint
from core.notifications.services import notify
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD
from tests.core.test_webhooks import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP: ViewportSize = {"width": 1400, "height": 1000}


def test_the_bell_counts_on_a_phone_and_the_centre_marks_read(
    live_server: Any, make_user: Any, open_page: Any
) -> None:
    """On a phone the bell stays beside the menu button with its count; opening a notification
    marks it read and lands on its page; "Mark all as read" empties the count."""
    person = make_user("frontline")
    notify(
        [person],
        kind="assignment",
        title="Complaint CMP-2026-000042 is now yours",
        body="Due within two working days.",
        link=reverse("my-work"),
    )
    notify([person], kind="recognition", title="Kudos from Quinn", body="Thank you!", link="")
    phone = open_page(PHONE)
    page = phone.page
    sign_in(page, live_server.url, person.username, TEST_PASSWORD)

    bell = page.get_by_test_id("notification-bell-phone")
    expect(bell).to_be_visible()  # without opening the folded menu
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")
    expect(page.get_by_test_id("unread-count-phone")).to_have_text("2")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator("[data-unread]")).to_have_count(2)
    assert_no_sideways_scroll(page)
    screenshot(page, "notification-centre-phone")

    assigned = page.locator("article", has_text="CMP-2026-000042")
    assigned.get_by_role("link", name="Open").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('my-work')}")
    expect(page.get_by_test_id("unread-count-phone")).to_have_text("1")
    page.get_by_test_id("notification-bell-phone").click()
    page.get_by_test_id("read-all").click()
    expect(page.locator("[data-unread]")).to_have_count(0)
    expect(page.get_by_test_id("unread-count-phone")).to_have_count(0)
    expect(page.get_by_test_id("notification-bell-phone")).to_have_attribute(
        "aria-label", "Notifications, 0 unread"
    )
    assert phone.errors == []


def test_a_quality_manager_connects_teams_and_a_webhook_receiver(
    live_server: Any, make_user: Any, open_page: Any, settings: Any
) -> None:
    """A Teams channel answers the test message with an Adaptive Card received; a webhook
    endpoint on a private address is refused next to its field, a public one is added and its
    secret shown once."""
    receiver = Receiver()
    try:
        settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = True
        manager = make_user("quality_manager")
        laptop = open_page(LAPTOP)
        page = laptop.page
        sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

        page.goto(f"{live_server.url}{reverse('chat:channel-create')}")
        page.get_by_label("Name").fill("Quality team")
        page.get_by_label("Kind").select_option("teams")
        page.get_by_label("Webhook URL").fill(receiver.url)
        page.get_by_role("button", name="Connect").click()
        page.get_by_role("button", name="Send a test message").click()
        expect(page.get_by_text("Test message sent to “Quality team”.")).to_be_visible()
        card = json.loads(receiver.requests[-1][1])["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert card["content"]["type"] == "AdaptiveCard"
        assert ChatChannel.objects.get().last_error == ""
        assert_no_sideways_scroll(page)  # the quality manager's long menu wraps, if anything
        screenshot(page, "chat-channels")

        settings.OUTBOUND_ALLOW_PRIVATE_TARGETS = False
        page.goto(f"{live_server.url}{reverse('webhooks:endpoint-create')}")
        page.get_by_label("URL").fill("https://127.0.0.1/hooks")
        page.get_by_label("complaint.created").check()
        page.get_by_role("button", name="Add").click()
        expect(page.locator("#id_url_error")).to_contain_text("loopback address")
        assert not WebhookEndpoint.objects.exists()
        page.get_by_label("URL").fill("https://93.184.216.34/hooks")
        page.get_by_role("button", name="Add").click()
        secret = page.get_by_test_id("webhook-secret")
        expect(secret).to_have_text(WebhookEndpoint.objects.get().secret)
        assert WebhookEndpoint.objects.get().secret.startswith("whsec_")
        screenshot(page, "webhook-secret")
        assert laptop.errors == []
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
