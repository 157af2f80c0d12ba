"""Query building blocks shared by the apps' selectors."""

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import CharField, IntegerField, Lookup, Subquery

# PostgreSQL's documentation suggests about 1.1 for random_page_cost where a random read costs
# about what a sequential one does: solid-state storage, or pages in memory.
CACHED_RANDOM_PAGE_COST = 1.1


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: counts several relations without multiplying rows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def array_literal(values: Iterable[str]) -> str:
    """Return PostgreSQL's text form of a text array: each value in double quotes, a double
    quote or backslash inside it escaped with a backslash (no text may hold a NUL)."""
    items = list(values)
    if not items:
        return "{}"
    every = "".join(items)
    if '"' in every or "\\" in every:  # rare: only then is each value looked at
        items = [item.replace("\\", "\\\\").replace('"', '\\"') for item in items]
    return '{"' + '","'.join(items) + '"}'


@CharField.register_lookup
class AnyOf(Lookup):
    """`reference__any=[...]`: the text equals one of many values, for the large batches imports
    look up (five thousand references at a time).

    `__in` sends a placeholder per value, and Django and psycopg prepare each one: about a seventh
    of the activity import's time went there (profiled on 20,000 rows). On PostgreSQL this sends
    the values as one parameter; other databases get `IN` with a placeholder per value.

    The parameter is the array written as PostgreSQL's own text form (`{"a","b"}`), one string,
    rather than a Python list: psycopg writes a list into the query value by value in Python,
    about 8 ms for 5,000 references (a tenth of the customer import's time, py-spy on 100,000
    rows). A JSON array unpacked in the query was as quick to send, but the planner could not
    see its values: the answers' duplicate check stopped using its index (8 s -> 71 s for
    100,000 answers).
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [str(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::text[])", [*lhs_params, array_literal(values)]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def index_probes_priced_as_cached() -> None:
    """For the rest of the current transaction, let PostgreSQL's planner price a random page
    read as a cached one.

    An import looks up thousands of keys per batch (`__any`) through a unique index. With the
    default price of a random read (4, a spinning disk), the planner judged 5,000 probes of the
    customers' reference index dearer than reading the whole table, so every batch scanned all
    customers: 33 ms against 10 ms at 210,000 customers, and growing with the table (measured
    with `EXPLAIN ANALYZE` on the 1m bench's database). Other databases: nothing to do.
    """
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("SET LOCAL outside a transaction would change nothing.")
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL random_page_cost = {CACHED_RANDOM_PAGE_COST}")
