"""Importers of the stakeholders app: customers and their activity (registered in ready())."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils import timezone

from core.imports.cells import (
    RowReader,
    choice_lookup,
    day_refusal,
    read_decimal,
    read_integer,
    read_moment,
    text_refusals,
)
from core.imports.registry import (
    Batch,
    Column,
    Importer,
    LoadResult,
    insert_new_rows,
    register,
)

from .models import Customer, CustomerActivity, CustomerSegment
from .services import customers_changes_record

AMOUNT_DIGITS = 12  # CustomerActivity.amount's max_digits
EXTERNAL_ID_CHARS = 100  # CustomerActivity.external_id's max_length
REFERENCE_CHARS = 80  # Customer.external_reference's max_length
CONTRACT_TYPE_CHARS = 40  # Customer.contract_type's max_length
LONGEST_TERM_MONTHS = 120  # Customer.contract_term_months's validator
UPDATE_BATCH = 1_000  # customers per UPDATE statement of a re-import
# A new customer's fields, in the order its row's values are inserted, with their defaults.
NEW_CUSTOMER: dict[str, Any] = {
    "external_reference": "",
    "segment_id": None,
    "first_seen": None,
    "contract_type": "",
    "contract_term_months": None,
}
NAMES = list(NEW_CUSTOMER)


def customer_ids(references: Sequence[str]) -> dict[str, int]:
    """Return the ids of the customers with these references, in one query."""
    wanted = {reference.strip() for reference in references if reference.strip()}
    return dict(
        Customer.objects.filter(external_reference__any=wanted)
        .order_by()
        .values_list("external_reference", "id")
    )


class ActivityRow(NamedTuple):
    """A valid row of the activity import: the activity's fields, without a model instance
    (building the instances took about a seventh of the import's time, profiled on 20,000 rows)."""

    external_id: str
    customer_id: int
    occurred_at: datetime
    kind: str
    amount: Decimal | None


class CustomerActivityImporter(Importer):
    """Purchases, renewals, referrals and cancellations from a CRM or billing system."""

    key = "customer_activity"
    label = "Customer activity"
    permission = "stakeholders.add_customeractivity"
    natural_key = "external_id: a row whose id is already stored is skipped"
    columns = (
        Column(
            "external_id",
            required=True,
            help="The activity's id in the source system.",
            example="ACT-0001",
        ),
        Column(
            "customer_reference",
            required=True,
            help="The customer's external reference.",
            example="CRM-000001",
        ),
        Column(
            "occurred_at",
            required=True,
            help="ISO 8601, e.g. 2026-03-31T14:05.",
            example="2026-03-31T14:05",
        ),
        Column(
            "kind",
            required=True,
            help="purchase, renewal, referral or cancellation.",
            example="purchase",
        ),
        Column("amount", help="Optional, with a point: 49.90.", example="49.90"),
    )

    def example_row(self) -> dict[str, str]:
        row = super().example_row()
        reference = (
            Customer.objects.order_by("pk").values_list("external_reference", flat=True).first()
        )
        if reference is not None:
            row["customer_reference"] = reference
        row["occurred_at"] = f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}T09:30"
        return row

    def prepare(self, rows: Sequence[dict[str, str]]) -> dict[str, int]:
        return customer_ids([row.get("customer_reference", "") for row in rows])

    def build(self, row: RowReader, context: dict[str, int]) -> ActivityRow | None:
        external_id = row.text("external_id", max_length=EXTERNAL_ID_CHARS)
        reference = row.text("customer_reference")
        customer_id = context.get(reference)
        if customer_id is None:
            row.refuse("customer_reference", f"No customer has the reference {reference[:80]!r}.")
        occurred_at = row.moment("occurred_at")
        kind = row.choice("kind", CustomerActivity.Kind)
        amount = row.decimal("amount", max_digits=AMOUNT_DIGITS, places=2)
        if row.errors or customer_id is None or occurred_at is None:
            return None
        return ActivityRow(external_id, customer_id, occurred_at, kind, amount)

    def build_plain(
        self, row: dict[str, str], context: dict[str, int], batch: Batch
    ) -> ActivityRow | None:
        """Read a row whose cells are all plainly valid, as nearly every row of a CRM export is,
        with build's readers but without a RowReader; any other row is left to build."""
        external_id = row.get("external_id", "").strip()
        reference = row.get("customer_reference", "").strip()
        customer_id = context.get(reference)
        kind = choice_lookup(CustomerActivity.Kind, batch.language).get(
            row.get("kind", "").strip().lower()
        )
        occurred = row.get("occurred_at", "").strip()
        if (
            not external_id
            or customer_id is None
            or kind is None
            or not occurred
            or text_refusals(external_id, EXTERNAL_ID_CHARS)
            or text_refusals(reference)
        ):
            return None
        occurred_at, _reason = read_moment(
            occurred, now=batch.now, zone=batch.zone, earliest=batch.first_day
        )
        if occurred_at is None:
            return None
        amount = None
        if cell := row.get("amount", "").strip():
            amount, refused = read_decimal(cell, AMOUNT_DIGITS, places=2)
            if refused:
                return None
        return ActivityRow(external_id, customer_id, occurred_at, kind, amount)

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        created, duplicates = insert_new_rows(
            CustomerActivity, ActivityRow._fields, items, key="external_id"
        )
        return LoadResult(created=created, duplicates=duplicates)


