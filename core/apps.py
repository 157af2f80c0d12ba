"""App configuration for core."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure every app may use."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import changes, home_panels, navigation, roles
        from .checks import site_url_check  # noqa: F401 - registered by importing it
        from .imports import tasks as import_tasks  # noqa: F401 - the worker finds run_import_task

        # Permissions exist only after every app has migrated, so role groups are synced then.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="core.sync_roles")
        changes.connect()
        navigation.register_core_items()
        home_panels.register_core_panels()
