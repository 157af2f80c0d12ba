"""Demo data of the journeys app: Brightline's three customer journeys.

Each journey is plain data (stages, touchpoints with their owner, handoffs, failure points,
objectives) built through the services; the browser test builds GET_SUPPORT by hand from the
same data, so the demo and the test describe one journey.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from core.demo import backdate, office_moment
from core.history import recorded_as
from stakeholders.models import CustomerSegment, Department, Partner

from . import services
from .models import Journey, QualityObjective, Touchpoint

# (name, channel, owner, service standard, critical-to-quality requirement)
TouchpointSpec = tuple[str, str, str, str, str]

BUY_ONLINE: dict[str, Any] = {
    "name": "Buy online",
    "segment": "Households",
    "value_statement": "I want the right heat pump or thermostat for my home, delivered and "
    "installed when promised, without surprises on price.",
    "stages": [
        (
            "Discover",
            [
                (
                    "Product pages",
                    "web",
                    "E-commerce",
                    "Specs, price and delivery time on every page.",
                    "Price and delivery date are clear before checkout.",
                ),
            ],
        ),
        (
            "Choose & order",
            [
                (
                    "Home suitability check",
                    "web",
                    "E-commerce",
                    "Answer in under 2 minutes, no sign-up.",
                    "Advice fits the customer's home.",
                ),
                (
                    "Online checkout",
                    "web",
                    "E-commerce",
                    "Checkout completes in 3 steps.",
                    "No hidden costs.",
                ),
            ],
        ),
        (
            "Pay",
            [
                (
                    "Card and iDEAL payment",
                    "payment",
                    "PayFlow",
                    "99.9% availability.",
                    "Payment works the first time.",
                ),
            ],
        ),
        (
            "Delivery",
            [
                (
                    "Order picking",
                    "on_site",
                    "Logistics & Fulfilment",
                    "Shipped within 1 working day.",
                    "The complete order leaves the warehouse.",
                ),
                (
                    "Parcel delivery",
                    "delivery",
                    "SwiftParcel",
                    "Delivered on the promised day.",
                    "Arrives on time and undamaged.",
                ),
            ],
        ),
        (
            "Install & first use",
            [
                (
                    "Installation visit",
                    "on_site",
                    "Field Service",
                    "Engineer arrives in the 2-hour slot.",
                    "Works at the end of the visit.",
                ),
                (
                    "Welcome e-mail",
                    "email",
                    "Customer Service",
                    "Sent within 1 hour of installation.",
                    "Customer knows how to use the app.",
                ),
            ],
        ),
    ],
    "handoffs": [
        ("Home suitability check", "Online checkout", "recommended product"),
        ("Online checkout", "Card and iDEAL payment", "order total and customer details"),
        ("Card and iDEAL payment", "Order picking", "paid order"),
        ("Order picking", "Parcel delivery", "parcel and delivery slot"),
        ("Parcel delivery", "Installation visit", "delivery confirmation"),
        ("Installation visit", "Welcome e-mail", "installation report"),
    ],
    "failure_points": [
        (
            "Parcel delivery",
            "Parcel delivered after the promised day",
            7,
            6,
            4,
            "Courier route capacity in peak weeks",
        ),
        (
            "Card and iDEAL payment",
            "Payment refused without a clear reason",
            6,
            3,
            5,
            "Bank risk rules change without notice",
        ),
        ("Installation visit", "Engineer misses the time slot", 8, 4, 3, "Previous job overruns"),
        (
            "Order picking",
            "Accessory missing from the parcel",
            5,
            3,
            6,
            "Manual picking of small parts",
        ),
    ],
    "objectives": [
        (
            "Parcel delivery",
            "Deliver on the promised day",
            "at_least",
            "95",
            "%",
            date(2027, 3, 31),
        ),
        (None, "Order-to-installation lead time", "at_most", "10", "days", date(2027, 6, 30)),
    ],
}

GET_SUPPORT: dict[str, Any] = {
    "name": "Get support",
    "segment": "Households",
    "value_statement": "When something does not work I want one contact that solves it quickly, "
    "and to be told what happens next.",
    "stages": [
        (
            "Ask for help",
            [
                (
                    "Help centre",
                    "web",
                    "E-commerce",
                    "Answers the top 50 questions.",
                    "Customer finds an answer without calling.",
                ),
                (
                    "Phone support",
                    "phone",
                    "CallPoint Contact Centres",
                    "80% of calls answered in 30 s.",
                    "Reached quickly, problem understood.",
                ),
                (
                    "Live chat",
                    "chat",
                    "Customer Service",
                    "First reply within 1 minute.",
                    "A person, not a loop of bots.",
                ),
            ],
        ),
        (
            "Diagnose",
            [
                (
                    "Ticket triage",
                    "email",
                    "Customer Service",
                    "Every ticket categorised within 4 hours.",
                    "Right team, first time.",
                ),
            ],
        ),
        (
            "Resolve",
            [
                (
                    "Engineer visit",
                    "on_site",
                    "Field Service",
                    "Visit within 3 working days.",
                    "Fixed in one visit.",
                ),
                (
                    "Replacement part shipped",
                    "delivery",
                    "SwiftParcel",
                    "Delivered next working day.",
                    "Correct part, on time.",
                ),
            ],
        ),
        (
            "Follow up",
            [
                (
                    "Resolution call-back",
                    "phone",
                    "Customer Service",
                    "Call within 2 days of the fix.",
                    "Customer confirms it works.",
                ),
            ],
        ),
    ],
    "handoffs": [
        ("Phone support", "Ticket triage", "call notes and customer reference"),
        ("Live chat", "Ticket triage", "chat transcript"),
        ("Help centre", "Live chat", "article the customer read"),
        ("Ticket triage", "Engineer visit", "diagnosis and appointment"),
        ("Ticket triage", "Replacement part shipped", "part number and address"),
        ("Engineer visit", "Resolution call-back", "work order closed"),
    ],
    "failure_points": [
        (
            "Phone support",
            "Caller repeats the problem after transfer",
            6,
            7,
            5,
            "Call notes not passed to the ticket",
        ),
        ("Ticket triage", "Ticket routed to the wrong team", 5, 5, 6, "Free-text categories"),
        (
            "Replacement part shipped",
            "Wrong part shipped",
            7,
            3,
            4,
            "Similar part numbers across models",
        ),
        ("Engineer visit", "Second visit needed", 7, 5, 3, "Van stock lacks common parts"),
    ],
    "objectives": [
        ("Phone support", "Resolve at first contact", "at_least", "70", "%", date(2027, 3, 31)),
        (None, "Time to resolve a support request", "at_most", "72", "hours", date(2027, 6, 30)),
    ],
}

RENEW_CONTRACT: dict[str, Any] = {
    "name": "Renew contract",
    "segment": "Landlords & housing",
    "value_statement": "I want my service contract renewed without effort, at a fair price, "
    "with the yearly maintenance planned for me.",
    "stages": [
        (
            "Renewal reminder",
            [
                (
                    "Renewal e-mail",
                    "email",
                    "Finance & Billing",
                    "Sent 60 days before the end date.",
                    "Customer knows price and changes.",
                ),
            ],
        ),
        (
            "Review offer",
            [
                (
                    "Account page offer",
                    "web",
                    "E-commerce",
                    "Offer visible after one sign-in.",
                    "Compare old and new price.",
                ),
                (
                    "Renewal questions",
                    "phone",
                    "CallPoint Contact Centres",
                    "Answered by a contract specialist.",
                    "Questions answered in one call.",
                ),
            ],
        ),
        (
            "Pay & confirm",
            [
                (
                    "Direct debit set-up",
                    "payment",
                    "PayFlow",
                    "Mandate confirmed instantly.",
                    "No double charges.",
                ),
                (
                    "Renewal confirmation",
                    "email",
                    "Finance & Billing",
                    "Sent the same day.",
                    "Contract and invoice match.",
                ),
            ],
        ),
        (
            "Annual service",
            [
                (
                    "Maintenance visit",
                    "on_site",
                    "Field Service",
                    "Planned within the contract month.",
                    "Equipment checked and explained.",
                ),
            ],
        ),
    ],
    "handoffs": [
        ("Renewal e-mail", "Account page offer", "personal offer link"),
        ("Account page offer", "Direct debit set-up", "accepted offer"),
        ("Renewal questions", "Direct debit set-up", "agreed price"),
        ("Direct debit set-up", "Renewal confirmation", "mandate reference"),
        ("Renewal confirmation", "Maintenance visit", "service month"),
    ],
    "failure_points": [
        ("Direct debit set-up", "Customer charged twice", 8, 2, 5, "Retry logic after time-outs"),
        ("Renewal e-mail", "Reminder lands in spam", 5, 4, 7, "Sender reputation"),
        (
            "Maintenance visit",
            "Visit not planned before the due month",
            6,
            4,
            4,
            "Planning done by hand",
        ),
    ],
    "objectives": [
        (None, "Renewal rate of expiring contracts", "at_least", "85", "%", date(2027, 12, 31)),
    ],
}

JOURNEYS = [BUY_ONLINE, GET_SUPPORT, RENEW_CONTRACT]
# Days ago the quality manager mapped each journey (a draft, put in use a week later).
MAPPED_DAYS_AGO = {"Buy online": 430, "Get support": 423, "Renew contract": 409}
ACTIVATED_AFTER_DAYS = 7
# Objectives whose target the management review changed: the first target, and how many days ago
# it became the one in the spec.
OBJECTIVE_REVISIONS = {
    "Time to resolve a support request": ("96", 150),
    "Deliver on the promised day": ("90", 60),
}


def owner_fields(owner_name: str) -> dict[str, Any]:
    """Return the owner fields of a touchpoint owned by the department or partner named."""
    department = Department.objects.filter(name=owner_name).first()
    if department is not None:
        return {"owner_department": department, "owner_partner": None}
    return {"owner_department": None, "owner_partner": Partner.objects.get(name=owner_name)}


@transaction.atomic
def build_journey(spec: dict[str, Any], *, owner: User | None) -> Journey:
    """Build one journey from its spec through the services, its history told as its owner
    mapped it: a draft, put in use a week later, targets revised since."""
    mapped = office_moment(MAPPED_DAYS_AGO.get(spec["name"], 0), hour=9, minute=30)
    with recorded_as(owner, at=mapped):
        journey = map_journey(spec, owner=owner)
    backdate(journey, field="created_at", moment=mapped)
    with recorded_as(owner, at=mapped + timedelta(days=ACTIVATED_AFTER_DAYS)):
        services.journey_update(journey=journey, status=Journey.Status.ACTIVE)
    targets = {statement: target for _at, statement, _way, target, *_rest in spec["objectives"]}
    for objective in QualityObjective.objects.filter(
        Q(journey=journey) | Q(touchpoint__stage__journey=journey),
        statement__in=OBJECTIVE_REVISIONS,
    ):
        target = targets[objective.statement]
        days_ago = OBJECTIVE_REVISIONS[objective.statement][1]
        with recorded_as(owner, at=office_moment(days_ago, hour=14)):
            services.objective_update(objective=objective, target_value=Decimal(target))
    return journey


def map_journey(spec: dict[str, Any], *, owner: User | None) -> Journey:
    """Create a draft journey with its stages, touchpoints, handoffs, risks and objectives
    (the revised objectives with their first targets)."""
    journey = services.journey_create(
        name=spec["name"],
        segment=CustomerSegment.objects.filter(name=spec["segment"]).first(),
        owner=owner,
        value_statement=spec["value_statement"],
    )
    touchpoints: dict[str, Touchpoint] = {}
    for stage_name, touchpoint_specs in spec["stages"]:
        stage = services.stage_add(journey=journey, name=stage_name)
        for name, channel, owner_name, standard, ctq in touchpoint_specs:
            touchpoints[name] = services.touchpoint_add(
                stage=stage,
                name=name,
                channel=channel,
                service_standard=standard,
                ctq_requirement=ctq,
                **owner_fields(owner_name),
            )
    for source, target, description in spec["handoffs"]:
        services.handoff_add(
            from_touchpoint=touchpoints[source],
            to_touchpoint=touchpoints[target],
            description=description,
        )
    for name, description, severity, occurrence, detection, source in spec["failure_points"]:
        services.failure_point_add(
            touchpoint=touchpoints[name],
            description=description,
            severity=severity,
            occurrence=occurrence,
            detection=detection,
            variability_source=source,
        )
    for touchpoint_name, statement, direction, target, unit, due in spec["objectives"]:
        first_target = OBJECTIVE_REVISIONS.get(statement, (target, 0))[0]
        services.objective_create(
            journey=None if touchpoint_name else journey,
            touchpoint=touchpoints[touchpoint_name] if touchpoint_name else None,
            statement=statement,
            direction=direction,
            target_value=Decimal(first_target),
            unit=unit,
            due_date=due,
            owner=owner,
        )
    return journey


def load(*, seed: int) -> dict[str, int]:
    """Build the demo journeys that do not exist yet (the data is fixed: the seed is unused)."""
    owner = User.objects.filter(username="quality").first()
    created = 0
    for spec in JOURNEYS:
        if not Journey.objects.filter(name=spec["name"]).exists():
            build_journey(spec, owner=owner)
            created += 1
    return {"journeys": created}
