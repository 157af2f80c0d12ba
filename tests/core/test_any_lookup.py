"""The `__any` lookup: one array parameter for thousands of values, the same rows as `__in`."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from stakeholders.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers() -> None:
    Customer.objects.bulk_create(
        Customer(external_reference=f"CRM-{number}", first_seen=date(2025, 1, 1))
        for number in range(5)
    )


def references(queryset: QuerySet[Customer]) -> list[str]:
    return sorted(queryset.values_list("external_reference", flat=True))


def test_any_finds_the_rows_in_finds(customers: None) -> None:
    wanted = ["CRM-1", "CRM-3", "CRM-404", "crm-2", "CRM-1"]

    found = references(Customer.objects.filter(external_reference__any=wanted))

    assert found == references(Customer.objects.filter(external_reference__in=wanted))
    assert found == ["CRM-1", "CRM-3"]


def test_any_of_nothing_finds_nothing(customers: None) -> None:
    assert references(Customer.objects.filter(external_reference__any=[])) == []
    assert references(Customer.objects.exclude(external_reference__any=[])) == [
        f"CRM-{number}" for number in range(5)
    ]


def test_any_sends_thousands_of_values_as_one_parameter_on_postgresql(customers: None) -> None:
    wanted = [f"CRM-{number}" for number in range(5_000)]

    with CaptureQueriesContext(connection) as queries:
        found = references(Customer.objects.filter(external_reference__any=wanted))

    assert len(found) == 5
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]


def test_any_finds_values_that_need_quoting_exactly(customers: None) -> None:
    """Quotes, backslashes, commas, braces, spaces, accents and the empty text travel as they
    are: each finds its own row and no other."""
    awkward = ['O"Brien', "back\\slash", "a,b", "{braces}", " padded ", "Zoë", "", "NULL"]
    Customer.objects.bulk_create(
        Customer(external_reference=reference, first_seen=date(2025, 1, 1)) for reference in awkward
    )

    for reference in awkward:
        found = references(Customer.objects.filter(external_reference__any=[reference, "CRM-0"]))
        assert found == sorted([reference, "CRM-0"])
    assert references(Customer.objects.filter(external_reference__any=awkward)) == sorted(awkward)
