"""Filters of the monthly report's templates: its frozen content holds ISO dates as text."""

from datetime import date

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def iso_date(value: str | None, style: str = "j F Y") -> str:
    """Return an ISO date ("2026-11-30") in words ("30 November 2026"); "" for none."""
    if not value:
        return ""
    return date_format(date.fromisoformat(str(value)[:10]), style)
