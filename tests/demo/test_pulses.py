"""The demo's recurring eNPS pulse: sent to all staff every six weeks by beat, read per pulse.

The whole demo is loaded once for tests/demo/ (`demo_organisation`).
"""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, OutboxMessage
from core.roles import staff_users
from feedback.demo.pulses import load_pulses
from feedback.demo.surveys import PULSE_SURVEY
from feedback.models import Survey, SurveyPulse
from feedback.selectors.pulses import DepartmentState, pulse_periods, pulse_results
from feedback.selectors.surveys import ANONYMITY_THRESHOLD

pytestmark = pytest.mark.django_db


def pulse_survey() -> Survey:
    return Survey.objects.get(name=PULSE_SURVEY.name)


def test_demo_pulse_is_emailed_to_staff_every_six_weeks(demo_organisation: str) -> None:
    """Each pulse of the year has its row, sent on its opening day to every member of staff;
    the latest two at the first beat run of their day (07:05)."""
    survey = pulse_survey()
    pulses = list(survey.pulses.order_by("starts_on"))
    staff = staff_users().filter(partner_contact__isnull=True).count()

    assert (survey.recurrence_weeks, survey.pulse_audience) == (6, Survey.Audience.STAFF)
    assert [(p.starts_on, p.ends_on) for p in pulses] == pulse_periods(survey)[::-1]
    assert len(pulses) >= 8
    assert all(timezone.localdate(pulse.sent_at) == pulse.starts_on for pulse in pulses)
    assert all(pulse.recipients == staff for pulse in pulses)
    for pulse in pulses[-2:]:
        assert timezone.localtime(pulse.sent_at).time() == time(7, 5)
        assert pulse.created_at == pulse.sent_at


def test_demo_pulse_notifications_were_sent_that_morning(demo_organisation: str) -> None:
    """Every member of staff was told of each pulse on its day, by e-mail too, and the e-mails
    are not left for today's worker; the older pulses' notifications are read."""
    survey = pulse_survey()
    latest, before = survey.pulses.order_by("-starts_on")[:2]
    told = Notification.objects.filter(key=f"pulse:{latest.pk}")
    older = Notification.objects.filter(key=f"pulse:{before.pk}")

    assert told.count() == latest.recipients
    assert {note.created_at for note in told} == {latest.sent_at}
    assert all(note.sent_at is not None for note in told)
    assert not older.filter(read_at__isnull=True).exists()
    assert told.filter(recipient__username="frontline").exists()
    assert {note.link for note in told} == {reverse("feedback:survey-answer", args=[survey.pk])}
    assert not OutboxMessage.objects.filter(
        task="core.tasks.notification_email_task", finished_at__isnull=True
    ).exists()


def test_demo_results_per_pulse_look_real_and_keep_anonymity(demo_organisation: str) -> None:
    """Most staff answer each pulse, spread over departments; departments with fewer than 5
    answers have no score of their own; the pulse running now is in progress."""
    survey = pulse_survey()

    results = pulse_results(survey, pulse_periods(survey))

    assert results[0].in_progress
    assert not any(result.in_progress for result in results[1:])
    closed = results[1:]
    assert all(result.answers >= ANONYMITY_THRESHOLD for result in closed)
    assert all(50 <= (result.participation or 0) <= 100 for result in closed)
    assert len({result.score for result in closed}) > 3  # the score moves from pulse to pulse
    for result in results:
        shown = [d for d in result.departments if d.state == DepartmentState.SHOWN]
        assert len(shown) >= 2
        assert all((d.answers or 0) >= ANONYMITY_THRESHOLD for d in shown)
        assert any(d.state == DepartmentState.FEW for d in result.departments)


def test_demo_quality_manager_reads_the_pulses_page(demo_organisation: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="quality"))
    survey = pulse_survey()

    page = client.get(reverse("feedback:survey-pulses", args=[survey.pk]))

    assert page.status_code == 200
    assert page.content.decode().count('data-testid="in-progress"') == 1


def test_loading_the_pulses_again_adds_nothing(demo_organisation: str) -> None:
    pulses, notes = SurveyPulse.objects.count(), Notification.objects.count()

    counts = load_pulses(now=timezone.now() + timedelta(weeks=7))

    assert counts == {"survey pulses": 0, "pulse notifications": 0}
    assert (SurveyPulse.objects.count(), Notification.objects.count()) == (pulses, notes)
