"""Reference numbers: consecutive per prefix and year, blocks, and no gaps after a rollback."""

import pytest
from django.db import transaction

from core.references import format_reference, next_reference, next_references

pytestmark = pytest.mark.django_db


def test_references_are_consecutive() -> None:
    numbers = [next_reference("TST", year=2026) for _ in range(3)]

    assert numbers == ["TST-2026-000001", "TST-2026-000002", "TST-2026-000003"]


def test_each_prefix_counts_on_its_own() -> None:
    next_reference("TST", year=2026)
    next_reference("TST", year=2026)

    other = next_reference("OTH", year=2026)

    assert other == "OTH-2026-000001"


def test_each_year_starts_again_at_one() -> None:
    next_reference("TST", year=2026)
    next_reference("TST", year=2026)

    new_year = next_reference("TST", year=2027)
    old_year = next_reference("TST", year=2026)

    assert (new_year, old_year) == ("TST-2027-000001", "TST-2026-000003")


def test_a_block_reserves_consecutive_references() -> None:
    next_reference("TST", year=2026)

    block = next_references("TST", year=2026, count=3)

    assert block == ["TST-2026-000002", "TST-2026-000003", "TST-2026-000004"]
    assert next_reference("TST", year=2026) == "TST-2026-000005"


def test_a_rolled_back_transaction_gives_its_number_back() -> None:
    """References stay gap-free: a complaint that failed to save does not use one up."""
    next_reference("TST", year=2026)

    def reserve_then_fail() -> None:
        with transaction.atomic():
            next_reference("TST", year=2026)
            raise RuntimeError("Saving the complaint failed.")

    with pytest.raises(RuntimeError):
        reserve_then_fail()

    assert next_reference("TST", year=2026) == "TST-2026-000002"


def test_numbers_are_padded_to_six_digits_and_grow_beyond() -> None:
    assert (format_reference("CMP", 2026, 42), format_reference("CMP", 2026, 1_234_567)) == (
        "CMP-2026-000042",
        "CMP-2026-1234567",
    )
