"""Server time and query count of a page, as the bench commands report them."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class PageTime:
    """The median, fastest and slowest server time of a page (seconds) and its query count."""

    median: float
    fastest: float
    slowest: float
    queries: int

    def __str__(self) -> str:
        return (
            f"{1000 * self.median:.0f} ms median ({1000 * self.fastest:.0f}-"
            f"{1000 * self.slowest:.0f} ms), {self.queries} queries"
        )


class PageFailed(Exception):
    """A timed page did not answer 200."""


def page_time(client: Client, url: str, *, repeat: int) -> PageTime:
    """Request `url` once to warm up (counting its queries), then `repeat` times, timed."""
    # Each request empties the query log when it starts: count from an empty log.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)  # the warm-up, counted
    if page.status_code != 200:
        raise PageFailed(f"{url} answered {page.status_code}.")
    times = []
    for _number in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return PageTime(statistics.median(times), min(times), max(times), len(queries))
