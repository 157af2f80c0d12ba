"""Writes of the stakeholders app: each business action is one function."""

from datetime import date
from typing import Any

from django.db import transaction

from .models import Customer, CustomerSegment, Department, Partner


def _save(instance: Any, **fields: Any) -> Any:
    """Set fields, validate everything (field rules and database constraints), then save."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def department_create(**fields: Any) -> Department:
    """Create a department."""
    return _save(Department(), **fields)


@transaction.atomic
def department_update(*, department: Department, **fields: Any) -> Department:
    """Change a department's name, lead or description."""
    return _save(department, **fields)


@transaction.atomic
def partner_create(**fields: Any) -> Partner:
    """Create a partner with its selection scores."""
    return _save(Partner(), **fields)


@transaction.atomic
def partner_update(*, partner: Partner, **fields: Any) -> Partner:
    """Change a partner (status, scores, agreed expectations, contact); history keeps the old."""
    return _save(partner, **fields)


@transaction.atomic
def segment_create(**fields: Any) -> CustomerSegment:
    """Create a customer segment."""
    return _save(CustomerSegment(), **fields)


@transaction.atomic
def segment_update(*, segment: CustomerSegment, **fields: Any) -> CustomerSegment:
    """Change a customer segment."""
    return _save(segment, **fields)


@transaction.atomic
def customer_create(
    *, external_reference: str, first_seen: date, segment: CustomerSegment | None = None
) -> Customer:
    """Register a customer by the reference the source system knows them by."""
    return _save(
        Customer(), external_reference=external_reference, first_seen=first_seen, segment=segment
    )


@transaction.atomic
def customer_update(*, customer: Customer, **fields: Any) -> Customer:
    """Change a customer's segment, reference or first-seen date."""
    return _save(customer, **fields)
