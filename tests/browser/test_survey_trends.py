"""A quality manager reads a survey's results over time in a real browser: the trend chart follows
its filters (grain, dates, touchpoint), reads on a phone, and the survey embedded in another
site's page takes an answer."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from threading import Thread
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from feedback import services
from feedback.models import Survey, SurveyResponse
from journeys.models import Touchpoint
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import assert_no_sideways_scroll
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What plotly drew: each trace's x and y, read from the chart element itself.
FIGURE = """() => document.getElementById("chart-survey-trend").data
  .map((trace) => ({name: trace.name, x: trace.x, y: trace.y}))"""


def month_start(day: date, back: int) -> date:
    """Return the first day of the month `back` months before the one holding `day`."""
    month = day.replace(day=1)
    for _step in range(back):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def survey_with_answers(
    manager: User, checkout: Touchpoint, delivery: Touchpoint
) -> tuple[Survey, date, date]:
    """An NPS survey about the delivery, answered in the first, second and fourth of four
    complete months (the third has none); the first month's detractors were recorded about the
    checkout. Return it with the first and last day of the four months."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = month_start(date.today(), 5)
    months = [month_start(date.today(), back) for back in (5, 4, 3, 2)]
    last = month_start(date.today(), 1) - timedelta(days=1)
    survey = services.survey_create(
        created_by=manager,
        name="Delivery NPS",
        kind=Survey.Kind.NPS,
        touchpoint=delivery,
        starts_at=datetime.combine(first, time.min, tzinfo=zone),
    )
    plan = {months[0]: [10, 10, 0, 0], months[1]: [9, 8, 7], months[3]: [10, 3]}
    for month, scores in plan.items():
        for index, score in enumerate(scores):
            services.survey_respond(
                survey=survey,
                score=score,
                channel=SurveyResponse.Channel.API,
                responded_at=datetime.combine(
                    month + timedelta(days=3 + 7 * index), time(10), zone
                ),
            )
    SurveyResponse.objects.filter(survey=survey, score=0).update(touchpoint=checkout)
    return survey, first, last


def drawn(page: Page) -> list[dict[str, Any]]:
    """Wait for the trend chart and return its traces."""
    expect(page.locator("#chart-survey-trend .main-svg").first).to_be_visible()
    traces: list[dict[str, Any]] = page.evaluate(FIGURE)
    return traces


def test_a_surveys_trend_chart_follows_its_filters(
    live_server: Any, make_user: Any, open_page: Any, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    manager = make_user("quality_manager", username="quality")
    survey, first, last = survey_with_answers(manager, touchpoint, delivery)
    tab = open_page(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(
        f"{live_server.url}/feedback/surveys/{survey.pk}/"
        f"?date_from={first.isoformat()}&date_to={last.isoformat()}"
    )

    monthly = drawn(page)[0]
    # 10, 10, 0, 0: NPS 0; 9, 8, 7: 33.3; no answers: a gap; 10, 3: 0.
    assert monthly["y"] == [0, 33.3, None, 0]
    screenshot(page, "survey-trend-desktop")

    page.get_by_test_id("trend-filters").get_by_label("Per").select_option("week")
    page.get_by_role("button", name="Show").click()
    weekly = drawn(page)[0]
    assert len(weekly["x"]) > 12  # four months of weeks
    starts = [date.fromisoformat(value[:10]) for value in weekly["x"]]
    assert all(later - earlier == timedelta(days=7) for earlier, later in pairwise(starts))
    assert all(start.weekday() == 0 for start in starts)

    page.get_by_test_id("trend-filters").get_by_label("Touchpoint").select_option(
        label=f"Buy online · Order · {delivery.name}"
    )
    page.get_by_test_id("trend-filters").get_by_label("Per").select_option("month")
    page.get_by_role("button", name="Show").click()
    # Without the checkout's two detractors the first month is all promoters.
    assert drawn(page)[0]["y"] == [100, 33.3, None, 0]

    second = month_start(first + timedelta(days=40), 0)
    page.get_by_test_id("trend-filters").get_by_label("From").fill(second.isoformat())
    page.get_by_role("button", name="Show").click()
    later = drawn(page)[0]
    assert later["y"] == [33.3, None, 0]
    assert later["x"][0].startswith(second.isoformat())

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_test_id("copy-embed").click()
    expect(page.locator('[data-copy-status="embed-snippet"]')).to_have_text("Copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(f'<iframe src="{live_server.url}/s/{survey.public_token}/embed/"')
    qr = page.get_by_test_id("qr")
    qr.scroll_into_view_if_needed()
    assert qr.evaluate("(image) => image.complete && image.naturalWidth > 0")  # the SVG drew
    assert tab.errors == []


def test_a_surveys_trend_reads_on_a_phone(
    live_server: Any, make_user: Any, open_page: Any, touchpoint: Touchpoint, delivery: Touchpoint
) -> None:
    """The filters stack, the chart fits the width, nothing scrolls sideways."""
    manager = make_user("quality_manager", username="quality")
    survey, first, last = survey_with_answers(manager, touchpoint, delivery)
    phone = open_page(PHONE)
    page = phone.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(
        f"{live_server.url}/feedback/surveys/{survey.pk}/"
        f"?date_from={first.isoformat()}&date_to={last.isoformat()}"
    )

    assert drawn(page)[0]["y"] == [0, 33.3, None, 0]
    page.get_by_test_id("trend").scroll_into_view_if_needed()
    assert_no_sideways_scroll(page)
    box = page.locator("#chart-survey-trend").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "survey-trend-phone")
    assert phone.errors == []


@contextmanager
def website(body: str) -> Iterator[str]:
    """Serve one HTML page from another site than the live server's (127.0.0.1, the server
    being localhost) on a port of its own; yield its address."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            content = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_embedded_survey_takes_an_answer_inside_another_sites_page(
    live_server: Any, make_user: Any, open_page: Any, settings: Any
) -> None:
    """A page of another site (127.0.0.1, this server being localhost: two sites, so the browser
    sends the frame no cookie of this one) pastes the embed snippet: the survey shows, with the
    organisation's name, and takes an answer; the survey's own page in a frame is refused."""
    manager = make_user("quality_manager")
    survey = services.survey_create(
        created_by=manager,
        name="Website CSAT",
        kind=Survey.Kind.CSAT,
        starts_at=datetime.now(ZoneInfo(settings.TIME_ZONE)) - timedelta(hours=1),
    )
    frames = {
        "embed": f"{live_server.url}/s/{survey.public_token}/embed/",
        "own": f"{live_server.url}/s/{survey.public_token}/",
    }
    body = "<h1>Brightline</h1>" + "".join(
        f'<iframe name="{key}" src="{url}" width="600" height="720"></iframe>'
        for key, url in frames.items()
    )
    tab = open_page(DESKTOP)
    page = tab.page

    with website(body) as address:
        settings.SURVEY_EMBED_ANCESTORS = [address]
        page.goto(f"{address}/")

        frame = page.frame_locator("iframe[name=embed]")
        expect(frame.get_by_test_id("organisation")).to_contain_text("Brightline Home Services")
        frame.locator("label[for=score-4]").click()
        frame.get_by_role("button", name="Send my answer").click()
        expect(frame.get_by_test_id("thanks")).to_have_text("Thank you for your answer")
        screenshot(page, "survey-embedded")

    assert SurveyResponse.objects.get(survey=survey).score == 4
    own = page.frame(name="own")
    assert own is not None
    assert own.url.startswith("chrome-error://")
