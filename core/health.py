"""Health checks of the services the product depends on (database, task broker)."""

import time
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: whether it passed, how long it took, and why it failed."""

    ok: bool
    milliseconds: float
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return the result as JSON-ready data (the error names only the exception class)."""
        data: dict[str, object] = {"ok": self.ok, "ms": round(self.milliseconds, 1)}
        if self.error:
            data["error"] = self.error
        return data


def check_database() -> CheckResult:
    """Run a trivial query on the default database."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "unavailable"
        return CheckResult(False, (time.perf_counter() - started) * 1000, type(error).__name__)
    return CheckResult(True, (time.perf_counter() - started) * 1000)


def check_broker(timeout_seconds: int = 3) -> CheckResult:
    """Open a connection to the configured Celery broker, failing after a short timeout."""
    started = time.perf_counter()
    try:
        with current_app.connection_for_write(
            settings.CELERY_BROKER_URL,
            transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=timeout_seconds)
            # Opening a channel proves the broker answers, not only that a socket could open.
            broker.default_channel  # noqa: B018
    except Exception as error:  # noqa: BLE001 - any failure means "unavailable"
        return CheckResult(False, (time.perf_counter() - started) * 1000, type(error).__name__)
    return CheckResult(True, (time.perf_counter() - started) * 1000)
