"""Print where the site answers and how to sign in, once it does: `make run`'s last word."""

import signal
import time
import urllib.error
import urllib.request
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    """Wait for the web server's /healthz, then print the URL and the demo logins."""

    help = "Wait until the site answers, print its URL and the demo logins, then wait (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the site's base URL, e.g. http://127.0.0.1:8000")
        parser.add_argument("--timeout", type=int, default=120, help="seconds to wait (120)")
        parser.add_argument(
            "--stay", action="store_true", help="keep running afterwards (for Procfile runners)"
        )

    def handle(self, *args: Any, url: str, timeout: int, stay: bool, **options: Any) -> None:
        base_url = url.rstrip("/")
        deadline = time.monotonic() + timeout
        while not self._answers(f"{base_url}/healthz"):
            if time.monotonic() > deadline:
                raise CommandError(f"{base_url} did not answer within {timeout} s.")
            time.sleep(0.5)
        line = "=" * 64
        self.stdout.write(f"\n{line}")
        self.stdout.write(self.style.SUCCESS(f"  LoyaltyQMS is ready: {base_url}/"))
        for login in DEMO_LOGINS:
            self.stdout.write(f"    {login.label:<16} {login.username:<10} / {DEMO_PASSWORD}")
        self.stdout.write("  Ctrl-C stops the web server, the worker and the scheduler.")
        self.stdout.write(f"{line}\n")
        self.stdout.flush()
        if stay:
            signal.pause()

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False
