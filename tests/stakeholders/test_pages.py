"""The stakeholder pages: map, departments, partners and segments, edited by quality managers."""

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journeys import services as journey_services
from journeys.models import Journey, Stage, Touchpoint
from stakeholders import services
from stakeholders.constants import StakeholderGroup
from stakeholders.models import Department, Partner

pytestmark = pytest.mark.django_db

SCORES: dict[str, Any] = {
    "reliability_score": 4,
    "values_score": 3,
    "customer_impact_score": 5,
    "cost_score": 3,
}


def partner_form(**changes: Any) -> dict[str, Any]:
    """Return a complete partner form submission, with some fields changed."""
    return {
        "name": "BoxCo",
        "kind": "supplier",
        "status": "active",
        **SCORES,
        "quality_expectations": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        **changes,
    }


def partner_as_form(partner: Partner, **changes: Any) -> dict[str, Any]:
    """Return the edit form of a partner as it stands, with some fields changed."""
    current = {field: getattr(partner, field) for field in ["name", "kind", "status", *SCORES]}
    return partner_form(**{**current, **changes})


def shown(html: str, attribute: str) -> list[str]:
    """Return the values of a data attribute on a page, in order."""
    return re.findall(rf'{attribute}="([^"]*)"', html)


def map_counts(html: str) -> dict[tuple[str, str], int]:
    """Return the stakeholder map's headline numbers as {(group, figure): value}."""
    counts: dict[tuple[str, str], int] = {}
    group = ""
    for match in re.finditer(r'data-group="(\w+)"|data-count="(\w+)">([\d,]+)<', html):
        if match[1]:
            group = match[1]
        else:
            counts[(group, match[2])] = int(match[3].replace(",", ""))
    return counts


def test_quality_manager_creates_and_edits_a_partner_and_its_history_shows_the_change(
    make_user,
) -> None:
    """A partner created and edited through the forms shows who changed what on its page."""
    client = Client()
    client.force_login(make_user("quality_manager", first_name="Quinn", last_name="Reyes"))

    created = client.post(reverse("stakeholders:partner-create"), partner_form())
    partner = Partner.objects.get(name="BoxCo")
    edited = client.post(
        reverse("stakeholders:partner-edit", args=[partner.pk]),
        partner_form(status="probation", reliability_score=2),
    )
    html = client.get(partner.get_absolute_url()).content.decode()

    assert created["Location"] == partner.get_absolute_url()
    assert edited["Location"] == partner.get_absolute_url()
    partner.refresh_from_db()
    assert (partner.status, partner.reliability_score) == ("probation", 2)
    history = html[html.index('data-section="history"') :]
    assert "<strong>Quinn Reyes</strong> changed" in history
    assert "<strong>Quinn Reyes</strong> created" in history
    assert "<del>Active</del> → <ins>Probation</ins>" in history
    assert "<del>4</del> → <ins>2</ins>" in history


def test_a_score_of_six_is_shown_next_to_its_field_and_nothing_is_saved(
    client_for, partner: Partner
) -> None:
    """Scores run from 1 to 5: a 6 is refused on its field, on create and on edit alike."""
    client = client_for("quality_manager")

    edit = client.post(
        reverse("stakeholders:partner-edit", args=[partner.pk]),
        partner_as_form(partner, reliability_score=6, contact_name="Changed"),
    )
    create = client.post(reverse("stakeholders:partner-create"), partner_form(cost_score=6))

    assert edit.status_code == 200
    assert list(edit.context["form"].errors) == ["reliability_score"]
    assert 'id="error_1_id_reliability_score"' in edit.content.decode()
    assert create.status_code == 200
    assert list(create.context["form"].errors) == ["cost_score"]
    assert 'id="error_1_id_cost_score"' in create.content.decode()
    partner.refresh_from_db()
    assert (partner.reliability_score, partner.contact_name) == (4, "")
    assert not Partner.objects.filter(name="BoxCo").exists()


def test_frontline_staff_cannot_post_to_the_partner_edit_form(client_for, partner: Partner) -> None:
    """Only quality managers change partners: a frontline post is refused and changes nothing."""
    client = client_for("frontline")

    response = client.post(
        reverse("stakeholders:partner-edit", args=[partner.pk]),
        partner_as_form(partner, status="ended"),
    )

    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.status == "active"


