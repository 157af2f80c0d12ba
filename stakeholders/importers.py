"""Importers of the stakeholders app: customer activity (registered in ready())."""

from collections.abc import Sequence
from typing import Any

from core.imports.cells import RowReader
from core.imports.registry import Column, Importer, LoadResult, bulk_insert_new, register

from .models import Customer, CustomerActivity

AMOUNT_DIGITS = 12  # CustomerActivity.amount's max_digits


def customer_ids(references: Sequence[str]) -> dict[str, int]:
    """Return the ids of the customers with these references, in one query."""
    wanted = {reference.strip() for reference in references if reference.strip()}
    return dict(
        Customer.objects.filter(external_reference__in=wanted).values_list(
            "external_reference", "id"
        )
    )


class CustomerActivityImporter(Importer):
    """Purchases, renewals, referrals and cancellations from a CRM or billing system."""

    key = "customer_activity"
    label = "Customer activity"
    permission = "stakeholders.add_customeractivity"
    natural_key = "external_id: a row whose id is already stored is skipped"
    columns = (
        Column("external_id", required=True, help="The activity's id in the source system."),
        Column("customer_reference", required=True, help="The customer's external reference."),
        Column("occurred_at", required=True, help="ISO 8601, e.g. 2026-03-31T14:05."),
        Column("kind", required=True, help="purchase, renewal, referral or cancellation."),
        Column("amount", help="Optional, with a point: 49.90."),
    )

    def prepare(self, rows: Sequence[dict[str, str]]) -> dict[str, int]:
        return customer_ids([row.get("customer_reference", "") for row in rows])

    def build(self, row: RowReader, context: dict[str, int]) -> CustomerActivity | None:
        external_id = row.text("external_id", max_length=100)
        reference = row.text("customer_reference")
        customer_id = context.get(reference)
        if customer_id is None:
            row.refuse("customer_reference", f"No customer has the reference {reference[:80]!r}.")
        occurred_at = row.moment("occurred_at")
        kind = row.choice("kind", CustomerActivity.Kind)
        amount = row.decimal("amount", max_digits=AMOUNT_DIGITS, places=2)
        if row.errors or customer_id is None or occurred_at is None:
            return None
        return CustomerActivity(
            external_id=external_id,
            customer_id=customer_id,
            occurred_at=occurred_at,
            kind=kind,
            amount=amount,
        )

    def load(self, items: list[tuple[int, Any]], *, user: Any, origin: str) -> LoadResult:
        created, duplicates = bulk_insert_new(
            CustomerActivity,
            items,
            natural_key=lambda activity: (activity.external_id,),
            # The blank test matches the unique index's condition, so PostgreSQL can use it.
            existing_keys=lambda keys: (
                CustomerActivity.objects.filter(external_id__in=[key[0] for key in keys])
                .exclude(external_id="")
                .order_by()
                .values_list("external_id")
            ),
            need_keys=False,
        )
        return LoadResult(created=len(created), duplicates=duplicates)


register(CustomerActivityImporter())
