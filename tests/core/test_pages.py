"""Sign-in, sign-out, password change, the role-aware home page and its navigation."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def nav_entries(html: str) -> list[str]:
    """Return the URL names of the navigation entries on a page."""
    return re.findall(r'data-nav="([^"]+)"', html)


def test_login_with_valid_credentials_lands_on_home(make_user) -> None:
    """A user who signs in is taken to the home page."""
    user = make_user("quality_manager", username="quinn")
    client = Client()

    response = client.post(reverse("login"), {"username": "quinn", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"), follow=True).context["user"] == user


def test_login_with_a_wrong_password_says_so_and_stays_on_the_form(make_user) -> None:
    """A wrong password gets a clear error on the sign-in form."""
    make_user("frontline", username="sam")

    response = Client().post(reverse("login"), {"username": "sam", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_login_returns_to_the_page_asked_for(make_user) -> None:
    """Signing in after a redirect continues to the page first requested."""
    make_user("executive", username="eva")
    client = Client()
    redirect = client.get(reverse("password_change"))

    response = client.post(
        redirect["Location"],
        {"username": "eva", "password": TEST_PASSWORD, "next": reverse("password_change")},
    )

    assert response["Location"] == reverse("password_change")


def test_logout_needs_a_post_and_ends_the_session(client_for) -> None:
    """GET does not sign out (CSRF); POST does and leads to the login page."""
    client = client_for("frontline")

    refused = client.get(reverse("logout"))
    response = client.post(reverse("logout"))

    assert refused.status_code == 405
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_post_without_csrf_token_is_refused(make_user) -> None:
    """Forms are protected against cross-site request forgery."""
    make_user("frontline", username="sam")
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "sam", "password": TEST_PASSWORD})

    assert response.status_code == 403


def test_password_change_requires_the_old_password(make_user) -> None:
    """Changing a password checks the old one and then accepts the new one."""
    user = make_user("frontline")
    client = Client()
    client.force_login(user)

    wrong = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "N3w-pass-phrase",
            "new_password2": "N3w-pass-phrase",
        },
    )
    right = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "N3w-pass-phrase",
            "new_password2": "N3w-pass-phrase",
        },
    )

    assert "Your old password was entered incorrectly" in wrong.content.decode()
    assert right["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("N3w-pass-phrase")


@pytest.mark.parametrize(
    ("visitor", "role_badge", "sees_status"),
    [
        ("frontline", "Frontline staff", False),
        ("quality_manager", "Quality manager", True),
        ("executive", "Executive", False),
        ("administrator", "Administrator", True),
    ],
)
def test_home_shows_each_role_its_own_panels(client_for, visitor, role_badge, sees_status) -> None:
    """My work names the user's role and shows system status to quality managers."""
    client = client_for(visitor)

    html = client.get(reverse("my-work")).content.decode()

    assert f'data-role="{role_badge}"' in html
    assert ('data-panel="system-status"' in html) is sees_status
    assert 'data-panel="account"' in html


@pytest.mark.parametrize(
    ("visitor", "entries"),
    [
        (
            "frontline",
            [
                "reports:dashboard",
                "my-work",
                "feedback:my-submissions",
                "journeys:journey-list",
                "stakeholders:stakeholder-map",
                "feedback:complaint-queue",
                "feedback:idea-list",
                "feedback:recognition-feed",
                "reports:pareto",
                "improvement:board",
                "improvement:suggestion-list",
                "feedback:survey-list",
                "feedback:insight-list",
                "feedback:mystery-shopping",
                "metrics:indicator-list",
                "metrics:run-list",
                "metrics:alert-mine",
            ],
        ),
        (
            "quality_manager",
            [
                "reports:dashboard",
                "reports:monthly-list",
                "my-work",
                "feedback:my-submissions",
                "journeys:journey-list",
                "stakeholders:stakeholder-map",
                "reports:scorecard-list",
                "feedback:complaint-queue",
                "feedback:idea-list",
                "feedback:recognition-feed",
                "reports:pareto",
                "improvement:board",
                "improvement:suggestion-list",
                "feedback:survey-list",
                "feedback:insight-list",
                "feedback:mystery-shopping",
                "metrics:indicator-list",
                "imports:job-list",
                "chat:channel-list",
                "metrics:run-list",
                "metrics:alert-mine",
                "webhooks:endpoint-list",
                "api-docs",
            ],
        ),
        (
            "executive",
            [
                "reports:dashboard",
                "reports:monthly-list",
                "my-work",
                "journeys:journey-list",
                "stakeholders:stakeholder-map",
                "reports:scorecard-list",
                "feedback:complaint-queue",
                "feedback:idea-list",
                "feedback:recognition-feed",
                "reports:pareto",
                "improvement:board",
                "improvement:suggestion-list",
                "feedback:survey-list",
                "feedback:insight-list",
                "feedback:mystery-shopping",
                "metrics:indicator-list",
                "metrics:run-list",
                "metrics:alert-mine",
            ],
        ),
        (
            "administrator",
            [
                "reports:dashboard",
                "reports:monthly-list",
                "my-work",
                "feedback:my-submissions",
                "journeys:journey-list",
                "stakeholders:stakeholder-map",
                "reports:scorecard-list",
                "feedback:complaint-queue",
                "feedback:idea-list",
                "feedback:recognition-feed",
                "reports:pareto",
                "improvement:board",
                "improvement:suggestion-list",
                "feedback:survey-list",
                "feedback:insight-list",
                "feedback:mystery-shopping",
                "metrics:indicator-list",
                "imports:job-list",
                "chat:channel-list",
                "metrics:run-list",
                "metrics:alert-mine",
                "webhooks:endpoint-list",
                "api-docs",
                "admin:index",
            ],
        ),
    ],
)
def test_navigation_shows_each_role_its_own_entries(client_for, visitor, entries) -> None:
    """Each role sees the menu entries it may use, and only those."""
    client = client_for(visitor)

    html = client.get(reverse("my-work")).content.decode()

    assert nav_entries(html) == entries


def test_user_without_a_role_is_told_to_ask_for_one(db) -> None:
    """A signed-in account with no group gets a clear hint instead of an empty page."""
    from tests.core.factories import UserFactory

    client = Client()
    client.force_login(UserFactory.create())

    html = client.get(reverse("home")).content.decode()

    assert "You have no role yet" in html


@pytest.mark.parametrize("visitor", ["frontline", "quality_manager", "executive"])
def test_home_query_count_does_not_grow_with_the_organisation(
    client_for, make_user, visitor
) -> None:
    """The home page's queries stay constant as staff, complaints and ideas grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from feedback import services as feedback_services

    client = client_for(visitor)
    client.get(reverse("my-work"))  # warm per-session caches (roles, permissions)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("my-work"))
    for _ in range(20):
        colleague = make_user("frontline")
        feedback_services.complaint_log(logged_by=colleague, description="Late engineer")
        feedback_services.idea_submit(
            submitted_by=colleague, title="Idea", problem="Problem", proposal="Proposal"
        )

    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("my-work"))

    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["feedback:complaint-queue", "reports:dashboard", "metrics:indicator-list"]
)
def test_the_menu_marks_the_page_it_is_on_and_no_other(make_user, url_name: str) -> None:
    """Menu entries are compared as the registered objects they are (comparing their fields
    translated every label on every page): the entry of the page is the one marked."""
    client = Client()
    client.force_login(make_user("quality_manager"))

    html = client.get(reverse(url_name)).content.decode()

    assert re.findall(r'data-nav="([^"]+)" aria-current="page"', html) == [url_name]
