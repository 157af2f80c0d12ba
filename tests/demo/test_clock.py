"""The demo tells the same story whatever the hour it is loaded at.

The feedback demo plans the year as seen at the present moment: what happens later today is left
out. Planned at 08:00 and at 17:00 of the same day, everything before that day must be the same,
or the indicators and the cycles' verdicts standing on it change with the hour of the load.
"""

from datetime import datetime, time
from typing import Any

import pytest
from django.utils import timezone

from feedback.demo import DemoYear
from feedback.demo.planning import demo_people
from feedback.demo.surveys import SURVEYS, SurveyPlanner
from feedback.models import Survey
from journeys.models import Touchpoint
from stakeholders.models import Customer

pytestmark = pytest.mark.django_db


def planned_year(now: datetime) -> tuple[DemoYear, list[Any]]:
    """Plan the demo's complaints (and their lives) as seen at `now`."""
    people = demo_people()
    assert people is not None
    touchpoints = list(
        Touchpoint.objects.select_related(
            "stage__journey", "owner_department", "owner_partner"
        ).order_by("pk")
    )
    customers = list(Customer.objects.only("pk", "external_reference", "first_seen"))
    year = DemoYear(seed=2026, now=now, people=people, touchpoints=touchpoints, customers=customers)
    return year, year.complaints()


def before_today(year: DemoYear, drafts: list[Any]) -> list[tuple[Any, ...]]:
    """Return what the planned complaints were before today: row, and steps taken."""
    start = datetime.combine(year.today, time.min, tzinfo=year.zone)
    return [
        (
            draft.received_at,
            draft.touchpoint and draft.touchpoint.pk,
            draft.severity,
            draft.logged_by.pk,
            draft.complaint.resolved_at_first_contact,
            draft.complaint.channel,
            [(event.kind, event.at) for event in draft.events if event.at < start],
        )
        for draft in drafts
        if draft.scenario is None and draft.received_at < start
    ]


def test_complaints_before_today_do_not_depend_on_the_hour(demo_organisation: str) -> None:
    """Planned in the morning and in the late afternoon of one day, the year's complaints up to
    that day are the same: today's later arrivals are left out without shifting the others."""
    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    morning, afternoon = (datetime.combine(today, time(hour), tzinfo=zone) for hour in (8, 17))

    early_year, early = planned_year(morning)
    late_year, late = planned_year(afternoon)

    assert before_today(early_year, early) == before_today(late_year, late)
    assert len(before_today(early_year, early)) > 1_500
    # Today's complaints arrive through the day: more of them by the late afternoon.
    assert len(early) < len(late)


def test_survey_answers_do_not_depend_on_the_hour(demo_organisation: str) -> None:
    """A customer survey's answers before today are the same whatever the hour of the load."""
    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    start = datetime.combine(today, time.min, tzinfo=zone)
    customers = list(Customer.objects.only("pk", "first_seen"))
    spec = SURVEYS[0]
    survey = Survey.objects.get(name=spec.name)
    answered = []
    for hour in (8, 17):
        now = datetime.combine(today, time(hour), tzinfo=zone)
        planner = SurveyPlanner(seed=2026, now=now, customers=customers)
        _invitations, responses = planner.answers(spec, survey)
        # A row's last column is when it was answered; its token (second) is random.
        answered.append([(row[6], row[-1]) for row in responses if row[-1] < start])

    assert answered[0] == answered[1]
    assert len(answered[0]) > 100
