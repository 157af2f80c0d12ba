"""Links in e-mails and on pages lead to the address the site is served at (SITE_URL)."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Complaint, Severity, Survey
from stakeholders.models import Customer
from tests.feedback.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db

# What `make run` exports: the address runserver listens on (loyaltyqms/Procfile.dev).
DEVELOPMENT_SITE = "http://127.0.0.1:8000"


def test_escalation_email_links_to_the_complaint_under_the_site_url(
    log_complaint: Callable[..., Complaint],
    make_user: Callable[..., Any],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.SITE_URL = DEVELOPMENT_SITE
    frontline = make_user("frontline")
    manager = make_user("quality_manager")
    complaint = log_complaint(logged_by=frontline, severity=Severity.CRITICAL)

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_escalate(complaint=complaint, by=frontline)

    link = re.search(r"^Open it: (\S+)$", mailoutbox[0].body, re.MULTILINE)
    assert link
    assert link.group(1) == f"{DEVELOPMENT_SITE}{complaint.get_absolute_url()}"
    reader = Client()
    reader.force_login(manager)
    page = reader.get(link.group(1).removeprefix(DEVELOPMENT_SITE))
    assert page.status_code == 200
    assert complaint.reference in page.content.decode()


@pytest.fixture
def invited(customer: Customer) -> tuple[Survey, str]:
    """Return an open customer survey and the path of one invitation's personal page."""
    survey = SurveyFactory.create(
        name="Delivery NPS", kind=Survey.Kind.NPS, starts_at=timezone.now() - timedelta(days=1)
    )
    invitation = InvitationFactory.create(survey=survey, customer=customer)
    return survey, reverse("public-survey:answer", args=[invitation.token])


def test_survey_page_shows_invitation_links_at_its_own_address_when_site_url_is_unset(
    client_for: Callable[..., Client], invited: tuple[Survey, str], settings: Any
) -> None:
    settings.SITE_URL, settings.SITE_URL_FROM_REQUEST = DEVELOPMENT_SITE, True
    settings.ALLOWED_HOSTS = ["qms.internal"]
    survey, path = invited

    html = client_for("quality_manager").get(survey.get_absolute_url(), HTTP_HOST="qms.internal")

    assert f"http://qms.internal{path}" in html.content.decode()


def test_survey_page_shows_invitation_links_under_site_url_when_it_is_set(
    client_for: Callable[..., Client], invited: tuple[Survey, str], settings: Any
) -> None:
    settings.SITE_URL, settings.SITE_URL_FROM_REQUEST = "https://qms.example.com", False
    settings.ALLOWED_HOSTS = ["qms.internal"]
    survey, path = invited

    html = client_for("quality_manager").get(survey.get_absolute_url(), HTTP_HOST="qms.internal")

    assert f"https://qms.example.com{path}" in html.content.decode()
    assert f"http://qms.internal{path}" not in html.content.decode()
