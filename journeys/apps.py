"""App configuration for journeys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """Customer journeys app."""

    name = "journeys"
    verbose_name = _("Customer journeys")
