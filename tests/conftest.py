"""Fixtures shared by every test module."""

import contextlib
import importlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from psycopg import sql
from pytest_django.plugin import blocking_manager_key

from core.roles import Role, sync_roles
from feedback.models import SeverityPolicy
from journeys.models import Journey, QualityObjective, Stage, Touchpoint
from reports.models import ScorecardCriterion
from stakeholders.models import Customer, CustomerSegment, Department, Partner
from tests.core.factories import UserFactory
from tests.journeys.factories import (
    JourneyFactory,
    ObjectiveFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.stakeholders.factories import (
    CustomerFactory,
    DepartmentFactory,
    PartnerFactory,
    SegmentFactory,
)

# The four kinds of signed-in user, and anonymous visitors, as the URL walks name them.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROLE_KEYS = ["frontline", "quality_manager", "executive", "administrator"]
ROLES_BY_KEY = {
    "frontline": Role.FRONTLINE,
    "quality_manager": Role.QUALITY_MANAGER,
    "executive": Role.EXECUTIVE,
}


# Folders whose modules share one load of the demo (a package-scoped fixture): xdist hands each
# such folder to one worker whole, every other test module alone (as `--dist loadfile` does).
SHARED_DEMO_FOLDERS = ("tests/demo/", "tests/feedback/demo/")


# The longest units (a demo load, a walk of every route, live processes), put first: a worker
# idle at the end while another runs a long unit is the run's largest waste on two cores.
# (`make test` passes `--no-loadscope-reorder`, or pytest-xdist's `--dist loadfile` would hand
# files out by how many tests each holds, the single long tests last: with the flag both workers
# ended together, 8:24 against 8:40 with one worker idle for the last 130 s.)
LONGEST_FIRST = (
    *SHARED_DEMO_FOLDERS,
    "tests/browser/test_readme_screenshots.py",
    "tests/test_api_schema_fuzz.py",
    "tests/test_access.py",
    "tests/core/test_migrations.py",
    "tests/deploy/",
    "tests/metrics/test_recompute",
    "tests/browser/test_complaint_life_cycle.py",
    "tests/core/test_outbox.py",
    "tests/core/test_static.py",
)


def _longest_first_rank(nodeid: str) -> int:
    return next(
        (rank for rank, prefix in enumerate(LONGEST_FIRST) if nodeid.startswith(prefix)),
        len(LONGEST_FIRST),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest units first (a stable sort: each module keeps its own order)."""
    items.sort(key=lambda item: _longest_first_rank(item.nodeid))


@pytest.hookimpl(optionalhook=True)  # xdist's hook: unknown when it is off (-p no:xdist)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Schedule by file, except that a shared-demo folder goes to one worker as one unit."""
    from xdist.scheduler import LoadFileScheduling

    class DemoFoldersTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return next((folder for folder in SHARED_DEMO_FOLDERS if path.startswith(folder)), path)

    return DemoFoldersTogether(config, log)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hash passwords with a fast algorithm: the real one is slow on purpose."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session", autouse=True)
def own_runtime_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the files this test process writes (uploads, static root) in a folder of its own.

    Nothing lands in the checkout's var/, and each pytest-xdist worker, a process of its own with
    its own temporary folder, never touches another worker's files.
    """
    root = tmp_path_factory.mktemp("var")
    static_root = root / "staticfiles"
    static_root.mkdir()  # WhiteNoise warns about a STATIC_ROOT that does not exist
    with override_settings(MEDIA_ROOT=root / "media", STATIC_ROOT=static_root):
        yield


@pytest.fixture(scope="session", autouse=True)
def static_files_found_per_request() -> Iterator[None]:
    """Let WhiteNoise find a static file when it is asked for, as under runserver.

    Otherwise each test client's middleware lists and stats every static file when it starts
    (0.06 s per test, a quarter of the URL walks' time).
    """
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


def check_deferred_constraints_once() -> None:
    """Check the foreign keys a module fixture wrote, now, outside every test's savepoint.

    PostgreSQL checks deferred foreign keys at commit. Each test's teardown checks them inside
    its savepoint, and rolling the savepoint back queues the module's checks again: without this,
    every test re-checks the whole demo (3 s a test).
    """
    connection.check_constraints()


# Rows the migrations' data steps write. Test databases are built from the models, without the
# migrations, and a flush after a transactional test removes these rows too. (The role groups come
# from core's post_migrate handler, which building the tables and flushing both run.)
SEEDING_MIGRATIONS = [
    ("feedback.migrations.0002_default_severity_policies", "create_policies"),
    ("reports.migrations.0001_scorecards", "create_criteria"),
]
FLUSHING_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _flushes_its_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        FLUSHING_FIXTURES & set(getattr(item, "fixturenames", ()))
        or (marker is not None and marker.kwargs.get("transaction", False))
    )


def write_migration_rows() -> None:
    """Write the rows the migrations' data steps write (they are idempotent), as they leave them.

    A migration writes through frozen models, which keep no history (django-simple-history):
    called with the app registry's models, the steps do, so those history entries are removed.
    """
    started = timezone.now()
    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)
    for model in (SeverityPolicy, ScorecardCriterion):
        model.history.filter(history_date__gte=started).delete()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, built from the models (`--no-migrations` in pyproject.toml) and holding
    the rows the migrations' data steps write.

    Running every migration took about 22 s a worker, most of it Django rendering model states;
    tests/core/test_migrations.py runs them all once, on an empty database of their own.
    """
    with django_db_blocker.unblock():
        write_migration_rows()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a test whose database was flushed, write the migrations' rows again (SLA policies,
    scorecard criteria), so that the tests after it find the database as migrations left it,
    whatever order the files run in. (After the last test the database itself is gone.)"""
    result = yield
    if nextitem is not None and _flushes_its_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            write_migration_rows()
    return result


@pytest.fixture
def roles(db: None) -> None:
    """Make sure the role groups and their permissions exist (flushes remove them)."""
    sync_roles()


@pytest.fixture
def make_user(roles: None) -> Callable[..., User]:
    """Return a function creating a user in a role ("administrator" makes a superuser)."""

    def make(key: str, **fields: object) -> User:
        if key == "administrator":
            return UserFactory.create(is_superuser=True, is_staff=True, **fields)
        return UserFactory.create(role=ROLES_BY_KEY[key], **fields)

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[[str | None], Client]:
    """Return a function giving a test client signed in as a new user of that role."""

    def make(key: str | None) -> Client:
        client = Client()
        if key is not None:
            client.force_login(make_user(key))
        return client

    return make


# The records most tests stand on, as they name them: the journey "Buy online" for households,
# whose "Order" stage has the Customer Service department's checkout and SwiftParcel's delivery.
# Each fixture makes only its record and those it hangs on; a test asks for what it uses.


@pytest.fixture
def colleague(roles: None) -> User:
    """A quality manager who logs, creates and gives in the tests' records."""
    return UserFactory.create(role=Role.QUALITY_MANAGER, username="colleague")


@pytest.fixture
def department(db: None) -> Department:
    """The Customer Service department."""
    return DepartmentFactory.create(name="Customer Service")


@pytest.fixture
def partner(db: None) -> Partner:
    """SwiftParcel, the service partner delivering parcels."""
    return PartnerFactory.create(name="SwiftParcel")


@pytest.fixture
def segment(db: None) -> CustomerSegment:
    """The households segment."""
    return SegmentFactory.create(name="Households")


@pytest.fixture
def customer(segment: CustomerSegment) -> Customer:
    """Customer CRM-000001, a household first seen on 5 January 2026."""
    return CustomerFactory.create(external_reference="CRM-000001", segment=segment)


@pytest.fixture
def journey(segment: CustomerSegment) -> Journey:
    """The households' journey "Buy online"."""
    return JourneyFactory.create(name="Buy online", segment=segment)


@pytest.fixture
def stage(journey: Journey) -> Stage:
    """The journey's "Order" stage."""
    return StageFactory.create(journey=journey, name="Order")


@pytest.fixture
def touchpoint(stage: Stage, department: Department) -> Touchpoint:
    """The department's web checkout, first in the stage."""
    return TouchpointFactory.create(
        stage=stage, name="Checkout", channel="web", owner_department=department, order=1
    )


@pytest.fixture
def delivery(stage: Stage, partner: Partner) -> Touchpoint:
    """The partner's delivery, second in the stage (after the checkout, when there is one)."""
    return TouchpointFactory.create(
        stage=stage, name="Delivery", channel="delivery", owner_partner=partner, order=2
    )


@pytest.fixture
def objective(delivery: Touchpoint) -> QualityObjective:
    """The objective of delivering on the promised day, 95 % by the end of March 2027."""
    return ObjectiveFactory.create(touchpoint=delivery, statement="Deliver on the promised day")


@dataclass(frozen=True)
class ServiceUrls:
    """Where the real PostgreSQL and Redis are, as the environment names them."""

    database_url: str
    broker_url: str


def describe(url: str) -> str:
    """Name a URL by its scheme only, so a password in it never reaches the test report."""
    return f"{urlsplit(url).scheme}://..." if url else "unset"


@pytest.fixture
def require_postgres_and_redis() -> ServiceUrls:
    """Skip unless DATABASE_URL is PostgreSQL and CELERY_BROKER_URL is Redis (fail in CI)."""
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    problems = []
    if not database_url.startswith("postgres"):
        problems.append(f"DATABASE_URL is {describe(database_url)}, not postgres://...")
    if not broker_url.startswith("redis"):
        problems.append(f"CELERY_BROKER_URL is {describe(broker_url)}, not redis://...")
    if problems:
        reason = "needs PostgreSQL and Redis: " + "; ".join(problems)
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1 forbids skipping)", pytrace=False)
        pytest.skip(reason)
    return ServiceUrls(database_url=database_url, broker_url=broker_url)


