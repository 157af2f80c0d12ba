"""The access table: every page and API route for every visitor, walked (NetBox-style).

`ROUTES` has one row per URL name: for each method the route answers (GET and every method that
writes), the visitors it serves; everyone else is refused the way its kind of route refuses
(`tests/access_rules.py`). The walk signs in one user per column and sends each of them each
method, with a CSRF token, and once more without it (refused). A route missing from the table, a
row whose route is gone and a method the row forgets all fail here, and `docs/access.md` is
rendered from this table (`make access-doc`).

Adding a route: add its row below, in its app's block. `page({"GET": STAFF, "POST": QUALITY})`
reads "signed-in staff read it, quality managers and administrators post to it"; `record=` makes
the record the URL addresses; `own=` names the visitors who reach only their own records.

The object rules (frontline staff see only their complaints wherever complaints appear; eNPS
answers are never shown one by one) are tested in `tests/access_objects.py`, imported below.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.models import Notification
from core.roles import Role, sync_roles
from feedback.models import Severity, SeverityPolicy
from metrics import services as metrics_services
from metrics import services_alerts
from metrics.models import Alert, AlertRule, AlertSubscription, Indicator, RecomputeRun
from stakeholders.models import CustomerActivity
from tests.access_doc import DOC_PATH, render
from tests.access_objects import (  # noqa: F401 - pytest collects the object rules from here
    complaints,
    small_pulse,
    test_enps_answers_are_never_shown_one_by_one,
    test_enps_comments_never_reach_the_insights,
    test_enps_results_hide_groups_below_the_threshold,
    test_frontline_reaches_its_own_complaint_everywhere,
    test_frontline_sees_no_other_complaint_anywhere,
)
from tests.access_rules import (
    ACCOUNTS,
    ADMINISTRATORS,
    ANONYMOUS,
    EVERYONE,
    LOGGERS,
    OVERSIGHT,
    PARTNER,
    PORTAL,
    QUALITY,
    STAFF,
    Kind,
    Route,
    api,
    clients_for,
    methods_answered,
    page,
    project_routes,
    public,
    row,
    walk,
)
from tests.conftest import FAST_HASHERS
from tests.core.factories import (
    ChatChannelFactory,
    ImportJobFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from tests.feedback.factories import (
    AuditFactory,
    ChecklistFactory,
    ComplaintFactory,
    IdeaFactory,
    InsightFactory,
    RecognitionFactory,
    ReplyTemplateFactory,
    ResponseFactory,
    SurveyFactory,
    ThemeFactory,
)
from tests.improvement.page_records import (
    accepted_idea,
    cycle_move_of,
    cycle_of,
    open_action,
)
from tests.improvement.suggested import waiting_suggestion
from tests.journeys.factories import (
    FailurePointFactory,
    HandoffFactory,
    JourneyFactory,
    ObjectiveFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.metrics.factories import IndicatorFactory
from tests.reports.monthly_page_records import (
    action_address,
    decision_address,
    failed_delivery_address,
    report_month,
    review_month,
)
from tests.stakeholders.factories import (
    CustomerFactory,
    DepartmentFactory,
    PartnerContactFactory,
    PartnerFactory,
    SegmentFactory,
)

# The records the routes address -----------------------------------------------------------------


def pk_of(make: Callable[[], Model], **more: Any) -> Callable[[], dict[str, Any]]:
    """Return a builder making a record (through its factory) and giving its primary key."""
    return lambda: {"pk": make().pk, **more}


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
    """Upload a file of customer activity and run its import to the end (its one row refused:
    the customer it names does not exist)."""
    return ImportJobFactory.create(finished=True)


def severity_policy() -> Model:
    """Return the SLA policy of medium complaints (migration 0002 writes one per severity)."""
    return SeverityPolicy.objects.get(severity=Severity.MEDIUM)


def insight() -> Model:
    """Log a complaint (its insight is as hidden as the complaint is) and return its insight."""
    return ComplaintFactory.create().insight


def history_of_complaint() -> dict[str, Any]:
    """Log a complaint and return the arguments of its history's address."""
    return {"kind": "complaint", "key": str(ComplaintFactory.create().pk)}


def customer_answer() -> Model:
    """Return a customer's answer to a CSAT survey."""
    return ResponseFactory.create()


def customer_activity() -> Model:
    """Record a purchase of a new customer."""
    return CustomerActivity.objects.create(
        customer=CustomerFactory.create(), occurred_at=timezone.now(), kind="purchase"
    )


def recompute_run() -> Model:
    """Record a finished full recompute."""
    return RecomputeRun.objects.create(mode="full", trigger="manual", status="done")


def annotation() -> Model:
    """Annotate a new indicator's chart."""
    return metrics_services.annotation_upsert(
        indicator=IndicatorFactory.create(), starts_on=date(2026, 3, 1), label="New courier"
    )


def driver() -> Model:
    """Declare a leading indicator a driver of a lagging one."""
    return metrics_services.driver_declare(
        leading=IndicatorFactory.create(kind=Indicator.Kind.LEADING),
        lagging=IndicatorFactory.create(kind=Indicator.Kind.LAGGING),
    )


def alert_rule() -> AlertRule:
    """Define an alert rule on every special-cause signal."""
    return services_alerts.alert_rule_create(user=None, name="Any signal", trigger="signal")


def role_subscription() -> Model:
    """Subscribe the executives to an alert rule (a quality manager's doing)."""
    return AlertSubscription.objects.create(rule=alert_rule(), role=Role.EXECUTIVE.value)


