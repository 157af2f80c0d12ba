"""App configuration for feedback."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback app."""

    name = "feedback"
    verbose_name = _("Feedback")
