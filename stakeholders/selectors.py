"""Reads of the stakeholders app shared by pages and the API."""

from django.db.models import Count, ExpressionWrapper, F, FloatField, QuerySet

from .constants import SELECTION_WEIGHTS
from .models import Customer, CustomerSegment, Department, Partner


def selection_score_expression() -> ExpressionWrapper:
    """Return the weighted selection score as a database expression (for sorting)."""
    terms = [F(field) * weight for field, weight in SELECTION_WEIGHTS.items()]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return ExpressionWrapper(total, output_field=FloatField())


def department_list() -> QuerySet[Department]:
    """Return departments with their lead and how many touchpoints they own."""
    return Department.objects.select_related("lead").annotate(
        touchpoint_count=Count("touchpoints", distinct=True)
    )


def partner_list() -> QuerySet[Partner]:
    """Return partners with how many touchpoints they own and their selection score."""
    return Partner.objects.annotate(
        touchpoint_count=Count("touchpoints", distinct=True),
        weighted_score=selection_score_expression(),
    )


def segment_list() -> QuerySet[CustomerSegment]:
    """Return customer segments with their customer and journey counts."""
    return CustomerSegment.objects.annotate(
        customer_count=Count("customers", distinct=True),
        journey_count=Count("journeys", distinct=True),
    )


def customer_list() -> QuerySet[Customer]:
    """Return customers with their segment."""
    return Customer.objects.select_related("segment")
