"""The README's pictures, taken from the demo organisation in a real browser.

The test loads the whole demo, checks the system-health dashboard on it (`dashboard_checks.py`:
every chart drawn at laptop and tablet sizes, the matrix's icons those of the indicator pages),
then signs in as each demo login and opens the pages the README shows, checking that each draws
without a JavaScript error. The pictures go to `test-results/readme/`;
`make screenshots` runs this test with `README_SCREENSHOTS=docs/screenshots`, so the README
always shows today's product.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Page, ViewportSize

from improvement.models import PDCACycle
from journeys.models import Journey
from metrics.models import Indicator
from stakeholders.models import Partner
from tests.browser.conftest import PHONE, PageWithConsole, sign_in
from tests.browser.dashboard_checks import check_the_dashboard
from tests.browser.monthly_report_checks import check_the_monthly_report
from tests.conftest import FAST_HASHERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "loyalty-demo"  # printed by `manage.py demo` and shown in the README
WIDE: ViewportSize = {"width": 1280, "height": 800}


def target() -> Path:
    """Return where the pictures go: the README's folder when asked, else test-results/."""
    folder = ROOT / os.environ.get("README_SCREENSHOTS", "test-results/readme")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def picture(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save what the browser shows (the first screen, as a reader sees it, unless full_page)."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=target() / f"{name}.png", full_page=full_page)


def test_the_readme_pictures_show_the_demo_organisation(
    live_server, open_page: Callable[[ViewportSize], PageWithConsole]
) -> None:
    """Every page the README pictures opens for its demo login without a JavaScript error."""
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed at exit)
    check_the_dashboard(live_server.url, open_page)
    check_the_monthly_report(live_server.url, open_page, pictures=target())
    journey = Journey.objects.get(name="Get support")
    indicator = Indicator.objects.filter(code="nps").first() or Indicator.objects.first()
    assert indicator is not None
    seen: list[PageWithConsole] = []

    def signed_in(username: str, viewport: ViewportSize) -> Page:
        browser_page = open_page(viewport)
        seen.append(browser_page)
        sign_in(browser_page.page, live_server.url, username, DEMO_PASSWORD)
        # Each lands on their role's home (quality managers and executives: the dashboard).
        assert "/accounts/login/" not in browser_page.page.url, f"{username} could not sign in"
        return browser_page.page

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        phone = open_page(PHONE)
        seen.append(phone)
        phone.page.goto(f"{live_server.url}/")
        picture(phone.page, "sign-in-phone")

        quality = signed_in("quality", WIDE)
        picture(quality, "home-quality-manager")  # the system-health dashboard
        # The matrix's first rows, at a width that shows every column (narrower, it scrolls).
        quality.set_viewport_size({"width": 1480, "height": 900})
        box = quality.get_by_test_id("matrix").bounding_box()
        assert box is not None
        quality.screenshot(
            path=target() / "dashboard-matrix.png",
            full_page=True,
            clip={**box, "height": min(box["height"], 820)},
        )
        quality.set_viewport_size(WIDE)
        quality.goto(f"{live_server.url}/reports/pareto/")
        quality.locator(".js-plotly-plot").first.wait_for()
        picture(quality, "pareto")
        swiftparcel = Partner.objects.get(name="SwiftParcel")
        quality.goto(f"{live_server.url}/reports/scorecards/{swiftparcel.pk}/")
        quality.locator(".js-plotly-plot").first.wait_for()
        picture(quality, "scorecard", full_page=True)
        quality.goto(f"{live_server.url}/journeys/{journey.pk}/")
        picture(quality, "journey-map")
        quality.goto(f"{live_server.url}/feedback/complaints/")
        picture(quality, "complaint-queue")
        quality.goto(f"{live_server.url}{indicator.get_absolute_url()}")
        quality.locator(".js-plotly-plot").first.wait_for()
        picture(quality, "indicator-detail")
        quality.goto(f"{live_server.url}/improvement/")
        picture(quality, "improvement-board")
        adopted = PDCACycle.objects.filter(outcome="adopt", phase="closed", origin="idea").first()
        assert adopted is not None, "the demo has no adopted cycle from an idea"
        quality.goto(f"{live_server.url}{adopted.get_absolute_url()}")
        quality.locator(".js-plotly-plot").first.wait_for()
        picture(quality, "cycle-check", full_page=True)

        partner = signed_in("partner", PHONE)
        partner.goto(f"{live_server.url}/reports/portal/complaints/")
        picture(partner, "portal-complaints-phone")

        frontline = signed_in("frontline", PHONE)
        picture(frontline, "home-frontline-phone")
        frontline.goto(f"{live_server.url}/feedback/complaints/new/")
        picture(frontline, "complaint-log-phone")

    assert [error for browser_page in seen for error in browser_page.errors] == []
