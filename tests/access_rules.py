"""What a row of the access table means, and the walk that holds every route to its row.

The table itself is `ROUTES` in `tests/test_access.py`. This module gives its vocabulary (the
visitors, the groups of them, the kinds of route and what a refusal looks like for each), finds
every route of the project with the methods it answers, and sends each visitor each method.
"""

import copy
import inspect
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import FunctionType
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Everyone the table has a column for, in the documentation's order. "partner" is the contact
# user of a service partner (the Partner contact role): the walk's records of partners are
# another partner's, so a partner gets 404 where a row serves it only its own records.
VISITORS = (
    "anonymous",
    "frontline",
    "quality_manager",
    "executive",
    "administrator",
    "partner",
)
VISITOR_TITLES = {
    "anonymous": "anonymous",
    "frontline": "frontline",
    "quality_manager": "quality manager",
    "executive": "executive",
    "administrator": "administrator",
    "partner": "partner",
}

NOBODY: frozenset[str] = frozenset()
ANONYMOUS = frozenset({"anonymous"})
EVERYONE = frozenset(VISITORS)
STAFF = frozenset({"frontline", "quality_manager", "executive", "administrator"})
# Pages about one's own account (sign out, password, who am I) and pages showing only one's own
# records: every signed-in account, a partner contact's included.
ACCOUNTS = STAFF | {"partner"}
QUALITY = frozenset({"quality_manager", "administrator"})
# The partner portal's readers: its partner's contacts (their own partner's records), and the
# staff who read every complaint (the partner's view of the data).
PORTAL = frozenset({"partner", "quality_manager", "executive", "administrator"})
PARTNER = frozenset({"partner"})
# Who logs complaints and notes insights.
LOGGERS = frozenset({"frontline", "quality_manager", "administrator"})
# Who reads every complaint, survey results and customer activity, gives kudos, records audits.
OVERSIGHT = frozenset({"quality_manager", "executive", "administrator"})
ADMINISTRATORS = frozenset({"administrator"})

READ = "GET"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
METHOD_ORDER = (READ, *WRITE_METHODS)

# The walk's CSRF secret: its cookie and header let a write through the CSRF check, so that what
# answers is the access rule; leaving the header out must be refused.
CSRF_TOKEN = "accessmatrixcsrftokenwalk0000000"  # 32 characters, as Django's secret


class Kind(StrEnum):
    """How a route refuses a visitor: the column text of the documentation explains each."""

    PAGE = "page"  # anonymous: redirect to the login page; signed in: 403
    API = "api"  # anonymous: 401 or 403, never a redirect; signed in: 403
    PUBLIC = "public"  # no login needed; a refused (signed-in) visitor is sent to the home page
    ADMIN = "admin"  # Django's admin: everyone but administrators is sent to the admin's login


REFUSALS = {
    Kind.PAGE: "anonymous visitors are redirected to the login page; signed-in users get 403",
    Kind.API: "anonymous callers get 401 or 403 (never a redirect); signed-in users get 403",
    Kind.PUBLIC: "no login needed; signed-in users the row refuses are sent to the home page",
    Kind.ADMIN: "everyone but administrators is redirected to the admin's login page",
}


@dataclass(frozen=True)
class Route:
    """One row: who may use each method of a route, and how to make the record it addresses."""

    kind: Kind
    methods: Mapping[str, frozenset[str]]
    # Makes the record the route addresses and returns the URL's arguments.
    record: Callable[[], dict[str, Any]] | None = None
    # Visitors who reach only their own records there: the walk's record is someone else's, so
    # they get a 404 (the object rules in tests/access_objects.py check their own records).
    own: frozenset[str] = NOBODY
    # The body of each write: enough for the request to reach the access rule.
    data: Mapping[str, Any] = field(default_factory=dict)
    # The status of a read the row allows; per visitor where it differs (the home page sends
    # each role to its own page), 200 for a visitor the mapping leaves out.
    answer: int | Mapping[str, int] = 200
    # False only for a route that reads no session cookie (the API token endpoint takes a
    # password): a forged cross-site request carries nothing it would act on.
    csrf: bool = True
    note: str = ""


