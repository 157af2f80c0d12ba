"""Each role signs in through the browser and finds its own home page, on desktop and phone."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    # (role key, badge on My work, panel only this kind of user sees or None, where they land)
    ("frontline", "Frontline staff", None, "/"),
    ("quality_manager", "Quality manager", "System status", "/reports/"),
    ("executive", "Executive", None, "/reports/"),
    ("administrator", "Administrator", "System status", "/"),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    ("role", "badge", "panel", "landing"), ROLES, ids=[row[0] for row in ROLES]
)
def test_each_role_signs_in_and_sees_its_home_page(
    live_server, make_user, open_page, role, badge, panel, landing, viewport
) -> None:
    """Signing in shows the role's home page (quality managers and executives the dashboard)
    and My work its panels, without any JavaScript error."""
    user = make_user(role, username=f"{role}-browser")
    browser_page = open_page(viewport)
    page = browser_page.page

    sign_in(page, live_server.url, user.username, TEST_PASSWORD)

    assert page.url == f"{live_server.url}{landing}"
    if landing != "/":
        assert page.get_by_role("heading", name="System health").is_visible()
        page.goto(f"{live_server.url}/home/")
    assert page.get_by_role("heading", name=f"Good to see you, {user.first_name}").is_visible()
    assert page.locator(f'[data-role="{badge}"]').is_visible()
    status = page.get_by_role("heading", name="System status")
    if panel:
        assert status.is_visible()
        assert page.get_by_text("unreachable").count() == 0
    else:
        assert status.count() == 0
    screenshot(page, f"home-{role}-{'phone' if viewport == PHONE else 'desktop'}")
    assert browser_page.errors == []


def test_phone_menu_collapses_and_opens(live_server, make_user, open_page) -> None:
    """On a phone the menu hides behind the toggler; one tap opens it, one more a group."""
    user = make_user("quality_manager")
    browser_page = open_page(PHONE)
    page = browser_page.page
    sign_in(page, live_server.url, user.username, TEST_PASSWORD)
    api_link = page.locator('[data-nav="api-docs"]')
    assert not api_link.is_visible()

    page.get_by_role("button", name="Toggle navigation").click()
    # Tap the group once the menu has finished sliding open, as a person would.
    page.locator("#main-nav.show:not(.collapsing)").wait_for()
    page.get_by_role("button", name="Tools").click()

    api_link.wait_for(state="visible")
    assert browser_page.errors == []


def test_wrong_password_shows_an_error_in_the_browser(live_server, make_user, open_page) -> None:
    """A mistyped password is explained on the sign-in form."""
    user = make_user("frontline")
    browser_page = open_page(PHONE)
    page = browser_page.page

    sign_in(page, live_server.url, user.username, "not-the-password")

    assert page.get_by_text("Please enter a correct username and password").is_visible()
    screenshot(page, "login-error-phone")


def test_sign_out_from_the_account_menu(live_server, make_user, open_page) -> None:
    """The account menu signs the user out and returns to the sign-in page."""
    user = make_user("executive")
    browser_page = open_page(DESKTOP)
    page = browser_page.page
    sign_in(page, live_server.url, user.username, TEST_PASSWORD)

    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert browser_page.errors == []
