"""A quality manager imports customer activity: good and bad rows, progress, errors, no doubles."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from feedback.models import Survey, SurveyResponse
from stakeholders import services as stakeholder_services
from stakeholders.models import CustomerActivity
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Headers as a CRM exports them: the mapping page pairs them with the importer's columns.
CSV = (
    b"Activity ID;Customer;When;Type;Amount;Channel\n"
    b"ACT-1;CRM-1;2026-01-05T10:00;purchase;49.90;web\n"
    b"ACT-2;CRM-2;2026-01-06;renewal;;shop\n"
    b"ACT-3;CRM-404;2026-01-07;purchase;10;web\n"
    b"ACT-4;CRM-1;last week;purchase;10;web\n"
)


def upload(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/imports/new/")
    page.get_by_label("The file holds").select_option(label="Customer activity")
    page.get_by_label("CSV file").set_input_files(
        files={"name": "crm-activity.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("preview")).to_contain_text("CRM-404")
    page.get_by_label("external_id").select_option(label="Activity ID")
    page.get_by_label("customer_reference").select_option(label="Customer")
    page.get_by_label("occurred_at").select_option(label="When")
    page.get_by_label("kind").select_option(label="Type")
    page.get_by_label("amount").select_option(label="Amount")
    page.get_by_role("button", name="Start the import").click()
    expect(page.locator("#import-progress")).to_have_attribute("data-status", "done")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")


def test_quality_manager_imports_activity_and_reimporting_adds_nothing(
    live_server: Any, make_user: Any, open_page: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    for number in (1, 2):
        stakeholder_services.customer_create(
            external_reference=f"CRM-{number}", first_seen=date(2025, 1, 1)
        )
    manager = make_user("quality_manager", username="quality")
    tab = open_page(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.get_by_role("button", name="Tools").click()
    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Import a CSV file").click()

    upload(page, live_server.url)

    counts = page.locator("#import-progress")
    expect(counts.locator("[data-count=created]")).to_have_text("2")
    expect(counts.locator("[data-count=error]")).to_have_text("2")
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("No customer has the reference 'CRM-404'.")
    expect(errors.locator("tbody tr").first).to_contain_text("4")
    expect(errors).to_contain_text("occurred_at")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all errors (CSV)").click()
    assert b"CRM-404" in download.value.path().read_bytes()
    screenshot(page, "import-done")
    assert sorted(CustomerActivity.objects.values_list("external_id", flat=True)) == [
        "ACT-1",
        "ACT-2",
    ]

    upload(page, live_server.url)

    expect(counts.locator("[data-count=created]")).to_have_text("0")
    expect(counts.locator("[data-count=duplicate]")).to_have_text("2")
    assert CustomerActivity.objects.count() == 2
    assert tab.errors == []


# A kiosk's export: no survey column, the survey is chosen on the upload form.
KIOSK_CSV = (
    b"Response,When,Score,Comment\n"
    b"K-1,2026-01-05T10:00,9,Quick and friendly\n"
    b"K-2,2026-01-06T11:30,6,\n"
)


def test_quality_manager_downloads_a_template_and_imports_into_a_chosen_survey(
    live_server: Any, make_user: Any, open_page: Any, settings: Any, tmp_path: Any
) -> None:
    """The template holds the survey importer's header; a file without a survey column goes to
    the survey chosen on the form, and the survey choice hides for other importers."""
    settings.MEDIA_ROOT = tmp_path
    Survey.objects.create(name="Store CSAT", kind=Survey.Kind.CSAT, question="Satisfied?")
    kiosk = Survey.objects.create(name="Kiosk NPS", kind=Survey.Kind.NPS, question="Recommend?")
    manager = make_user("quality_manager", username="quality")
    tab = open_page(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/imports/new/")

    page.get_by_label("The file holds").select_option(label="Customer activity")
    expect(page.get_by_label("Survey", exact=True)).to_be_hidden()
    page.get_by_label("The file holds").select_option(label="Survey responses")
    expect(page.get_by_label("Survey", exact=True)).to_be_visible()
    responses = page.locator("details[data-importer=survey_responses]")
    expect(responses).to_have_attribute("open", "")  # the chosen importer's columns unfold
    with page.expect_download() as download:
        responses.get_by_role("link", name="Download a template for Survey responses").click()
    template = download.value.path().read_text(encoding="utf-8").splitlines()
    assert template[0] == (
        "survey,external_id,responded_at,score,comment,improvement_suggestion,"
        "customer_reference,follow_up_consent"
    )
    assert template[1].startswith("Store CSAT,") or template[1].startswith("Kiosk NPS,")

    page.get_by_label("Survey", exact=True).select_option(label="Kiosk NPS")
    page.get_by_label("CSV file").set_input_files(
        files={"name": "kiosk.csv", "mimeType": "text/csv", "buffer": KIOSK_CSV}
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("chosen-survey")).to_contain_text("Kiosk NPS")
    page.get_by_label("external_id").select_option(label="Response")
    page.get_by_label("responded_at").select_option(label="When")
    page.get_by_label("score").select_option(label="Score")
    page.get_by_label("comment", exact=True).select_option(label="Comment")
    page.get_by_role("button", name="Start the import").click()

    expect(page.locator("#import-progress")).to_have_attribute("data-status", "done")
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.get_by_test_id("chosen-survey")).to_have_text("Kiosk NPS")
    screenshot(page, "import-chosen-survey")
    assert SurveyResponse.objects.filter(survey=kiosk).count() == 2
    assert tab.errors == []


def test_the_upload_page_fits_a_phone(live_server: Any, make_user: Any, open_page: Any) -> None:
    Survey.objects.create(name="Kiosk NPS", kind=Survey.Kind.NPS, question="Recommend?")
    manager = make_user("quality_manager", username="quality")
    phone = open_page(PHONE)
    page = phone.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_label("The file holds").select_option(label="Survey responses")
    page.locator("details").evaluate_all("(all) => all.forEach((item) => { item.open = true; })")

    expect(page.get_by_role("link", name="Download a template for Customers")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "import-upload-phone")
    assert phone.errors == []
