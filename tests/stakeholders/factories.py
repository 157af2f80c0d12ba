"""factory_boy factories of the stakeholders, made through the stakeholders services."""

from datetime import date
from typing import Any

import factory

from core.roles import Role
from stakeholders import services
from stakeholders.models import Customer, CustomerSegment, Department, Partner, PartnerContact
from tests.core.factories import TEST_PASSWORD, UserFactory


class DepartmentFactory(factory.Factory[Department]):
    """A department with a unique name and no lead."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda number: f"Team {number}")

    @classmethod
    def _create(cls, model_class: type[Department], *args: Any, **kwargs: Any) -> Department:
        return services.department_create(**kwargs)


class PartnerFactory(factory.Factory[Partner]):
    """An active service partner with middling selection scores."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda number: f"Courier {number}")
    kind = Partner.Kind.SERVICE_PARTNER
    reliability_score = 4
    values_score = 3
    customer_impact_score = 5
    cost_score = 3

    @classmethod
    def _create(cls, model_class: type[Partner], *args: Any, **kwargs: Any) -> Partner:
        return services.partner_create(**kwargs)


class SegmentFactory(factory.Factory[CustomerSegment]):
    """A customer segment with a unique name."""

    class Meta:
        model = CustomerSegment

    name = factory.Sequence(lambda number: f"Customer group {number}")

    @classmethod
    def _create(
        cls, model_class: type[CustomerSegment], *args: Any, **kwargs: Any
    ) -> CustomerSegment:
        return services.segment_create(**kwargs)


class CustomerFactory(factory.Factory[Customer]):
    """A customer known by a unique reference, first seen on 5 January 2026, in no segment."""

    class Meta:
        model = Customer

    external_reference = factory.Sequence(lambda number: f"CUST-{number:06d}")
    first_seen = date(2026, 1, 5)

    @classmethod
    def _create(cls, model_class: type[Customer], *args: Any, **kwargs: Any) -> Customer:
        return services.customer_create(**kwargs)


class PartnerContactFactory(factory.Factory[PartnerContact]):
    """A partner's employee invited to the portal by a quality manager, who chose the tests'
    password (`accepted=False`: the invitation still waits)."""

    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    email = factory.Sequence(lambda number: f"contact{number}@courier.example")
    name = "Piotr Nowak"
    by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    accepted = True

    @classmethod
    def _create(
        cls, model_class: type[PartnerContact], *args: Any, **kwargs: Any
    ) -> PartnerContact:
        accepted = kwargs.pop("accepted")
        contact = services.partner_contact_invite(**kwargs)
        if accepted:
            contact = services.partner_contact_accept(contact=contact, password=TEST_PASSWORD)
        return contact
