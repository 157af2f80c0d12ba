"""Walk every URL and API route for every role (NetBox-style shared permission test).

`EXPECTED` says, per URL name, what each kind of visitor gets. A new URL fails this walk until it
is added here, so no page or endpoint ships without its access rule being stated and tested.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

VISITORS = ["anonymous", "frontline", "quality_manager", "executive", "administrator"]
SIGNED_IN = {"frontline", "quality_manager", "executive", "administrator"}

PAGE = "page"  # signed-in users get 200, anonymous visitors are sent to the login page
PUBLIC = "public"  # everyone gets 200
API = "api"  # signed-in users get 200, anonymous callers get 401/403 (no redirect)
ADMIN = "admin"  # administrators get 200, everyone else the admin's login page

EXPECTED: dict[str, tuple[str, set[str]]] = {
    # url name: (kind, visitors allowed)
    "home": (PAGE, SIGNED_IN),
    "healthz": (PUBLIC, set(VISITORS)),
    "login": (PUBLIC, {"anonymous"}),  # signed-in users are sent on to the home page
    "password_change": (PAGE, SIGNED_IN),
    "password_change_done": (PAGE, SIGNED_IN),
    "api-docs": (PAGE, SIGNED_IN),
    "api-schema": (API, SIGNED_IN),
    "api-me": (API, SIGNED_IN),
    "admin:index": (ADMIN, {"administrator"}),
}
# Named URLs that are not GET pages of their own, with the reason.
NOT_WALKED = {
    "logout": "POST only; tested in test_pages",
    "favicon": "a redirect to a static file for everyone; tested in test_static",
}


def named_urls(patterns: list, namespace: str = "") -> set[str]:
    """Return the names of all URL patterns, namespaced as `reverse` takes them."""
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner == "admin:":
                continue  # the admin's own pages are Django's; admin:index stands for them
            names |= named_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_named_url_has_an_access_rule() -> None:
    """Each URL name of the project is either walked below or excused with a reason."""
    names = named_urls(get_resolver().url_patterns) | {"admin:index"}

    unlisted = names - set(EXPECTED) - set(NOT_WALKED)

    assert unlisted == set(), "add these URL names to EXPECTED in tests/test_access.py"


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_url_answers_each_visitor_by_its_rule(client_for, url_name: str, visitor: str) -> None:
    """Allowed visitors get the page; others are redirected to sign in or refused."""
    kind, allowed = EXPECTED[url_name]
    client = client_for(None if visitor == "anonymous" else visitor)

    response = client.get(reverse(url_name))

    if visitor in allowed:
        assert response.status_code == 200, response
    elif kind == API:
        assert response.status_code in (401, 403)
    elif kind == PUBLIC:
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
    elif kind == ADMIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif visitor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403
