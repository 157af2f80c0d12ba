"""App configuration for stakeholders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    """Stakeholders app."""

    name = "stakeholders"
    verbose_name = _("Stakeholders")
