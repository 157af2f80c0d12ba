"""Issue 19's step past one table, prototyped: the answers and the customer activity partitioned
by month with PostgreSQL's declarative partitioning (`make bench ... PARTITIONED=1`).

`partition_by_month` turns one of the bench database's tables into a table partitioned by
range of its moment column, one partition per month of the organisation's calendar (plus a
default one), keeping its rows, columns, defaults, identity, checks, indexes and foreign keys.
What PostgreSQL cannot keep is the price of partitioning, and the function reports it:

- a primary key or a unique index must contain the partition column, so each becomes unique
  only together with the moment: the database no longer stops a second answer with the same
  invitation, idea or external reference at another moment;
- a foreign key must point at a unique key, so the ones pointing at this table's `id` alone
  (an insight's answer) are dropped: the database no longer checks them.

Django needs no change to read and write the partitioned table (it stays under its name, `id`
still comes from its identity); the product's own migrations would have to say all this in
hand-written SQL, which is why it is a bench option and not a migration (docs/scaling.md).
"""

import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, models, transaction
from django.utils import timezone

from stakeholders.contracts import add_months

PARTITION_SUFFIX = "_flat"  # the old table's name while its rows are copied


@dataclass
class Partitioned:
    """What converting one table did."""

    table: str
    column: str
    partitions: int
    rows: int
    seconds: float
    unique_with_moment: list[str] = field(default_factory=list)  # unique keys, now with it
    foreign_keys_dropped: list[str] = field(default_factory=list)  # "table.column"


def _rows(sql: str, parameters: list[str] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchall()


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(moment: datetime) -> str:
    """Return a timestamp literal for DDL (partition bounds take no bind parameters)."""
    return "'" + moment.isoformat() + "'::timestamptz"


def month_starts(first: datetime, last: datetime, *, ahead: int = 12) -> list[datetime]:
    """Return the local month starts from `first`'s month to `ahead` months past `last`'s, as
    aware moments of the organisation's time zone: a local month is one partition."""
    zone = timezone.get_current_timezone()
    month = timezone.localtime(first, zone).date().replace(day=1)
    end = add_months(timezone.localtime(last, zone).date().replace(day=1), ahead + 1)
    starts = []
    while month <= end:
        starts.append(timezone.make_aware(datetime(month.year, month.month, 1), zone))
        month = add_months(month, 1)
    return starts


def _with_partition_column(definition: str, column: str) -> str:
    """Add the partition column to a unique index's key columns (the parenthesised list after
    USING <method>), before any INCLUDE or WHERE."""
    using = re.search(r" USING \w+ \(", definition)
    if using is None:
        raise ValueError(f"An index definition without its columns: {definition}")
    depth, end = 1, using.end()
    while depth:
        depth += {"(": 1, ")": -1}.get(definition[end], 0)
        end += 1
    return f"{definition[: end - 1]}, {_quoted(column)}{definition[end - 1 :]}"


def partition_by_month(model: type[models.Model], column: str) -> Partitioned:
    """Turn `model`'s table into one partitioned by local month of `column`, in a transaction.

    Its rows are copied into the new table, which takes the old one's name, columns, defaults,
    identity (continuing after the highest id), checks, indexes and outgoing foreign keys.
    Unique keys gain the partition column; foreign keys pointing at the table are dropped.
    """
    started = time.perf_counter()
    table = model._meta.db_table
    flat = table + PARTITION_SUFFIX
    pk = model._meta.pk.column
    with transaction.atomic():
        # A table with deferred foreign key checks still pending cannot be altered: run them.
        _execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes = _rows(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary"
            " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = %s::regclass ORDER BY c.relname",
            [table],
        )
        outgoing = _rows(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        incoming = _rows(
            "SELECT conrelid::regclass::text, conname, a.attname FROM pg_constraint"
            " JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = conkey[1]"
            " WHERE confrelid = %s::regclass AND contype = 'f' ORDER BY 1, 2",
            [table],
        )
        span = _rows(f"SELECT min({_quoted(column)}), max({_quoted(column)}) FROM {_quoted(table)}")  # noqa: S608 - names from the model
        first, last = span[0]
        now = timezone.now()
        starts = month_starts(first or now, max(last or now, now))

        result = Partitioned(
            table=table, column=column, partitions=len(starts) - 1, rows=0, seconds=0
        )
        for referencing, constraint, referencing_column in incoming:
            _execute(f"ALTER TABLE {_quoted(referencing)} DROP CONSTRAINT {_quoted(constraint)}")
            result.foreign_keys_dropped.append(f"{referencing}.{referencing_column}")
        _execute(f"ALTER TABLE {_quoted(table)} RENAME TO {_quoted(flat)}")
        _execute(
            f"CREATE TABLE {_quoted(table)} (LIKE {_quoted(flat)} INCLUDING DEFAULTS"
            " INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS)"
            f" PARTITION BY RANGE ({_quoted(column)})"
        )
        for start, end in itertools.pairwise(starts):
            name = f"{table}_{start:%Ym%m}"
            _execute(
                f"CREATE TABLE {_quoted(name)} PARTITION OF {_quoted(table)}"
                f" FOR VALUES FROM ({_literal(start)}) TO ({_literal(end)})"
            )
        _execute(
            f"CREATE TABLE {_quoted(table + '_default')} PARTITION OF {_quoted(table)} DEFAULT"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_quoted(table)} OVERRIDING SYSTEM VALUE"  # noqa: S608 - names from the model
                f" SELECT * FROM {_quoted(flat)}"
            )
            result.rows = cursor.rowcount
        _execute(f"DROP TABLE {_quoted(flat)}")
        _execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'),"  # noqa: S608 - names from the model
            f" coalesce((SELECT max({_quoted(pk)}) FROM {_quoted(table)}), 0) + 1, false)"
        )
        # The definitions name the table by its name, which the partitioned one now has.
        for name, definition, unique, primary in indexes:
            if primary:
                _execute(
                    f"ALTER TABLE {_quoted(table)} ADD CONSTRAINT {_quoted(name)}"
                    f" PRIMARY KEY ({_quoted(pk)}, {_quoted(column)})"
                )
                continue
            if unique:
                definition = _with_partition_column(definition, column)
                result.unique_with_moment.append(name)
            _execute(definition)  # a UNIQUE constraint becomes a unique index
        for name, definition in outgoing:
            _execute(f"ALTER TABLE {_quoted(table)} ADD CONSTRAINT {_quoted(name)} {definition}")
        _execute(f"ANALYZE {_quoted(table)}")
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def is_partitioned(model: type[models.Model]) -> bool:
    """Return whether the model's table is partitioned (PostgreSQL's catalog says)."""
    return bool(
        _rows(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass",
            [model._meta.db_table],
        )
    )
