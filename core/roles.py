"""Roles: the three staff groups, the partner contacts' group and the permissions each holds.

`ROLE_PERMISSIONS` is the single table in code; the README's role table mirrors it and the test
suite checks that the README, this table and the database groups agree. Superusers are
administrators and hold every permission.
"""

import enum
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request


class Role(enum.StrEnum):
    """A role; its value is the name of its auth group."""

    FRONTLINE = "Frontline staff"
    QUALITY_MANAGER = "Quality manager"
    EXECUTIVE = "Executive"
    # Not staff: a partner's employee who sees only the partner portal.
    PARTNER = "Partner contact"


STAFF_ROLES = (Role.FRONTLINE, Role.QUALITY_MANAGER, Role.EXECUTIVE)


def staff_users() -> "QuerySet[User]":
    """Return the active administrators and holders of a staff role, by name: whom a form may
    name as a lead, an owner, an assignee or a kudos recipient (partner contacts are not staff)."""
    staff = Q(groups__name__in=[role.value for role in STAFF_ROLES]) | Q(is_superuser=True)
    return (
        User.objects.filter(staff, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


ROLE_DESCRIPTIONS = {
    Role.FRONTLINE: _(
        "Log complaints and improvement ideas in seconds, follow what became of them and "
        "receive recognition."
    ),
    Role.QUALITY_MANAGER: _(
        "Map journeys and owners, triage complaints against SLAs, run PDCA cycles, define "
        "indicators and read system-health dashboards."
    ),
    Role.EXECUTIVE: _(
        "Review the monthly loyalty-health report, see the stakeholder balance at a glance and "
        "take part as a mystery shopper."
    ),
    Role.PARTNER: _(
        "See their own partner's scorecard and the complaints at its touchpoints, without "
        "customer data, and add corrective-action notes."
    ),
}

# "app_label.codename" per role; each issue that adds models adds its rows here and in the README.
# The system model (stakeholders and journeys): everyone reads it, quality managers shape it.
SYSTEM_MODELS = {
    "stakeholders": ["department", "partner", "customersegment", "customer"],
    "journeys": ["journey", "stage", "touchpoint", "handoff", "failurepoint", "qualityobjective"],
}
SYSTEM_VIEW = frozenset(
    f"{app}.view_{model}" for app, models in SYSTEM_MODELS.items() for model in models
)
SYSTEM_EDIT = frozenset(
    f"{app}.{action}_{model}"
    for app, models in SYSTEM_MODELS.items()
    for model in models
    for action in ("add", "change", "delete")
)

# Frontline capture (complaints, ideas, recognition). Frontline staff see only the complaints
# they logged or are assigned; `view_all_complaints` lifts that, `manage_complaints` handles any.
FRONTLINE_CAPTURE = frozenset(
    {
        "feedback.view_complaint",
        "feedback.add_complaint",
        "feedback.view_complaintevent",
        "feedback.view_severitypolicy",
        "feedback.view_improvementidea",
        "feedback.add_improvementidea",
        "feedback.view_ideavote",
        "feedback.add_ideavote",
        "feedback.delete_ideavote",
        "feedback.view_ideaevent",
        "feedback.view_recognition",
    }
)
FEEDBACK_MANAGE = frozenset(
    {
        "feedback.view_all_complaints",
        "feedback.manage_complaints",
        "feedback.change_complaint",
        "feedback.change_severitypolicy",
        "feedback.review_ideas",
        "feedback.change_improvementidea",
        "feedback.add_recognition",
    }
)
FEEDBACK_READ_ALL = frozenset({"feedback.view_all_complaints", "feedback.add_recognition"})

# Voice of customer and employee: surveys, insights, mystery shopping, activity, imports.
VOICE_READ = frozenset(
    {
        "feedback.view_survey",
        "feedback.view_theme",
        "feedback.view_insight",
        "feedback.view_checklisttemplate",
        "feedback.view_checklistitem",
        "feedback.view_audit",
        "feedback.view_audititemscore",
    }
)
VOICE_RESULTS = frozenset(
    {
        "feedback.view_surveyresponse",
        "feedback.view_surveyinvitation",
        "stakeholders.view_customeractivity",
    }
)
VOICE_MANAGE = frozenset(
    {
        "feedback.add_survey",
        "feedback.change_survey",
        "feedback.delete_survey",
        "feedback.add_surveyinvitation",
        "feedback.add_surveyresponse",
        "feedback.add_theme",
        "feedback.change_theme",
        "feedback.delete_theme",
        "feedback.change_insight",
        "feedback.add_checklisttemplate",
        "feedback.change_checklisttemplate",
        "feedback.delete_checklisttemplate",
        "feedback.add_checklistitem",
        "feedback.change_checklistitem",
        "feedback.delete_checklistitem",
        "stakeholders.add_customeractivity",
        "core.add_importjob",
        "core.view_importjob",
    }
)

# Metrics: everyone reads indicators, control charts, drivers and runs; quality managers define
# indicators, load observations, annotate charts, recalculate limits and start recomputes.
METRICS_READ = frozenset(
    {
        "metrics.view_indicator",
        "metrics.view_snapshot",
        "metrics.view_annotation",
        "metrics.view_driver",
        "metrics.view_limitsegment",
        "metrics.view_recomputerun",
        "metrics.view_observation",
    }
)
METRICS_MANAGE = frozenset(
    {
        "metrics.add_indicator",
        "metrics.change_indicator",
        "metrics.delete_indicator",
        "metrics.add_observation",
        "metrics.add_annotation",
        "metrics.change_annotation",
        "metrics.delete_annotation",
        "metrics.add_limitsegment",
        "metrics.delete_limitsegment",
        "metrics.add_driver",
        "metrics.delete_driver",
        "metrics.add_recomputerun",
    }
)
# Alerts: every staff member reads the alert rules and the alerts, and subscribes themselves (an
# object rule in the services); quality managers define the rules and subscribe roles.
ALERTS_SUBSCRIBE = frozenset(
    {
        "metrics.view_alertrule",
        "metrics.view_alert",
        "metrics.view_alertsubscription",
        "metrics.add_alertsubscription",
        "metrics.change_alertsubscription",
        "metrics.delete_alertsubscription",
    }
)
ALERTS_MANAGE = frozenset({"metrics.add_alertrule", "metrics.change_alertrule"})

# Improvement: every staff member reads cycles and ticks off the actions they own (an object
# rule in the services); quality managers run cycles and decide suggested ones.
IMPROVEMENT_READ = frozenset(
    {
        "improvement.view_pdcacycle",
        "improvement.view_cycleaction",
        "improvement.view_suggestion",
    }
)
IMPROVEMENT_MANAGE = frozenset(
    {
        "improvement.run_cycles",
        "improvement.add_pdcacycle",
        "improvement.change_pdcacycle",
        "improvement.add_cycleaction",
        "improvement.change_cycleaction",
        "improvement.delete_cycleaction",
        "improvement.change_suggestion",
    }
)
# Reports, partner scorecards: quality managers and executives read every partner's scorecard
# and its scoring rules (a partner contact reads only their own partner's, PARTNER_PORTAL);
# quality managers set the criteria's weights and the expectations agreed with each partner.
REPORTS_READ = frozenset(
    {
        "reports.view_partnerscore",
        "reports.view_all_scorecards",
        "reports.view_scorecardcriterion",
        "reports.view_partnerexpectation",
        "reports.view_monthlyreport",
        "reports.view_managementreview",
        "reports.view_reviewdecision",
        "reports.view_reviewaction",
    }
)
# The monthly report's management review (ISO 9001 §9.3): executives and quality managers record
# it, sign it off and open PDCA cycles for its actions (quality managers run the cycles).
REPORTS_REVIEW = frozenset(
    {
        "reports.add_managementreview",
        "reports.change_managementreview",
        "improvement.open_review_cycles",
    }
)
REPORTS_MANAGE = frozenset(
    {
        "reports.generate_monthlyreport",
        "reports.change_scorecardcriterion",
        "reports.add_partnerexpectation",
        "reports.change_partnerexpectation",
        "reports.delete_partnerexpectation",
    }
)
# Partner contacts: quality managers invite a partner's employees to the portal, send the
# invitation again and revoke their access.
PARTNER_CONTACTS_MANAGE = frozenset(
    {
        "stakeholders.view_partnercontact",
        "stakeholders.add_partnercontact",
        "stakeholders.change_partnercontact",
    }
)
# The partner portal: a partner contact reads their own partner's scorecard and the complaints at
# its touchpoints (object rules in the reports selectors) and adds corrective-action notes.
PARTNER_PORTAL = frozenset({"stakeholders.use_partner_portal", "reports.view_partnerscore"})
# Chat channels: quality managers connect Slack and Teams channels (their webhook URLs are
# secrets) that notifications can also go to, and send a test message to each.
CHAT_CHANNELS_MANAGE = frozenset(
    {
        "core.view_chatchannel",
        "core.add_chatchannel",
        "core.change_chatchannel",
        "core.delete_chatchannel",
    }
)
# Outbound webhooks: quality managers add the receivers of signed events, rotate their secrets,
# read the delivery log and replay a delivery.
WEBHOOKS_MANAGE = frozenset(
    {
        "core.view_webhookendpoint",
        "core.add_webhookendpoint",
        "core.change_webhookendpoint",
        "core.delete_webhookendpoint",
        "core.view_webhookdelivery",
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.FRONTLINE: frozenset({"auth.view_user", "feedback.add_insight"})
    | SYSTEM_VIEW
    | FRONTLINE_CAPTURE
    | VOICE_READ
    | METRICS_READ
    | ALERTS_SUBSCRIBE
    | IMPROVEMENT_READ,
    Role.QUALITY_MANAGER: frozenset({"auth.view_user", "auth.view_group"})
    | SYSTEM_VIEW
    | SYSTEM_EDIT
    | FRONTLINE_CAPTURE
    | FEEDBACK_MANAGE
    | VOICE_READ
    | VOICE_RESULTS
    | VOICE_MANAGE
    | METRICS_READ
    | METRICS_MANAGE
    | ALERTS_SUBSCRIBE
    | ALERTS_MANAGE
    | IMPROVEMENT_READ
    | IMPROVEMENT_MANAGE
    | REPORTS_READ
    | REPORTS_REVIEW
    | REPORTS_MANAGE
    | PARTNER_CONTACTS_MANAGE
    | CHAT_CHANNELS_MANAGE
    | WEBHOOKS_MANAGE
    | {"feedback.add_insight", "feedback.add_audit", "feedback.change_audit"},
    Role.EXECUTIVE: frozenset({"auth.view_user"})
    | SYSTEM_VIEW
    | (FRONTLINE_CAPTURE - {"feedback.add_complaint"})
    | FEEDBACK_READ_ALL
    | VOICE_READ
    | VOICE_RESULTS
    | METRICS_READ
    | ALERTS_SUBSCRIBE
    | IMPROVEMENT_READ
    | REPORTS_READ
    | REPORTS_REVIEW
    | {"feedback.add_audit"},
    Role.PARTNER: PARTNER_PORTAL,
}


def acting_user(request: HttpRequest | Request) -> User:
    """Return the signed-in user a page or API request acts for; services take no other.

    Every page and endpoint that writes requires a permission first, so an anonymous user here
    is refused (403) rather than handed to a service.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def user_roles(user: Any) -> frozenset[Role]:
    """Return the roles of a user (cached on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_loyaltyqms_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._loyaltyqms_roles = cached
    return cached


def is_portal_user(user: Any) -> bool:
    """Return whether the user is a partner contact and nothing else: the partner portal is all
    they see (navigation, home); staff who also hold the role keep their own pages."""
    return bool(
        user.is_authenticated
        and not user.is_superuser
        and user_roles(user) == frozenset({Role.PARTNER})
    )


def has_role(user: Any, *roles: Role) -> bool:
    """Return whether the user holds any of the roles; superusers hold them all."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user_roles(user) & set(roles))


def permissions_for(codes: Iterable[str]) -> list[Permission]:
    """Return the Permission rows for "app_label.codename" strings, refusing unknown ones."""
    wanted = set(codes)
    if not wanted:
        return []
    # One IN on the codenames, then the app labels in Python: an OR of a hundred (app label,
    # codename) pairs costs the ORM more to build than the query costs to run.
    codenames = {code.split(".", 1)[1] for code in wanted}
    candidates = Permission.objects.filter(codename__in=codenames).select_related("content_type")
    found = [
        permission
        for permission in candidates
        if f"{permission.content_type.app_label}.{permission.codename}" in wanted
    ]
    missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in ROLE_PERMISSIONS: {sorted(missing)}")
    return found


def sync_roles() -> None:
    """Create the role groups if missing and give each exactly the permissions of its row."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(permissions_for(codes))


def sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    """Sync roles once, after the last app's post_migrate (all permissions exist by then)."""
    from django.apps import apps

    last_app = list(apps.get_app_configs())[-1]
    if sender.name == last_app.name:
        sync_roles()
