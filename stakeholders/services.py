"""Writes of the stakeholders app: each business action is one function."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Min, Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import delete_controlled
from core.changes import Source, changes_record_range, local_day
from core.exceptions import ApplicationError
from core.saving import UNCHANGED, Unchanged, given, validated_save

from .models import Customer, CustomerActivity, CustomerSegment, Department, Partner

# What decides whom a customer indicator counts: the segment scope, the contract term, and the
# first-seen day (records that begin after it may not show the customer's contract).
CUSTOMER_DEFINITION_FIELDS = ("segment_id", "contract_term_months", "first_seen")


@transaction.atomic
def department_create(*, name: str, lead: User | None = None, description: str = "") -> Department:
    """Create a department."""
    return validated_save(Department(), name=name, lead=lead, description=description)


@transaction.atomic
def department_update(
    *,
    department: Department,
    name: str | Unchanged = UNCHANGED,
    lead: User | Unchanged | None = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> Department:
    """Change a department's name, lead or description."""
    return validated_save(department, **given(name=name, lead=lead, description=description))


@transaction.atomic
def partner_create(
    *,
    name: str,
    kind: str,
    reliability_score: int,
    values_score: int,
    customer_impact_score: int,
    cost_score: int,
    status: str = Partner.Status.ACTIVE,
    quality_expectations: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Partner:
    """Create a partner with its selection scores."""
    return validated_save(
        Partner(),
        name=name,
        kind=kind,
        status=status,
        reliability_score=reliability_score,
        values_score=values_score,
        customer_impact_score=customer_impact_score,
        cost_score=cost_score,
        quality_expectations=quality_expectations,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )


@transaction.atomic
def partner_update(
    *,
    partner: Partner,
    name: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
    reliability_score: int | Unchanged = UNCHANGED,
    values_score: int | Unchanged = UNCHANGED,
    customer_impact_score: int | Unchanged = UNCHANGED,
    cost_score: int | Unchanged = UNCHANGED,
    quality_expectations: str | Unchanged = UNCHANGED,
    contact_name: str | Unchanged = UNCHANGED,
    contact_email: str | Unchanged = UNCHANGED,
    contact_phone: str | Unchanged = UNCHANGED,
) -> Partner:
    """Change a partner (status, scores, agreed expectations, contact); history keeps the old."""
    return validated_save(
        partner,
        **given(
            name=name,
            kind=kind,
            status=status,
            reliability_score=reliability_score,
            values_score=values_score,
            customer_impact_score=customer_impact_score,
            cost_score=cost_score,
            quality_expectations=quality_expectations,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        ),
    )


@transaction.atomic
def segment_create(*, name: str, description: str = "") -> CustomerSegment:
    """Create a customer segment."""
    return validated_save(CustomerSegment(), name=name, description=description)


@transaction.atomic
def segment_update(
    *,
    segment: CustomerSegment,
    name: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> CustomerSegment:
    """Change a customer segment."""
    return validated_save(segment, **given(name=name, description=description))


@transaction.atomic
def customers_changes_record(*, changed: Iterable[int], first_seen: date | None = None) -> None:
    """Log for the metrics recompute that customers' segment, contract term or first-seen day
    changed: the customer indicators recount every period (from the first activity on record).

    `changed` are customers whose segment or term changed (only those with activity matter);
    `first_seen` is the earliest new first-seen day (it matters before the first activity).
    """
    first = CustomerActivity.objects.aggregate(first=Min("occurred_at"))["first"]
    if first is None:
        return  # no activity on record: no customer indicator has anything to recount
    first_day = local_day(first)
    earlier = first_seen is not None and first_seen < first_day.replace(day=1)
    if earlier or CustomerActivity.objects.filter(customer_id__in=list(changed)).exists():
        changes_record_range(
            source=Source.CUSTOMER_ACTIVITY, first_day=first_day, last_day=timezone.localdate()
        )


@transaction.atomic
def customer_create(
    *,
    external_reference: str,
    first_seen: date,
    segment: CustomerSegment | None = None,
    contract_type: str = "",
    contract_term_months: int | None = None,
) -> Customer:
    """Register a customer by the reference the source system knows them by."""
    customer = validated_save(
        Customer(),
        external_reference=external_reference,
        first_seen=first_seen,
        segment=segment,
        contract_type=contract_type,
        contract_term_months=contract_term_months,
    )
    customers_changes_record(changed=[], first_seen=first_seen)
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    external_reference: str | Unchanged = UNCHANGED,
    first_seen: date | Unchanged = UNCHANGED,
    segment: CustomerSegment | Unchanged | None = UNCHANGED,
    contract_type: str | Unchanged = UNCHANGED,
    contract_term_months: int | Unchanged | None = UNCHANGED,
) -> Customer:
    """Change a customer's segment, reference, first-seen date or contract."""
    before = [getattr(customer, name) for name in CUSTOMER_DEFINITION_FIELDS]
    earlier_first_seen = customer.first_seen
    validated_save(
        customer,
        **given(
            external_reference=external_reference,
            first_seen=first_seen,
            segment=segment,
            contract_type=contract_type,
            contract_term_months=contract_term_months,
        ),
    )
    if before != [getattr(customer, name) for name in CUSTOMER_DEFINITION_FIELDS]:
        earliest = min(earlier_first_seen, customer.first_seen)
        customers_changes_record(changed=[customer.pk], first_seen=earliest)
    return customer


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


@transaction.atomic
def department_delete(*, department: Department) -> None:
    """Delete a department that owns no touchpoint."""
    _delete_unless_in_use(department)


@transaction.atomic
def partner_delete(*, partner: Partner, by: User) -> None:
    """Delete a partner that owns no touchpoint (administrators only: others end the
    partnership)."""
    delete_controlled(instance=partner, by=by)


@transaction.atomic
def segment_delete(*, segment: CustomerSegment) -> None:
    """Delete a customer segment; its customers and journeys keep existing without one."""
    _delete_unless_in_use(segment)


@transaction.atomic
def customer_delete(*, customer: Customer) -> None:
    """Delete a customer (their activity goes with them, logged for the recompute)."""
    _delete_unless_in_use(customer)
    customers_changes_record(changed=[], first_seen=customer.first_seen)
