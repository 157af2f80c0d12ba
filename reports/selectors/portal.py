"""Reads of the partner portal: the complaints a partner's contacts see, without customer data,
and a partner's corrective-action notes.

`partner_complaints_visible_to` is the one rule the portal's pages and its API follow: a partner
contact sees the complaints at its partner's touchpoints or attributed to it; staff who read
every complaint see the portal's view of any partner's; nobody else sees any. The rows carry
only what the portal shows (`PORTAL_FIELDS`): never the reference, the customer, the description
or any other text a customer or a colleague wrote.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from feedback.models import Complaint, ComplaintEvent, Insight
from feedback.selectors import complaints_at_partners, partner_complaints, with_clock
from stakeholders.models import Partner
from stakeholders.selectors import contact_partner

# The complaint's columns the portal reads; everything else (the reference, the customer, what
# happened, the remedy asked for, the decision, the root cause's words) is never loaded.
PORTAL_FIELDS = (
    "id",
    "touchpoint",
    "owner_partner",
    "severity",
    "status",
    "received_at",
    "acknowledge_due_at",
    "resolve_due_at",
    "acknowledge_at_risk_from",
    "resolve_at_risk_from",
    "responded_at",
    "closed_at",
    "resolved_within_sla",
    "root_cause_category",
)
# The views' filter of the list: every complaint, the open ones, the closed ones.
STATES = ("all", "open", "closed")


def partner_complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    """Return the complaints the user sees in the partner portal, newest first, with the clock
    annotated and the touchpoint's journey joined (only the portal's columns loaded)."""
    partner = contact_partner(user)
    if partner is not None:
        rows = partner_complaints(partner)
    elif user.is_authenticated and user.has_perm("feedback.view_all_complaints"):
        rows = complaints_at_partners()
    else:
        return Complaint.objects.none()
    return (
        with_clock(rows)
        .select_related("touchpoint__stage__journey")
        .only(
            *PORTAL_FIELDS,
            "touchpoint__name",
            "touchpoint__stage__name",
            "touchpoint__stage__journey__name",
        )
        .order_by("-received_at", "-id")
    )


def in_state(rows: QuerySet[Complaint], state: str) -> QuerySet[Complaint]:
    """Return the open or the closed complaints among the rows (all for any other state)."""
    if state == "open":
        return rows.exclude(status=Complaint.Status.CLOSED)
    if state == "closed":
        return rows.filter(status=Complaint.Status.CLOSED)
    return rows


def with_categories(complaints: Iterable[Complaint]) -> list[Complaint]:
    """Set `categories` (the theme names of each complaint's insight) on the complaints, in one
    query, and return them as a list."""
    rows = list(complaints)
    names: dict[int, list[str]] = defaultdict(list)
    tags = (
        Insight.themes.through.objects.filter(insight__complaint__in=[row.pk for row in rows])
        .order_by("theme__name")
        .values_list("insight__complaint_id", "theme__name")
    )
    for complaint_id, name in tags:
        names[complaint_id].append(name)
    for row in rows:
        row.categories = names.get(row.pk, [])  # type: ignore[attr-defined]
    return rows


def portal_notes(complaint: Complaint, user: Any) -> QuerySet[ComplaintEvent]:
    """Return the complaint's corrective-action notes the user sees, oldest first: a partner
    contact their own partner's, staff every partner's."""
    notes = complaint.events.filter(kind=ComplaintEvent.Kind.PARTNER_NOTE)
    partner = contact_partner(user)
    if partner is not None:
        notes = notes.filter(partner=partner)
    return notes.select_related("actor", "partner").order_by("at", "id")


def partner_notes(partner: Partner, limit: int = 10) -> list[ComplaintEvent]:
    """Return the partner's latest corrective-action notes, newest first, with their complaint's
    touchpoint (for the scorecard's panel)."""
    return list(
        ComplaintEvent.objects.filter(Q(kind=ComplaintEvent.Kind.PARTNER_NOTE) & Q(partner=partner))
        .select_related("actor", "complaint__touchpoint")
        .only(
            "id",
            "at",
            "text",
            "kind",
            "partner",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
            "complaint__id",
            "complaint__reference",
            "complaint__received_at",
            "complaint__touchpoint__name",
        )
        .order_by("-at", "-id")[:limit]
    )