def with_path(url: str, path: str) -> str:
    """Return the URL with its path replaced (same server, credentials and options)."""
    return urlsplit(url)._replace(path=path).geturl()


@contextlib.contextmanager
def throwaway_postgres_database(database_url: str) -> Iterator[str]:
    """Create an empty database on DATABASE_URL's server, yield its URL, then drop it."""
    maintenance_url = with_path(database_url, "/postgres")
    name = f"loyaltyqms_throwaway_{secrets.token_hex(6)}"
    with psycopg.connect(maintenance_url, autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_path(database_url, f"/{name}")
    finally:
        with psycopg.connect(maintenance_url, autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def celery_worker(require_postgres_and_redis: ServiceUrls, settings: Any) -> Iterator[None]:
    """Run a real Celery worker on the Redis broker, in a thread, for the test's duration.

    Tasks travel on a queue of this test process only: another pytest-xdist worker, with a test
    database of its own, never takes them. Tests using it are transactional, so that the worker's
    database connection sees what the test wrote.
    """
    from celery.contrib.testing.worker import start_worker
    from kombu import Queue

    from loyaltyqms.celery import app

    # One queue per pytest-xdist worker ("main" without xdist): a bounded set of names, as
    # Redis keeps a small binding key for each queue it has seen.
    queue = f"loyaltyqms-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue  # where every task of the project is sent
    try:
        # Drop what an earlier, failed test of this process left on the queue.
        with app.connection_for_write() as broker:
            Queue(queue, channel=broker.default_channel).purge()
        with start_worker(
            app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=20
        ):
            yield
    finally:
        app.conf.task_always_eager = eager
        app.conf.task_default_queue = default_queue
