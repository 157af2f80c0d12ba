"""Vendored CSS and JavaScript are served by the project itself: no CDN, no outside request."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
ASSETS = [
    "vendor/bootstrap-5.3.8/css/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons-1.13.2/bootstrap-icons.min.css",
    "vendor/bootstrap-icons-1.13.2/fonts/bootstrap-icons.woff2",
    "vendor/htmx-2.0.11/htmx.min.js",
    settings.PLOTLY_JS,
    f"vendor/plotly.js-cartesian-{settings.PLOTLY_JS_VERSION}/LICENSE",
    "css/app.css",
]


@pytest.mark.parametrize("asset", ASSETS)
def test_vendored_asset_is_found_by_staticfiles(asset: str) -> None:
    """Each library the pages use is served from our own static files."""
    assert finders.find(asset), asset


def test_vendored_plotly_js_has_the_major_minor_the_plotly_package_targets() -> None:
    """A plotly upgrade that moves plotly.js on fails here until `make vendor-plotly` is run."""
    import plotly

    targeted = plotly.offline.get_plotlyjs_version()

    vendored = settings.PLOTLY_JS_VERSION
    assert vendored.split(".")[:2] == targeted.split(".")[:2], (
        f"plotly targets plotly.js {targeted}, static/vendor has {vendored}: make vendor-plotly"
    )


def test_vendored_plotly_js_is_the_cartesian_bundle_of_the_version_settings_name() -> None:
    found = finders.find(settings.PLOTLY_JS)
    assert isinstance(found, str)

    banner = Path(found).read_text()[:200]

    assert f"plotly.js (cartesian - minified) v{settings.PLOTLY_JS_VERSION}\n" in banner


@pytest.mark.parametrize("trace", ["scatter", "bar", "heatmap", "histogram", "box", "pie"])
def test_vendored_plotly_js_draws_the_trace_types_the_charts_use(trace: str) -> None:
    """The control charts draw scatter traces; the dashboards add bars, heatmaps and pies."""
    found = finders.find(settings.PLOTLY_JS)
    assert isinstance(found, str)

    bundle = Path(found).read_text()

    assert f'moduleType:"trace",name:"{trace}"' in bundle


def test_static_files_hold_no_other_plotly_js() -> None:
    """The plotly package's full bundle (4.8 MB) and its widget bundle are not collected."""
    scripts = [
        path
        for finder in finders.get_finders()
        for path, _storage in finder.list([])
        if "plotly" in path.lower() and path.endswith(".js")
    ]

    assert scripts == [settings.PLOTLY_JS]


def test_collectstatic_leaves_out_redoc_and_keeps_swagger_ui() -> None:
    """The API docs run Swagger UI; the ReDoc bundle beside it in the sidecar is never served."""
    config = apps.get_app_config("staticfiles")
    assert isinstance(config, StaticFilesConfig)
    ignored = config.ignore_patterns
    collected = {path for finder in finders.get_finders() for path, _ in finder.list(ignored)}

    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in collected
    assert not [path for path in collected if "redoc" in path]


# Run in a fresh interpreter: production settings (DEBUG off, the manifest storage) are read at
# start-up, and collectstatic writes the hashed, compressed copies whitenoise serves.
PRODUCTION_STATIC_REQUEST = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
answers = {}
for name, url in [
    ("hashed", static(settings.PLOTLY_JS)),
    ("plain", settings.STATIC_URL + settings.PLOTLY_JS),
]:
    response = Client().get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    answers[name] = {
        "url": url,
        "status": response.status_code,
        "cache_control": response.headers.get("Cache-Control"),
        "content_encoding": response.headers.get("Content-Encoding"),
    }
print(json.dumps(answers))
"""


def test_production_serves_the_hashed_plotly_js_compressed_and_cached_for_ever(
    tmp_path: Path,
) -> None:
    """With DEBUG off the page links the hashed name, which browsers keep without asking again."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "loyaltyqms.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "testserver",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "CELERY_BROKER_URL": "memory://",
    }

    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_STATIC_REQUEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    hashed, plain = answers["hashed"], answers["plain"]
    root, extension = os.path.splitext(settings.PLOTLY_JS)
    hashed_name = rf"/static/{re.escape(root)}\.[0-9a-f]{{12}}{re.escape(extension)}"
    assert re.fullmatch(hashed_name, hashed["url"]), hashed["url"]
    assert {key: value for key, value in hashed.items() if key != "url"} == {
        "status": 200,
        "cache_control": "max-age=315360000, public, immutable",
        "content_encoding": "gzip",
    }
    # The unhashed name may change content under the same URL: browsers must ask again soon.
    assert plain["status"] == 200
    assert "immutable" not in plain["cache_control"]


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
