"""The stakeholders REST API: departments, partners, segments and customers."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from stakeholders import services
from stakeholders.models import Customer, CustomerSegment, Department, Partner

pytestmark = pytest.mark.django_db

ROUTES = ["department", "partner", "customer-segment", "customer"]
# The fixture holding a row of each route.
FIXTURES = {
    "department": "department",
    "partner": "partner",
    "customer-segment": "segment",
    "customer": "customer",
}
SCORES: dict[str, Any] = {
    "reliability_score": 5,
    "values_score": 4,
    "customer_impact_score": 4,
    "cost_score": 2,
}


def list_url(route: str) -> str:
    """Return the list endpoint of a route."""
    return reverse(f"{route}-list")


def detail_url(route: str, pk: int) -> str:
    """Return the endpoint of one row of a route."""
    return reverse(f"{route}-detail", kwargs={"pk": pk})


@pytest.fixture
def api_for(make_user) -> Callable[[str], APIClient]:
    """Return a function giving an API client authenticated as a new user of that role."""

    def make(key: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(key))
        return client

    return make


@pytest.fixture
def manager(api_for) -> APIClient:
    """An API client of a quality manager, who maintains the stakeholders."""
    return api_for("quality_manager")


# Departments ----------------------------------------------------------------------------------


def test_quality_manager_creates_a_department_with_a_lead(manager, make_user) -> None:
    """A new department comes back with its lead and no touchpoints yet."""
    lead = make_user("frontline")

    response = manager.post(
        list_url("department"), {"name": "Logistics", "lead": lead.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["lead"] == lead.pk
    assert response.json()["touchpoint_count"] == 0


@pytest.mark.usefixtures("touchpoint", "delivery")
def test_department_detail_counts_the_touchpoints_it_owns(manager, department: Department) -> None:
    """The department owns the checkout touchpoint (and not the partner's delivery)."""
    response = manager.get(detail_url("department", department.pk))

    assert response.json()["touchpoint_count"] == 1


@pytest.mark.usefixtures("department")
def test_department_with_a_taken_name_is_refused_on_name(manager) -> None:
    """Department names are unique."""
    response = manager.post(list_url("department"), {"name": "Customer Service"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()
    assert Department.objects.count() == 1


@pytest.mark.usefixtures("touchpoint")
def test_department_owning_touchpoints_cannot_be_deleted(manager, department: Department) -> None:
    """Deleting an owner of touchpoints is a clear 400 that names them; nothing is lost."""
    response = manager.delete(detail_url("department", department.pk))

    assert response.status_code == 400
    assert "Checkout" in response.json()["detail"]
    assert Department.objects.filter(pk=department.pk).exists()


def test_quality_manager_updates_and_deletes_a_department(manager) -> None:
    """A department without touchpoints is renamed, then removed."""
    department = services.department_create(name="Logistics")
    url = detail_url("department", department.pk)

    updated = manager.patch(url, {"name": "Warehouse"}, format="json")
    deleted = manager.delete(url)

    assert updated.status_code == 200, updated.json()
    assert updated.json()["name"] == "Warehouse"
    assert deleted.status_code == 204
    assert not Department.objects.filter(pk=department.pk).exists()


# Partners -------------------------------------------------------------------------------------


def test_quality_manager_creates_a_partner_and_gets_its_selection_score(manager) -> None:
    """The weighted selection score is computed from the four scores."""
    payload = {"name": "FreshFoods", "kind": "supplier"} | SCORES

    response = manager.post(list_url("partner"), payload, format="json")

    assert response.status_code == 201, response.json()
    partner = Partner.objects.get(name="FreshFoods")
    assert response.json()["selection_score"] == partner.selection_score
    assert response.json()["status"] == "active"


@pytest.mark.usefixtures("partner")
def test_partner_score_out_of_range_is_refused(manager) -> None:
    """Scores run from 1 to 5; a 6 is a 400 on that score and nothing is saved."""
    payload = {"name": "FreshFoods", "kind": "supplier"} | SCORES | {"cost_score": 6}

    response = manager.post(list_url("partner"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["cost_score"]
    assert Partner.objects.count() == 1


def test_partner_update_records_who_changed_it(make_user, partner: Partner) -> None:
    """Putting a partner on probation is kept in its history with the API caller."""
    user = make_user("quality_manager")
    client = APIClient()
    client.force_authenticate(user)

    response = client.patch(
        detail_url("partner", partner.pk), {"status": "probation"}, format="json"
    )

    assert response.status_code == 200, response.json()
    latest = partner.history.first()
    assert latest.status == "probation"
    assert latest.history_user == user


@pytest.mark.usefixtures("delivery")
def test_partner_owning_touchpoints_cannot_be_deleted(api_for, partner: Partner) -> None:
    """The partner delivering parcels stays until its touchpoint has another owner, even for an
    administrator (quality managers end partnerships: tests/core/test_audit_trail.py)."""
    response = api_for("administrator").delete(detail_url("partner", partner.pk))

    assert response.status_code == 400
    assert "Delivery" in response.json()["detail"]
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_administrator_deletes_a_partner_without_touchpoints(api_for) -> None:
    """A partner that owns nothing can be removed by an administrator."""
    partner = services.partner_create(name="FreshFoods", kind="supplier", **SCORES)

    response = api_for("administrator").delete(detail_url("partner", partner.pk))

    assert response.status_code == 204
    assert not Partner.objects.filter(pk=partner.pk).exists()


# Segments and customers -----------------------------------------------------------------------


def test_quality_manager_creates_updates_and_deletes_a_segment(manager) -> None:
    """A segment's whole life through the API."""
    created = manager.post(list_url("customer-segment"), {"name": "Students"}, format="json")
    url = detail_url("customer-segment", created.json()["id"])

    updated = manager.patch(url, {"description": "Enrolled at a university"}, format="json")
    deleted = manager.delete(url)

    assert created.status_code == 201, created.json()
    assert created.json()["customer_count"] == 0
    assert updated.status_code == 200
    assert deleted.status_code == 204
    assert not CustomerSegment.objects.filter(name="Students").exists()


@pytest.mark.usefixtures("customer", "journey")
def test_segment_detail_counts_customers_and_journeys(manager, segment: CustomerSegment) -> None:
    """The households segment has one customer and one journey."""
    response = manager.get(detail_url("customer-segment", segment.pk))

    assert response.json()["customer_count"] == 1
    assert response.json()["journey_count"] == 1


def test_quality_manager_registers_and_moves_a_customer(manager) -> None:
    """A customer is registered by reference, then moved to another segment."""
    other = services.segment_create(name="Students")
    payload = {"external_reference": "CRM-000002", "first_seen": "2026-02-01"}

    created = manager.post(list_url("customer"), payload, format="json")
    moved = manager.patch(
        detail_url("customer", created.json()["id"]), {"segment": other.pk}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert moved.status_code == 200
    assert Customer.objects.get(external_reference="CRM-000002").segment == other


@pytest.mark.usefixtures("customer")
def test_customer_reference_is_unique(manager) -> None:
    """A second customer with the same reference is refused on the reference."""
    payload = {"external_reference": "CRM-000001", "first_seen": "2026-02-01"}

    response = manager.post(list_url("customer"), payload, format="json")

    assert response.status_code == 400
    assert "external_reference" in response.json()


# Roles ----------------------------------------------------------------------------------------


# Reading every route as each role, and anonymous reads, are walked in tests/test_access.py.


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ["frontline", "executive"])
@pytest.mark.parametrize("route", ROUTES)
def test_frontline_and_executives_cannot_write(
    api_for, request: pytest.FixtureRequest, role, route, method
) -> None:
    """Only quality managers maintain stakeholders: every write is a 403 and changes nothing."""
    client = api_for(role)
    row = request.getfixturevalue(FIXTURES[route])
    url = list_url(route) if method == "post" else detail_url(route, row.pk)

    response = getattr(client, method)(url, {"name": "Changed"}, format="json")

    assert response.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_callers_cannot_write(route) -> None:
    """Without signing in there is nothing to write, and no redirect."""
    response = APIClient().post(list_url(route), {}, format="json")

    assert response.status_code in (401, 403)
    assert "Location" not in response


# Filters and pages ----------------------------------------------------------------------------


@pytest.mark.usefixtures("partner")
def test_partners_filter_by_kind_and_status(manager) -> None:
    """Kind and status narrow the partner list."""
    services.partner_create(name="FreshFoods", kind="supplier", status="probation", **SCORES)

    suppliers = manager.get(list_url("partner"), {"kind": "supplier"})
    active = manager.get(list_url("partner"), {"status": "active"})

    assert [row["name"] for row in suppliers.json()["results"]] == ["FreshFoods"]
    assert [row["name"] for row in active.json()["results"]] == ["SwiftParcel"]


def test_customers_filter_by_segment_and_reference(manager, customer: Customer) -> None:
    """An integration finds a customer by its reference or lists a segment's customers."""
    services.customer_create(external_reference="CRM-000002", first_seen=date(2026, 2, 1))

    in_segment = manager.get(list_url("customer"), {"segment": customer.segment_id})
    by_reference = manager.get(list_url("customer"), {"external_reference": "CRM-000002"})

    assert [row["external_reference"] for row in in_segment.json()["results"]] == ["CRM-000001"]
    assert [row["external_reference"] for row in by_reference.json()["results"]] == ["CRM-000002"]


@pytest.mark.usefixtures("department")
def test_departments_filter_by_lead(manager, make_user) -> None:
    """A lead's departments can be listed."""
    lead = make_user("frontline")
    services.department_create(name="Logistics", lead=lead)

    response = manager.get(list_url("department"), {"lead": lead.pk})

    assert [row["name"] for row in response.json()["results"]] == ["Logistics"]


@pytest.mark.usefixtures("partner")
def test_partner_list_is_paged(manager) -> None:
    """A client asks for a page size and gets the total and a link to the next page."""
    services.partner_create(name="FreshFoods", kind="supplier", **SCORES)

    response = manager.get(list_url("partner"), {"page_size": 1})

    body = response.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert "page=2" in body["next"]


def grow(route: str, rows: int, lead: Any, segment: CustomerSegment) -> None:
    """Add rows of one kind, with the relations the list shows."""
    for number in range(rows):
        if route == "department":
            services.department_create(name=f"Department {number}", lead=lead)
        elif route == "partner":
            services.partner_create(name=f"Partner {number}", kind="supplier", **SCORES)
        elif route == "customer-segment":
            services.segment_create(name=f"Segment {number}")
        else:
            services.customer_create(
                external_reference=f"CRM-{number:06d}X",
                first_seen=date(2026, 1, 1),
                segment=segment,
            )


@pytest.mark.usefixtures("department", "partner", "customer", "touchpoint", "delivery")
@pytest.mark.parametrize("route", ROUTES)
def test_list_endpoints_read_a_constant_number_of_queries(
    api_for, make_user, segment: CustomerSegment, route, django_assert_max_num_queries
) -> None:
    """Twenty rows cost the same queries as one: relations are joined, counts are annotated."""
    client = api_for("executive")
    url = list_url(route)
    client.get(url)  # the first request caches the caller's permissions
    with CaptureQueriesContext(connection) as few_rows:
        client.get(url, {"page_size": 100})

    grow(route, 19, lead=make_user("frontline"), segment=segment)

    with django_assert_max_num_queries(len(few_rows.captured_queries)):
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] == 20
