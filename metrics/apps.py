"""App configuration for metrics."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Metrics app."""

    name = "metrics"
    verbose_name = _("Metrics")
