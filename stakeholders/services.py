"""Writes of the stakeholders app: each business action is one function."""

import re
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Min, Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.audit import delete_controlled
from core.changes import Source, changes_record_range, changes_record_referrers, local_day
from core.exceptions import ApplicationError
from core.roles import Role
from core.saving import UNCHANGED, Unchanged, given, validated_save

from . import tasks
from .models import Customer, CustomerActivity, CustomerSegment, Department, Partner, PartnerContact

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
    if segment is not UNCHANGED and segment != customer.segment:
        # Indicators scoped to a segment read it live from each answer's and complaint's
        # customer: the days of those rows are redone tonight.
        changes_record_referrers(customer)
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


# Partner contacts: invited to the partner portal -------------------------------------------------

# What a username may hold (Django's username validator); anything else in an e-mail becomes "-".
NOT_IN_USERNAMES = re.compile(r"[^\w.@+-]")


def _free_username(email: str) -> str:
    """Return a free username made from the e-mail (numbered when taken)."""
    base = NOT_IN_USERNAMES.sub("-", email.lower())[:140]
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _require_contact_manager(by: User) -> None:
    if not by.has_perm("stakeholders.change_partnercontact"):
        raise PermissionDenied(_("Only quality managers invite and revoke partner contacts."))


@transaction.atomic
def partner_contact_invite(*, partner: Partner, email: str, name: str, by: User) -> PartnerContact:
    """Invite a partner's employee to the portal: an account without a usable password, and an
    e-mail whose link sets it."""
    if not by.has_perm("stakeholders.add_partnercontact"):
        raise PermissionDenied(_("Only quality managers invite partner contacts."))
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s already has an account: invite another address.")
                % {"email": email}
            }
        )
    first_name, _space, last_name = " ".join(name.split()).partition(" ")
    user = User(
        username=_free_username(email),
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    user.set_unusable_password()  # the invitation's link sets it
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.PARTNER.value))
    contact = validated_save(
        PartnerContact(), user=user, partner=partner, invited_by=by, invited_at=timezone.now()
    )
    outbox.enqueue(tasks.send_partner_invitation_task, contact.pk)
    return contact


@transaction.atomic
def partner_contact_resend(*, contact: PartnerContact, by: User) -> PartnerContact:
    """Send a contact who has not set a password (or was revoked) a new invitation; the links
    sent before stop working."""
    _require_contact_manager(by)
    user = contact.user
    if contact.accepted_at is not None and user.is_active:
        raise ApplicationError(
            _("%(name)s has already accepted the invitation and signs in with their password.")
            % {"name": user.get_full_name() or user.email}
        )
    # A new unusable password changes what the links' tokens are made from: old links expire.
    user.set_unusable_password()
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    validated_save(contact, invited_by=by, invited_at=timezone.now(), accepted_at=None)
    outbox.enqueue(tasks.send_partner_invitation_task, contact.pk)
    return contact


@transaction.atomic
def partner_contact_revoke(*, contact: PartnerContact, by: User) -> PartnerContact:
    """Close a contact's access to the portal: their account is deactivated (sessions, API
    tokens and invitation links stop working), their notes stay on the complaints."""
    _require_contact_manager(by)
    user = contact.user
    if not user.is_active:
        raise ApplicationError(
            _("%(name)s's access is already revoked.")
            % {"name": user.get_full_name() or user.email}
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    return contact


@transaction.atomic
def partner_contact_accept(*, contact: PartnerContact, password: str) -> PartnerContact:
    """Set the invited contact's password (checked by the invitation's form) and record that
    they accepted."""
    user = contact.user
    if not user.is_active:
        raise ApplicationError(_("This invitation was revoked."))
    user.set_password(password)
    user.save(update_fields=["password"])
    return validated_save(contact, accepted_at=timezone.now())
