"""Pagination shared by the pages and the API."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 25  # rows a list page shows


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    """Return the page of rows the request asks for (`?page=`); a bad number gives the last."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


class StandardPagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 500 rows a page."""

    page_size_query_param = "page_size"
    max_page_size = 500
