"""Vendored CSS and JavaScript are served by the project itself: no CDN, no outside request."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
ASSETS = [
    "vendor/bootstrap-5.3.8/css/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons-1.13.2/bootstrap-icons.min.css",
    "vendor/bootstrap-icons-1.13.2/fonts/bootstrap-icons.woff2",
    "vendor/htmx-2.0.11/htmx.min.js",
    f"vendor/plotly-{settings.PLOTLY_JS_VERSION}/plotly.min.js",
    "css/app.css",
]


@pytest.mark.parametrize("asset", ASSETS)
def test_vendored_asset_is_found_by_staticfiles(asset: str) -> None:
    """Each library the pages use is served from our own static files."""
    assert finders.find(asset), asset


def test_plotly_js_comes_from_the_installed_plotly_package() -> None:
    """The served plotly.js is the one the Python plotly package ships, so versions agree."""
    import plotly

    found = finders.find(f"vendor/plotly-{settings.PLOTLY_JS_VERSION}/plotly.min.js")

    assert isinstance(found, str)
    served = Path(found)

    assert served.parent == Path(plotly.__file__).parent / "package_data"


def test_templates_reference_no_outside_host() -> None:
    """No template loads a script, style or font from another host."""
    outside = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)

    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if outside.search(path.read_text())
    ]

    assert offenders == []


@pytest.mark.django_db
def test_login_page_serves_its_stylesheets_and_scripts(client) -> None:
    """Every local asset the login page links to answers 200."""
    html = client.get(reverse("login")).content.decode()
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)

    assert len(links) >= 4
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_site_icon(client) -> None:
    """Pages without our <link rel=icon> (the admin) still get an icon, not a 404."""
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("img/favicon.svg")
