"""Query counts that must not grow with the data: a small dataset against a grown one."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
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


def get_with_counts(client: Client, url: str, table: str, **params: str) -> tuple[str, list[str]]:
    """GET a page; return its HTML and the SQL of the `COUNT(*)` queries it ran over `table`.

    The queries are read before any other request: Django clears its log as a request starts.
    """
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url, params).content.decode()
    counts = [
        query["sql"]
        for query in queries.captured_queries
        if "COUNT(*)" in query["sql"] and table in query["sql"]
    ]
    return html, counts


def assert_counted_up_to(
    client: Client, url: str, table: str, *, limit: int, row_marker: str, **params: str
) -> tuple[str, str, list[str]]:
    """Assert a list of `limit` + 1 rows (25 a page) is counted up to its limit and says so: the
    count query stops at the limit (a `LIMIT`), the pager says "more than", and the pages end at
    the limit with a line saying so. Return the first and the last page's HTML, and the first
    page's count queries over the table."""
    first, counts = get_with_counts(client, url, table, **params)
    last = client.get(url, {**params, "page": "2"}).content.decode()

    assert any(f"LIMIT {limit + 1}" in sql for sql in counts), counts
    assert f"Page 1 of more than {-(-limit // 25)}" in first
    assert "filter it to reach the others" not in first
    assert last.count(row_marker) == limit - 25  # the list stops at the limit
    assert f"The list stops after the first {limit}: filter it to reach the others." in last
    return first, last, counts
