"""The Celery application: configured from Django settings, tasks found in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaltyqms.settings")

app = Celery("loyaltyqms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
