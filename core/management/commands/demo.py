"""Load the demo organisation: `python manage.py demo [--seed N]`."""

import importlib
import importlib.util
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo import DEMO_LOGINS, DEMO_PASSWORD
from core.var_dir import var_dir_prepare
from core.webhooks import demo as webhooks_demo


class Command(BaseCommand):
    """Load (or top up) the deterministic demo organisation; running it again changes nothing."""

    help = "Load the demo organisation and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even when DEBUG is off (demo logins have a published password)",
        )

    def handle(self, *args: Any, seed: int, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo logins share a published "
                "password. Use --force on a throw-away installation."
            )
        var_dir_prepare()  # the recompute the demo queues goes through the broker's folders
        # Each app's demo.py has load(seed=...); INSTALLED_APPS lists apps in layer order, so
        # every app finds the rows of the apps below it.
        for app_config in apps.get_app_configs():
            if Path(app_config.path).parent != settings.BASE_DIR:
                continue  # a third-party app
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            counts = importlib.import_module(module_name).load(seed=seed)
            summary = ", ".join(f"{value} {name}" for name, value in counts.items())
            self.stdout.write(f"{app_config.label}: {summary or 'nothing to do'}")
        # Last, once every app's data is in: the demo webhook endpoint would otherwise receive
        # an event for each demo complaint. Its history is written as past rows, never sent.
        counts = webhooks_demo.load()
        summary = ", ".join(f"{value} {name}" for name, value in counts.items())
        self.stdout.write(f"webhooks: {summary}")

        self.stdout.write(self.style.SUCCESS(f"Demo data ready (seed {seed}). Demo logins:"))
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.label:<16} user {login.username:<10} password {DEMO_PASSWORD}"
            )
