"""The system-health dashboard on the demo organisation, in a real browser, as a quality manager:
every chart drawn at desktop and tablet sizes without a JavaScript error, and the matrix's icons
equal to those of each indicator's own page.

Loading the demo is the longest step of a browser test, so these checks run inside the one test
that loads it (`test_readme_screenshots.py`) rather than in a test of their own.
"""

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client, override_settings
from playwright.sync_api import Page, ViewportSize

from metrics.models import Indicator
from tests.browser.conftest import PageWithConsole, screenshot, sign_in
from tests.conftest import FAST_HASHERS

DEMO_PASSWORD = "loyalty-demo"
LAPTOP: ViewportSize = {"width": 1400, "height": 900}
TABLET: ViewportSize = {"width": 820, "height": 1180}
EVERY_CHART_DRAWN = """() => {
  const charts = [...document.querySelectorAll('[data-chart]')];
  return charts.length > 0 && charts.every((chart) => chart.querySelector('.main-svg'));
}"""
# The icons of a matrix row, and of an indicator page's status and variation cards.
ROW = re.compile(r'<tr data-indicator="([^"]+)">(.*?)</tr>', re.S)
ASSURANCE = re.compile(r'data-assurance="([^"]+)"')
VARIATION = re.compile(r'data-variation="([^"]+)"')
STATUS = re.compile(r'data-status="([^"]+)"')


def first(pattern: re.Pattern[str], html: str) -> str:
    """Return the first value of an icon's data attribute in a piece of a page."""
    found = pattern.search(html)
    assert found, html[:500]
    return found.group(1)


def element(html: str, testid: str, closing: str) -> str | None:
    """Return an element of an indicator page by its data-testid (None if it has none)."""
    start = html.find(f'data-testid="{testid}"')
    return None if start < 0 else html[start : html.index(closing, start)]


def check_balance_beside_attention(page: Page, *, side_by_side: bool) -> None:
    """Side by side (laptop), the balance card is as tall as its tiles, not as the lists of what
    needs attention, which scroll within the same height; stacked (tablet), both show whole."""
    balance, attention = page.get_by_test_id("balance"), page.get_by_test_id("needs-attention")
    balance_box, attention_box = balance.bounding_box(), attention.bounding_box()
    assert balance_box is not None
    assert attention_box is not None
    last_tile = balance.locator(".balance-tile").last.bounding_box()
    assert last_tile is not None
    scroll_height, client_height = attention.evaluate("(e) => [e.scrollHeight, e.clientHeight]")
    if side_by_side:
        assert attention_box["y"] == balance_box["y"]
        assert abs(attention_box["height"] - balance_box["height"]) < 1
        # Below the last tile: the card's padding, not an empty area.
        empty = balance_box["y"] + balance_box["height"] - (last_tile["y"] + last_tile["height"])
        assert empty < 40, f"{empty:.0f} px empty under the balance tiles"
        assert scroll_height > client_height  # the demo's lists are longer: they scroll
    else:
        assert attention_box["y"] > balance_box["y"] + balance_box["height"]
        assert scroll_height <= client_height


def check_the_dashboard(
    live_url: str, open_page: Callable[[ViewportSize], PageWithConsole]
) -> None:
    """Signed in as the demo's quality manager: the dashboard is home, every chart (each
    sparkline, the journey heat map) is drawn on a laptop and on a tablet without an error, and
    each indicator's icons in the matrix are those of its own page."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        for viewport, name in ((LAPTOP, "laptop"), (TABLET, "tablet")):
            browser_page = open_page(viewport)
            page = browser_page.page
            sign_in(page, live_url, "quality", DEMO_PASSWORD)

            assert page.url == f"{live_url}/reports/"
            page.wait_for_function(EVERY_CHART_DRAWN)
            charts = page.locator("[data-chart]")
            drawn = page.evaluate(
                "() => [...document.querySelectorAll('[data-chart]')]"
                ".filter((chart) => chart.querySelector('.main-svg')).length"
            )
            assert drawn == charts.count() > 1  # the sparklines and the heat map
            assert page.get_by_test_id("chart-journey-heat").is_visible()
            check_balance_beside_attention(page, side_by_side=viewport is LAPTOP)
            screenshot(page, f"dashboard-{name}")
            assert browser_page.errors == []

        html = page.content()

    client = Client()
    client.force_login(User.objects.get(username="quality"))
    rows = dict(ROW.findall(html))
    assert len(rows) == Indicator.objects.filter(is_active=True).count()
    for code, row in rows.items():
        indicator_page = client.get(f"/metrics/{code}/").content.decode()
        status_card = element(indicator_page, "status", "</section>")
        variation_card = element(indicator_page, "variation", "</section>")
        assert status_card, code
        assert variation_card, code
        assert first(STATUS, row) == first(STATUS, status_card), code
        assert first(VARIATION, row) == first(VARIATION, variation_card), code
        # The page states assurance where there is a target to be assured of; else the
        # matrix shows the stored verdict.
        assurance = element(indicator_page, "assurance", "</p>")
        stored = Indicator.objects.get(code=code).assurance
        assert first(ASSURANCE, row) == (first(ASSURANCE, assurance) if assurance else stored)
