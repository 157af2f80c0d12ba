"""Query counts that must not grow with the data: a small dataset against a grown one."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(read: Callable[[], object]) -> int:
    """Run `read` once and return how many SQL queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries.captured_queries)


def assert_queries_flat(read: Callable[[], object], grow: Callable[[], object]) -> None:
    """Assert that `read` runs as many queries after `grow` has added rows as before it.

    `read` runs once first, unmeasured, so that per-session caches (the caller's permissions,
    content types) are warm for both counts.
    """
    read()
    small = count_queries(read)

    grow()
    large = count_queries(read)

    assert large == small, f"{small} queries on the small dataset, {large} on the grown one"