@pytest.mark.parametrize(
    ("visitor", "sees_buttons"), [("frontline", False), ("quality_manager", True)]
)
def test_edit_and_create_buttons_show_only_to_those_who_may_use_them(
    client_for, partner: Partner, department: Department, visitor, sees_buttons
) -> None:
    """Readers see no edit or create buttons; quality managers do."""
    client = client_for(visitor)

    partner_page = client.get(partner.get_absolute_url()).content.decode()
    partner_list = client.get(reverse("stakeholders:partner-list")).content.decode()
    department_page = client.get(department.get_absolute_url()).content.decode()
    department_list = client.get(reverse("stakeholders:department-list")).content.decode()

    assert (reverse("stakeholders:partner-edit", args=[partner.pk]) in partner_page) is sees_buttons
    assert (reverse("stakeholders:partner-create") in partner_list) is sees_buttons
    edit_department = reverse("stakeholders:department-edit", args=[department.pk])
    assert (edit_department in department_page) is sees_buttons
    assert (reverse("stakeholders:department-create") in department_list) is sees_buttons


def test_quality_manager_creates_a_department_with_a_lead_and_a_taken_name_is_refused(
    client_for, make_user, department: Department
) -> None:
    """A department is created with its lead; a second one with the same name is refused."""
    client = client_for("quality_manager")
    lead = make_user("executive", first_name="Lena", last_name="Ortiz")
    form = {"name": "Logistics", "lead": lead.pk, "description": "Warehouses and carriers."}

    created = client.post(reverse("stakeholders:department-create"), form)
    taken = client.post(reverse("stakeholders:department-edit", args=[department.pk]), form)

    logistics = Department.objects.get(name="Logistics")
    assert created["Location"] == logistics.get_absolute_url()
    assert logistics.lead == lead
    assert taken.status_code == 200
    assert list(taken.context["form"].errors) == ["name"]
    department.refresh_from_db()
    assert department.name == "Customer Service"
    page = client.get(logistics.get_absolute_url()).content.decode()
    assert "Lena Ortiz" in page


@pytest.mark.usefixtures("touchpoint")
def test_partner_page_lists_the_touchpoints_it_owns(
    client_for, partner: Partner, delivery: Touchpoint
) -> None:
    """A partner's page lists its touchpoints by journey and stage, and no one else's."""
    client = client_for("executive")

    html = client.get(partner.get_absolute_url()).content.decode()

    assert shown(html, "data-touchpoint") == ["Delivery"]
    assert "Buy online" in html
    assert "Order ·" in html
    assert reverse("journeys:touchpoint-detail", args=[delivery.pk]) in html
    assert shown(html, "data-score") == [
        "reliability_score",
        "customer_impact_score",
        "values_score",
        "cost_score",
    ]
    assert "data-weighted-score>3.95<" in html


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_department_page_lists_the_touchpoints_it_owns(
    client_for, department: Department, journey: Journey
) -> None:
    """A department's page lists the touchpoints it owns, grouped under their journey."""
    client = client_for("frontline")

    html = client.get(department.get_absolute_url()).content.decode()

    assert shown(html, "data-touchpoint") == ["Checkout"]
    assert reverse("journeys:journey-map", args=[journey.pk]) in html


def test_partner_list_filters_by_status_and_kind(client_for) -> None:
    """The partner list shows only the partners of the chosen status and kind."""
    client = client_for("frontline")
    for name, kind, status in [
        ("Acme", "supplier", "active"),
        ("Brisk", "supplier", "probation"),
        ("Carta", "distributor", "probation"),
        ("Dune", "supplier", "ended"),
    ]:
        services.partner_create(name=name, kind=kind, status=status, **SCORES)
    url = reverse("stakeholders:partner-list")

    on_probation = client.get(url, {"status": "probation"}).content.decode()
    supplier_on_probation = client.get(url, {"status": "probation", "kind": "supplier"})
    unknown_status = client.get(url, {"status": "nonsense"}).content.decode()

    assert shown(on_probation, "data-partner") == ["Brisk", "Carta"]
    assert shown(supplier_on_probation.content.decode(), "data-partner") == ["Brisk"]
    assert shown(unknown_status, "data-partner") == ["Acme", "Brisk", "Carta", "Dune"]
    assert shown(on_probation, "data-status") == ["probation", "probation"]
    assert "text-bg-warning" in on_probation


def test_partner_list_sorts_by_weighted_score(client_for) -> None:
    """Sorting by weighted score puts the best-scoring partners first (or last)."""
    client = client_for("quality_manager")
    for name, score in [("Middling", 3), ("Best", 5), ("Worst", 1)]:
        services.partner_create(
            name=name,
            kind="supplier",
            reliability_score=score,
            values_score=score,
            customer_impact_score=score,
            cost_score=score,
        )
    url = reverse("stakeholders:partner-list")

    best_first = client.get(url, {"sort": "-score"}).content.decode()
    worst_first = client.get(url, {"sort": "score"}).content.decode()

    assert shown(best_first, "data-partner") == ["Best", "Middling", "Worst"]
    assert shown(worst_first, "data-partner") == ["Worst", "Middling", "Best"]
    assert re.findall(r"data-weighted-score>([\d.]+)<", best_first) == ["5.00", "3.00", "1.00"]


