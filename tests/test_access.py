"""Walk every URL and API route for every role (NetBox-style shared permission test).

`EXPECTED` says, per URL name, what each kind of visitor gets. A new URL fails this walk until it
is added here, so no page or endpoint ships without its access rule being stated and tested.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from feedback.models import Severity, SeverityPolicy
from metrics import services as metrics_services
from tests.core.factories import ImportJobFactory
from tests.feedback.factories import (
    AuditFactory,
    ChecklistFactory,
    ComplaintFactory,
    IdeaFactory,
    RecognitionFactory,
    SurveyFactory,
    ThemeFactory,
)
from tests.journeys.factories import (
    FailurePointFactory,
    HandoffFactory,
    JourneyFactory,
    ObjectiveFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.stakeholders.factories import (
    CustomerFactory,
    DepartmentFactory,
    PartnerFactory,
    SegmentFactory,
)

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
    """What each visitor gets from one URL; `kwargs` makes its record and returns its arguments."""

    kind: str
    allowed: set[str]
    kwargs: Callable[[], dict[str, Any]] | None = None
    # Visitors for whom the record does not exist (visibility rules hide it): they get a 404.
    hidden: frozenset[str] = frozenset()


def pk_of(make: Callable[[], Model]) -> Callable[[], dict[str, Any]]:
    """Return a kwargs builder making a record (through its factory) and giving its primary key."""
    return lambda: {"pk": make().pk}


def indicator_of() -> dict[str, Any]:
    """Define an indicator on a new touchpoint and return its code."""
    indicator = metrics_services.indicator_create(
        code="delivery-csat",
        name="Delivery CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        touchpoint=TouchpointFactory.create(),
    )
    return {"code": indicator.code}


def token_of_survey() -> dict[str, Any]:
    """Create a customer survey and return the token of its public page."""
    return {"token": SurveyFactory.create().public_token}


def pulse() -> Model:
    """Start a staff pulse every signed-in user may answer."""
    return SurveyFactory.create(kind="enps", recurrence_weeks=6)


def finished_import() -> Model:
    """Upload a file of customer activity and run its import to the end."""
    return ImportJobFactory.create(finished=True)


def severity_policy() -> Model:
    """Return the SLA policy of medium complaints (migration 0002 writes one per severity)."""
    return SeverityPolicy.objects.get(severity=Severity.MEDIUM)


def insight() -> Model:
    """Log a complaint (its insight is as hidden as the complaint is) and return its insight."""
    return ComplaintFactory.create().insight


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
    "stakeholders:department-detail": Rule(PAGE, SIGNED_IN, pk_of(DepartmentFactory.create)),
    "stakeholders:department-create": Rule(PAGE, QUALITY),
    "stakeholders:department-edit": Rule(PAGE, QUALITY, pk_of(DepartmentFactory.create)),
    "stakeholders:partner-list": Rule(PAGE, SIGNED_IN),
    "stakeholders:partner-detail": Rule(PAGE, SIGNED_IN, pk_of(PartnerFactory.create)),
    "stakeholders:partner-create": Rule(PAGE, QUALITY),
    "stakeholders:partner-edit": Rule(PAGE, QUALITY, pk_of(PartnerFactory.create)),
    "stakeholders:segment-list": Rule(PAGE, SIGNED_IN),
    # journeys pages
    "journeys:journey-list": Rule(PAGE, SIGNED_IN),
    "journeys:journey-create": Rule(PAGE, QUALITY),
    "journeys:journey-map": Rule(PAGE, SIGNED_IN, pk_of(JourneyFactory.create)),
    "journeys:journey-edit": Rule(PAGE, QUALITY, pk_of(JourneyFactory.create)),
    "journeys:stage-add": Rule(PAGE, QUALITY, pk_of(JourneyFactory.create)),
    "journeys:touchpoint-add": Rule(PAGE, QUALITY, pk_of(JourneyFactory.create)),
    "journeys:handoff-add": Rule(PAGE, QUALITY, pk_of(JourneyFactory.create)),
    "journeys:objective-add": Rule(PAGE, QUALITY, pk_of(JourneyFactory.create)),
    "journeys:stage-edit": Rule(PAGE, QUALITY, pk_of(StageFactory.create)),
    "journeys:touchpoint-detail": Rule(PAGE, SIGNED_IN, pk_of(TouchpointFactory.create)),
    "journeys:touchpoint-edit": Rule(PAGE, QUALITY, pk_of(TouchpointFactory.create)),
    "journeys:failure-point-add": Rule(PAGE, QUALITY, pk_of(TouchpointFactory.create)),
    "journeys:objective-detail": Rule(PAGE, SIGNED_IN, pk_of(ObjectiveFactory.create)),
    "journeys:objective-edit": Rule(PAGE, QUALITY, pk_of(ObjectiveFactory.create)),
    # feedback pages
    "feedback:complaint-queue": Rule(PAGE, SIGNED_IN),
    "feedback:complaint-log": Rule(PAGE, LOGGERS),
    "feedback:complaint-export": Rule(PAGE, SIGNED_IN),
    "feedback:complaint-detail": Rule(
        PAGE, GIVERS, pk_of(ComplaintFactory.create), hidden=frozenset({"frontline"})
    ),
    "feedback:sla-policy": Rule(PAGE, SIGNED_IN),
    "feedback:idea-list": Rule(PAGE, SIGNED_IN),
    "feedback:idea-create": Rule(PAGE, SIGNED_IN),
    "feedback:idea-detail": Rule(PAGE, SIGNED_IN, pk_of(IdeaFactory.create)),
    "feedback:my-submissions": Rule(PAGE, SIGNED_IN),
    "feedback:recognition-feed": Rule(PAGE, SIGNED_IN),
    "feedback:recognition-create": Rule(PAGE, GIVERS),
    "feedback:survey-list": Rule(PAGE, SIGNED_IN),
    "feedback:survey-create": Rule(PAGE, QUALITY),
    "feedback:survey-detail": Rule(PAGE, SIGNED_IN, pk_of(SurveyFactory.create)),
    "feedback:survey-edit": Rule(PAGE, QUALITY, pk_of(SurveyFactory.create)),
    "feedback:survey-answer": Rule(PAGE, SIGNED_IN, pk_of(pulse)),
    "feedback:insight-list": Rule(PAGE, SIGNED_IN),
    "feedback:insight-create": Rule(PAGE, LOGGERS),
    "feedback:insight-export": Rule(PAGE, SIGNED_IN),
    "feedback:theme-list": Rule(PAGE, SIGNED_IN),
    "feedback:theme-create": Rule(PAGE, QUALITY),
    "feedback:theme-edit": Rule(PAGE, QUALITY, pk_of(ThemeFactory.create)),
    "feedback:mystery-shopping": Rule(PAGE, SIGNED_IN),
    "feedback:checklist-create": Rule(PAGE, QUALITY),
    "feedback:checklist-edit": Rule(PAGE, QUALITY, pk_of(ChecklistFactory.create)),
    "feedback:audit-record": Rule(PAGE, GIVERS, pk_of(ChecklistFactory.create)),
    "feedback:audit-detail": Rule(PAGE, SIGNED_IN, pk_of(AuditFactory.create)),
    # metrics pages
    "metrics:indicator-list": Rule(PAGE, SIGNED_IN),
    "metrics:indicator-create": Rule(PAGE, QUALITY),
    "metrics:indicator-detail": Rule(PAGE, SIGNED_IN, indicator_of),
    "metrics:indicator-edit": Rule(PAGE, QUALITY, indicator_of),
    "metrics:run-list": Rule(PAGE, SIGNED_IN),
    # imports (quality managers)
    "imports:job-list": Rule(PAGE, QUALITY),
    "imports:job-create": Rule(PAGE, QUALITY),
    "imports:job-detail": Rule(PAGE, QUALITY, pk_of(finished_import)),
    "imports:job-preview": Rule(PAGE, QUALITY, pk_of(ImportJobFactory.create)),
    "imports:job-progress": Rule(PAGE, QUALITY, pk_of(finished_import)),
    # the public survey pages: no login, for everyone
    "public-survey:answer": Rule(PUBLIC, set(VISITORS), token_of_survey),
    "public-survey:thanks": Rule(PUBLIC, set(VISITORS), token_of_survey),
    # API routes
    "department-list": Rule(API, SIGNED_IN),
    "department-detail": Rule(API, SIGNED_IN, pk_of(DepartmentFactory.create)),
    "partner-list": Rule(API, SIGNED_IN),
    "partner-detail": Rule(API, SIGNED_IN, pk_of(PartnerFactory.create)),
    "customer-segment-list": Rule(API, SIGNED_IN),
    "customer-segment-detail": Rule(API, SIGNED_IN, pk_of(SegmentFactory.create)),
    "customer-list": Rule(API, SIGNED_IN),
    "customer-detail": Rule(API, SIGNED_IN, pk_of(CustomerFactory.create)),
    "journey-list": Rule(API, SIGNED_IN),
    "journey-detail": Rule(API, SIGNED_IN, pk_of(JourneyFactory.create)),
    "stage-list": Rule(API, SIGNED_IN),
    "stage-detail": Rule(API, SIGNED_IN, pk_of(StageFactory.create)),
    "touchpoint-list": Rule(API, SIGNED_IN),
    "touchpoint-detail": Rule(API, SIGNED_IN, pk_of(TouchpointFactory.create)),
    "handoff-list": Rule(API, SIGNED_IN),
    "handoff-detail": Rule(API, SIGNED_IN, pk_of(HandoffFactory.create)),
    "failure-point-list": Rule(API, SIGNED_IN),
    "failure-point-detail": Rule(API, SIGNED_IN, pk_of(FailurePointFactory.create)),
    "quality-objective-list": Rule(API, SIGNED_IN),
    "quality-objective-detail": Rule(API, SIGNED_IN, pk_of(ObjectiveFactory.create)),
    "complaint-list": Rule(API, SIGNED_IN),
    "indicator-list": Rule(API, SIGNED_IN),
    "indicator-detail": Rule(API, SIGNED_IN, indicator_of),
    "indicator-observations": Rule(API, SIGNED_IN, indicator_of),
    "indicator-chart": Rule(API, SIGNED_IN, indicator_of),
    "indicator-series": Rule(API, SIGNED_IN, indicator_of),
    "recompute-run-list": Rule(API, SIGNED_IN),
    "annotation-list": Rule(API, SIGNED_IN),
    "driver-list": Rule(API, SIGNED_IN),
    "complaint-detail": Rule(
        API, GIVERS, pk_of(ComplaintFactory.create), hidden=frozenset({"frontline"})
    ),
    "complaint-events": Rule(
        API, GIVERS, pk_of(ComplaintFactory.create), hidden=frozenset({"frontline"})
    ),
    "severity-policy-list": Rule(API, SIGNED_IN),
    "severity-policy-detail": Rule(API, SIGNED_IN, pk_of(severity_policy)),
    "idea-list": Rule(API, SIGNED_IN),
    "idea-detail": Rule(API, SIGNED_IN, pk_of(IdeaFactory.create)),
    "idea-events": Rule(API, SIGNED_IN, pk_of(IdeaFactory.create)),
    "recognition-list": Rule(API, SIGNED_IN),
    "recognition-detail": Rule(API, SIGNED_IN, pk_of(RecognitionFactory.create)),
    "survey-list": Rule(API, SIGNED_IN),
    "customer-activity-list": Rule(API, GIVERS),
    "survey-detail": Rule(API, SIGNED_IN, pk_of(SurveyFactory.create)),
    "survey-response-list": Rule(API, GIVERS),
    "theme-list": Rule(API, SIGNED_IN),
    "theme-detail": Rule(API, SIGNED_IN, pk_of(ThemeFactory.create)),
    "insight-list": Rule(API, SIGNED_IN),
    # The insight is a complaint's, which frontline staff may not read.
    "insight-detail": Rule(API, SIGNED_IN, pk_of(insight), hidden=frozenset({"frontline"})),
    "checklist-list": Rule(API, SIGNED_IN),
    "checklist-detail": Rule(API, SIGNED_IN, pk_of(ChecklistFactory.create)),
    "audit-list": Rule(API, SIGNED_IN),
    "audit-detail": Rule(API, SIGNED_IN, pk_of(AuditFactory.create)),
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
def test_url_answers_each_visitor_by_its_rule(client_for, url_name: str, visitor: str) -> None:
    """Allowed visitors get the page; others are redirected to sign in or refused."""
    rule = EXPECTED[url_name]
    kind, allowed = rule.kind, rule.allowed
    client = client_for(None if visitor == "anonymous" else visitor)
    kwargs = rule.kwargs() if rule.kwargs else {}

    response = client.get(reverse(url_name, kwargs=kwargs))

    if visitor in rule.hidden:
        assert response.status_code == 404
    elif visitor in allowed:
        assert response.status_code == 200, response
    elif kind == API:
        assert response.status_code in (401, 403)
        assert "Location" not in response  # an API caller is refused, never sent to a page
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
