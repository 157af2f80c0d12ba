"""Stakeholder pages: the stakeholder map, departments, partners and customer segments.

Everyone with a role reads them; quality managers create and edit departments and partners.
Each page runs a fixed number of queries whatever the amount of data behind it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import add_service_errors
from core.history import history_entries
from core.pagination import page_of
from core.roles import Role

from . import selectors, services
from .constants import SELECTION_WEIGHTS, StakeholderGroup
from .forms import SCORE_LABELS, DepartmentForm, PartnerFilterForm, PartnerForm
from .models import Customer, CustomerSegment, Department, Partner

User = get_user_model()

MAP_SAMPLE = 6  # rows a stakeholder-map card lists before it links to the full list


def _owned_touchpoints(owner: Department | Partner) -> QuerySet[Any]:
    """Return the touchpoints an owner holds, with stage and journey, in journey-map order."""
    return owner.touchpoints.select_related("stage__journey").order_by(
        "stage__journey__name", "stage__journey", "stage__order", "order"
    )


# The stakeholder map -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline number of a stakeholder-map card; `key` names it for tests and styles."""

    key: str
    label: str | Promise
    value: int


@dataclass(frozen=True)
class GroupCard:
    """One stakeholder group on the map: its headline numbers and the template of its body."""

    group: StakeholderGroup
    icon: str
    description: str | Promise
    body: str
    figures: list[Figure]


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


# Per group: its icon, what it stands for, and the template of its card's body.
GROUP_CARDS: dict[StakeholderGroup, tuple[str, str | Promise, str]] = {
    StakeholderGroup.CUSTOMERS: (
        "people",
        gettext_lazy("Who the journeys are designed for, grouped in segments."),
        "stakeholders/map/customers.html",
    ),
    StakeholderGroup.EMPLOYEES: (
        "person-badge",
        gettext_lazy("The staff who deliver the touchpoints, organised in departments."),
        "stakeholders/map/employees.html",
    ),
    StakeholderGroup.LEADERS: (
        "person-workspace",
        gettext_lazy("Executives who set direction, and the leads accountable for departments."),
        "stakeholders/map/leaders.html",
    ),
    StakeholderGroup.PARTNERS: (
        "truck",
        gettext_lazy("Suppliers, distributors and service partners who deliver touchpoints."),
        "stakeholders/map/partners.html",
    ),
    StakeholderGroup.SHAREHOLDERS: (
        "graph-up-arrow",
        gettext_lazy("Those who fund the organisation and expect loyalty to pay off."),
        "stakeholders/map/indicators.html",
    ),
    StakeholderGroup.COMMUNITIES: (
        "globe2",
        gettext_lazy("The society around the organisation and the bodies that set its rules."),
        "stakeholders/map/indicators.html",
    ),
}


def _partner_rows() -> list[PartnerRow]:
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


def _map_context() -> dict[str, Any]:
    """Read everything the stakeholder map shows, in a fixed number of queries."""
    customers = Customer.objects.aggregate(
        total=Count("pk"), unsegmented=Count("pk", filter=Q(segment__isnull=True))
    )
    departments = Department.objects.aggregate(
        total=Count("pk"),
        led=Count("pk", filter=Q(lead__isnull=False)),
        leads=Count("lead", distinct=True),
    )
    active_users = User.objects.filter(is_active=True)
    staff = active_users.aggregate(
        frontline=Count("pk", filter=Q(groups__name=Role.FRONTLINE.value), distinct=True),
        executives=Count("pk", filter=Q(groups__name=Role.EXECUTIVE.value), distinct=True),
    )
    partner_rows = _partner_rows()
    partner_count = sum(row.total for row in partner_rows)
    segment_count = CustomerSegment.objects.count()
    probation_count = sum(
        cell.count
        for row in partner_rows
        for cell in row.cells
        if cell.status == Partner.Status.PROBATION
    )
    # Shareholders and communities are followed through indicators only. Those live in metrics,
    # a layer above this app, so their cards link to the indicator list instead of counting.
    figures: dict[StakeholderGroup, list[Figure]] = {
        StakeholderGroup.CUSTOMERS: [
            Figure("customers", gettext_lazy("customers"), customers["total"]),
            Figure("segments", gettext_lazy("segments"), segment_count),
        ],
        StakeholderGroup.EMPLOYEES: [
            Figure("frontline", gettext_lazy("frontline staff"), staff["frontline"]),
            Figure("departments", gettext_lazy("departments"), departments["total"]),
        ],
        StakeholderGroup.LEADERS: [
            Figure("executives", gettext_lazy("executives"), staff["executives"]),
            Figure("leads", gettext_lazy("department leads"), departments["leads"]),
        ],
        StakeholderGroup.PARTNERS: [
            Figure("partners", gettext_lazy("partners"), partner_count),
            Figure("probation", gettext_lazy("on probation"), probation_count),
        ],
        StakeholderGroup.SHAREHOLDERS: [],
        StakeholderGroup.COMMUNITIES: [],
    }
    cards = [
        GroupCard(group, *GROUP_CARDS[group], figures=figures[group]) for group in StakeholderGroup
    ]
    return {
        "cards": cards,
        "segments": list(selectors.segment_list().order_by("-customer_count", "name")[:MAP_SAMPLE]),
        "segment_count": segment_count,
        "unsegmented_customer_count": customers["unsegmented"],
        "departments": list(
            selectors.department_list().order_by("-touchpoint_count", "name")[:MAP_SAMPLE]
        ),
        "department_count": departments["total"],
        "executives": list(
            active_users.filter(groups__name=Role.EXECUTIVE.value)
            .distinct()
            .order_by("first_name", "last_name", "username")[:MAP_SAMPLE]
        ),
        "executive_count": staff["executives"],
        "led_departments": list(
            Department.objects.filter(lead__isnull=False)
            .select_related("lead")
            .order_by("name")[:MAP_SAMPLE]
        ),
        "led_department_count": departments["led"],
        "partner_rows": partner_rows,
        "partner_count": partner_count,
        "statuses": Partner.Status.choices,
    }