@pytest.mark.usefixtures("customer", "department", "partner")
def test_stakeholder_map_shows_the_six_groups_with_their_counts(client_for, make_user) -> None:
    """Each of the six groups has its card with true counts; the groups followed only through
    indicators link to them (metrics counts them, a layer above) and never claim zero."""
    client = client_for("quality_manager")
    lead = make_user("executive")
    make_user("executive")
    make_user("frontline")
    make_user("frontline")
    make_user("frontline")
    services.department_create(name="Logistics", lead=lead)
    services.partner_create(name="Brisk", kind="supplier", status="probation", **SCORES)
    services.customer_create(external_reference="CRM-2", first_seen=date(2026, 2, 1))

    html = client.get(reverse("stakeholders:stakeholder-map")).content.decode()

    assert shown(html, "data-group") == [group.value for group in StakeholderGroup]
    assert map_counts(html) == {
        ("customers", "customers"): 2,
        ("customers", "segments"): 1,
        ("employees", "frontline"): 3,
        ("employees", "departments"): 2,
        ("leaders", "executives"): 2,
        ("leaders", "leads"): 1,
        ("partners", "partners"): 2,
        ("partners", "probation"): 1,
    }
    assert "metrics module" not in html
    for group in ("shareholders", "communities"):
        link = f"{reverse('metrics:indicator-list')}?stakeholder_group={group}"
        assert f'href="{link}" data-indicators-link' in html
        assert client.get(link).context["form"].filters()["stakeholder_group"] == group
    assert 'data-partners="supplier:probation"><a' in html
    assert shown(html, "data-segment") == ["Households"]


def test_department_list_pages_through_25_departments_at_a_time(client_for) -> None:
    """Long lists are paginated, 25 rows a page."""
    client = client_for("frontline")
    for number in range(30):
        services.department_create(name=f"Department {number:02}")
    url = reverse("stakeholders:department-list")

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert len(shown(first, "data-department")) == 25
    assert len(shown(second, "data-department")) == 5
    assert "Page 1 of 2" in first


def grow(
    make_user: Any, size: int, stage: Stage, shown_department: Department, shown_partner: Partner
) -> None:
    """Add `size` of every kind of record the stakeholder pages show, to the shown ones too."""
    for number in range(size):
        lead = make_user("executive")
        make_user("frontline")
        department = services.department_create(name=f"Department {number}", lead=lead)
        partner = services.partner_create(name=f"Partner {number}", kind="supplier", **SCORES)
        services.partner_update(partner=shown_partner, cost_score=1 + number % 5)
        segment = services.segment_create(name=f"Segment {number}")
        services.customer_create(
            external_reference=f"CRM-{number}", first_seen=date(2026, 1, 1), segment=segment
        )
        journey_services.journey_create(name=f"Journey {number}", segment=segment)
        for owning_department in (department, shown_department):
            journey_services.touchpoint_add(
                stage=stage,
                name=f"{owning_department} desk {number}",
                channel="web",
                owner_department=owning_department,
            )
        for owning_partner in (partner, shown_partner):
            journey_services.touchpoint_add(
                stage=stage,
                name=f"{owning_partner} drop {number}",
                channel="delivery",
                owner_partner=owning_partner,
            )


PAGES = {
    "stakeholders:stakeholder-map": None,
    "stakeholders:department-list": None,
    "stakeholders:partner-list": None,
    "stakeholders:segment-list": None,
    "stakeholders:department-detail": "department",
    "stakeholders:partner-detail": "partner",
}


@pytest.mark.usefixtures("customer", "touchpoint", "delivery")
@pytest.mark.parametrize("url_name", PAGES)
def test_page_queries_stay_constant_as_the_data_grows(
    client_for,
    make_user,
    request: pytest.FixtureRequest,
    stage: Stage,
    department: Department,
    partner: Partner,
    django_assert_max_num_queries,
    url_name,
) -> None:
    """Lists, details and the map run no more queries with 30 times the data."""
    client = client_for("quality_manager")
    record = PAGES[url_name]
    url = reverse(url_name, args=[request.getfixturevalue(record).pk] if record else [])
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    grow(make_user, 30, stage, department, partner)

    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
