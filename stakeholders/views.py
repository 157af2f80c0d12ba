"""Stakeholder pages: the stakeholder map, departments, partners and customer segments.

Everyone with a role reads them; quality managers create and edit departments and partners.
Each page runs a fixed number of queries whatever the amount of data behind it.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of

from . import selectors, services
from .constants import SELECTION_WEIGHTS, StakeholderGroup
from .forms import SCORE_LABELS, ContactInviteForm, DepartmentForm, PartnerFilterForm, PartnerForm
from .models import Department, Partner

MAP_SAMPLE = 6  # rows a stakeholder-map card lists before it links to the full list


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


def _map_context(overview: selectors.StakeholderMap) -> dict[str, Any]:
    """Lay the stakeholder map's counts out as one card per group."""
    # Shareholders and communities are followed through indicators only. Those live in metrics,
    # a layer above this app, so their cards link to the indicator list instead of counting.
    figures: dict[StakeholderGroup, list[Figure]] = {
        StakeholderGroup.CUSTOMERS: [
            Figure("customers", gettext_lazy("customers"), overview.customer_count),
            Figure("segments", gettext_lazy("segments"), overview.segment_count),
        ],
        StakeholderGroup.EMPLOYEES: [
            Figure("frontline", gettext_lazy("frontline staff"), overview.frontline_count),
            Figure("departments", gettext_lazy("departments"), overview.department_count),
        ],
        StakeholderGroup.LEADERS: [
            Figure("executives", gettext_lazy("executives"), overview.executive_count),
            Figure("leads", gettext_lazy("department leads"), overview.department_lead_count),
        ],
        StakeholderGroup.PARTNERS: [
            Figure("partners", gettext_lazy("partners"), overview.partner_count),
            Figure("probation", gettext_lazy("on probation"), overview.probation_count),
        ],
        StakeholderGroup.SHAREHOLDERS: [],
        StakeholderGroup.COMMUNITIES: [],
    }
    cards = [
        GroupCard(group, *GROUP_CARDS[group], figures=figures[group]) for group in StakeholderGroup
    ]
    return {
        "cards": cards,
        "segments": overview.segments,
        "segment_count": overview.segment_count,
        "unsegmented_customer_count": overview.unsegmented_customer_count,
        "departments": overview.departments,
        "department_count": overview.department_count,
        "executives": overview.executives,
        "executive_count": overview.executive_count,
        "led_departments": overview.led_departments,
        "led_department_count": overview.led_department_count,
        "partner_rows": overview.partner_rows,
        "partner_count": overview.partner_count,
        "statuses": Partner.Status.choices,
    }


@permission_required("stakeholders.view_partner", raise_exception=True)
def stakeholder_map(request: HttpRequest) -> HttpResponse:
    """Show the six stakeholder groups, what belongs to each and how many."""
    overview = selectors.stakeholder_map(sample=MAP_SAMPLE)
    return render(request, "stakeholders/stakeholder_map.html", _map_context(overview))


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
        {"department": department, "touchpoints": selectors.touchpoints_owned_by(department)},
    )


@permission_required("stakeholders.add_department", raise_exception=True)
def department_create(request: HttpRequest) -> HttpResponse:
    """Create a department."""
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            department = services.department_create(**form.cleaned_data)
        if call.ok:
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
        with service_errors(form) as call:
            services.department_update(department=department, **form.cleaned_data)
        if call.ok:
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
    """Show a partner: scores, agreed expectations, contact, touchpoints, portal contacts and
    change history."""
    partner = get_object_or_404(Partner, pk=pk)
    may_see_contacts = request.user.has_perm("stakeholders.view_partnercontact")
    return render(
        request,
        "stakeholders/partner_detail.html",
        {
            "partner": partner,
            "scores": _scores(partner),
            "touchpoints": selectors.touchpoints_owned_by(partner),
            "history": history_panel(partner),
            # The portal's contacts, for those who invite them (quality managers).
            "contacts": selectors.partner_contacts(partner) if may_see_contacts else None,
            "invite_form": ContactInviteForm(),
        },
    )


@permission_required("stakeholders.add_partner", raise_exception=True)
def partner_create(request: HttpRequest) -> HttpResponse:
    """Create a partner with its selection scores."""
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            partner = services.partner_create(**form.cleaned_data)
        if call.ok:
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
        with service_errors(form) as call:
            services.partner_update(partner=partner, **form.cleaned_data)
        if call.ok:
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