def row(
    kind: Kind,
    methods: Mapping[str, frozenset[str]],
    record: Callable[[], dict[str, Any]] | None = None,
    **options: Any,
) -> Route:
    """Return a row; `methods` keys may name several methods at once ("PUT PATCH DELETE")."""
    expanded: dict[str, frozenset[str]] = {}
    for names, allowed in methods.items():
        for method in names.split():
            assert method in METHOD_ORDER, f"unknown method {method}"
            expanded[method] = frozenset(allowed)
    ordered = {method: expanded[method] for method in METHOD_ORDER if method in expanded}
    return Route(kind, ordered, record, **options)


def page(methods: Mapping[str, frozenset[str]], record: Any = None, **options: Any) -> Route:
    """Return the row of a page behind the login."""
    return row(Kind.PAGE, methods, record, **options)


def api(methods: Mapping[str, frozenset[str]], record: Any = None, **options: Any) -> Route:
    """Return the row of an API route."""
    return row(Kind.API, methods, record, **options)


def public(methods: Mapping[str, frozenset[str]], record: Any = None, **options: Any) -> Route:
    """Return the row of a page open without login."""
    return row(Kind.PUBLIC, methods, record, **options)


# Finding the routes ------------------------------------------------------------------------------


def project_routes() -> dict[str, URLPattern]:
    """Return every URL pattern of the project by its name, as `reverse` takes it.

    Django's admin stands as `admin:index` for all its pages (its own permission checks guard
    them). An unnamed pattern is returned under "<unnamed: …>", so that the table test names it.
    """
    return {name: pattern for name, pattern, _address in _routes()}


def addresses() -> dict[str, str]:
    """Return each route's address with its arguments named: /api/v1/complaints/<pk>/."""
    return {name: _readable(address) for name, _pattern, address in _routes()}