def an_alert() -> Model:
    """Record an alert an alert rule raised on a new indicator."""
    return Alert.objects.create(
        alert_rule=alert_rule(),
        indicator=IndicatorFactory.create(),
        kind="signal",
        period=date(2026, 1, 1),
        rule="WE1",
        message="One point beyond 3 sigma.",
    )


# Staff manage their own alert subscriptions; quality managers also the roles'.
OWN_SUBSCRIPTIONS = frozenset({"frontline", "executive"})


def partner_id_of(make: Callable[[], Model]) -> Callable[[], dict[str, Any]]:
    """Return a builder making a partner and giving the `partner_id` of its scorecard's URL."""
    return lambda: {"partner_id": make().pk}


def another_partners_complaint() -> Model:
    """Log a complaint at a touchpoint of a partner that is not the walk's partner's."""
    return ComplaintFactory.create(
        touchpoint=TouchpointFactory.create(owner_partner=PartnerFactory.create())
    )


def invited_contact() -> Model:
    """Invite a contact of a new partner to the portal (the invitation still waits)."""
    return PartnerContactFactory.create(accepted=False)


def invitation_link() -> dict[str, Any]:
    """Invite a partner contact and return the arguments of their invitation's link."""
    user = PartnerContactFactory.create(accepted=False).user
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def review_action_of() -> dict[str, Any]:
    """Record a draft review of a report; return its month and its action's id (the API's)."""
    address = action_address()
    return {"month": address["month"], "action_id": address["pk"]}


SIGNED_IN_SENT_HOME = "signed-in users are sent on to the home page"
COMPANY_SIGN_IN_OFF = "404 unless OIDC_ISSUER is set (then the provider's sign-in)"


def someone_elses_notification() -> Model:
    """Return a notification addressed to a person none of the visitors is."""
    return Notification.objects.create(
        recipient=UserFactory.create(), kind="other", title="For someone else", link="/"
    )


def company_provider() -> dict[str, str]:
    """Return the company sign-in routes' argument: the provider id settings give."""
    return {"provider_id": "company"}


# A corrective-action note reaches the portal's rules (an empty one stops at the form).
NOTE = {"text": "Driver briefed on the photo-at-the-door rule."}
# A comment reaches the complaint rules (an empty one stops at the form).
COMMENT = {"text": "Called the courier."}
# Writing to the customer and logging their reply reach the complaint rules too.
CUSTOMER_EMAIL = {"subject": "Your complaint {reference}", "body": "We are on it."}
CUSTOMER_REPLY = {"address": "anouk@example.net", "body": "Thanks, the parcel arrived."}


def complaint_of() -> dict[str, Any]:
    """Log a complaint and return the argument of its messages' address."""
    return {"complaint_pk": ComplaintFactory.create().pk}


