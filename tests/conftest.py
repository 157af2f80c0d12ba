"""Fixtures shared by every test module."""

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings

from core.roles import Role, sync_roles
from tests.factories import UserFactory

# The four kinds of signed-in user, and anonymous visitors, as the URL walks name them.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROLE_KEYS = ["frontline", "quality_manager", "executive", "administrator"]
ROLES_BY_KEY = {
    "frontline": Role.FRONTLINE,
    "quality_manager": Role.QUALITY_MANAGER,
    "executive": Role.EXECUTIVE,
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hash passwords with a fast algorithm: the real one is slow on purpose."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def demo_organisation(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Load the whole demo once for a test module, yield what it printed, and roll it back.

    Each test runs in a savepoint inside this transaction, so what a test changes is undone too.
    The demo's recompute queues its tasks on commit: they run here when the captured callbacks
    are executed, as they would after a real commit.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo refuses to run with DEBUG off; passwords use the tests' fast hasher.
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
            printed = io.StringIO()
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("demo", stdout=printed)
        yield printed.getvalue()
        transaction.set_rollback(True)


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


@pytest.fixture
def world(roles: None) -> dict[str, Any]:
    """Create one of each stakeholder and journey record, linked as in real use."""
    from datetime import date

    from journeys import services as journey_services
    from stakeholders import services as stakeholder_services

    department = stakeholder_services.department_create(name="Customer Service")
    partner = stakeholder_services.partner_create(
        name="SwiftParcel",
        kind="service_partner",
        reliability_score=4,
        values_score=3,
        customer_impact_score=5,
        cost_score=3,
    )
    segment = stakeholder_services.segment_create(name="Households")
    customer = stakeholder_services.customer_create(
        external_reference="CRM-000001", first_seen=date(2026, 1, 5), segment=segment
    )
    journey = journey_services.journey_create(name="Buy online", segment=segment)
    stage = journey_services.stage_add(journey=journey, name="Order")
    touchpoint = journey_services.touchpoint_add(
        stage=stage, name="Checkout", channel="web", owner_department=department
    )
    delivery = journey_services.touchpoint_add(
        stage=stage, name="Delivery", channel="delivery", owner_partner=partner
    )
    handoff = journey_services.handoff_add(from_touchpoint=touchpoint, to_touchpoint=delivery)
    failure_point = journey_services.failure_point_add(
        touchpoint=delivery, description="Parcel late", severity=7, occurrence=5, detection=4
    )
    objective = journey_services.objective_create(
        touchpoint=delivery,
        statement="Deliver on the promised day",
        target_value=95,
        unit="%",
        due_date=date(2027, 3, 31),
    )
    from feedback import services as feedback_services
    from tests.factories import UserFactory

    colleague = UserFactory.create(role=ROLES_BY_KEY["quality_manager"], username="world-quality")
    complaint = feedback_services.complaint_log(
        logged_by=colleague, description="Parcel left in the rain", touchpoint=delivery
    )
    idea = feedback_services.idea_submit(
        submitted_by=colleague,
        title="Photo proof of delivery",
        problem="Customers dispute deliveries.",
        proposal="Ask the courier for a photo at the door.",
        touchpoint=delivery,
    )
    recipient = UserFactory.create(role=ROLES_BY_KEY["frontline"], username="world-frontline")
    recognition = feedback_services.recognition_give(
        given_by=colleague, recipient=recipient, behaviour="Rebooked the engineer the same day."
    )
    survey = feedback_services.survey_create(
        created_by=colleague, name="World delivery CSAT", kind="csat", touchpoint=delivery
    )
    pulse = feedback_services.survey_create(
        created_by=colleague, name="World staff pulse", kind="enps", recurrence_weeks=6
    )
    theme = feedback_services.theme_create(by=colleague, name="World theme")
    checklist = feedback_services.checklist_create(
        by=colleague,
        touchpoint=delivery,
        name="World doorstep check",
        items=[("Parcel handed over in person", 3), ("Box undamaged", 2)],
    )
    from django.core.files.base import ContentFile

    from core.models import ImportJob

    import_job = ImportJob.objects.create(
        importer="customer_activity",
        original_name="crm.csv",
        file=ContentFile(
            b"external_id,customer_reference,occurred_at,kind\nA-1,CRM-000001,2026-11-02,purchase\n",
            name="crm.csv",
        ),
        created_by=colleague,
    )
    finished_import = ImportJob.objects.create(
        importer="customer_activity",
        original_name="crm-done.csv",
        file=import_job.file.name,
        created_by=colleague,
        status=ImportJob.Status.DONE,
    )
    return {
        "import_job": import_job,
        "finished_import": finished_import,
        "survey": survey,
        "pulse": pulse,
        "theme": theme,
        "checklist": checklist,
        "insight": complaint.insight,
        "colleague": colleague,
        "recognition": recognition,
        "severity_policy": feedback_services.policy_for(2),
        "complaint": complaint,
        "idea": idea,
        "department": department,
        "partner": partner,
        "segment": segment,
        "customer": customer,
        "journey": journey,
        "stage": stage,
        "touchpoint": touchpoint,
        "delivery": delivery,
        "handoff": handoff,
        "failure_point": failure_point,
        "objective": objective,
    }