def _routes(
    entries: list[Any] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, URLPattern, str]]:
    """Yield the name, pattern and full route of every URL pattern under `entries`."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner == "admin:":
                index = next(
                    p for p in entry.url_patterns if isinstance(p, URLPattern) and p.name == "index"
                )
                yield "admin:index", index, route
            else:
                yield from _routes(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed: {route}>"
            yield name, entry, route


def _readable(pattern: str) -> str:
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern)
    pattern = re.sub(r"<\w+:(\w+)>", r"<\1>", pattern)
    return "/" + pattern.replace("^", "").replace("$", "").replace("\\.", ".")


# Source markers of a function view that handles a form post (itself or through a helper).
WRITE_MARKERS = ("request.POST", "request.FILES", "request.method", "require_POST")


def methods_answered(pattern: URLPattern) -> frozenset[str]:
    """Return the methods a route serves, reads and writes (HEAD and OPTIONS aside).

    API views and class-based views say so themselves; a function view is read: `require_POST`
    makes it write-only, `require_GET` read-only, `require_http_methods` lists its methods, and
    reading the form post (in the view or a helper of its module) makes it read and write.
    """
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # DRF adds "head" to a read's actions once the route has answered
        return frozenset(method.upper() for method in actions if method != "head")
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return frozenset(
            method.upper()
            for method in view_class.http_method_names
            if method not in ("head", "options", "trace") and hasattr(view_class, method)
        )
    function = inspect.unwrap(callback)
    source = inspect.getsource(function)
    if "@require_POST" in source:
        return frozenset({"POST"})
    listed = re.search(r"@require_http_methods\(\[([^\]]*)\]\)", source)
    if listed:
        return frozenset(re.findall(r"[A-Z]+", listed.group(1))) - {"HEAD", "OPTIONS"}
    if "@require_GET" in source or "@require_safe" in source:
        return frozenset({READ})
    if any(marker in text for text in _sources(function) for marker in WRITE_MARKERS):
        return frozenset({READ, "POST"})
    return frozenset({READ})


def _sources(function: FunctionType, depth: int = 2) -> Iterator[str]:
    """Yield the source of the function and of the functions of its module it calls."""
    yield inspect.getsource(function)
    if depth == 0:
        return
    for name in function.__code__.co_names:
        called = function.__globals__.get(name)
        if isinstance(called, FunctionType) and called.__module__ == function.__module__:
            yield from _sources(called, depth - 1)


# The walk ----------------------------------------------------------------------------------------


def clients_for(users: Mapping[str, Any]) -> dict[str, Client]:
    """Return a CSRF-checking test client per visitor, signed in as its user (none: anonymous)."""
    clients = {}
    for visitor in VISITORS:
        client = Client(enforce_csrf_checks=True)
        if users.get(visitor) is not None:
            client.force_login(users[visitor])
        client.cookies["csrftoken"] = CSRF_TOKEN
        clients[visitor] = client
    return clients


def send(
    client: Client, method: str, url: str, route: Route, *, csrf: bool = True
) -> HttpResponseBase:
    """Send one request and undo whatever it wrote (its rows, the client's cookies)."""
    cookies = copy.deepcopy(client.cookies)
    headers = {"X-CSRFToken": CSRF_TOKEN} if csrf and method != READ else {}
    try:
        with transaction.atomic():
            if method == READ:
                response = client.get(url)
            else:
                response = client.generic(method, url, *_body(route), headers=headers)
            if response.streaming:
                # Read a download to its end inside the transaction; the test client closes it
                # then (closing it again would close the database connection mid-test).
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def _body(route: Route) -> tuple[str, str]:
    """Return a write's body and content type: JSON for the API, a form post for pages."""
    if route.kind == Kind.API:
        return json.dumps(dict(route.data)), "application/json"
    return urlencode(dict(route.data), doseq=True), "application/x-www-form-urlencoded"


def expected(route: Route, visitor: str, method: str) -> str:
    """Return in words what the visitor must get from the method."""
    if visitor in route.methods[method]:
        if visitor in route.own:
            return "404 (not their record)"
        if method != READ:
            return "served (not refused)"
        answer = route.answer
        return str(answer if isinstance(answer, int) else answer.get(visitor, 200))
    if route.kind == Kind.PUBLIC:
        return "redirect to the home page"
    if route.kind == Kind.ADMIN:
        return "redirect to the admin's login"
    if visitor == "anonymous":
        return "401 or 403" if route.kind == Kind.API else "redirect to the login page"
    return "403"


def judge(route: Route, visitor: str, method: str, response: HttpResponseBase) -> str | None:
    """Return what is wrong with the response for this visitor and method, if anything."""
    want = expected(route, visitor, method)
    status = response.status_code
    location = response.get("Location", "")
    # A refusal sends to a login page with the address to come back to (signing out does not).
    to_login = location.startswith((f"{reverse('login')}?next=", f"{reverse('admin:login')}?"))
    if want == "served (not refused)":
        ok = status not in (401, 403, 404, 405) and status < 500 and not to_login
    elif want == "401 or 403":
        ok = status in (401, 403) and not location
    elif want == "redirect to the home page":
        ok = status == 302 and location == reverse("home")
    elif want.startswith("redirect"):
        ok = status == 302 and to_login
    else:
        ok = status == int(want.split()[0])
    if ok:
        return None
    shown = f"{status} {location}".strip()
    return f"{method} as {visitor}: expected {want}, got {shown}"


def walk(name: str, route: Route, clients: Mapping[str, Client]) -> list[str]:
    """Send every visitor every method of the route; return what did not match the row."""
    kwargs = route.record() if route.record else {}
    url = reverse(name, kwargs=kwargs)
    problems = []
    for method, allowed in route.methods.items():
        for visitor in VISITORS:
            response = send(clients[visitor], method, url, route)
            problem = judge(route, visitor, method, response)
            if problem:
                problems.append(f"{url} {problem}")
        trusted = [visitor for visitor in VISITORS if visitor in allowed - route.own]
        if method != READ and trusted and route.csrf:
            # The same write without the CSRF header: refused, whoever sends it.
            response = send(clients[trusted[0]], method, url, route, csrf=False)
            if response.status_code != 403:
                problems.append(
                    f"{url} {method} as {trusted[0]} without the CSRF token: expected 403, "
                    f"got {response.status_code}"
                )
    return problems