ROUTES: dict[str, Route] = {
    # core: home, health, sign-in, account, API docs, admin
    # Home sends each role to its page: quality managers and executives to the dashboard, a
    # partner contact to the portal; the others see "My work", which every member of staff has.
    "home": page(
        {"GET": ACCOUNTS},
        answer={"quality_manager": 302, "executive": 302, "partner": 302},
        note="to the role's home page, else My work",
    ),
    "my-work": page({"GET": STAFF}),
    "healthz": public({"GET": EVERYONE}),
    "favicon": public({"GET": EVERYONE}, answer=301, note="a redirect to the site icon"),
    "login": public({"GET POST PUT": ANONYMOUS}, note=SIGNED_IN_SENT_HOME),
    "logout": page({"POST": ACCOUNTS}),
    "password_change": page({"GET POST PUT": ACCOUNTS}),
    "password_change_done": page({"GET": ACCOUNTS}),
    "api-docs": page({"GET": ACCOUNTS}),
    "api-schema": api({"GET": ACCOUNTS}),
    "api-me": api({"GET": ACCOUNTS}),
    "api-token": api(
        {"POST": EVERYONE}, csrf=False, note="a password for a token: no session, no CSRF"
    ),
    "account": page({"GET POST": ACCOUNTS}),
    "two-factor": page({"GET POST": ACCOUNTS}),
    # Without a second sign-in step pending it sends the user on to the home page.
    "two-factor-verify": page({"GET POST": ACCOUNTS}, answer=302),
    # Sign-in with the company account (core.oidc): public by nature, and 404 in this walk
    # because OIDC_ISSUER is unset; tests/core/test_oidc.py walks them against a provider.
    "openid_connect_login": public(
        {"GET": EVERYONE}, company_provider, answer=404, note=COMPANY_SIGN_IN_OFF
    ),
    "openid_connect_callback": public(
        {"GET": EVERYONE}, company_provider, answer=404, note=COMPANY_SIGN_IN_OFF
    ),
    # Each kind of controlled record by its own view permission and selector; walked with a
    # complaint, which frontline staff read only when it is theirs.
    "record-history": page(
        {"GET": STAFF}, history_of_complaint, own=frozenset({"frontline"}), note="any record"
    ),
    "record-history-csv": page(
        {"GET": STAFF}, history_of_complaint, own=frozenset({"frontline"}), note="any record"
    ),
    # The notification centre: everyone signed in reads only their own notifications.
    "notifications": page({"GET": ACCOUNTS}),
    "notifications-mark-all-read": page({"POST": ACCOUNTS}),
    "notification-open": page({"GET": ACCOUNTS}, pk_of(someone_elses_notification), own=ACCOUNTS),
    "notification-mark-read": page(
        {"POST": ACCOUNTS}, pk_of(someone_elses_notification), own=ACCOUNTS
    ),
    "notification-list": api({"GET": ACCOUNTS}),
    "notification-read": api({"POST": ACCOUNTS}, pk_of(someone_elses_notification), own=ACCOUNTS),
    "notification-read-all": api({"POST": ACCOUNTS}),
    "notification-unread-count": api({"GET": ACCOUNTS}),
    "admin:index": row(Kind.ADMIN, {"GET": ADMINISTRATORS}, note="stands for every admin page"),
    # stakeholders pages
    "stakeholders:stakeholder-map": page({"GET": STAFF}),
    "stakeholders:department-list": page({"GET": STAFF}),
    "stakeholders:department-detail": page({"GET": STAFF}, pk_of(DepartmentFactory.create)),
    "stakeholders:department-create": page({"GET POST": QUALITY}),
    "stakeholders:department-edit": page({"GET POST": QUALITY}, pk_of(DepartmentFactory.create)),
    "stakeholders:partner-list": page({"GET": STAFF}),
    "stakeholders:partner-detail": page({"GET": STAFF}, pk_of(PartnerFactory.create)),
    "stakeholders:partner-create": page({"GET POST": QUALITY}),
    "stakeholders:partner-edit": page({"GET POST": QUALITY}, pk_of(PartnerFactory.create)),
    "stakeholders:segment-list": page({"GET": STAFF}),
    # stakeholders pages: the partner portal's contacts (invited by quality managers)
    "stakeholders:contact-invite": page({"GET POST": QUALITY}, pk_of(PartnerFactory.create)),
    "stakeholders:contact-resend": page({"POST": QUALITY}, pk_of(invited_contact)),
    "stakeholders:contact-revoke": page({"POST": QUALITY}, pk_of(invited_contact)),
    "stakeholders:contact-accept": public(
        {"GET POST PUT": EVERYONE},
        invitation_link,
        answer=302,
        note="the invitation's link (its token moves into the session first)",
    ),
    # journeys pages
    "journeys:journey-list": page({"GET": STAFF}),
    "journeys:journey-create": page({"GET POST": QUALITY}),
    "journeys:journey-map": page({"GET": STAFF}, pk_of(JourneyFactory.create)),
    "journeys:journey-edit": page({"GET POST": QUALITY}, pk_of(JourneyFactory.create)),
    "journeys:stage-add": page({"GET POST": QUALITY}, pk_of(JourneyFactory.create)),
    "journeys:touchpoint-add": page({"GET POST": QUALITY}, pk_of(JourneyFactory.create)),
    "journeys:handoff-add": page({"GET POST": QUALITY}, pk_of(JourneyFactory.create)),
    "journeys:objective-add": page({"GET POST": QUALITY}, pk_of(JourneyFactory.create)),
    "journeys:stage-edit": page({"GET POST": QUALITY}, pk_of(StageFactory.create)),
    "journeys:stage-move": page({"POST": QUALITY}, pk_of(StageFactory.create)),
    "journeys:stage-delete": page({"POST": QUALITY}, pk_of(StageFactory.create)),
    "journeys:touchpoint-detail": page({"GET": STAFF}, pk_of(TouchpointFactory.create)),
    "journeys:touchpoint-edit": page({"GET POST": QUALITY}, pk_of(TouchpointFactory.create)),
    "journeys:touchpoint-move": page({"POST": QUALITY}, pk_of(TouchpointFactory.create)),
    "journeys:touchpoint-delete": page({"POST": QUALITY}, pk_of(TouchpointFactory.create)),
    "journeys:failure-point-add": page({"GET POST": QUALITY}, pk_of(TouchpointFactory.create)),
    "journeys:objective-detail": page({"GET": STAFF}, pk_of(ObjectiveFactory.create)),
    "journeys:objective-edit": page({"GET POST": QUALITY}, pk_of(ObjectiveFactory.create)),
    "journeys:handoff-delete": page({"POST": QUALITY}, pk_of(HandoffFactory.create)),
    "journeys:failure-point-delete": page({"POST": QUALITY}, pk_of(FailurePointFactory.create)),
    # feedback pages: complaints and SLA policies
    "feedback:complaint-queue": page({"GET": STAFF}),
    "feedback:complaint-log": page({"GET POST": LOGGERS}),
    "feedback:complaint-export": page({"GET": STAFF}),
    "feedback:complaint-bulk-assign": page({"POST": QUALITY}),
    "feedback:complaint-detail": page(
        {"GET": STAFF}, pk_of(ComplaintFactory.create), own=frozenset({"frontline"})
    ),
    "feedback:complaint-action": page(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create, action="comment"),
        own=frozenset({"frontline"}),
        data=COMMENT,
        note="one step (acknowledge, assign, comment, ...) per address",
    ),
    "feedback:sla-policy": page({"GET": STAFF, "POST": QUALITY}),
    # feedback pages: writing to the complainant (those who resolve it write; its handlers log
    # replies and keep the address), reply templates (quality managers keep them), a customer's
    # complaints (as complaints_visible_to allows: frontline staff see their own)
    "feedback:complaint-write": page(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data=CUSTOMER_EMAIL,
    ),
    "feedback:complaint-reply": page(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data=CUSTOMER_REPLY,
    ),
    "feedback:complaint-contact": page(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data={"contact_email": "anouk@example.net"},
    ),
    "feedback:reply-template-list": page({"GET": LOGGERS}),
    "feedback:reply-template-create": page({"GET POST": QUALITY}),
    "feedback:reply-template-edit": page({"GET POST": QUALITY}, pk_of(ReplyTemplateFactory.create)),
    "feedback:reply-template-retire": page({"POST": QUALITY}, pk_of(ReplyTemplateFactory.create)),
    "feedback:customer-complaints": page({"GET": STAFF}, pk_of(CustomerFactory.create)),
    # feedback pages: ideas, recognition, my submissions
    "feedback:idea-list": page({"GET": STAFF}),
    "feedback:idea-create": page({"GET POST": STAFF}),
    "feedback:idea-detail": page({"GET": STAFF}, pk_of(IdeaFactory.create)),
    "feedback:idea-vote": page({"POST": STAFF}, pk_of(IdeaFactory.create)),
    "feedback:idea-comment": page({"POST": STAFF}, pk_of(IdeaFactory.create)),
    "feedback:idea-roadmap": page({"POST": QUALITY}, pk_of(accepted_idea)),
    "feedback:idea-action": page(
        {"POST": QUALITY}, pk_of(IdeaFactory.create, action="review"), note="review, accept, ..."
    ),
    "feedback:recognition-feed": page({"GET": STAFF}),
    "feedback:recognition-create": page({"GET POST": OVERSIGHT}),
    "feedback:my-submissions": page({"GET": STAFF}, note="only one's own records"),
    # feedback pages: surveys, insights, themes, mystery shopping
    "feedback:survey-list": page({"GET": STAFF}),
    "feedback:survey-create": page({"GET POST": QUALITY}),
    "feedback:survey-detail": page({"GET": STAFF}, pk_of(SurveyFactory.create)),
    "feedback:survey-edit": page({"GET POST": QUALITY}, pk_of(SurveyFactory.create)),
    "feedback:survey-invite": page({"POST": QUALITY}, pk_of(SurveyFactory.create)),
    "feedback:survey-answer": page({"GET POST": STAFF}, pk_of(pulse)),
    "feedback:survey-pulses": page({"GET": OVERSIGHT}, pk_of(pulse)),
    "feedback:survey-export": page({"GET": OVERSIGHT}, pk_of(SurveyFactory.create)),
    "feedback:survey-qr": page({"GET": STAFF}, pk_of(SurveyFactory.create)),
    "feedback:insight-list": page({"GET": STAFF}),
    "feedback:insight-create": page({"GET POST": LOGGERS}),
    "feedback:insight-export": page({"GET": STAFF}),
    "feedback:insight-tag": page({"POST": QUALITY}, pk_of(InsightFactory.create)),
    "feedback:theme-list": page({"GET": STAFF}),
    "feedback:theme-create": page({"GET POST": QUALITY}),
    "feedback:theme-edit": page({"GET POST": QUALITY}, pk_of(ThemeFactory.create)),
    "feedback:mystery-shopping": page({"GET": STAFF}),
    "feedback:checklist-create": page({"GET POST": QUALITY}),
    "feedback:checklist-edit": page({"GET POST": QUALITY}, pk_of(ChecklistFactory.create)),
    "feedback:audit-record": page({"GET POST": OVERSIGHT}, pk_of(ChecklistFactory.create)),
    "feedback:audit-detail": page({"GET": STAFF}, pk_of(AuditFactory.create)),
    # metrics pages
    "metrics:indicator-list": page({"GET": STAFF}),
    "metrics:indicator-create": page({"GET POST": QUALITY}),
    "metrics:indicator-detail": page({"GET": STAFF}, indicator_of),
    "metrics:indicator-edit": page({"GET POST": QUALITY}, indicator_of),
    "metrics:limits-recalculate": page({"POST": QUALITY}, indicator_of),
    "metrics:annotation-add": page({"POST": QUALITY}, indicator_of),
    "metrics:driver-declare": page({"POST": QUALITY}, indicator_of),
    "metrics:indicator-recompute": page({"POST": QUALITY}, indicator_of),
    "metrics:run-list": page({"GET": STAFF}),
    "metrics:run-start": page({"POST": QUALITY}),
    "metrics:alert-mine": page({"GET": STAFF}),
    "metrics:alert-subscribe": page({"POST": STAFF}),
    "metrics:alert-subscribe-role": page({"POST": QUALITY}),
    **{
        f"metrics:{name}": page(
            {"POST": STAFF},
            pk_of(role_subscription),
            own=OWN_SUBSCRIPTIONS,
            note="a role's subscription: quality managers",
        )
        for name in ("alert-subscription-change", "alert-unsubscribe")
    },
    "metrics:alert-rule-list": page({"GET": STAFF}),
    "metrics:alert-rule-create": page({"GET POST": QUALITY}),
    "metrics:alert-rule-edit": page({"GET POST": QUALITY}, pk_of(alert_rule)),
    "metrics:alert-rule-deactivate": page({"POST": QUALITY}, pk_of(alert_rule)),
    # imports (quality managers)
    "imports:job-list": page({"GET": QUALITY}),
    "imports:job-create": page({"GET POST": QUALITY}),
    "imports:job-detail": page({"GET": QUALITY}, pk_of(finished_import)),
    "imports:job-preview": page({"GET POST": QUALITY}, pk_of(ImportJobFactory.create)),
    "imports:job-progress": page({"GET": QUALITY}, pk_of(finished_import)),
    "imports:job-errors": page({"GET": QUALITY}, pk_of(finished_import)),
    "imports:job-resume": page({"POST": QUALITY}, pk_of(finished_import)),
    "imports:template": page({"GET": QUALITY}, lambda: {"importer": "customer_activity"}),
    # outbound webhooks (quality managers): endpoints, secrets, the delivery log and replays
    "webhooks:endpoint-list": page({"GET": QUALITY}),
    "webhooks:endpoint-create": page({"GET POST": QUALITY}),
    "webhooks:endpoint-detail": page({"GET": QUALITY}, pk_of(WebhookEndpointFactory.create)),
    "webhooks:endpoint-edit": page({"GET POST": QUALITY}, pk_of(WebhookEndpointFactory.create)),
    **{
        f"webhooks:endpoint-{step}": page({"POST": QUALITY}, pk_of(WebhookEndpointFactory.create))
        for step in ("secret", "rotate", "enable")
    },
    "webhooks:delivery-replay": page({"POST": QUALITY}, pk_of(WebhookDeliveryFactory.create)),
    # chat channels (quality managers): Slack and Teams webhooks, and their test message
    "chat:channel-list": page({"GET": QUALITY}),
    "chat:channel-create": page({"GET POST": QUALITY}),
    "chat:channel-edit": page({"GET POST": QUALITY}, pk_of(ChatChannelFactory.create)),
    "chat:channel-delete": page({"GET POST": QUALITY}, pk_of(ChatChannelFactory.create)),
    "chat:channel-test": page({"POST": QUALITY}, pk_of(ChatChannelFactory.create)),
    # improvement pages: the board, cycles and their phases, actions (their owners tick theirs)
    "improvement:board": page({"GET": STAFF}),
    "improvement:cycle-list": page({"GET": STAFF}),
    "improvement:cycle-create": page({"GET POST": QUALITY}),
    "improvement:cycle-detail": page({"GET": STAFF}, cycle_of),
    "improvement:cycle-plan": page({"POST": QUALITY}, cycle_of),
    "improvement:cycle-advance": page({"POST": QUALITY}, cycle_of),
    "improvement:cycle-move": page(
        {"POST": QUALITY}, cycle_move_of, note="to Do, to Check, decide, close, ..."
    ),
    "improvement:cycle-recognise": page({"POST": QUALITY}, cycle_of),
    "improvement:action-add": page({"POST": QUALITY}, cycle_of),
    "improvement:cycle-from-idea": page({"POST": QUALITY}, pk_of(accepted_idea)),
    "improvement:my-actions": page({"GET": STAFF}, note="only one's own actions"),
    "improvement:action-complete": page(
        {"POST": QUALITY}, pk_of(open_action), note="and the action's owner"
    ),
    "improvement:action-defer": page(
        {"POST": QUALITY}, pk_of(open_action), note="and the action's owner"
    ),
    "improvement:action-reopen": page(
        {"POST": QUALITY}, pk_of(open_action), note="and the action's owner"
    ),
    # improvement pages: suggested cycles (CAPA), the public "You said, we did" and roadmap
    "improvement:suggestion-list": page({"GET": STAFF}),
    "improvement:suggestion-accept": page({"POST": QUALITY}, pk_of(waiting_suggestion)),
    "improvement:suggestion-dismiss": page({"GET POST": QUALITY}, pk_of(waiting_suggestion)),
    "public-improvement:you-said-we-did": public({"GET": EVERYONE}),
    "public-improvement:roadmap": public({"GET": EVERYONE}),
    # reports pages: the system-health dashboard (whoever reads indicators; its complaint
    # lists and counts as complaints_visible_to allows: frontline staff see their own)
    "reports:dashboard": page({"GET": STAFF}),
    # reports pages: Pareto views, the journey heat view, a touchpoint's evidence (complaint
    # counts as complaints_visible_to allows: frontline staff count their own)
    "reports:pareto": page({"GET": STAFF}),
    "reports:journey-heat": page({"GET": STAFF}, pk_of(JourneyFactory.create)),
    "reports:touchpoint-evidence": page({"GET": STAFF}, pk_of(TouchpointFactory.create)),
    # reports pages: partner scorecards (staff who read them all compare them; a partner's
    # contacts read their own partner's; quality managers set the weights and expectations)
    "reports:scorecard-list": page({"GET": OVERSIGHT}),
    "reports:scorecard-detail": page(
        {"GET": OVERSIGHT | PARTNER}, partner_id_of(PartnerFactory.create), own=PARTNER
    ),
    "reports:scorecard-weights": page({"GET POST": QUALITY}),
    "reports:scorecard-expectations": page(
        {"GET POST": QUALITY}, partner_id_of(PartnerFactory.create)
    ),
    # reports pages: the partner portal (a partner's contacts: their partner's complaints; staff
    # who read every complaint: the partner's view of any partner's)
    "reports:portal-home": page(
        {"GET": PORTAL}, answer=302, note="to the partner's scorecard, staff to the complaints"
    ),
    "reports:portal-complaint-list": page({"GET": PORTAL}),
    "reports:portal-complaint-detail": page(
        {"GET": PORTAL}, pk_of(another_partners_complaint), own=PARTNER
    ),
    "reports:portal-complaint-note": page(
        {"POST": PARTNER}, pk_of(another_partners_complaint), own=PARTNER, data=NOTE
    ),
    # reports pages: the monthly report (executives and quality managers read it and record its
    # management review; quality managers generate a month's and send a failed e-mail again)
    "reports:monthly-list": page({"GET": OVERSIGHT}),
    "reports:monthly-generate": page({"POST": QUALITY}),
    "reports:monthly-subscription": page({"POST": OVERSIGHT}),
    "reports:monthly-detail": page({"GET": OVERSIGHT}, review_month),
    "reports:monthly-document": page({"GET": OVERSIGHT}, report_month),
    "reports:monthly-pdf": page({"GET": OVERSIGHT}, report_month),
    "reports:monthly-delivery-retry": page({"POST": QUALITY}, failed_delivery_address),
    "reports:monthly-review": page({"POST": OVERSIGHT}, report_month),
    **{
        f"reports:monthly-{step}": page({"POST": OVERSIGHT}, review_month)
        for step in ("decision-add", "action-add", "sign-off")
    },
    "reports:monthly-item-remove": page({"POST": OVERSIGHT}, decision_address),
    "reports:monthly-action-cycle": page({"POST": OVERSIGHT}, action_address),
    "reports:monthly-action-done": page({"POST": OVERSIGHT}, action_address),
    # the public survey pages: no login, for everyone
    "public-survey:answer": public({"GET POST": EVERYONE}, token_of_survey),
    "public-survey:thanks": public({"GET": EVERYONE}, token_of_survey),
    "public-survey:embed": public(
        {"GET POST": EVERYONE},
        token_of_survey,
        csrf=False,
        note="framed on other sites, which send no cookie of this one: an anonymous answer, "
        "no session read",
    ),
    "public-survey:embed-thanks": public({"GET": EVERYONE}, token_of_survey),
    # API: imports
    "api-import-bulk": api({"POST": QUALITY}, lambda: {"importer_key": "customer_activity"}),
    "api-survey-response-bulk": api({"POST": QUALITY}),
    "api-customer-bulk": api({"POST": QUALITY}),
    "api-customer-activity-bulk": api({"POST": QUALITY}),
    # API: outbound webhooks
    "webhook-endpoint-list": api({"GET POST": QUALITY}),
    "webhook-endpoint-detail": api(
        {"GET PUT PATCH DELETE": QUALITY}, pk_of(WebhookEndpointFactory.create)
    ),
    "webhook-endpoint-rotate-secret": api({"POST": QUALITY}, pk_of(WebhookEndpointFactory.create)),
    "webhook-endpoint-enable": api({"POST": QUALITY}, pk_of(WebhookEndpointFactory.create)),
    "webhook-delivery-list": api({"GET": QUALITY}),
    "webhook-delivery-detail": api({"GET": QUALITY}, pk_of(WebhookDeliveryFactory.create)),
    "webhook-delivery-replay": api({"POST": QUALITY}, pk_of(WebhookDeliveryFactory.create)),
    # API: chat channels
    "chat-channel-list": api({"GET POST": QUALITY}),
    "chat-channel-detail": api({"GET PUT PATCH DELETE": QUALITY}, pk_of(ChatChannelFactory.create)),
    "chat-channel-test": api({"POST": QUALITY}, pk_of(ChatChannelFactory.create)),
    # API: stakeholders
    "department-list": api({"GET": STAFF, "POST": QUALITY}),
    "department-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(DepartmentFactory.create)
    ),
    "partner-list": api({"GET": STAFF, "POST": QUALITY}),
    "partner-detail": api(
        {"GET": STAFF, "PUT PATCH": QUALITY, "DELETE": ADMINISTRATORS}, pk_of(PartnerFactory.create)
    ),
    "customer-segment-list": api({"GET": STAFF, "POST": QUALITY}),
    "customer-segment-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(SegmentFactory.create)
    ),
    "customer-list": api({"GET": STAFF, "POST": QUALITY}),
    "customer-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(CustomerFactory.create)
    ),
    "customer-activity-list": api({"GET": OVERSIGHT}),
    "customer-activity-detail": api({"GET": OVERSIGHT}, pk_of(customer_activity)),
    # API: journeys
    "journey-list": api({"GET": STAFF, "POST": QUALITY}),
    "journey-detail": api(
        {"GET": STAFF, "PUT PATCH": QUALITY, "DELETE": ADMINISTRATORS}, pk_of(JourneyFactory.create)
    ),
    "stage-list": api({"GET": STAFF, "POST": QUALITY}),
    "stage-detail": api({"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(StageFactory.create)),
    "touchpoint-list": api({"GET": STAFF, "POST": QUALITY}),
    "touchpoint-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(TouchpointFactory.create)
    ),
    "handoff-list": api({"GET": STAFF, "POST": QUALITY}),
    "handoff-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(HandoffFactory.create)
    ),
    "failure-point-list": api({"GET": STAFF, "POST": QUALITY}),
    "failure-point-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(FailurePointFactory.create)
    ),
    "quality-objective-list": api({"GET": STAFF, "POST": QUALITY}),
    "quality-objective-detail": api(
        {"GET": STAFF, "PUT PATCH": QUALITY, "DELETE": ADMINISTRATORS},
        pk_of(ObjectiveFactory.create),
    ),
    # API: complaints and SLA policies
    "complaint-list": api({"GET": STAFF, "POST": LOGGERS}),
    "complaint-bulk-assign": api({"POST": QUALITY}),
    "complaint-detail": api(
        {"GET": STAFF}, pk_of(ComplaintFactory.create), own=frozenset({"frontline"})
    ),
    "complaint-events": api(
        {"GET": STAFF}, pk_of(ComplaintFactory.create), own=frozenset({"frontline"})
    ),
    **{
        f"complaint-{step}": api(
            {"POST": LOGGERS}, pk_of(ComplaintFactory.create), own=frozenset({"frontline"})
        )
        for step in ("acknowledge", "assign", "close", "escalate", "investigate", "reopen")
    },
    "complaint-comments": api(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data=COMMENT,
    ),
    "complaint-respond": api(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data={"decision": "Refund the delivery fee."},
    ),
    "complaint-root-cause": api(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data={"root_cause_category": "process", "root_cause": "No photo at the door."},
    ),
    "complaint-contact-email": api(
        {"POST": LOGGERS},
        pk_of(ComplaintFactory.create),
        own=frozenset({"frontline"}),
        data={"contact_email": "anouk@example.net"},
    ),
    # API: writing to complainants (as the pages), and the inbound route of their replies (a
    # mail provider's webhook, with the token of a user who handles every complaint)
    "complaint-message-list": api(
        {"GET POST": LOGGERS},
        complaint_of,
        own=frozenset({"frontline"}),
        data={"direction": "inbound", **CUSTOMER_REPLY},
    ),
    "complaint-reply-list": api({"POST": QUALITY}),
    "reply-template-list": api({"GET": LOGGERS, "POST": QUALITY}),
    "reply-template-detail": api(
        {"GET": LOGGERS, "PUT PATCH": QUALITY}, pk_of(ReplyTemplateFactory.create)
    ),
    "severity-policy-list": api({"GET": STAFF}),
    "severity-policy-detail": api({"GET": STAFF, "PUT PATCH": QUALITY}, pk_of(severity_policy)),
    "severity-policy-frontline-limit": api({"POST": QUALITY}),
    # API: ideas and recognition
    "idea-list": api({"GET POST": STAFF}),
    "idea-detail": api({"GET": STAFF}, pk_of(IdeaFactory.create)),
    "idea-events": api({"GET": STAFF}, pk_of(IdeaFactory.create)),
    "idea-vote": api({"POST DELETE": STAFF}, pk_of(IdeaFactory.create)),
    "idea-comments": api({"GET POST": STAFF}, pk_of(IdeaFactory.create)),
    "idea-roadmap": api({"POST": QUALITY}, pk_of(accepted_idea)),
    **{
        f"idea-{step}": api({"POST": QUALITY}, pk_of(IdeaFactory.create))
        for step in ("review", "accept", "decline", "implement")
    },
    "recognition-list": api({"GET": STAFF, "POST": OVERSIGHT}),
    "recognition-detail": api({"GET": STAFF}, pk_of(RecognitionFactory.create)),
    # API: surveys, insights, themes, mystery shopping
    "survey-list": api({"GET": STAFF, "POST": QUALITY}),
    "survey-detail": api(
        {"GET": STAFF, "PUT PATCH": QUALITY, "DELETE": ADMINISTRATORS}, pk_of(SurveyFactory.create)
    ),
    "survey-response-list": api({"GET": OVERSIGHT, "POST": QUALITY}),
    "survey-response-detail": api({"GET": OVERSIGHT}, pk_of(customer_answer)),
    "survey-pulse-list": api({"GET": OVERSIGHT}, lambda: {"survey_id": pulse().pk}),
    "survey-response-export": api({"GET": OVERSIGHT}, pk_of(SurveyFactory.create)),
    "theme-list": api({"GET": STAFF, "POST": QUALITY}),
    "theme-detail": api({"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(ThemeFactory.create)),
    "insight-list": api({"GET": STAFF, "POST": LOGGERS}),
    # The insight is a complaint's, which frontline staff read only when it is theirs.
    "insight-detail": api(
        {"GET": STAFF, "PATCH": QUALITY}, pk_of(insight), own=frozenset({"frontline"})
    ),
    "checklist-list": api({"GET": STAFF, "POST": QUALITY}),
    "checklist-detail": api({"GET": STAFF, "PUT PATCH": QUALITY}, pk_of(ChecklistFactory.create)),
    "audit-list": api({"GET": STAFF, "POST": OVERSIGHT}),
    "audit-detail": api({"GET": STAFF, "PATCH": QUALITY}, pk_of(AuditFactory.create)),
    # API: metrics
    "indicator-list": api({"GET": STAFF, "POST": QUALITY}),
    "indicator-detail": api(
        {"GET": STAFF, "PUT PATCH": QUALITY, "DELETE": ADMINISTRATORS}, indicator_of
    ),
    "indicator-chart": api({"GET": STAFF}, indicator_of),
    "indicator-series": api({"GET": STAFF}, indicator_of),
    "indicator-observations": api({"GET": STAFF, "POST": QUALITY}, indicator_of),
    "indicator-limits": api({"POST": QUALITY}, indicator_of),
    "indicator-recompute": api({"POST": QUALITY}, indicator_of),
    "recompute-run-list": api({"GET": STAFF}),
    "recompute-run-detail": api({"GET": STAFF}, pk_of(recompute_run)),
    "annotation-list": api({"GET": STAFF, "POST": QUALITY}),
    "annotation-detail": api({"GET": STAFF, "DELETE": QUALITY}, pk_of(annotation)),
    "driver-list": api({"GET": STAFF, "POST": QUALITY}),
    "driver-detail": api({"GET": STAFF}, pk_of(driver)),
    "alert-rule-list": api({"GET": STAFF, "POST": QUALITY}),
    "alert-rule-detail": api(
        {"GET": STAFF, "PUT PATCH DELETE": QUALITY}, pk_of(alert_rule), note="DELETE: switched off"
    ),
    "alert-subscription-list": api({"GET POST": STAFF}, note="POST a role: quality managers"),
    "alert-subscription-detail": api(
        {"GET DELETE": STAFF},
        pk_of(role_subscription),
        own=OWN_SUBSCRIPTIONS,
        note="a role's subscription: quality managers",
    ),
    "alert-list": api({"GET": STAFF}),
    "alert-detail": api({"GET": STAFF}, pk_of(an_alert)),
    # API: improvement (action owners, any staff, also update their own actions: their rule is
    # tested in tests/improvement/test_api.py; the walk's action is a colleague's)
    "cycle-list": api({"GET": STAFF, "POST": QUALITY}),
    "cycle-detail": api({"GET": STAFF, "PATCH": QUALITY}, cycle_of),
    "cycle-from-idea": api({"POST": QUALITY}),
    "cycle-check": api({"GET": STAFF, "POST": QUALITY}, cycle_of),
    **{
        f"cycle-{move}": api({"POST": QUALITY}, cycle_of)
        for move in ("do", "check-run", "decide", "close", "abandon")
    },
    "cycle-action-list": api({"GET": STAFF, "POST": QUALITY}),
    "cycle-action-detail": api(
        {"GET": STAFF, "PATCH DELETE": QUALITY}, pk_of(open_action), note="PATCH: and the owner"
    ),
    **{
        f"cycle-action-{step}": api(
            {"POST": QUALITY}, pk_of(open_action), note="and the action's owner"
        )
        for step in ("complete", "defer", "reopen")
    },
    "cycle-suggestion-list": api({"GET": STAFF}),
    "cycle-suggestion-detail": api({"GET": STAFF}, pk_of(waiting_suggestion)),
    **{
        f"cycle-suggestion-{step}": api({"POST": QUALITY}, pk_of(waiting_suggestion))
        for step in ("accept", "dismiss")
    },
    # API: partner scorecards (a partner's contacts: their own partner's)
    "scorecard-list": api({"GET": OVERSIGHT | PARTNER}, note="a partner contact: their own only"),
    "scorecard-detail": api(
        {"GET": OVERSIGHT | PARTNER}, pk_of(PartnerFactory.create), own=PARTNER
    ),
    # API: the monthly reports (quality managers ask for one) and their management reviews
    "monthly-report-list": api({"GET": OVERSIGHT, "POST": QUALITY}),
    "monthly-report-detail": api({"GET": OVERSIGHT}, review_month),
    "monthly-report-review": api({"GET PUT": OVERSIGHT}, review_month),
    **{
        f"monthly-report-review-{step}": api({"POST": OVERSIGHT}, review_month)
        for step in ("decisions", "actions", "sign-off")
    },
    **{
        f"monthly-report-review-action-{step}": api({"POST": OVERSIGHT}, review_action_of)
        for step in ("start-cycle", "done")
    },
    # API: the partner portal
    "partner-complaint-list": api({"GET": PORTAL}),
    "partner-complaint-detail": api(
        {"GET": PORTAL}, pk_of(another_partners_complaint), own=PARTNER
    ),
    "partner-complaint-notes": api(
        {"POST": PARTNER}, pk_of(another_partners_complaint), own=PARTNER, data=NOTE
    ),
}


# The walk ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def visitors(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Sign in one user per column once for the module; each test rolls back what it wrote."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            sync_roles()
            users: dict[str, User | None] = {
                "anonymous": None,
                "frontline": UserFactory.create(role=Role.FRONTLINE),
                "quality_manager": UserFactory.create(role=Role.QUALITY_MANAGER),
                "executive": UserFactory.create(role=Role.EXECUTIVE),
                "administrator": UserFactory.create(is_superuser=True, is_staff=True),
                # A contact of the walk's own partner; the records are another partner's.
                "partner": PartnerContactFactory.create(
                    partner=PartnerFactory.create(name="The walk's courier")
                ).user,
            }
            clients: dict[str, Client] = clients_for(users)
        yield clients
        transaction.set_rollback(True)


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    """The table names each route of the project once, and nothing else, so none ships unseen."""
    routes = set(project_routes())

    missing, gone = routes - set(ROUTES), set(ROUTES) - routes

    assert missing == set(), "add rows for these routes to ROUTES in tests/test_access.py"
    assert gone == set(), "these rows name routes that no longer exist"


def test_every_row_lists_the_methods_its_route_answers() -> None:
    """Each row states every method its route serves (the writes included), and no other."""
    routes = project_routes()

    differences = {
        name: (sorted(methods_answered(routes[name])), sorted(ROUTES[name].methods))
        for name in sorted(set(routes) & set(ROUTES))
        if methods_answered(routes[name]) != set(ROUTES[name].methods)
    }

    assert differences == {}, "route: (methods it answers, methods its row lists)"


def test_the_documentation_is_rendered_from_the_table() -> None:
    """docs/access.md is the table as it stands: `make access-doc` rewrites it after a change."""
    written = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""

    assert written == render(ROUTES), "docs/access.md is out of date: run `make access-doc`"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_every_visitor_by_its_row(visitors: dict[str, Client], name: str) -> None:
    """Each visitor gets what the row says from each method: served, or refused (403, a login
    redirect or 401), or a 404 for someone else's record; a write without its CSRF token is
    refused whoever sends it."""
    problems = walk(name, ROUTES[name], visitors)

    assert problems == []
