"""Sharing a customer survey: the organisation's name and logo on the public pages, the QR code
of the public link, and the embed page that another site may frame."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback.models import Survey, SurveyResponse
from feedback.views.surveys import qr_svg
from loyaltyqms.settings import image_sources
from tests.core.test_settings import PRODUCTION_ENV, run_manage
from tests.feedback.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Start every test with fresh rate-limit counters."""
    cache.clear()


@pytest.fixture
def survey(colleague: User) -> Survey:
    """An open customer CSAT survey with a follow-up question."""
    return SurveyFactory.create(
        name="Delivery CSAT", comment_question="What made it so?", created_by=colleague
    )


def directives(header: str) -> dict[str, list[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


# The organisation's name and logo ---------------------------------------------------------------


def test_public_page_shows_the_organisations_name_and_logo(survey: Survey, settings) -> None:
    """The logo's text alternative is the name; the name beside it is not read twice."""
    settings.ORGANISATION_NAME = "Brightline Home Services"

    page = Client().get(reverse("public-survey:answer", args=[survey.public_token]))

    html = page.content.decode()
    assert '<img class="public-logo" src="/static/img/logo.svg" alt="Brightline Home Services"' in (
        html
    )
    assert '<span class="public-brand-name" aria-hidden="true">Brightline Home Services</span>' in (
        html
    )


def test_an_https_logo_is_shown_from_its_address(survey: Survey, settings) -> None:
    settings.ORGANISATION_LOGO = "https://cdn.example.com/brand/logo.png"

    page = Client().get(reverse("public-survey:thanks", args=[survey.public_token]))

    assert 'src="https://cdn.example.com/brand/logo.png"' in page.content.decode()


def test_an_https_logo_lets_only_its_host_into_img_src() -> None:
    """A static path needs nothing beyond 'self'; an https address adds its origin, no more."""
    assert image_sources("img/logo.svg", "ORGANISATION_LOGO") == []
    assert image_sources("https://cdn.example.com:8443/a/logo.svg", "ORGANISATION_LOGO") == [
        "https://cdn.example.com:8443"
    ]


def test_a_plain_http_logo_stops_the_start_with_a_clear_error(tmp_path: Path) -> None:
    """An http:// image would be blocked on the https public pages: refused at start-up."""
    env = {**PRODUCTION_ENV, "ORGANISATION_LOGO": "http://cdn.example.com/logo.png"}

    result = run_manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "ORGANISATION_LOGO='http://cdn.example.com/logo.png'" in result.stderr
    assert "use a path under static/ (img/logo.svg) or an https:// address" in result.stderr


# The QR code ------------------------------------------------------------------------------------


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """Return the dark modules (x, y) of a QR code drawn as one path of unit squares."""
    (path,) = re.findall(r'<path d="([^"]*)"', svg)
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}


def test_qr_code_encodes_the_public_link(client_for, survey: Survey) -> None:
    """The SVG's squares are those of the survey's public link (as the page shows it); no style
    attribute, which the Content-Security-Policy would refuse."""
    client = client_for("frontline")
    link = f"http://testserver{reverse('public-survey:answer', args=[survey.public_token])}"

    response = client.get(reverse("feedback:survey-qr", args=[survey.pk]))

    svg = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "style=" not in svg
    assert qr_modules(svg) == qr_modules(qr_svg(link))
    assert qr_modules(svg) != qr_modules(qr_svg(link + "x"))
    assert link in client.get(reverse("feedback:survey-detail", args=[survey.pk])).content.decode()


def test_qr_code_downloads_as_a_file_named_after_the_survey(client_for, survey: Survey) -> None:
    response = client_for("quality_manager").get(
        reverse("feedback:survey-qr", args=[survey.pk]), {"download": "1"}
    )

    assert response["Content-Disposition"] == 'attachment; filename="delivery-csat-qr.svg"'


def test_qr_code_uses_site_url_when_set(client_for, survey: Survey, settings) -> None:
    """Printed codes point at the site's address, not at whichever one the page was opened at."""
    settings.SITE_URL, settings.SITE_URL_FROM_REQUEST = "https://qms.example.com", False
    link = f"https://qms.example.com/s/{survey.public_token}/"

    response = client_for("quality_manager").get(reverse("feedback:survey-qr", args=[survey.pk]))

    assert qr_modules(response.content.decode()) == qr_modules(qr_svg(link))


def test_employee_pulse_has_no_qr_code(client_for, colleague: User) -> None:
    pulse = SurveyFactory.create(kind=Survey.Kind.ENPS, created_by=colleague)

    response = client_for("quality_manager").get(reverse("feedback:survey-qr", args=[pulse.pk]))

    assert response.status_code == 404


# The embed page ---------------------------------------------------------------------------------


def test_survey_page_offers_the_embed_and_link_snippets(client_for, survey: Survey) -> None:
    page = client_for("quality_manager").get(reverse("feedback:survey-detail", args=[survey.pk]))

    html = page.content.decode()
    embed = f"http://testserver/s/{survey.public_token}/embed/"
    assert f"&lt;iframe src=&quot;{embed}&quot;" in html
    assert f"&lt;a href=&quot;http://testserver/s/{survey.public_token}/&quot;&gt;" in html


def test_only_the_embed_page_may_be_framed_and_by_the_sites_allowed(
    survey: Survey, settings
) -> None:
    """The embed page drops X-Frame-Options and lets SURVEY_EMBED_ANCESTORS frame it; the same
    survey's own page stays unframable."""
    settings.SURVEY_EMBED_ANCESTORS = ["https://www.example.com"]
    client = Client()

    embed = client.get(reverse("public-survey:embed", args=[survey.public_token]))
    own = client.get(reverse("public-survey:answer", args=[survey.public_token]))

    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert directives(embed["Content-Security-Policy"])["frame-ancestors"] == [
        "https://www.example.com"
    ]
    assert own["X-Frame-Options"] == "DENY"
    assert directives(own["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_embed_takes_an_answer_without_the_csrf_cookie(survey: Survey) -> None:
    """Inside another site's frame the browser sends no cookie of this site: the answer is taken
    anyway, and the thanks page is framable too."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("public-survey:embed", args=[survey.public_token])

    response = client.post(url, {"score": "5", "comment": "Quick and friendly."})

    thanks = reverse("public-survey:embed-thanks", args=[survey.public_token])
    assert response.status_code == 302
    assert response["Location"] == thanks
    saved = SurveyResponse.objects.get(survey=survey)
    assert (saved.score, saved.comment, saved.channel) == (5, "Quick and friendly.", "link")
    page = client.get(thanks)
    assert "X-Frame-Options" not in page
    assert 'target="_blank"' in page.content.decode()


def test_the_own_page_still_checks_csrf(survey: Survey) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("public-survey:answer", args=[survey.public_token]), {"score": "5"}
    )

    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_personal_invitations_are_not_embedded(survey: Survey) -> None:
    invitation = InvitationFactory.create(survey=survey)

    response = Client().get(reverse("public-survey:embed", args=[invitation.token]))

    assert response.status_code == 404


def test_a_closed_survey_says_so_inside_the_frame(colleague: User) -> None:
    """The refusal is framable too: a frame the browser blocks would show nothing at all."""
    closed = SurveyFactory.create(
        created_by=colleague,
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=1),
    )

    response = Client().get(reverse("public-survey:embed", args=[closed.public_token]))

    assert response.status_code == 410
    assert "X-Frame-Options" not in response
    assert "This survey is closed" in response.content.decode()
