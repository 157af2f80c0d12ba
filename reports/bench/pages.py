"""The bench's page figures: server time through a live gunicorn, query counts in process.

gunicorn serves the bench database with production settings (DEBUG off, hashed static files)
on a free loopback port, one worker, so each timed request has the machine to itself; a quality
manager's session (who sees every page) is made in the session store, as signing in would.
Each page is requested a few times to warm up, then `REPEAT` times in a row; p50 and p95 are of
those. Query counts come from the same pages through Django's test client in this process.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from core.roles import Role, sync_roles
from feedback.models import Survey
from journeys.models import Journey
from metrics.models import Indicator

REPEAT = 60  # enough requests for a p95 of pages that take tens of milliseconds
WARM_UP = 3
USERNAME = "bench-quality"


@dataclass(frozen=True)
class PageFigure:
    """One page's server time (seconds) and SQL queries."""

    name: str
    path: str
    p50: float
    p95: float
    queries: int


def bench_pages() -> list[tuple[str, str]]:
    """Return (name, path) of the pages the bench times: every list and dashboard page with
    data at the bench's scale."""
    pages = [
        ("system-health dashboard", reverse("reports:dashboard")),
        ("indicator list", reverse("metrics:indicator-list")),
    ]
    for grain in ("day", "week", "month"):
        indicator = Indicator.objects.filter(grain=grain, journey=None).order_by("code").first()
        if indicator is not None:
            pages.append(
                (
                    f"indicator page, {grain} grain",
                    reverse("metrics:indicator-detail", args=[indicator.code]),
                )
            )
    pages += [
        ("complaint queue", reverse("feedback:complaint-queue")),
        ("survey list", reverse("feedback:survey-list")),
    ]
    survey = Survey.objects.filter(kind="nps").order_by("pk").first()
    if survey is not None:
        pages.append(("survey results", reverse("feedback:survey-detail", args=[survey.pk])))
    pages.append(("insights", reverse("feedback:insight-list")))
    journey = Journey.objects.order_by("pk").first()
    if journey is not None:
        pages.append(("journey map", reverse("journeys:journey-map", args=[journey.pk])))
    pages += [
        ("scorecards", reverse("reports:scorecard-list")),
        ("monthly report archive", reverse("reports:monthly-list")),
    ]
    return pages


def bench_user() -> User:
    """Return the bench's quality manager, created on first use."""
    sync_roles()
    user, _created = User.objects.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER.value))
    return user


def session_key(user: User) -> str:
    """Return the key of a new signed-in session of the user, as the login page would make."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    """Return the URL of the database this process uses (a test run's own one included)."""
    database = connection.settings_dict
    login = quote(database["USER"] or "")
    if database["PASSWORD"]:
        login += ":" + quote(database["PASSWORD"])
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{login}@{host}/{quote(database['NAME'])}"


@contextmanager
def gunicorn_serving() -> Iterator[str]:
    """Serve this database with production settings; yield the base URL, stop it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="loyaltyqms-bench-"))
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions this process makes must hold there
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATICFILES_MANIFEST": "true",
        "STATIC_ROOT": str(folder / "static"),
        "VAR_DIR": str(folder / "var"),
        "DATABASE_URL": _database_url(),
        "CACHE_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    subprocess.run(  # noqa: S603 - this interpreter, fixed arguments: the hashed static files
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
        cwd=settings.BASE_DIR,
    )
    server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [
            python,
            "-m",
            "gunicorn",
            "loyaltyqms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310 - loopback
                    break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn stopped before serving") from None
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer /healthz within a minute")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _timed_get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as page:  # noqa: S310 - loopback
        page.read()
        if page.status != 200 or page.geturl() != url:
            # urllib follows redirects: a page sending to the login page was not the page timed.
            raise RuntimeError(f"{url} answered {page.status} from {page.geturl()}")
    return time.perf_counter() - started


def _queries(path: str, user: User) -> int:
    client = Client()
    client.force_login(user)
    with override_settings(ALLOWED_HOSTS=["testserver"]):  # this process's own requests only
        client.get(path)  # the first request fills caches a steady page does not pay for again
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in process")
    return len(queries)


def pages_measure(base: str, cookie: str, user: User, *, repeat: int = REPEAT) -> list[PageFigure]:
    """Time every bench page through the gunicorn at `base` and count its queries in process."""
    figures = []
    for name, path in bench_pages():
        for _number in range(WARM_UP):
            _timed_get(base + path, cookie)
        times = sorted(_timed_get(base + path, cookie) for _number in range(repeat))
        figures.append(
            PageFigure(
                name=name,
                path=path,
                p50=statistics.median(times),
                p95=statistics.quantiles(times, n=20)[-1],
                queries=_queries(path, user),
            )
        )
    return figures
