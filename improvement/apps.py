"""App configuration for improvement."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    """Improvement app."""

    name = "improvement"
    verbose_name = _("Improvement")
