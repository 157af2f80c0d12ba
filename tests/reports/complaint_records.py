"""Builders of the reports tests: complaints with their themes and root causes, survey answers,
audits and customer activity, made through the services as people make them."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from feedback import services
from feedback.models import Audit, Complaint, Insight, Survey, Theme
from journeys.models import Touchpoint
from stakeholders.models import CustomerActivity
from tests.feedback.factories import ChecklistFactory
from tests.stakeholders.factories import CustomerFactory

IN_NOVEMBER = date(2026, 11, 10)  # inside the default window (Dec 2025 - Nov 2026) of the tests


def local(day: date, hour: int = 10) -> datetime:
    """Return the aware local moment of an hour of a day."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def complaint(
    *,
    by: User,
    manager: User,
    received_on: date = IN_NOVEMBER,
    hour: int = 10,
    root_cause: str = "",
    themes: Iterable[Theme] = (),
    **fields: Any,
) -> Complaint:
    """Log a complaint received on a day; with a root cause, the manager acknowledges it and
    investigates within the hour; with themes, the manager tags its insight."""
    received_at = local(received_on, hour)
    logged = services.complaint_log(
        logged_by=by, description="The parcel came late.", received_at=received_at, **fields
    )
    if root_cause:
        soon = received_at + timedelta(hours=1)
        services.complaint_acknowledge(complaint=logged, by=manager, at=soon)
        services.complaint_investigate(complaint=logged, by=manager, at=soon)
        services.complaint_set_root_cause(complaint=logged, by=manager, category=root_cause)
    themes = list(themes)
    if themes:
        services.insight_tag(
            insight=Insight.objects.get(complaint=logged), themes=themes, by=manager
        )
    return Complaint.objects.get(pk=logged.pk)


def activities(count: int, on: date = IN_NOVEMBER) -> None:
    """Record `count` purchases of a new customer on a day."""
    customer = CustomerFactory.create()
    CustomerActivity.objects.bulk_create(
        CustomerActivity(customer=customer, occurred_at=local(on), kind="purchase")
        for _number in range(count)
    )


def answers(survey: Survey, scores: Iterable[int], on: date = IN_NOVEMBER) -> None:
    """Record answers to a survey on a day (its day counts follow, as the service keeps them)."""
    for score in scores:
        services.survey_respond(survey=survey, score=score, responded_at=local(on))


def audit(touchpoint: Touchpoint, by: User, score: int, on: date = IN_NOVEMBER) -> Audit:
    """Audit a touchpoint on a day, scoring every item of a new checklist the same (0-4)."""
    checklist = ChecklistFactory.create(touchpoint=touchpoint, by=by)
    return services.audit_record(
        template=checklist,
        auditor=by,
        visited_on=on,
        scores={item.pk: score for item in checklist.items.all()},
    )
