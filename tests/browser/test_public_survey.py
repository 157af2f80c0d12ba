"""An anonymous customer answers an NPS survey on a phone-size page: by tapping, and by keyboard."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback import services
from feedback.models import Survey, SurveyResponse
from tests.browser.conftest import PHONE, screenshot
from tests.core.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nps_survey() -> Survey:
    return services.survey_create(
        created_by=UserFactory.create(),
        name="Store visit NPS",
        kind=Survey.Kind.NPS,
        comment_question="What is the main reason for your score?",
        starts_at=timezone.now() - timedelta(hours=1),
    )


def test_anonymous_customer_answers_an_nps_survey_on_a_phone(live_server, open_page) -> None:
    survey = nps_survey()
    phone = open_page(PHONE)
    page = phone.page

    page.goto(f"{live_server.url}/s/{survey.public_token}/")
    expect(page.get_by_role("group", name=survey.question)).to_be_visible()
    # Every score fits the phone's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("label[for=score-9]").click()
    page.get_by_label("What is the main reason for your score?").fill(
        "Friendly staff, short queue."
    )
    screenshot(page, "public-survey-phone")
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_test_id("thanks")).to_have_text("Thank you for your answer")
    screenshot(page, "public-survey-thanks-phone")
    assert phone.errors == []
    response = SurveyResponse.objects.get()
    assert (response.score, response.comment) == (9, "Friendly staff, short queue.")


def test_customer_answers_with_the_keyboard_only(live_server, open_page) -> None:
    survey = nps_survey()
    phone = open_page(PHONE)
    page = phone.page
    page.goto(f"{live_server.url}/s/{survey.public_token}/")

    # The scores are one radio group: Tab reaches it, the arrow keys choose, Space selects.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _step in range(10):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Extremely likely")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Great")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert phone.errors == []
    assert SurveyResponse.objects.get().score == 10
