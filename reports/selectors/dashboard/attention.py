"""Needs attention: what is waiting for someone, each list as a count and its first five.

- new special causes: active indicators whose latest complete period shows special-cause
  variation in the concerning direction (the recompute's stored verdict);
- red indicators: active indicators far off their target (stored status);
- overdue PDCA actions: open actions past their due date in cycles still running;
- SLA breaches this week: complaints whose acknowledgement or resolution fell due in the last
  seven days and was missed (done late, or still not done);
- suggested cycles waiting for a decision.

Each list is read through its app's visibility rule for the user (complaints through
`complaints_visible_to`: a frontline member of staff sees their own), in one query.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from feedback.selectors import complaints_visible_to
from improvement.lifecycle import OPEN_PHASES
from improvement.models import OPEN_ACTION, Suggestion
from improvement.selectors import actions_visible_to, suggestions_visible_to
from metrics.models import Indicator

LISTED = 5  # items each list shows; its count and link lead to the rest
WEEK = timedelta(days=7)


@dataclass
class AttentionList:
    """One kind of thing waiting: how many, the first few and where the rest are."""

    key: str
    title: str | Promise
    count: int
    items: list[Any] = field(default_factory=list)
    more_url: str = ""


def breached_since(since: datetime, now: datetime) -> Q:
    """Return the filter of complaints with an SLA clock that fell due between since and now
    and was missed: acknowledged or responded to late, or not yet."""
    acknowledgement = Q(acknowledge_due_at__gte=since, acknowledge_due_at__lt=now) & (
        Q(acknowledged_within_sla=False) | Q(acknowledged_at__isnull=True)
    )
    resolution = Q(resolve_due_at__gte=since, resolve_due_at__lt=now) & (
        Q(resolved_within_sla=False) | Q(responded_at__isnull=True)
    )
    return acknowledgement | resolution


def _listed(key: str, title: str | Promise, rows: QuerySet[Any], more_url: str) -> AttentionList:
    """Read the list's first rows and its count in one query (`COUNT(*) OVER ()` counts the
    rows before the LIMIT); a DISTINCT list would count its duplicates so, and counts apart."""
    if rows.query.distinct:
        count, items = rows.count(), list(rows[:LISTED])
    else:
        items = list(rows.annotate(listed_of=Window(Count("pk")))[:LISTED])
        count = items[0].listed_of if items else 0
    return AttentionList(key=key, title=title, count=count, items=items, more_url=more_url)


def needs_attention(user: Any, *, today: date, now: datetime) -> list[AttentionList]:
    """Return the five lists of what needs attention, as far as the user may see (five
    queries)."""
    indicators = Indicator.objects.filter(is_active=True).order_by("-latest_period", "name", "code")
    indicator_list = reverse("metrics:indicator-list")
    return [
        _listed(
            "signals",
            _("New special causes, concerning"),
            indicators.filter(variation=Indicator.Variation.SPECIAL_DETERIORATING),
            indicator_list,
        ),
        _listed(
            "red",
            _("Red indicators"),
            indicators.filter(status=Indicator.Status.RED),
            f"{indicator_list}?status={Indicator.Status.RED}",
        ),
        _listed(
            "overdue-actions",
            _("Overdue PDCA actions"),
            actions_visible_to(user)
            .filter(OPEN_ACTION, due_on__lt=today, cycle__phase__in=OPEN_PHASES)
            .order_by("due_on", "id"),
            reverse("improvement:board"),
        ),
        _listed(
            "sla-breaches",
            _("SLA breaches this week"),
            complaints_visible_to(user)
            .filter(breached_since(now - WEEK, now))
            .select_related("touchpoint")
            .order_by("-received_at", "-id"),
            f"{reverse('feedback:complaint-queue')}?sla=overdue",
        ),
        _listed(
            "suggestions",
            _("Suggested cycles waiting"),
            suggestions_visible_to(user)
            .filter(status=Suggestion.Status.OPEN)
            .order_by("-created_at", "-id"),
            reverse("improvement:suggestion-list"),
        ),
    ]
