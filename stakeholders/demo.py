"""Demo data of the stakeholders app: Brightline's departments, partners, segments, customers."""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Customer, CustomerSegment, Department, Partner

DEPARTMENTS = [
    ("E-commerce", "Runs the web shop, product content and the online checkout."),
    ("Customer Service", "Answers customers by chat and e-mail, owns complaints and follow-up."),
    ("Logistics & Fulfilment", "Picks, packs and hands orders to the courier; manages returns."),
    ("Finance & Billing", "Invoices, payment follow-up, refunds and contract renewals."),
    ("Field Service", "Installs, maintains and repairs equipment at customers' homes."),
]

PARTNERS = [
    {
        "name": "SwiftParcel",
        "kind": Partner.Kind.DISTRIBUTOR,
        "status": Partner.Status.PROBATION,
        "reliability_score": 2,
        "values_score": 3,
        "customer_impact_score": 5,
        "cost_score": 4,
        "quality_expectations": (
            "95% of parcels delivered on the promised day; proof of delivery with photo; "
            "damaged goods reported within 24 hours; monthly review of late deliveries."
        ),
        "contact_name": "Ruth Janssen",
        "contact_email": "accounts@swiftparcel.example",
        "contact_phone": "+31 20 555 0101",
    },
    {
        "name": "CallPoint Contact Centres",
        "kind": Partner.Kind.SERVICE_PARTNER,
        "status": Partner.Status.ACTIVE,
        "reliability_score": 4,
        "values_score": 4,
        "customer_impact_score": 5,
        "cost_score": 3,
        "quality_expectations": (
            "80% of calls answered within 30 seconds; first-contact resolution of 70%; "
            "complaints logged in LoyaltyQMS the same day; agents trained on every product launch."
        ),
        "contact_name": "Marco Bianchi",
        "contact_email": "service@callpoint.example",
        "contact_phone": "+31 30 555 0199",
    },
    {
        "name": "PayFlow",
        "kind": Partner.Kind.SUPPLIER,
        "status": Partner.Status.ACTIVE,
        "reliability_score": 5,
        "values_score": 4,
        "customer_impact_score": 4,
        "cost_score": 3,
        "quality_expectations": (
            "99.9% payment availability; failed-payment reasons passed on in plain language; "
            "refunds settled within 3 working days."
        ),
        "contact_name": "Ines Carvalho",
        "contact_email": "partners@payflow.example",
        "contact_phone": "+31 10 555 0142",
    },
]

SEGMENTS = [
    ("Households", "Home owners buying and running heat pumps, thermostats and batteries.", 0.70),
    (
        "Small businesses",
        "Shops and offices with a few installations and a service contract.",
        0.20,
    ),
    (
        "Landlords & housing",
        "Landlords and housing associations with many homes to maintain.",
        0.10,
    ),
]
CUSTOMER_COUNT = 3_000  # enough for a believable year of activity, small enough to load fast
CUSTOMER_BATCH = 1_000  # rows per INSERT: keeps each statement small on SQLite


def _lead(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load(*, seed: int) -> dict[str, int]:
    """Create the departments, partners, segments and customers that do not exist yet."""
    generator = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets
    created = {"departments": 0, "partners": 0, "segments": 0, "customers": 0}
    leads = list(
        User.objects.filter(groups__name__in=["Quality manager", "Executive"])
        .exclude(username__in=["quality", "executive"])
        .order_by("username")
    )
    for index, (name, description) in enumerate(DEPARTMENTS):
        if not Department.objects.filter(name=name).exists():
            lead = leads[index % len(leads)] if leads else None
            services.department_create(name=name, description=description, lead=lead)
            created["departments"] += 1
    for fields in PARTNERS:
        if not Partner.objects.filter(name=fields["name"]).exists():
            services.partner_create(**fields)
            created["partners"] += 1
    for name, description, _share in SEGMENTS:
        if not CustomerSegment.objects.filter(name=name).exists():
            services.segment_create(name=name, description=description)
            created["segments"] += 1

    segments = {segment.name: segment for segment in CustomerSegment.objects.all()}
    weights = [share for _name, _description, share in SEGMENTS]
    names = [name for name, _description, _share in SEGMENTS]
    today = timezone.localdate()  # relative, so no customer is "first seen" in the future
    customers = []
    for number in range(1, CUSTOMER_COUNT + 1):
        segment = segments[generator.choices(names, weights)[0]]
        # Customers arrived over four years, more of them recently (the business grows).
        days_ago = int(generator.triangular(0, 4 * 365, 0))
        customers.append(
            Customer(
                external_reference=f"BHS-{100000 + number}",
                segment=segment,
                first_seen=today - timedelta(days=days_ago),
            )
        )
    before = Customer.objects.count()
    # Bulk load: the references are unique, so a second run inserts nothing.
    Customer.objects.bulk_create(customers, batch_size=CUSTOMER_BATCH, ignore_conflicts=True)
    created["customers"] = Customer.objects.count() - before
    return created
