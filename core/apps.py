"""App configuration for core."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure every app may use."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from simple_history.signals import pre_create_historical_record

        from . import changes, history, home_panels, navigation, roles, two_factor
        from .checks import site_url_check  # noqa: F401 - registered by importing it
        from .imports import tasks as import_tasks  # noqa: F401 - the worker finds run_import_task
        from .oidc import company_sign_in_check  # noqa: F401 - registered by importing it
        from .queries import AnyOf  # noqa: F401 - the __any lookup, registered by importing it

        # Permissions exist only after every app has migrated, so role groups are synced then.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="core.sync_roles")
        changes.connect()
        # Versions written outside a request are signed by whom `history.recorded_as` names.
        pre_create_historical_record.connect(history.sign_version, dispatch_uid="core.history")
        # Every way of signing in asks for the authenticator code when the account has one.
        user_logged_in.connect(two_factor.mark_second_step, dispatch_uid="core.second_step")
        navigation.register_core_items()
        home_panels.register_core_panels()
