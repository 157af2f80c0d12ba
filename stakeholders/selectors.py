"""Reads of the stakeholders app shared by pages and the API."""

from django.db.models import Count, ExpressionWrapper, F, FloatField, OuterRef, QuerySet

from core.queries import SubqueryCount

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
