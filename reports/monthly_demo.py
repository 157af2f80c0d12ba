"""Demo data of the monthly report: the last three months' reports, as the monthly task made them
on each 1st at 06:00, and the management review held on the month-before-last's report.

The review (held nine days after its report, signed off by the executive) set three actions: one
started a PDCA cycle, one is done, one is overdue; the latest report opens with what became of
them. The reports' e-mails went out when each was published. Wording: `monthly_demo.toml`.
Runs once: when any report exists it changes nothing.
"""

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from core.demo import backdate, office_moment
from core.history import recorded_as
from core.models import Notification, OutboxMessage

from .models import MonthlyReport, ReportDelivery
from .monthly.months import ReportMonth
from .services.monthly_reports import monthly_report_generate
from .services.reviews import (
    review_action_add,
    review_action_complete,
    review_action_start_cycle,
    review_decision_add,
    review_record,
    review_sign_off,
)

WORDING = Path(__file__).with_name("monthly_demo.toml")
MONTHS = 3
REVIEW_AFTER_DAYS = 9  # the review meets on the second Tuesday or so after the report


def _days_ago(moment: Any) -> float:
    return (timezone.now() - moment).total_seconds() / 86400


def _generate(month: ReportMonth) -> MonthlyReport:
    """Make a month's report as the task on the next 1st at 06:00 did, and its e-mails."""
    published = office_moment(_days_ago(month.end_moment), hour=6, minute=0)
    first_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    # Queued as the task queues it, then generated here (not by a worker, as of that morning).
    report = MonthlyReport.objects.create(month=month.first, requested_by=None)
    generated = monthly_report_generate(report_id=report.pk, now=published)
    assert generated is not None
    MonthlyReport.objects.filter(pk=report.pk).update(created_at=published, claimed_at=published)
    # What the request and the publishing queued was done then: not work for today's worker.
    OutboxMessage.objects.filter(pk__gt=first_message or 0, finished_at__isnull=True).update(
        finished_at=published
    )
    # The bell told the recipients that morning; the older months' news has been read.
    read_at = published + timedelta(hours=3) if _days_ago(published) > 7 else None
    Notification.objects.filter(key=f"report-published:{report.pk}").update(
        created_at=published, read_at=read_at
    )
    ReportDelivery.objects.filter(report=report).update(
        status=ReportDelivery.Status.SENT,
        attempts=1,
        sent_at=published + timedelta(minutes=2),
        created_at=published,
    )
    return generated


def _review(report: MonthlyReport, wording: dict[str, Any]) -> int:
    """Hold and sign off the review of a report; return how many actions it set."""
    executive = User.objects.get(username="executive")
    quality = User.objects.get(username="quality")
    held = office_moment(_days_ago(report.published_at) - REVIEW_AFTER_DAYS, hour=9, minute=30)
    held_on = timezone.localdate(held)
    with recorded_as(executive, at=held):
        review = review_record(
            report=report,
            by=executive,
            held_on=held_on,
            attendees=[executive, quality],
            guests=wording["guests"],
            minutes=wording["minutes"],
        )
        decisions = [
            review_decision_add(review=review, by=executive, text=item["text"])
            for item in wording["decisions"]
        ]
        actions = [
            (
                item,
                review_action_add(
                    review=review,
                    by=executive,
                    title=item["title"],
                    owner=User.objects.get(username=item["owner"]),
                    due_on=held_on + timedelta(days=item["due_days"]),
                    decision=decisions[item["decision"] - 1],
                ),
            )
            for item in wording["actions"]
        ]
        review_sign_off(review=review, by=executive)
    # The quality manager, who attended and runs the cycle, opened it from the review at once.
    with recorded_as(quality, at=held):
        for item, action in actions:
            if item.get("cycle"):
                cycle = review_action_start_cycle(action=action, by=quality, started_on=held_on)
                backdate(cycle, field="created_at", moment=held)
    for item, action in actions:
        if "done_days" in item:
            done = held + timedelta(days=item["done_days"])
            owner = User.objects.get(username=item["owner"])
            with recorded_as(owner, at=done):
                review_action_complete(action=action, by=owner, done_on=timezone.localdate(done))
    return len(actions)


def load() -> dict[str, int]:
    """Make the last three months' reports and the review between them, unless reports exist."""
    counts = {"monthly reports": 0, "review actions": 0}
    if MonthlyReport.objects.exists() or not User.objects.filter(username="executive").exists():
        return counts
    wording = tomllib.loads(WORDING.read_text(encoding="utf-8"))
    latest = ReportMonth.of(timezone.localdate()).previous
    months = latest.months_back(MONTHS)
    for month in months[:-1]:
        _generate(month)
        counts["monthly reports"] += 1
    reviewed = MonthlyReport.objects.get(month=months[-2].first)
    counts["review actions"] = _review(reviewed, wording)
    _generate(months[-1])
    counts["monthly reports"] += 1
    return counts
