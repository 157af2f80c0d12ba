"""Security headers on every kind of response, and pages a strict Content-Security-Policy can run.

The policy allows scripts and styles only from the project's own static files: a page with an
inline handler (onclick=...), a style attribute, a <style> block or an inline <script> would
break under it, so tests/demo/test_pages.py renders every page of the access table over the demo
organisation and refuses them, with the finder below.
"""

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.core.test_settings import PRODUCTION_ENV, run_manage
from tests.feedback.factories import SurveyFactory


def allowing(text: str) -> str:
    """Return the hash source that lets exactly this inline text through."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# plotly.js writes chart labels' bold, italic and grey text as style attributes: only those
# three declarations are let through, by their hashes.
PLOTLY_TEXT = [
    allowing(text) for text in ["font-weight:bold", "font-style:italic", " fill:#6c757d"]
]
STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-hashes'", *PLOTLY_TEXT],
    "img-src": ["'self'", "data:", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"]


def directives(header: str) -> dict[str, list[str]]:
    """Split a Content-Security-Policy header into its directives and their sources."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


def assert_security_headers(response) -> None:
    """Assert the headers every response the project writes carries."""
    assert directives(response["Content-Security-Policy"]) == STRICT_POLICY
    assert "Content-Security-Policy-Report-Only" not in response
    permissions = response["Permissions-Policy"].split(", ")
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_page_carries_the_strict_policy_and_the_other_security_headers(client_for) -> None:
    """The home page of a signed-in user: CSP, Permissions-Policy, frames, referrer, opener."""
    response = client_for("quality_manager").get(reverse("my-work"))

    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_an_api_response_carries_the_same_headers(client_for) -> None:
    """JSON answers get the same headers: a browser that opens them applies the same rules."""
    response = client_for("frontline").get(reverse("api-me"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_public_survey_page_carries_the_same_headers() -> None:
    """Customers answering without an account get the same protection."""
    survey = SurveyFactory.create()

    response = Client().get(reverse("public-survey:answer", kwargs={"token": survey.public_token}))

    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_https_responses_keep_hsts(client_for) -> None:
    """Behind TLS the browser is told to use https only, for a year, subdomains included."""
    response = client_for("executive").get(reverse("my-work"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_report_only_mode_sends_the_same_policy_without_enforcing_it(tmp_path: Path) -> None:
    """CSP_REPORT_ONLY=true lets an operator try the policy out: reported, never blocked."""
    code = (
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY); "
        "print(settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['script-src'])"
    )
    env = {**PRODUCTION_ENV, "CSP_REPORT_ONLY": "true"}

    result = run_manage("shell", "--no-imports", "-c", code, env=env, tmp_path=tmp_path)

    assert result.stdout.split("\n")[:2] == ["None", "[\"'self'\"]"], result.stderr


@pytest.mark.django_db
def test_report_only_mode_sends_the_report_only_header(client_for, settings) -> None:
    """With the policy in report-only mode the browser gets it under the report-only header."""
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None

    response = client_for("quality_manager").get(reverse("my-work"))

    assert "Content-Security-Policy" not in response
    assert directives(response["Content-Security-Policy-Report-Only"]) == STRICT_POLICY


@pytest.mark.django_db
def test_the_api_docs_page_runs_under_the_strict_policy(client_for) -> None:
    """Swagger UI's start-up script is a file of its own (?script), not an inline block."""
    client = client_for("quality_manager")

    page = client.get(reverse("api-docs"))
    script = client.get(reverse("api-docs") + "?script=")

    assert directives(page["Content-Security-Policy"]) == STRICT_POLICY
    assert inline_code(page.content.decode()) == []
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_plotly_finds_its_rules_in_a_stylesheet_served_beside_its_bundle(settings) -> None:
    """plotly.js injects a <style> unless its stylesheet is linked: the file must be there."""
    found = finders.find(settings.PLOTLY_CSS)

    assert isinstance(found, str)
    assert ".js-plotly-plot .plotly" in Path(found).read_text()
    assert Path(settings.PLOTLY_CSS).parent == Path(settings.PLOTLY_JS).parent


# The walk -----------------------------------------------------------------------------------


class InlineCodeFinder(HTMLParser):
    """Collect what a strict policy would block: handlers, style attributes, inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            elif name in {"href", "src", "action"} and (value or "").strip().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> block")
        # A JSON data block (json_script) is never run; any other script needs a src.
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")


def inline_code(html: str) -> list[str]:
    """Return the inline handlers, styles and scripts in a page, as short descriptions."""
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_spots_each_kind_of_inline_code() -> None:
    """The walk's own check: each thing the policy blocks is reported, data blocks are not."""
    html = (
        '<button onclick="go()">Go</button><div style="width: 5%"></div>'
        "<style>p {}</style><script>alert(1)</script>"
        '<a href="javascript:void(0)">x</a><script src="/static/js/behaviours.js"></script>'
        '<script type="application/json" id="chart-data">{}</script>'
    )

    found = inline_code(html)

    assert found == [
        "<button onclick='go()'>",
        "<div style='width: 5%'>",
        "<style> block",
        "inline <script>",
        "<a href='javascript:void(0)'>",
    ]
