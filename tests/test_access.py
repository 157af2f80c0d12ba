"""Walk every URL and API route for every role (NetBox-style shared permission test).

`EXPECTED` says, per URL name, what each kind of visitor gets. A new URL fails this walk until it
is added here, so no page or endpoint ships without its access rule being stated and tested.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

VISITORS = ["anonymous", "frontline", "quality_manager", "executive", "administrator"]
SIGNED_IN = {"frontline", "quality_manager", "executive", "administrator"}

PAGE = "page"  # signed-in users get 200, anonymous visitors are sent to the login page
PUBLIC = "public"  # everyone gets 200
API = "api"  # signed-in users get 200, anonymous callers get 401/403 (no redirect)
ADMIN = "admin"  # administrators get 200, everyone else the admin's login page

QUALITY = {"quality_manager", "administrator"}
LOGGERS = {"frontline", "quality_manager", "administrator"}  # staff who log complaints
GIVERS = {"quality_manager", "executive", "administrator"}  # who give recognition


@dataclass(frozen=True)
class Rule:
    """What each visitor gets from one URL; `kwargs` builds its arguments from the world."""

    kind: str
    allowed: set[str]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Visitors for whom the record does not exist (visibility rules hide it): they get a 404.
    hidden: frozenset[str] = frozenset()


def pk_of(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Return a kwargs builder giving the primary key of one object of the world fixture."""
    return lambda world: {"pk": world[name].pk}


def audit_of(world: dict[str, Any]) -> Any:
    """Record a mystery-shopping audit of the world's checklist (few tests want one around)."""
    from datetime import date

    from feedback import services

    checklist = world["checklist"]
    return services.audit_record(
        template=checklist,
        auditor=world["colleague"],
        visited_on=date(2026, 11, 2),
        scores={item.pk: 3 for item in checklist.items.all()},
    )


def indicator_of(world: dict[str, Any]) -> dict[str, Any]:
    """Define an indicator on the world's delivery touchpoint and return its code."""
    from metrics import services

    indicator = services.indicator_create(
        code="delivery-csat",
        name="Delivery CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        touchpoint=world["delivery"],
    )
    return {"code": indicator.code}


