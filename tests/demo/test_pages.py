"""Every page of the access table, rendered over the demo organisation, runs under the strict
Content-Security-Policy: no inline handler, style attribute, <style> block or inline <script>
(the finder and the policy are in tests/core/test_security_headers.py).
"""

import pytest
from django.urls import reverse

from tests.access_rules import Kind, Route
from tests.conftest import ROLE_KEYS
from tests.core.test_security_headers import inline_code
from tests.test_access import ROUTES

pytestmark = pytest.mark.django_db


def reader(route: Route) -> str | None:
    """Return who reads the page in the walk: an administrator (who sees every part of it)
    where allowed, else an anonymous visitor, else the first role the row lets read it. A visitor
    who reads only their own records there is not one: the walk's record is someone else's."""
    allowed = route.methods.get("GET", frozenset()) - route.own
    for visitor in ["administrator", "anonymous", *ROLE_KEYS]:
        if visitor in allowed:
            return visitor
    return None


WALKED = sorted(
    name
    for name, route in ROUTES.items()
    if route.kind in {Kind.PAGE, Kind.PUBLIC, Kind.ADMIN}
    and route.answer == 200
    and reader(route) is not None
)


@pytest.mark.parametrize("url_name", WALKED)
def test_page_has_no_inline_handler_style_or_script(
    demo_organisation: str, client_for, url_name: str
) -> None:
    """Each page of the access table, rendered over the demo organisation for a visitor who may
    read it, holds nothing the strict policy would refuse to run or apply. A page served under
    a policy of its own that admits inline styles (the monthly report's stored document) may
    hold those, and still no script or handler."""
    route = ROUTES[url_name]
    visitor = reader(route)
    client = client_for(None if visitor == "anonymous" else visitor)
    kwargs = route.record() if route.record else {}

    response = client.get(reverse(url_name, kwargs=kwargs))

    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        found = inline_code(response.content.decode())
        if inline_styles_allowed(response.get("Content-Security-Policy", "")):
            found = [item for item in found if not is_style(item)]
        assert found == []


def inline_styles_allowed(policy: str) -> bool:
    """Return whether a Content-Security-Policy lets inline styles apply."""
    for directive in policy.split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name == "style-src":
            return "'unsafe-inline'" in sources.split()
    return False


def is_style(found: str) -> bool:
    """Return whether an item of inline_code's findings is a style (a block or an attribute)."""
    return found == "<style> block" or " style=" in found