@dataclass
class CustomerRow:
    """A valid row of the customer import: the reference and the fields its cells give."""

    reference: str
    fields: dict[str, Any]
    stored: Customer | None  # the customer with this reference, as the batch found it


class CustomerImporter(Importer):
    """Customers from a CRM export: segment, first-seen day and contract, by their reference.

    Importing the export again brings known customers up to date: a column left out (or not
    mapped) keeps the stored value; an empty cell clears the segment or the contract.
    """

    key = "customers"
    label = "Customers"
    permission = "stakeholders.change_customer"
    natural_key = (
        "customer_reference: a known reference takes the row's segment, first seen and contract "
        "and counts as already there"
    )
    columns = (
        Column(
            "customer_reference",
            required=True,
            help="The customer's reference in the CRM.",
            example="CRM-EXAMPLE-1",
        ),
        Column("segment", help="The name of a customer segment; empty: none."),
        Column("first_seen", help="YYYY-MM-DD; required for a new customer.", example="2026-01-15"),
        Column(
            "contract_type", help="As the CRM names it, e.g. One year, Monthly.", example="One year"
        ),
        Column(
            "contract_term_months",
            help="1 to 120: how long a purchase or renewal keeps the contract in force.",
            example="12",
        ),
    )

    def example_row(self) -> dict[str, str]:
        row = super().example_row()
        segment = CustomerSegment.objects.order_by("name").values_list("name", flat=True).first()
        row["segment"] = segment or ""
        row["first_seen"] = f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}"
        return row

    def prepare(self, rows: Sequence[dict[str, str]]) -> dict[str, Any]:
        references = {row.get("customer_reference", "").strip() for row in rows} - {""}
        return {
            # Segments are few: all of them, by name in any case.
            "segments": {
                name.lower(): pk for pk, name in CustomerSegment.objects.values_list("pk", "name")
            },
            # Read once for the batch: build tells a new customer from a known one by it, and
            # load brings the known ones up to date (a second read cost a tenth of the import).
            "stored": {
                customer.external_reference: customer
                for customer in Customer.objects.filter(
                    external_reference__any=references
                ).order_by()
            },
            "announced": set(),  # references given a first-seen day earlier in the batch
        }

    def build(self, row: RowReader, context: dict[str, Any]) -> CustomerRow | None:
        reference = row.text("customer_reference", max_length=REFERENCE_CHARS)
        fields: dict[str, Any] = {}
        if "segment" in row.row:
            name = row.text("segment")
            fields["segment_id"] = context["segments"].get(name.lower()) if name else None
            if name and fields["segment_id"] is None:
                row.refuse("segment", f"No customer segment is named {name[:80]!r}.")
        if row.text("first_seen"):
            fields["first_seen"] = row.day("first_seen", not_future=True)
        elif reference not in context["stored"] and reference not in context["announced"]:
            row.refuse("first_seen", "A new customer needs the day they were first seen.")
        if "contract_type" in row.row:
            fields["contract_type"] = row.text("contract_type", max_length=CONTRACT_TYPE_CHARS)
        if "contract_term_months" in row.row:
            term = row.integer("contract_term_months", 1, LONGEST_TERM_MONTHS)
            fields["contract_term_months"] = term
        if row.errors:
            return None
        if "first_seen" in fields:
            context["announced"].add(reference)
        return CustomerRow(reference, fields, context["stored"].get(reference))

    def build_plain(
        self, row: dict[str, str], context: dict[str, Any], batch: Batch
    ) -> CustomerRow | None:
        """Read a row whose cells are all plainly valid, as nearly every row of a CRM export is,
        with build's rules but without a RowReader; any other row is left to build."""
        reference = row.get("customer_reference", "").strip()
        if not reference or text_refusals(reference, REFERENCE_CHARS):
            return None
        fields: dict[str, Any] = {}
        if "segment" in row:
            name = row["segment"].strip()
            fields["segment_id"] = context["segments"].get(name.lower()) if name else None
            if name and (fields["segment_id"] is None or text_refusals(name)):
                return None
        if seen := row.get("first_seen", "").strip():
            try:
                day = date.fromisoformat(seen)
            except ValueError:
                return None
            if day > batch.today or day_refusal(day, earliest=batch.first_day):
                return None
            fields["first_seen"] = day
        elif reference not in context["stored"] and reference not in context["announced"]:
            return None
        if "contract_type" in row:
            fields["contract_type"] = row["contract_type"].strip()
            if text_refusals(fields["contract_type"], CONTRACT_TYPE_CHARS):
                return None
        if "contract_term_months" in row:
            term = None
            if cell := row["contract_term_months"].strip():
                term, refused = read_integer(cell, 1, LONGEST_TERM_MONTHS)
                if refused:
                    return None
            fields["contract_term_months"] = term
        if "first_seen" in fields:
            context["announced"].add(reference)
        return CustomerRow(reference, fields, context["stored"].get(reference))

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        latest: dict[str, dict[str, Any]] = {}
        stored: dict[str, Customer] = {}
        for _index, item in items:
            # A reference repeated in the batch: its rows apply in order, the last cell wins.
            latest.setdefault(item.reference, {}).update(item.fields)
            if item.stored is not None:
                stored[item.reference] = item.stored
        fresh = [
            (0, tuple({**NEW_CUSTOMER, "external_reference": reference, **fields}.values()))
            for reference, fields in latest.items()
            if reference not in stored
        ]
        # Tuples, not instances: a model instance per row was a third of the import's time
        # (profiled on 20,000 new customers).
        # The stored customers were read by prepare, in this transaction: no second look.
        created, _taken = insert_new_rows(
            Customer, NAMES, fresh, key="external_reference", stored_keys=stored.keys()
        )
        changed: list[Customer] = []
        names: set[str] = set()
        reread: list[int] = []
        for reference, customer in stored.items():
            fields = {
                name: value
                for name, value in latest[reference].items()
                if getattr(customer, name) != value
            }
            if fields:
                for name, value in fields.items():
                    setattr(customer, name, value)
                changed.append(customer)
                names.update(fields)
                if fields.keys() & {"segment_id", "contract_term_months", "first_seen"}:
                    reread.append(customer.pk)
        if changed:
            names = {"segment" if name == "segment_id" else name for name in names}
            Customer.objects.bulk_update(changed, sorted(names), batch_size=UPDATE_BATCH)
        # New customers' days (those a concurrent import stored first, too: a day more is only
        # recomputed once more).
        first_seen = NAMES.index("first_seen")
        days = [row[first_seen] for _index, row in fresh] + [
            customer.first_seen for customer in changed
        ]
        if reread or days:
            customers_changes_record(changed=reread, first_seen=min(days, default=None))
        return LoadResult(created=created, duplicates=len(items) - created)


register(CustomerActivityImporter())
register(CustomerImporter())
