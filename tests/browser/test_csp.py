"""The main pages under the strict Content-Security-Policy, in a real browser.

Chromium enforces the policy the server sends: any inline handler, style or script left on a page
would be refused and reported. Each test listens for those reports (`securitypolicyviolation`
events and the console) and checks that what moved into static files still works: the queue's
tick-all box and filters, the control chart, the journey editor's Cancel, the public link.
"""

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from feedback.models import Survey
from journeys.models import QualityObjective, Stage, Touchpoint
from stakeholders.models import Partner
from tests.browser.conftest import DESKTOP, PHONE, PageWithConsole, screenshot, sign_in
from tests.browser.test_complaint_queue_phone import fill_queue
from tests.browser.test_indicators import indicators, open_chart
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import SurveyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts: keeps each report of a refused resource.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""
# Console words of a refused resource or a header the browser could not read, at any level.
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class WatchedPage:
    """A browser page whose policy reports (and JavaScript errors) are kept for the test."""

    def __init__(self, tab: PageWithConsole) -> None:
        self.tab = tab
        self.page: Page = tab.page
        self.console: list[str] = []
        self.page.add_init_script(WATCH_VIOLATIONS)
        self.page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if any(words in message.text for words in POLICY_WORDS):
            self.console.append(f"{message.type}: {message.text}")

    def assert_nothing_refused(self) -> None:
        """Fail on any policy report of the page shown now, or any console error so far."""
        reported = self.page.evaluate("window.cspViolations")
        assert reported == []
        assert self.console == []
        assert self.tab.errors == []


@pytest.fixture
def watched(open_page: Any) -> Any:
    """Return a function opening a fresh watched page at a viewport size."""
    return lambda viewport: WatchedPage(open_page(viewport))


def test_the_control_chart_draws_with_plotly_styles_from_its_stylesheet(
    live_server: Any,
    make_user: Any,
    watched: Any,
    objective: QualityObjective,
    partner: Partner,
) -> None:
    """plotly.js draws both charts, takes its rules from plotly.css, injects no <style>, keeps
    its bold hover labels, and its "download as PNG" (drawn through a blob: image) still saves
    a picture."""
    manager = make_user("quality_manager")
    delivery = indicators(manager, objective, partner)
    tab = watched(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/metrics/")
    tab.assert_nothing_refused()
    page.goto(f"{live_server.url}{delivery.get_absolute_url()}")
    open_chart(page)

    assert page.evaluate("document.querySelectorAll('style').length") == 0
    main_svg = page.locator("#control-chart .main-svg").first
    expect(main_svg).to_have_css("position", "absolute")  # a rule of plotly.css
    # Hovering a point shows its label; plotly writes its bold period as a style attribute,
    # one of the three declarations the policy lets through by their hashes.
    point = page.locator("#control-chart .scatterlayer .trace .point").nth(3).bounding_box()
    assert point is not None
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    bold = page.locator("#control-chart .hoverlayer tspan.line > tspan", has_text="2024").first
    expect(bold).to_have_css("font-weight", "700")
    with page.expect_download() as download:
        page.locator('#control-chart .modebar-btn[data-title="Download plot as a PNG"]').click()
    assert download.value.suggested_filename.endswith(".png")
    screenshot(page, "csp-indicator-chart")
    tab.assert_nothing_refused()


def test_the_complaint_queue_ticks_all_and_submits_its_filters_on_change(
    live_server: Any,
    make_user: Any,
    watched: Any,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
) -> None:
    """The tick-all box ticks and clears every complaint; choosing a filter applies it at once."""
    manager = make_user("quality_manager")
    fill_queue(make_user("frontline"), touchpoint, delivery)
    tab = watched(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/feedback/complaints/")
    boxes = "Array.from(document.querySelectorAll('input[name=complaints]'))"

    page.get_by_label("Tick all on this page").check()
    ticked = page.evaluate(f"{boxes}.map((box) => box.checked)")
    page.get_by_label("Tick all on this page").uncheck()
    cleared = page.evaluate(f"{boxes}.map((box) => box.checked)")

    assert len(ticked) == 9  # nine complaints, one tick box each
    assert all(ticked)
    assert not any(cleared)
    tab.assert_nothing_refused()

    page.get_by_label("Severity").select_option(label="High")

    page.wait_for_url("**/feedback/complaints/?*severity=*")
    expect(page.get_by_label("Severity")).to_have_value(page.url.split("severity=")[1][:1])
    tab.assert_nothing_refused()


def test_the_stakeholder_map_journey_map_and_survey_page_work(
    live_server: Any, make_user: Any, watched: Any, stage: Stage, delivery: Touchpoint
) -> None:
    """The stakeholder map's icons keep their size, the journey map its columns and the
    editor's Cancel, and the survey page selects its public link when it gets focus."""
    manager = make_user("quality_manager")
    survey = SurveyFactory.create(created_by=manager)
    tab = watched(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/stakeholders/")
    icon = page.locator(".stakeholder-icon").first.bounding_box()
    assert icon is not None
    assert (icon["width"], icon["height"]) == (36, 36)  # 2.25rem
    tab.assert_nothing_refused()

    page.goto(f"{live_server.url}/journeys/{stage.journey.pk}/")
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.jm-grid')).gridTemplateColumns.split(' ')"
    )
    assert len(columns) == 2  # the owners' column and the journey's one stage
    page.get_by_role("button", name=f"Rename {stage.name}").click()
    editor = page.locator("#editor [data-editor]")
    expect(editor).to_be_visible()
    editor.get_by_role("button", name="Cancel").click()
    expect(editor).to_have_count(0)
    tab.assert_nothing_refused()

    page.goto(f"{live_server.url}/feedback/surveys/{survey.pk}/")
    link = page.get_by_test_id("public-url")
    link.focus()
    selected = page.evaluate(
        "(() => { const field = document.getElementById('public-url');"
        " return [field.selectionStart, field.selectionEnd, field.value.length]; })()"
    )
    assert selected[0] == 0
    assert selected[1] == selected[2] > 0
    tab.assert_nothing_refused()


def test_the_public_survey_page_is_answered_under_the_policy(
    live_server: Any, watched: Any
) -> None:
    """A customer without an account answers on a phone; nothing on the page is refused."""
    survey = SurveyFactory.create(kind=Survey.Kind.CSAT)
    tab = watched(PHONE)
    page = tab.page

    page.goto(f"{live_server.url}/s/{survey.public_token}/")
    page.locator("label[for=score-5]").click()
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_test_id("thanks")).to_be_visible()
    tab.assert_nothing_refused()


def test_the_api_docs_run_swagger_ui_under_the_policy(
    live_server: Any, make_user: Any, watched: Any
) -> None:
    """Swagger UI loads the schema and opens an operation with no inline script or style."""
    manager = make_user("quality_manager")
    tab = watched(DESKTOP)
    page = tab.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/api/docs/")
    operation = page.locator(".opblock").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(operation.locator(".opblock-body")).to_be_visible()

    tab.assert_nothing_refused()
