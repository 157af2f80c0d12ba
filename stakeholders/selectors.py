"""Reads of the stakeholders app shared by pages and the API."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet
from django.utils.functional import Promise

from core.queries import SubqueryCount
from core.roles import Role

from .constants import SELECTION_WEIGHTS
from .models import Customer, CustomerSegment, Department, Partner, PartnerContact


def selection_score_expression() -> ExpressionWrapper:
    """Return the weighted selection score as a database expression (for sorting)."""
    terms = [F(field) * weight for field, weight in SELECTION_WEIGHTS.items()]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return ExpressionWrapper(total, output_field=FloatField())


def department_list() -> QuerySet[Department]:
    """Return departments with their lead and how many touchpoints they own."""
    return (
        Department.objects.select_related("lead")
        .annotate(touchpoint_count=Count("touchpoints", distinct=True))
        .order_by("name")
    )


def partner_list() -> QuerySet[Partner]:
    """Return partners with how many touchpoints they own and their selection score."""
    return Partner.objects.annotate(
        touchpoint_count=Count("touchpoints", distinct=True),
        weighted_score=selection_score_expression(),
    ).order_by("name")


def segment_list() -> QuerySet[CustomerSegment]:
    """Return customer segments with their customer and journey counts."""
    # Customers are counted in a subquery: joining them and the journeys would multiply the two.
    return CustomerSegment.objects.annotate(
        customer_count=SubqueryCount(Customer.objects.filter(segment=OuterRef("pk")).values("pk")),
        journey_count=Count("journeys", distinct=True),
    ).order_by("name")


def customer_list() -> QuerySet[Customer]:
    """Return customers with their segment."""
    return Customer.objects.select_related("segment")


def touchpoints_owned_by(owner: Department | Partner) -> QuerySet[Any]:
    """Return the touchpoints an owner holds, with stage and journey, in journey-map order."""
    return owner.touchpoints.select_related("stage__journey").order_by(
        "stage__journey__name", "stage__journey", "stage__order", "order"
    )


# The stakeholder map -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerCell:
    """How many partners of one kind have one status."""

    kind: str
    status: str
    label: str | Promise
    count: int


@dataclass(frozen=True)
class PartnerRow:
    """The partners of one kind, counted by status."""

    kind: str
    label: str | Promise
    cells: list[PartnerCell] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)


@dataclass(frozen=True)
class StakeholderMap:
    """What the stakeholder map counts per group, with the first rows of each list."""

    customer_count: int
    unsegmented_customer_count: int
    segment_count: int
    segments: list[CustomerSegment]  # most customers first
    department_count: int
    departments: list[Department]  # most touchpoints first
    department_lead_count: int  # people leading a department
    led_department_count: int
    led_departments: list[Department]  # by name, with their lead
    frontline_count: int
    executive_count: int
    executives: list[Any]  # by name
    partner_rows: list[PartnerRow]

    @property
    def partner_count(self) -> int:
        return sum(row.total for row in self.partner_rows)

    @property
    def probation_count(self) -> int:
        return sum(
            cell.count
            for row in self.partner_rows
            for cell in row.cells
            if cell.status == Partner.Status.PROBATION
        )


def partner_rows() -> list[PartnerRow]:
    """Count partners by kind and status in one grouped query (every pair shown, zeros too)."""
    counts = {
        (row["kind"], row["status"]): row["count"]
        for row in Partner.objects.order_by().values("kind", "status").annotate(count=Count("pk"))
    }
    return [
        PartnerRow(
            kind=kind.value,
            label=kind.label,
            cells=[
                PartnerCell(kind.value, status.value, status.label, counts.get((kind, status), 0))
                for status in Partner.Status
            ],
        )
        for kind in Partner.Kind
    ]


def stakeholder_map(*, sample: int) -> StakeholderMap:
    """Return the stakeholder map's counts and the first `sample` rows of each of its lists, in a
    fixed number of queries."""
    customers = Customer.objects.aggregate(
        total=Count("pk"), unsegmented=Count("pk", filter=Q(segment__isnull=True))
    )
    departments = Department.objects.aggregate(
        total=Count("pk"),
        led=Count("pk", filter=Q(lead__isnull=False)),
        leads=Count("lead", distinct=True),
    )
    active_users = get_user_model().objects.filter(is_active=True)
    staff = active_users.aggregate(
        frontline=Count("pk", filter=Q(groups__name=Role.FRONTLINE.value), distinct=True),
        executives=Count("pk", filter=Q(groups__name=Role.EXECUTIVE.value), distinct=True),
    )
    return StakeholderMap(
        customer_count=customers["total"],
        unsegmented_customer_count=customers["unsegmented"],
        segment_count=CustomerSegment.objects.count(),
        segments=list(segment_list().order_by("-customer_count", "name")[:sample]),
        department_count=departments["total"],
        departments=list(department_list().order_by("-touchpoint_count", "name")[:sample]),
        department_lead_count=departments["leads"],
        led_department_count=departments["led"],
        led_departments=list(
            Department.objects.filter(lead__isnull=False)
            .select_related("lead")
            .order_by("name")[:sample]
        ),
        frontline_count=staff["frontline"],
        executive_count=staff["executives"],
        executives=list(
            active_users.filter(groups__name=Role.EXECUTIVE.value)
            .distinct()
            .order_by("first_name", "last_name", "username")[:sample]
        ),
        partner_rows=partner_rows(),
    )


# Partner contacts ---------------------------------------------------------------------------------


def contact_partner(user: Any) -> Partner | None:
    """Return the partner whose portal the user uses: an active contact holding the portal
    permission; None for everyone else (staff included). Kept on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_loyaltyqms_partner"):
        contact = None
        if user.has_perm("stakeholders.use_partner_portal"):
            contact = PartnerContact.objects.select_related("partner").filter(user=user).first()
        user._loyaltyqms_partner = contact.partner if contact else None
    partner: Partner | None = user._loyaltyqms_partner
    return partner


def partner_contacts(partner: Partner) -> QuerySet[PartnerContact]:
    """Return the partner's contacts with their users: active ones first, then by name."""
    return (
        PartnerContact.objects.filter(partner=partner)
        .select_related("user", "invited_by")
        .order_by("-user__is_active", "user__first_name", "user__last_name", "user__email")
    )
