"""Error pages: 403, 404, 500 and refused forms in the product's layout, with a way back.

The API keeps answering JSON. This module is also the URLconf of the tests that need a view
that breaks (`pytest.mark.urls`): the project's routes plus two that raise.
"""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from core import views
from loyaltyqms import urls as project_urls
from tests.core.factories import TEST_PASSWORD
from tests.feedback.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


@login_not_required
def explode(request: HttpRequest) -> HttpResponse:
    """Fail the way a bug does."""
    raise RuntimeError("a bug")


urlpatterns = [
    path("explode/", explode),
    path("api/v1/explode/", explode),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture(autouse=True)
def production_mode(settings) -> None:
    """Error handlers only run with DEBUG off, as in production."""
    settings.DEBUG = False


def error_page(response) -> str:
    html = response.content.decode()
    assert f'data-error="{response.status_code}"' in html
    assert f'href="{reverse("home")}" data-testid="home"' in html
    return html


def test_unknown_address_gets_a_styled_404_with_a_way_home(client_for) -> None:
    client = client_for("quality_manager")

    response = client.get("/no-such-page/")

    html = error_page(response)
    assert response.status_code == 404
    assert "Page not found" in html
    assert "There is no page at this address" in html
    assert 'data-nav="my-work"' in html  # the product's navigation, as on every page
    assert 'data-testid="back"' not in html  # nowhere to go back to


def test_404_leads_back_to_the_page_the_link_was_on(client_for) -> None:
    client = client_for("frontline")
    came_from = f"{SITE}{reverse('feedback:my-submissions')}?tab=ideas"

    response = client.get("/no-such-page/", HTTP_REFERER=came_from)

    html = error_page(response)
    assert f'href="{came_from}" data-testid="back"' in html


def test_404_never_leads_back_to_another_site(client_for) -> None:
    client = client_for("frontline")

    response = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")

    assert "evil.example" not in error_page(response)


def test_404_of_a_hidden_record_says_what_the_view_said(make_user) -> None:
    complaint = ComplaintFactory.create(logged_by=make_user("quality_manager"))
    client = Client()
    client.force_login(make_user("frontline"))

    response = client.get(complaint.get_absolute_url())

    assert response.status_code == 404
    assert "No such complaint, or it is not yours to see." in error_page(response)


def test_403_says_the_role_does_not_allow_it_with_a_way_back(client_for) -> None:
    client = client_for("frontline")

    response = client.get(reverse("metrics:indicator-create"), HTTP_REFERER=f"{SITE}/metrics/")

    html = error_page(response)
    assert response.status_code == 403
    assert "Not allowed" in html
    assert "Your role does not allow this page or action." in html
    assert 'href="http://testserver/metrics/" data-testid="back"' in html


def test_form_posted_without_csrf_token_says_it_expired_and_leads_back_to_it(
    make_user,
) -> None:
    make_user("frontline", username="sam")
    client = Client(enforce_csrf_checks=True)
    form_page = f"{SITE}{reverse('login')}?next=/feedback/mine/"

    response = client.post(
        reverse("login"), {"username": "sam", "password": TEST_PASSWORD}, HTTP_REFERER=form_page
    )

    html = error_page(response)
    assert response.status_code == 403
    assert "This form expired" in html
    assert "Reload the form and try again." in html
    assert f'href="{form_page}" data-testid="retry"' in html
    assert "CSRF cookie not set" not in html  # the technical reason is for developers only


def test_form_expired_page_tells_developers_the_reason(settings, make_user) -> None:
    settings.DEBUG = True
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "sam", "password": "x"})

    assert "CSRF cookie not set" in error_page(response)


def test_form_expired_without_referer_reloads_the_address_it_was_sent_to(client_for) -> None:
    client = client_for("frontline")
    client.handler.enforce_csrf_checks = True

    response = client.post(reverse("feedback:complaint-log") + "?from=home", {"description": "x"})

    assert response.status_code == 403
    assert 'href="/feedback/complaints/new/?from=home" data-testid="retry"' in error_page(response)


@pytest.mark.urls(__name__)
def test_a_crashing_page_gets_a_styled_500_with_a_way_home(client_for) -> None:
    client = client_for("quality_manager")
    client.raise_request_exception = False

    response = client.get("/explode/", HTTP_REFERER=f"{SITE}/feedback/complaints/")

    html = error_page(response)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert 'href="http://testserver/feedback/complaints/" data-testid="back"' in html
    assert "a bug" not in html


def test_500_page_renders_without_the_database(rf, django_db_blocker) -> None:
    """The database may be what broke: the page runs no query (no context processors)."""
    request = rf.get("/feedback/complaints/")

    with django_db_blocker.block():
        response = views.server_error(request)

    assert response.status_code == 500
    assert 'data-error="500"' in response.content.decode()


def test_api_404_stays_json(client_for) -> None:
    client = client_for("quality_manager")

    from_drf = client.get("/api/v1/complaints/999999/")
    unrouted = client.get("/api/v1/no-such-resource/")

    for response in (from_drf, unrouted):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


@pytest.mark.urls(__name__)
def test_api_500_stays_json(client_for) -> None:
    client = client_for("quality_manager")
    client.raise_request_exception = False

    response = client.get("/api/v1/explode/")

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
