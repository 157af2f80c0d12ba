"""REST API of the stakeholders app: departments, partners, customer segments and customers.

Serializers check the shape and types of the input only; every write goes through a service,
whose validation errors the project's exception handler returns as a 400 keyed by field.
"""

from typing import Any

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.serializers import BaseSerializer

from core.roles import acting_user
from core.validation import validate_date_in_range

from . import selectors, services
from .models import Customer, CustomerActivity, CustomerSegment, Department, Partner

# Departments ----------------------------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    """A department with how many touchpoints it owns."""

    touchpoint_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "lead", "description", "touchpoint_count"]
        validators: list[Any] = []


class DepartmentFilter(filters.FilterSet):
    """Filter departments by their lead."""

    class Meta:
        model = Department
        fields = ["lead"]


class DepartmentViewSet(viewsets.ModelViewSet[Department]):
    """Departments: the internal units that own touchpoints."""

    # Aggregating drops the model's default ordering; paging needs a stable one.
    queryset = selectors.department_list().order_by("name")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter

    def perform_create(self, serializer: BaseSerializer[Department]) -> None:
        department = services.department_create(**serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=department.pk)

    def perform_update(self, serializer: BaseSerializer[Department]) -> None:
        assert serializer.instance is not None  # an update always has its row
        services.department_update(department=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Department) -> None:
        services.department_delete(department=instance)


# Partners -------------------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    """A partner with its selection scores, weighted score and owned touchpoint count."""

    selection_score = serializers.FloatField(read_only=True)
    touchpoint_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "reliability_score",
            "values_score",
            "customer_impact_score",
            "cost_score",
            "selection_score",
            "quality_expectations",
            "contact_name",
            "contact_email",
            "contact_phone",
            "touchpoint_count",
        ]
        validators: list[Any] = []


class PartnerFilter(filters.FilterSet):
    """Filter partners by kind and status."""

    class Meta:
        model = Partner
        fields = ["kind", "status"]


class PartnerViewSet(viewsets.ModelViewSet[Partner]):
    """Partners: suppliers, distributors and service partners, with their selection scores."""

    # Aggregating drops the model's default ordering; paging needs a stable one.
    queryset = selectors.partner_list().order_by("name")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter

    def perform_create(self, serializer: BaseSerializer[Partner]) -> None:
        partner = services.partner_create(**serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=partner.pk)

    def perform_update(self, serializer: BaseSerializer[Partner]) -> None:
        assert serializer.instance is not None
        services.partner_update(partner=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Partner) -> None:
        services.partner_delete(partner=instance, by=acting_user(self.request))


# Customer segments ----------------------------------------------------------------------------


class CustomerSegmentSerializer(serializers.ModelSerializer[CustomerSegment]):
    """A customer segment with its customer and journey counts."""

    customer_count = serializers.IntegerField(read_only=True)
    journey_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CustomerSegment
        fields = ["id", "name", "description", "customer_count", "journey_count"]
        validators: list[Any] = []


class CustomerSegmentViewSet(viewsets.ModelViewSet[CustomerSegment]):
    """Customer segments: the groups of customers journeys are designed for."""

    # Aggregating drops the model's default ordering; paging needs a stable one.
    queryset = selectors.segment_list().order_by("name")
    serializer_class = CustomerSegmentSerializer

    def perform_create(self, serializer: BaseSerializer[CustomerSegment]) -> None:
        segment = services.segment_create(**serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=segment.pk)

    def perform_update(self, serializer: BaseSerializer[CustomerSegment]) -> None:
        assert serializer.instance is not None
        services.segment_update(segment=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: CustomerSegment) -> None:
        services.segment_delete(segment=instance)


# Customers ------------------------------------------------------------------------------------


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    """A customer as the source system identifies them."""

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_reference",
            "segment",
            "first_seen",
            "contract_type",
            "contract_term_months",
        ]
        validators: list[Any] = []


class CustomerFilter(filters.FilterSet):
    """Filter customers by segment or by their reference in the source system."""

    class Meta:
        model = Customer
        fields = ["segment", "external_reference"]


class CustomerViewSet(viewsets.ModelViewSet[Customer]):
    """Customers, known only by their reference in the source system."""

    queryset = selectors.customer_list()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter

    def perform_create(self, serializer: BaseSerializer[Customer]) -> None:
        serializer.instance = services.customer_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Customer]) -> None:
        assert serializer.instance is not None
        services.customer_update(customer=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Customer) -> None:
        services.customer_delete(customer=instance)


# Customer activity ----------------------------------------------------------------------------


class CustomerActivitySerializer(serializers.ModelSerializer[CustomerActivity]):
    """One purchase, renewal, referral or cancellation of a customer."""

    customer_reference = serializers.CharField(source="customer.external_reference", read_only=True)

    class Meta:
        model = CustomerActivity
        fields = [
            "id",
            "customer",
            "customer_reference",
            "occurred_at",
            "kind",
            "amount",
            "external_id",
        ]
        read_only_fields = fields


class CustomerActivityFilter(filters.FilterSet):
    """Filter activity by customer, kind and a time range."""

    occurred_after = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", validators=[validate_date_in_range]
    )
    occurred_before = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", validators=[validate_date_in_range]
    )

    customer_reference = filters.CharFilter(field_name="customer__external_reference")

    class Meta:
        model = CustomerActivity
        fields = ["customer", "kind"]


class CustomerActivityViewSet(viewsets.ReadOnlyModelViewSet[CustomerActivity]):
    """Customer activity, newest first; integrations add it in bulk (customer-activities/bulk/)."""

    queryset = CustomerActivity.objects.select_related("customer").order_by("-occurred_at", "-id")
    serializer_class = CustomerActivitySerializer
    filterset_class = CustomerActivityFilter
