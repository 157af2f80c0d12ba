"""Writes of the stakeholders app: each business action is one function."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.saving import validated_save

from .models import Customer, CustomerSegment, Department, Partner


@transaction.atomic
def department_create(**fields: Any) -> Department:
    """Create a department."""
    return validated_save(Department(), **fields)


@transaction.atomic
def department_update(*, department: Department, **fields: Any) -> Department:
    """Change a department's name, lead or description."""
    return validated_save(department, **fields)


@transaction.atomic
def partner_create(**fields: Any) -> Partner:
    """Create a partner with its selection scores."""
    return validated_save(Partner(), **fields)


@transaction.atomic
def partner_update(*, partner: Partner, **fields: Any) -> Partner:
    """Change a partner (status, scores, agreed expectations, contact); history keeps the old."""
    return validated_save(partner, **fields)


@transaction.atomic
def segment_create(**fields: Any) -> CustomerSegment:
    """Create a customer segment."""
    return validated_save(CustomerSegment(), **fields)


@transaction.atomic
def segment_update(*, segment: CustomerSegment, **fields: Any) -> CustomerSegment:
    """Change a customer segment."""
    return validated_save(segment, **fields)


@transaction.atomic
def customer_create(
    *, external_reference: str, first_seen: date, segment: CustomerSegment | None = None
) -> Customer:
    """Register a customer by the reference the source system knows them by."""
    return validated_save(
        Customer(), external_reference=external_reference, first_seen=first_seen, segment=segment
    )


@transaction.atomic
def customer_update(*, customer: Customer, **fields: Any) -> Customer:
    """Change a customer's segment, reference or first-seen date."""
    return validated_save(customer, **fields)


def _delete_unless_in_use(instance: Model) -> None:
    """Delete a row, or refuse with a clear message while other records still point to it."""
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as error:
        in_use = sorted({str(row) for row in error.protected_objects})
        raise ApplicationError(
            _("%(name)s cannot be deleted while these refer to it: %(rows)s.")
            % {"name": instance, "rows": ", ".join(in_use[:10])},
            extra={"protected": in_use},
        ) from None


def department_delete(*, department: Department) -> None:
    """Delete a department that owns no touchpoint."""
    _delete_unless_in_use(department)


def partner_delete(*, partner: Partner) -> None:
    """Delete a partner that owns no touchpoint (end the partnership instead while it does)."""
    _delete_unless_in_use(partner)


def segment_delete(*, segment: CustomerSegment) -> None:
    """Delete a customer segment; its customers and journeys keep existing without one."""
    _delete_unless_in_use(segment)


def customer_delete(*, customer: Customer) -> None:
    """Delete a customer."""
    _delete_unless_in_use(customer)
