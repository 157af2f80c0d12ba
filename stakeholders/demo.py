"""Demo data of the stakeholders app: Brightline's departments, partners, segments, customers.

20,000 customers arrived over four years, each with a service contract: most for a year, some
monthly (a thermostat subscription), a few for two years. The CRM export covers two years: the
installation bought, contract renewals at term (about 12 % of contracts end in a year: not
renewed, or cancelled on moving house), add-on purchases and referrals that bring in new
customers; for customers older than the export, the purchase or renewal of the contract in force
when it begins. Installations peak in the autumn, before the heating season; renewals dip for
contracts due during the courier's bad spell (parts for repairs arrived late), which the
feedback demo shows from the complaints side.
"""

import bisect
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import DateTimeField, Field, Model
from django.utils import timezone

from core.demo import office_moment
from core.history import recorded_as

from . import services
from .contracts import add_months
from .models import Customer, CustomerActivity, CustomerSegment, Department, Partner, PartnerContact

DEPARTMENTS = [
    ("E-commerce", "Runs the web shop, product content and the online checkout."),
    ("Customer Service", "Answers customers by chat and e-mail, owns complaints and follow-up."),
    ("Logistics & Fulfilment", "Picks, packs and hands orders to the courier; manages returns."),
    ("Finance & Billing", "Invoices, payment follow-up, refunds and contract renewals."),
    ("Field Service", "Installs, maintains and repairs equipment at customers' homes."),
]

