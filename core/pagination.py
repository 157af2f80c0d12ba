"""Pagination shared by the pages and the API."""

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 25  # rows a list page shows
# How far a list that may hold hundreds of thousands of rows counts them (`page_of`'s
# `counted_up_to`): counting 200,000 complaints took a fifth of the queue's time.
COUNT_LIMIT = 10_000


class CountedUpTo(Paginator):
    """A paginator that counts at most `limit` rows, with a query that stops there, so that a
    list of millions pages as fast as one of thousands. Past the limit `capped` is true, and the
    pages stop at the limit: a filter narrows the list to what lies beyond."""

    def __init__(self, object_list: Any, per_page: int, limit: int) -> None:
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def _rows_up_to_one_past_the_limit(self) -> int:
        rows = self.object_list[: self.limit + 1]
        return rows.count() if isinstance(rows, QuerySet) else len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._rows_up_to_one_past_the_limit, self.limit)

    @property
    def capped(self) -> bool:
        return self._rows_up_to_one_past_the_limit > self.limit


def page_of(
    request: HttpRequest, rows: Any, size: int = PAGE_SIZE, *, counted_up_to: int | None = None
) -> Page:
    """Return the page of rows the request asks for (`?page=`); a bad number gives the last.

    With `counted_up_to`, the rows are counted only that far (see CountedUpTo)."""
    paginator = (
        Paginator(rows, size)
        if counted_up_to is None
        else CountedUpTo(rows, size, limit=counted_up_to)
    )
    return paginator.get_page(request.GET.get("page"))


class StandardPagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 500 rows a page."""

    page_size_query_param = "page_size"
    max_page_size = 500