@permission_required("stakeholders.view_partner", raise_exception=True)
def stakeholder_map(request: HttpRequest) -> HttpResponse:
    """Show the six stakeholder groups, what belongs to each and how many."""
    return render(request, "stakeholders/stakeholder_map.html", _map_context())


# Departments ------------------------------------------------------------------------------------


@permission_required("stakeholders.view_department", raise_exception=True)
def department_list(request: HttpRequest) -> HttpResponse:
    """List departments with their lead and how many touchpoints they own."""
    departments = selectors.department_list().order_by("name")
    return render(
        request, "stakeholders/department_list.html", {"page_obj": page_of(request, departments)}
    )


@permission_required("stakeholders.view_department", raise_exception=True)
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department: lead, description and the touchpoints it owns, by journey."""
    department = get_object_or_404(Department.objects.select_related("lead"), pk=pk)
    return render(
        request,
        "stakeholders/department_detail.html",
        {"department": department, "touchpoints": _owned_touchpoints(department)},
    )


@permission_required("stakeholders.add_department", raise_exception=True)
def department_create(request: HttpRequest) -> HttpResponse:
    """Create a department."""
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Department created."))
            return redirect(department)
    return render(request, "stakeholders/department_form.html", {"form": form})


@permission_required("stakeholders.change_department", raise_exception=True)
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a department's name, lead or description."""
    department = get_object_or_404(Department, pk=pk)
    title = department.name  # the form changes the instance while it validates
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_update(department=department, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Department saved."))
            return redirect(department)
    return render(
        request,
        "stakeholders/department_form.html",
        {"form": form, "department": department, "title": title},
    )


# Partners ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One selection criterion of a partner: its label, weight (percent) and 1-5 score."""

    field: str
    label: str | Promise
    weight: int
    value: int


def _scores(partner: Partner) -> list[Score]:
    """Return the partner's selection scores, heaviest criterion first."""
    return [
        Score(name, SCORE_LABELS[name], round(weight * 100), getattr(partner, name))
        for name, weight in sorted(SELECTION_WEIGHTS.items(), key=lambda item: -item[1])
    ]


@permission_required("stakeholders.view_partner", raise_exception=True)
def partner_list(request: HttpRequest) -> HttpResponse:
    """List partners, filtered by kind and status, by name or by weighted selection score."""
    filters = PartnerFilterForm(request.GET)
    partners = filters.apply(selectors.partner_list())
    return render(
        request,
        "stakeholders/partner_list.html",
        {
            "page_obj": page_of(request, partners),
            "filters": filters,
            "sort": filters.cleaned_data.get("sort") or "name",
        },
    )


@permission_required("stakeholders.view_partner", raise_exception=True)
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a partner: scores, agreed expectations, contact, touchpoints and change history."""
    partner = get_object_or_404(Partner, pk=pk)
    return render(
        request,
        "stakeholders/partner_detail.html",
        {
            "partner": partner,
            "scores": _scores(partner),
            "touchpoints": _owned_touchpoints(partner),
            "history": history_entries(partner, limit=20),
        },
    )


@permission_required("stakeholders.add_partner", raise_exception=True)
def partner_create(request: HttpRequest) -> HttpResponse:
    """Create a partner with its selection scores."""
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Partner created."))
            return redirect(partner)
    return render(request, "stakeholders/partner_form.html", {"form": form})


@permission_required("stakeholders.change_partner", raise_exception=True)
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a partner's status, scores, agreed expectations or contact."""
    partner = get_object_or_404(Partner, pk=pk)
    title = partner.name  # the form changes the instance while it validates
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect(partner)
    return render(
        request,
        "stakeholders/partner_form.html",
        {"form": form, "partner": partner, "title": title},
    )


# Customer segments ------------------------------------------------------------------------------


@permission_required("stakeholders.view_customersegment", raise_exception=True)
def segment_list(request: HttpRequest) -> HttpResponse:
    """List customer segments with how many customers and journeys each has."""
    segments = selectors.segment_list().order_by("name")
    return render(
        request, "stakeholders/segment_list.html", {"page_obj": page_of(request, segments)}
    )
