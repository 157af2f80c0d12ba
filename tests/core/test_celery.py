"""Celery wiring: tasks are discovered, the schedule names real tasks, tasks are idempotent."""

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_expired_sessions_task, ping_task


def test_beat_schedule_names_only_registered_tasks() -> None:
    """Every scheduled entry points at a task the worker knows."""
    current_app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in current_app.tasks, name


def test_tasks_have_time_limits() -> None:
    """No task can hold a worker forever."""
    assert current_app.conf.task_soft_time_limit < current_app.conf.task_time_limit
    assert current_app.conf.task_time_limit <= 3600


def test_ping_task_runs_through_celery() -> None:
    """A task sent with delay() runs and returns its value (eagerly in unit tests)."""
    assert ping_task.delay("abc").get(timeout=10) == "pong:abc"


@pytest.mark.django_db
def test_clearing_expired_sessions_twice_keeps_live_ones() -> None:
    """The nightly clean-up deletes only expired sessions and is safe to run again."""
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(days=1))

    clear_expired_sessions_task.delay()
    clear_expired_sessions_task.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
