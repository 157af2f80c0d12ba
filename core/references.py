"""Human-readable reference numbers such as CMP-2026-000123, unique and gap-free per year."""

from django.db import transaction
from django.db.models import F

from .models import ReferenceSequence


def format_reference(prefix: str, year: int, number: int) -> str:
    """Return the printed form of a reference."""
    return f"{prefix}-{year}-{number:06d}"


@transaction.atomic
def next_references(prefix: str, *, year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive references for a prefix and year.

    The sequence row is locked for the rest of the caller's transaction, so two people logging
    at the same moment never get the same number; a rolled-back transaction returns its numbers.
    """
    sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + count)
    sequence.refresh_from_db(fields=["last_number"])
    first = sequence.last_number - count + 1
    return [format_reference(prefix, year, number) for number in range(first, first + count)]


def next_reference(prefix: str, *, year: int) -> str:
    """Reserve the next reference for a prefix and year."""
    return next_references(prefix, year=year)[0]
