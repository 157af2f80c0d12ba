"""Bulk writes the ORM makes slow.

Django's `bulk_update` writes one `CASE WHEN id = ... THEN ...` per field and row: building and
planning that statement grows with the square of the batch, and a recompute rewriting the limits
of ten thousand snapshots spent 20 s in it. On PostgreSQL `bulk_update_rows` sends the new
values as arrays, one per column, unnested and joined on the primary key instead (one statement
per batch of a few parameters); other databases keep Django's `bulk_update`.
Like it, it sends no signals and keeps no history: for derived rows (snapshots), not records.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model

BATCH_SIZE = 5_000


def bulk_update_rows(
    model: type[Model],
    rows: Sequence[Model],
    fields: Sequence[str],
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write `fields` of `rows` (instances of `model`) in as few statements as the batch size
    allows; return how many rows were written."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_update(rows, fields, batch_size=batch_size)
    meta = model._meta
    concrete = {field.name: field for field in meta.concrete_fields}
    primary = concrete[meta.pk.name] if meta.pk is not None else concrete["id"]
    columns = [concrete[name] for name in fields]
    # One array per column, each element cast to the column's type: a batch is a fixed handful
    # of parameters whatever its size (psycopg adapts each list in one go, instead of parsing a
    # statement with a placeholder per value).
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in [primary, *columns])
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in [primary, *columns])
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            values: list[list[Any]] = [[row.pk for row in batch]]
            values.extend(
                [field.get_db_prep_save(getattr(row, field.attname), connection) for row in batch]
                for field in columns
            )
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} "  # noqa: S608 - names from the model
                f"FROM unnest({arrays}) AS v({names}) "
                f"WHERE t.{quote(primary.column)} = v.{quote(primary.column)}",
                values,
            )
    return len(rows)
