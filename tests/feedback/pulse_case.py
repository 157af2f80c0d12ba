"""The results case of the pulse tests, answered by hand (see `answer_the_case`).

eNPS = % promoters (9-10) less % detractors (0-6):

- pulse 1 (11 answers): Customer Service 10, 9, 9, 7, 3, 8 gives (3 - 1) / 6 = +33; Field Service
  10, 8, 6, 5, 9 gives (2 - 2) / 5 = 0; the whole pulse (5 - 3) / 11 = +18.
- pulse 2 (10 answers): Customer Service 10, 10, 9, 6, 5 gives (3 - 2) / 5 = +20; Field Service
  (9, 2) and Logistics (8, 8, 10) have fewer than 5 answers each, so they are "Other departments"
  (9, 2, 8, 8, 10): (2 - 1) / 5 = +20; the whole pulse (5 - 3) / 10 = +20, up 2 on pulse 1.
- pulse 3, in progress: 2 answers, fewer than 5: no score, no change.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from feedback import services
from feedback.models import EmployeeParticipation, Survey, SurveyPulse
from stakeholders.models import Department
from tests.stakeholders.factories import DepartmentFactory

WEEKS = 6


def at_local(day: date, hour: int = 10) -> datetime:
    """Return the aware moment of a local day at an hour."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def answer_the_case(survey: Survey, department: Department, people: list[User]) -> list[date]:
    """Answer the case of the module's docstring on a six-weekly eNPS survey that opened twelve
    weeks and a day ago (pulses 1 and 2 closed, pulse 3 in progress); return the pulses' first
    days. `people` (eleven) took part; each pulse was sent to 20 people."""
    field_service = DepartmentFactory.create(name="Field Service")
    logistics = DepartmentFactory.create(name="Logistics")
    first = timezone.localdate(survey.starts_at)
    starts = [first + timedelta(weeks=WEEKS * number) for number in range(3)]
    pulses = [
        [*((score, department) for score in (10, 9, 9, 7, 3, 8)),
         *((score, field_service) for score in (10, 8, 6, 5, 9))],
        [*((score, department) for score in (10, 10, 9, 6, 5)),
         *((score, field_service) for score in (9, 2)),
         *((score, logistics) for score in (8, 8, 10))],
        [(9, department), (4, department)],
    ]  # fmt: skip
    for start, answers in zip(starts, pulses, strict=True):
        for number, (score, answered_for) in enumerate(answers):
            services.survey_respond(
                survey=survey,
                score=score,
                department=answered_for,
                channel="employee",
                responded_at=at_local(start + timedelta(days=number % 3)),
            )
            EmployeeParticipation.objects.create(
                survey=survey, user=people[number], pulse_start=start
            )
        SurveyPulse.objects.create(
            survey=survey,
            starts_on=start,
            ends_on=start + timedelta(weeks=WEEKS, days=-1),
            sent_at=at_local(start, 7),
            recipients=20,
        )
    return starts