EXPECTED: dict[str, Rule] = {
    "home": Rule(PAGE, SIGNED_IN),
    "healthz": Rule(PUBLIC, set(VISITORS)),
    "login": Rule(PUBLIC, {"anonymous"}),  # signed-in users are sent on to the home page
    "password_change": Rule(PAGE, SIGNED_IN),
    "password_change_done": Rule(PAGE, SIGNED_IN),
    "api-docs": Rule(PAGE, SIGNED_IN),
    "api-schema": Rule(API, SIGNED_IN),
    "api-me": Rule(API, SIGNED_IN),
    "admin:index": Rule(ADMIN, {"administrator"}),
    # stakeholders pages
    "stakeholders:stakeholder-map": Rule(PAGE, SIGNED_IN),
    "stakeholders:department-list": Rule(PAGE, SIGNED_IN),
    "stakeholders:department-detail": Rule(PAGE, SIGNED_IN, pk_of("department")),
    "stakeholders:department-create": Rule(PAGE, QUALITY),
    "stakeholders:department-edit": Rule(PAGE, QUALITY, pk_of("department")),
    "stakeholders:partner-list": Rule(PAGE, SIGNED_IN),
    "stakeholders:partner-detail": Rule(PAGE, SIGNED_IN, pk_of("partner")),
    "stakeholders:partner-create": Rule(PAGE, QUALITY),
    "stakeholders:partner-edit": Rule(PAGE, QUALITY, pk_of("partner")),
    "stakeholders:segment-list": Rule(PAGE, SIGNED_IN),
    # journeys pages
    "journeys:journey-list": Rule(PAGE, SIGNED_IN),
    "journeys:journey-create": Rule(PAGE, QUALITY),
    "journeys:journey-map": Rule(PAGE, SIGNED_IN, pk_of("journey")),
    "journeys:journey-edit": Rule(PAGE, QUALITY, pk_of("journey")),
    "journeys:stage-add": Rule(PAGE, QUALITY, pk_of("journey")),
    "journeys:touchpoint-add": Rule(PAGE, QUALITY, pk_of("journey")),
    "journeys:handoff-add": Rule(PAGE, QUALITY, pk_of("journey")),
    "journeys:objective-add": Rule(PAGE, QUALITY, pk_of("journey")),
    "journeys:stage-edit": Rule(PAGE, QUALITY, pk_of("stage")),
    "journeys:touchpoint-detail": Rule(PAGE, SIGNED_IN, pk_of("touchpoint")),
    "journeys:touchpoint-edit": Rule(PAGE, QUALITY, pk_of("touchpoint")),
    "journeys:failure-point-add": Rule(PAGE, QUALITY, pk_of("touchpoint")),
    "journeys:objective-detail": Rule(PAGE, SIGNED_IN, pk_of("objective")),
    "journeys:objective-edit": Rule(PAGE, QUALITY, pk_of("objective")),
    # feedback pages
    "feedback:complaint-queue": Rule(PAGE, SIGNED_IN),
    "feedback:complaint-log": Rule(PAGE, LOGGERS),
    "feedback:complaint-export": Rule(PAGE, SIGNED_IN),
    "feedback:complaint-detail": Rule(
        PAGE, GIVERS, pk_of("complaint"), hidden=frozenset({"frontline"})
    ),
    "feedback:sla-policy": Rule(PAGE, SIGNED_IN),
    "feedback:idea-list": Rule(PAGE, SIGNED_IN),
    "feedback:idea-create": Rule(PAGE, SIGNED_IN),
    "feedback:idea-detail": Rule(PAGE, SIGNED_IN, pk_of("idea")),
    "feedback:my-submissions": Rule(PAGE, SIGNED_IN),
    "feedback:recognition-feed": Rule(PAGE, SIGNED_IN),
    "feedback:recognition-create": Rule(PAGE, GIVERS),
    "feedback:survey-list": Rule(PAGE, SIGNED_IN),
    "feedback:survey-create": Rule(PAGE, QUALITY),
    "feedback:survey-detail": Rule(PAGE, SIGNED_IN, pk_of("survey")),
    "feedback:survey-edit": Rule(PAGE, QUALITY, pk_of("survey")),
    "feedback:survey-answer": Rule(PAGE, SIGNED_IN, pk_of("pulse")),
    "feedback:insight-list": Rule(PAGE, SIGNED_IN),
    "feedback:insight-create": Rule(PAGE, LOGGERS),
    "feedback:insight-export": Rule(PAGE, SIGNED_IN),
    "feedback:theme-list": Rule(PAGE, SIGNED_IN),
    "feedback:theme-create": Rule(PAGE, QUALITY),
    "feedback:theme-edit": Rule(PAGE, QUALITY, pk_of("theme")),
    "feedback:mystery-shopping": Rule(PAGE, SIGNED_IN),
    "feedback:checklist-create": Rule(PAGE, QUALITY),
    "feedback:checklist-edit": Rule(PAGE, QUALITY, pk_of("checklist")),
    "feedback:audit-record": Rule(PAGE, GIVERS, pk_of("checklist")),
    "feedback:audit-detail": Rule(PAGE, SIGNED_IN, lambda world: {"pk": audit_of(world).pk}),
    # metrics pages
    "metrics:indicator-list": Rule(PAGE, SIGNED_IN),
    "metrics:indicator-create": Rule(PAGE, QUALITY),
    "metrics:indicator-detail": Rule(PAGE, SIGNED_IN, indicator_of),
    "metrics:indicator-edit": Rule(PAGE, QUALITY, indicator_of),
    "metrics:run-list": Rule(PAGE, SIGNED_IN),
    # imports (quality managers)
    "imports:job-list": Rule(PAGE, QUALITY),
    "imports:job-create": Rule(PAGE, QUALITY),
    "imports:job-detail": Rule(PAGE, QUALITY, pk_of("finished_import")),
    "imports:job-preview": Rule(PAGE, QUALITY, pk_of("import_job")),
    "imports:job-progress": Rule(PAGE, QUALITY, pk_of("finished_import")),
    # the public survey pages: no login, for everyone
    "public-survey:answer": Rule(
        PUBLIC, set(VISITORS), lambda world: {"token": world["survey"].public_token}
    ),
    "public-survey:thanks": Rule(
        PUBLIC, set(VISITORS), lambda world: {"token": world["survey"].public_token}
    ),
    # API routes
    "department-list": Rule(API, SIGNED_IN),
    "department-detail": Rule(API, SIGNED_IN, pk_of("department")),
    "partner-list": Rule(API, SIGNED_IN),
    "partner-detail": Rule(API, SIGNED_IN, pk_of("partner")),
    "customer-segment-list": Rule(API, SIGNED_IN),
    "customer-segment-detail": Rule(API, SIGNED_IN, pk_of("segment")),
    "customer-list": Rule(API, SIGNED_IN),
    "customer-detail": Rule(API, SIGNED_IN, pk_of("customer")),
    "journey-list": Rule(API, SIGNED_IN),
    "journey-detail": Rule(API, SIGNED_IN, pk_of("journey")),
    "stage-list": Rule(API, SIGNED_IN),
    "stage-detail": Rule(API, SIGNED_IN, pk_of("stage")),
    "touchpoint-list": Rule(API, SIGNED_IN),
    "touchpoint-detail": Rule(API, SIGNED_IN, pk_of("touchpoint")),
    "handoff-list": Rule(API, SIGNED_IN),
    "handoff-detail": Rule(API, SIGNED_IN, pk_of("handoff")),
    "failure-point-list": Rule(API, SIGNED_IN),
    "failure-point-detail": Rule(API, SIGNED_IN, pk_of("failure_point")),
    "quality-objective-list": Rule(API, SIGNED_IN),
    "quality-objective-detail": Rule(API, SIGNED_IN, pk_of("objective")),
    "complaint-list": Rule(API, SIGNED_IN),
    "indicator-list": Rule(API, SIGNED_IN),
    "indicator-detail": Rule(API, SIGNED_IN, indicator_of),
    "indicator-observations": Rule(API, SIGNED_IN, indicator_of),
    "indicator-chart": Rule(API, SIGNED_IN, indicator_of),
    "indicator-series": Rule(API, SIGNED_IN, indicator_of),
    "recompute-run-list": Rule(API, SIGNED_IN),
    "annotation-list": Rule(API, SIGNED_IN),
    "driver-list": Rule(API, SIGNED_IN),
    "complaint-detail": Rule(API, GIVERS, pk_of("complaint"), hidden=frozenset({"frontline"})),
    "complaint-events": Rule(API, GIVERS, pk_of("complaint"), hidden=frozenset({"frontline"})),
    "severity-policy-list": Rule(API, SIGNED_IN),
    "severity-policy-detail": Rule(API, SIGNED_IN, pk_of("severity_policy")),
    "idea-list": Rule(API, SIGNED_IN),
    "idea-detail": Rule(API, SIGNED_IN, pk_of("idea")),
    "idea-events": Rule(API, SIGNED_IN, pk_of("idea")),
    "recognition-list": Rule(API, SIGNED_IN),
    "recognition-detail": Rule(API, SIGNED_IN, pk_of("recognition")),
    "survey-list": Rule(API, SIGNED_IN),
    "customer-activity-list": Rule(API, GIVERS),
    "survey-detail": Rule(API, SIGNED_IN, pk_of("survey")),
    "survey-response-list": Rule(API, GIVERS),
    "theme-list": Rule(API, SIGNED_IN),
    "theme-detail": Rule(API, SIGNED_IN, pk_of("theme")),
    "insight-list": Rule(API, SIGNED_IN),
    # The world's insight is a complaint's that frontline staff may not read.
    "insight-detail": Rule(API, SIGNED_IN, pk_of("insight"), hidden=frozenset({"frontline"})),
    "checklist-list": Rule(API, SIGNED_IN),
    "checklist-detail": Rule(API, SIGNED_IN, pk_of("checklist")),
    "audit-list": Rule(API, SIGNED_IN),
    "audit-detail": Rule(API, SIGNED_IN, lambda world: {"pk": audit_of(world).pk}),
}
# Named URLs that are not GET pages of their own, with the reason.
NOT_WALKED = {
    "logout": "POST only; tested in test_pages",
    "favicon": "a redirect to a static file for everyone; tested in test_static",
    "journeys:stage-move": "POST only; tested in tests/journeys/test_map_editing.py",
    "journeys:stage-delete": "POST only; tested in tests/journeys/test_map_editing.py",
    "journeys:touchpoint-move": "POST only; tested in tests/journeys/test_map_editing.py",
    "journeys:touchpoint-delete": "POST only; tested in tests/journeys/test_map_editing.py",
    "journeys:handoff-delete": "POST only; tested in tests/journeys/test_map_editing.py",
    "journeys:failure-point-delete": "POST only; tested in tests/journeys/test_map_editing.py",
    "feedback:complaint-bulk-assign": "POST only; tested in tests/feedback/test_pages.py",
    "feedback:complaint-action": "POST only; tested in tests/feedback/test_pages.py",
    "feedback:idea-action": "POST only; tested in tests/feedback/test_pages.py",
    "feedback:idea-vote": "POST only; tested in tests/feedback/test_pages.py",
    "feedback:survey-invite": "POST only; tested in tests/feedback/test_surveys.py",
    "imports:job-errors": "404 until a job has refused rows; tested in tests/core/test_imports.py",
    "api-import-bulk": "POST only; tested in tests/core/test_imports.py",
    "api-survey-response-bulk": "POST only; tested in tests/core/test_imports.py",
    "api-customer-activity-bulk": "POST only; tested in tests/core/test_imports.py",
    "api-customer-bulk": "POST only; tested in tests/stakeholders/test_importers.py",
    "customer-activity-detail": "needs an activity; read rules in tests/stakeholders",
    "feedback:insight-tag": "POST only; tested in tests/feedback/test_insights.py",
    "metrics:run-start": "POST only; tested in tests/metrics/test_pages.py",
    "metrics:limits-recalculate": "POST only; tested in tests/metrics/test_pages.py",
    "metrics:annotation-add": "POST only; tested in tests/metrics/test_pages.py",
    "metrics:driver-declare": "POST only; tested in tests/metrics/test_pages.py",
    "metrics:indicator-recompute": "POST only; tested in tests/metrics/test_pages.py",
    "indicator-recompute": "POST only; tested in tests/metrics/test_api.py",
    "indicator-limits": "POST only; tested in tests/metrics/test_api.py",
    "recompute-run-detail": "needs a run; read rules in tests/metrics/test_api.py",
    "annotation-detail": "needs an annotation; read rules in tests/metrics/test_api.py",
    "driver-detail": "needs a driver; read rules in tests/metrics/test_api.py",
    "survey-response-detail": "needs a response; read rules in tests/feedback/test_surveys.py",
    "complaint-bulk-assign": "POST only; tested in tests/feedback/test_api.py",
    "complaint-acknowledge": "POST only; tested in tests/feedback/test_api.py",
    "complaint-assign": "POST only; tested in tests/feedback/test_api.py",
    "complaint-close": "POST only; tested in tests/feedback/test_api.py",
    "complaint-comments": "POST only; tested in tests/feedback/test_api.py",
    "complaint-escalate": "POST only; tested in tests/feedback/test_api.py",
    "complaint-investigate": "POST only; tested in tests/feedback/test_api.py",
    "complaint-reopen": "POST only; tested in tests/feedback/test_api.py",
    "complaint-respond": "POST only; tested in tests/feedback/test_api.py",
    "complaint-root-cause": "POST only; tested in tests/feedback/test_api.py",
    "severity-policy-frontline-limit": "POST only; tested in tests/feedback/test_api.py",
    "idea-accept": "POST only; tested in tests/feedback/test_api.py",
    "idea-decline": "POST only; tested in tests/feedback/test_api.py",
    "idea-implement": "POST only; tested in tests/feedback/test_api.py",
    "idea-review": "POST only; tested in tests/feedback/test_api.py",
    "idea-vote": "POST only; tested in tests/feedback/test_api.py",
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
def test_url_answers_each_visitor_by_its_rule(
    client_for, world, url_name: str, visitor: str
) -> None:
    """Allowed visitors get the page; others are redirected to sign in or refused."""
    rule = EXPECTED[url_name]
    kind, allowed = rule.kind, rule.allowed
    client = client_for(None if visitor == "anonymous" else visitor)
    kwargs = rule.kwargs(world) if rule.kwargs else {}

    response = client.get(reverse(url_name, kwargs=kwargs))

    if visitor in rule.hidden:
        assert response.status_code == 404
    elif visitor in allowed:
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