PARTNERS: list[dict[str, Any]] = [
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

# Each partner's story in its history: (days ago it was signed up, and for a partner whose terms
# changed since, what it was signed up with and how many days ago the quality manager changed it).
# SwiftParcel went on probation, its reliability marked down, in the middle of its bad spell.
PARTNER_STORIES: dict[str, tuple[int, dict[str, Any], int]] = {
    "SwiftParcel": (
        760,
        {"status": Partner.Status.ACTIVE, "reliability_score": 4, "customer_impact_score": 4},
        150,
    ),
    "CallPoint Contact Centres": (
        690,
        {"quality_expectations": "80% of calls answered within 30 seconds; first-contact "
         "resolution of 70%; complaints logged in LoyaltyQMS the same day."},
        300,
    ),
    "PayFlow": (610, {}, 0),
}  # fmt: skip

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
CUSTOMER_COUNT = 20_000  # a regional installer's base; loads in about a second
CUSTOMER_BATCH = 1_000  # rows per INSERT: keeps each statement small on SQLite
ACTIVITY_BATCH = 1_000  # rows per executemany: bounds the memory of one statement's values
ACTIVITY_COLUMNS = ("customer", "occurred_at", "kind", "amount", "external_id")
INSTALL_SEASON_AMPLITUDE = 0.35  # installations peak in early November, dip in May

ACTIVITY_DAYS = 730  # the CRM export the demo stands for goes back two years
# Contract types (as the CRM names them) and their terms in months.
YEARLY, MONTHLY, TWO_YEAR = ("One year", 12), ("Monthly", 1), ("Two year", 24)
# Per segment: (shares of the contract types, the chance a yearly contract due is renewed,
# units per customer, yearly contract price per unit).
CONTRACTS = {
    "Households": (
        {YEARLY: 0.90, MONTHLY: 0.08, TWO_YEAR: 0.02},
        0.87,
        (1, 1),
        Decimal("189.00"),
    ),
    "Small businesses": (
        {YEARLY: 0.84, MONTHLY: 0.06, TWO_YEAR: 0.10},
        0.88,
        (1, 4),
        Decimal("420.00"),
    ),
    "Landlords & housing": ({YEARLY: 0.80, TWO_YEAR: 0.20}, 0.90, (4, 40), Decimal("149.00")),
}
TWO_YEAR_RENEWAL_GAP = 0.04  # a two-year contract is renewed a little less often than a yearly
MONTHLY_CANCEL_RATE = 0.01  # a monthly contract's chance of being cancelled at a month's end
# What customers install first: (product, lowest and highest price per unit, share).
PRODUCTS = [
    ("heat pump", 7_500, 12_500, 0.45),
    ("hybrid heat pump", 4_500, 7_500, 0.2),
    ("home battery", 4_000, 8_000, 0.15),
    ("smart thermostat", 200, 350, 0.2),
]
ADD_ON_YEARLY_RATE = 0.08  # buy a thermostat or battery for an installation they have
MOVE_AWAY_YEARLY_RATE = 0.025  # cancel mid-contract, mostly because they move house
ADVOCATE_SHARE = 0.12  # customers who recommend Brightline to others
REFERRED_SHARE = 0.12  # new customers who came through one of them
# The courier's bad spell (as in the feedback demo), in days before today, and how far it
# lowers the yearly renewal rate of contracts due then: late parts for repairs cost goodwill.
SPELL_DAYS_AGO = (200, 90)
SPELL_RENEWAL_DIP = 0.05

# The demo's partner login: SwiftParcel's contact, invited to the portal as its bad spell began.
PORTAL_CONTACT = ("partner", "SwiftParcel")
PORTAL_INVITED_DAYS_AGO = 195


def create_partner(fields: dict[str, Any], *, by: User | None) -> Partner:
    """Sign the partner up as its story says, then change what changed since, in its history."""
    signed_up, first_terms, changed_days_ago = PARTNER_STORIES.get(fields["name"], (0, {}, 0))
    with recorded_as(by, at=office_moment(signed_up, hour=11)):
        partner = services.partner_create(**{**fields, **first_terms})
    if first_terms:
        changed = {name: fields[name] for name in first_terms}
        with recorded_as(by, at=office_moment(changed_days_ago, hour=15, minute=20)):
            services.partner_update(partner=partner, **changed)
    return partner


def link_portal_contact(*, by: User | None) -> int:
    """Make the partner demo login SwiftParcel's portal contact (it accepted the invitation the
    next morning); return 1 when the link is new."""
    username, partner_name = PORTAL_CONTACT
    user = User.objects.filter(username=username).first()
    partner = Partner.objects.filter(name=partner_name).first()
    if user is None or partner is None or PartnerContact.objects.filter(user=user).exists():
        return 0
    PartnerContact.objects.create(
        user=user,
        partner=partner,
        invited_by=by,
        invited_at=office_moment(PORTAL_INVITED_DAYS_AGO, hour=14),
        accepted_at=office_moment(PORTAL_INVITED_DAYS_AGO - 1, hour=9, minute=10),
    )
    return 1


def _lead(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load(*, seed: int) -> dict[str, int]:
    """Create the departments, partners, segments and customers that do not exist yet."""
    generator = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets
    created = {
        "departments": 0,
        "partners": 0,
        "segments": 0,
        "customers": 0,
        "customer activities": 0,
    }
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
    quality = User.objects.filter(username="quality").first()
    for fields in PARTNERS:
        if not Partner.objects.filter(name=fields["name"]).exists():
            create_partner(fields, by=quality)
            created["partners"] += 1
    created["partner contacts"] = link_portal_contact(by=quality)
    for name, description, _share in SEGMENTS:
        if not CustomerSegment.objects.filter(name=name).exists():
            services.segment_create(name=name, description=description)
            created["segments"] += 1

    segments = {segment.name: segment for segment in CustomerSegment.objects.all()}
    weights = [share for _name, _description, share in SEGMENTS]
    names = [name for name, _description, _share in SEGMENTS]
    today = timezone.localdate()  # relative, so no customer is "first seen" in the future
    # Its own stream: the customers drawn from the seed stay those of earlier versions.
    contracts = random.Random(f"contracts-{seed}")  # noqa: S311 - demo data, not secrets
    customers = []
    for number in range(1, CUSTOMER_COUNT + 1):
        segment = segments[generator.choices(names, weights)[0]]
        # Customers arrived over four years, more of them recently (the business grows), most
        # in the autumn, before the heating season.
        while True:
            days_ago = int(generator.triangular(0, 4 * 365, 0))
            if generator.random() * (1 + INSTALL_SEASON_AMPLITUDE) < install_season(
                today - timedelta(days=days_ago)
            ):
                break
        shares = CONTRACTS[segment.name][0]
        contract_type, term = contracts.choices(list(shares), list(shares.values()))[0]
        customers.append(
            Customer(
                external_reference=f"BHS-{100000 + number}",
                segment=segment,
                first_seen=today - timedelta(days=days_ago),
                contract_type=contract_type,
                contract_term_months=term,
            )
        )
    before = Customer.objects.count()
    # Bulk load: the references are unique, so a second run inserts nothing.
    Customer.objects.bulk_create(customers, batch_size=CUSTOMER_BATCH, ignore_conflicts=True)
    created["customers"] = Customer.objects.count() - before
    created["customer activities"] = load_activities(seed=seed)
    return created


def install_season(day: date) -> float:
    """Return how busy installations are on a day (1 on average), highest in early November."""
    day_of_year = day.timetuple().tm_yday
    return 1 + INSTALL_SEASON_AMPLITUDE * math.cos(2 * math.pi * (day_of_year - 310) / 365)


@dataclass(frozen=True)
class DemoCustomer:
    """What the activity plan needs of a customer."""

    pk: int
    segment: str
    first_seen: date
    term: int  # the contract term in months


class ActivityPlanner:
    """Plan two years of customer activity for one seed, as seen on one day."""

    def __init__(self, *, seed: int, now: datetime, customers: list[DemoCustomer]) -> None:
        # Its own stream: the customers drawn from the seed stay the same whatever is planned.
        self.random = random.Random(f"activity-{seed}")  # noqa: S311 - demo data, not secrets
        self.now = now
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localtime(now, self.zone).date()
        self.since = self.today - timedelta(days=ACTIVITY_DAYS)
        self.customers = sorted(customers, key=lambda customer: (customer.first_seen, customer.pk))
        self.rows: list[list[Any]] = []  # ACTIVITY_COLUMNS

    def at(self, day: date) -> datetime:
        """Return a moment in office hours on a day."""
        clock = time(self.random.randint(8, 19), self.random.randrange(60))
        moment = datetime.combine(day, clock, tzinfo=self.zone)
        share = self.random.random()  # drawn at any hour: the hour of the load shifts no draw
        if moment > self.now:  # today's activity happened earlier today
            moment = self.now - (moment - self.now) * share
            moment = max(moment, datetime.combine(day, time(0), tzinfo=self.zone))
        return moment

    def add(self, customer: DemoCustomer, day: date, kind: str, amount: Decimal | None) -> None:
        """Keep an activity if it happened inside the two years the demo covers."""
        if self.since <= day <= self.today:
            self.rows.append([customer.pk, self.at(day), kind, amount, ""])

    def keep(self, customer: DemoCustomer, events: list[tuple[date, str, Decimal | None]]) -> None:
        """Keep a customer's activity of the export's two years, and the contract in force then.

        An export that starts after a customer arrived still shows the contract they hold: its
        purchase or last renewal (without it, nobody would be under contract when it starts).
        """
        held = None
        for event in events:
            day, kind, _amount = event
            if day >= self.since:
                break
            held = None if kind == CustomerActivity.Kind.CANCELLATION else event
        if held is not None:
            self.rows.append([customer.pk, self.at(held[0]), held[1], held[2], ""])
        for day, kind, amount in events:
            self.add(customer, day, kind, amount)

    def renewal_chance(self, customer: DemoCustomer, due: date) -> float:
        """Return the chance that a contract due on a day is renewed."""
        rate = CONTRACTS[customer.segment][1]
        if customer.term < YEARLY[1]:
            rate = 1 - MONTHLY_CANCEL_RATE
        elif customer.term > YEARLY[1]:
            rate -= TWO_YEAR_RENEWAL_GAP
        start, end = SPELL_DAYS_AGO
        if end <= (self.today - due).days <= start:
            rate -= SPELL_RENEWAL_DIP * min(customer.term, YEARLY[1]) / YEARLY[1]
        return rate

    def life(self, customer: DemoCustomer) -> None:
        """Plan a customer's installation, contract renewals, add-ons and the contract's end.

        A renewal starts the next term on the day the last one ends, so the contract stays in
        force without a gap; a contract not renewed is cancelled in the weeks before its end.
        """
        _shares, _rate, (fewest, most), contract_price = CONTRACTS[customer.segment]
        units = self.random.randint(fewest, most)
        product = self.random.choices(range(len(PRODUCTS)), [p[3] for p in PRODUCTS])[0]
        _name, low, high, _share = PRODUCTS[product]
        price = Decimal(self.random.randint(low, high) * units)
        events: list[tuple[date, str, Decimal | None]] = [
            (customer.first_seen, CustomerActivity.Kind.PURCHASE, price)
        ]
        term_price = (contract_price * units * customer.term / YEARLY[1]).quantize(Decimal("0.01"))
        years = customer.term / YEARLY[1]  # the yearly rates below, per term
        began = customer.first_seen
        while began <= self.today:
            due = add_months(began, customer.term)
            days = (due - began).days
            ended = None
            if self.random.random() < MOVE_AWAY_YEARLY_RATE * years:
                ended = due - timedelta(days=self.random.randrange(1, days))
            if self.random.random() < ADD_ON_YEARLY_RATE * years:
                bought = due - timedelta(days=self.random.randrange(1, days))
                if ended is None or bought < ended:
                    # Heat-pump owners add a battery or a thermostat; the others, a heat pump.
                    extra = self.random.choice([2, 3]) if product < 2 else 0
                    _name, low, high, _share = PRODUCTS[extra]
                    amount = Decimal(self.random.randint(low, high))
                    events.append((bought, CustomerActivity.Kind.PURCHASE, amount))
            if ended is None and self.random.random() >= self.renewal_chance(customer, due):
                ended = due - timedelta(days=self.random.randrange(min(30, days)))
            if ended is not None:
                events.append((ended, CustomerActivity.Kind.CANCELLATION, None))
                break
            events.append((due, CustomerActivity.Kind.RENEWAL, term_price))
            began = due
        events.sort(key=lambda event: event[0])
        self.keep(customer, events)

    def referrals(self) -> None:
        """Credit some new customers' arrival to an earlier customer who recommended them."""
        advocates = [
            customer for customer in self.customers if self.random.random() < ADVOCATE_SHARE
        ]
        advocate_days = [customer.first_seen for customer in advocates]
        for customer in self.customers:
            if customer.first_seen < self.since or self.random.random() >= REFERRED_SHARE:
                continue
            earlier = bisect.bisect_left(advocate_days, customer.first_seen - timedelta(days=30))
            if earlier:
                advocate = advocates[self.random.randrange(earlier)]
                self.add(advocate, customer.first_seen, CustomerActivity.Kind.REFERRAL, None)

    def plan(self) -> list[list[Any]]:
        """Plan every customer's activity, numbered in time order like a CRM's ids."""
        for customer in self.customers:
            self.life(customer)
        self.referrals()
        self.rows.sort(key=lambda row: (row[1], row[0]))
        for number, row in enumerate(self.rows, start=1):
            row[4] = f"BHS-ACT-{number:07d}"
        return self.rows


def load_activities(*, seed: int) -> int:
    """Create two years of customer activity, unless there is activity already."""
    if CustomerActivity.objects.exists():
        return 0
    customers = [
        DemoCustomer(pk=pk, segment=segment, first_seen=first_seen, term=term or YEARLY[1])
        for pk, segment, first_seen, term in Customer.objects.filter(
            segment__name__in=list(CONTRACTS)
        ).values_list("pk", "segment__name", "first_seen", "contract_term_months")
    ]
    planner = ActivityPlanner(seed=seed, now=timezone.now(), customers=customers)
    rows = planner.plan()
    insert_rows(CustomerActivity, ACTIVITY_COLUMNS, rows, batch_size=ACTIVITY_BATCH)
    return len(rows)


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    batch_size: int,
) -> None:
    """Insert rows of plain values (in the order of `columns`) into a model's table.

    For the demo's tens of thousands of rows: bulk_create builds a model object per row and
    prepares each value through its field, several times slower than the insert itself.
    """
    fields = [cast("Field[Any, Any]", model._meta.get_field(name)) for name in columns]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    moments = [index for index, field in enumerate(fields) if isinstance(field, DateTimeField)]
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for first in range(0, len(rows), batch_size):
            batch: list[list[Any]] = [list(row) for row in rows[first : first + batch_size]]
            for values in batch:
                for index in moments:
                    values[index] = adapt(values[index])
            cursor.executemany(sql, batch)
