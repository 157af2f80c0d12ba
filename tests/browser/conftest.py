"""Real-browser harness: Playwright drives Debian's chromium against a live server.

Never downloads a browser: it launches the system's `chromium` (installed by `make test`).
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still
# plain synchronous calls, so Django's async-safety guard is lifted for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def chromium_path() -> str:
    """Return Debian's chromium binary, or fail with the command that installs it."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make browser-deps`.")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start one headless chromium for the whole session."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


class PageWithConsole:
    """A page plus the JavaScript errors and failed requests it produced."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("requestfailed", self._on_request_failed)

    def _on_request_failed(self, request: Any) -> None:
        # The browser itself cancels requests when the page navigates away or a download
        # starts (a favicon still loading when a form posts): that is not a failure to serve.
        if request.failure == "net::ERR_ABORTED":
            return
        self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[ViewportSize], PageWithConsole]]:
    """Return a function opening a fresh page (own cookies) at a viewport size."""
    contexts = []

    def make(viewport: ViewportSize) -> PageWithConsole:
        context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 600)
        contexts.append(context)
        return PageWithConsole(context.new_page())

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> None:
    """Keep a screenshot under test-results/ so people can look at what the test saw."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form like a person would."""
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
