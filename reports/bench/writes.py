"""The bench's write figures: logging a complaint (the imports are in `imports.py`).

Complaints are logged as frontline staff and integrations log them, through the same live
gunicorn as the pages: the page's form (its CSRF token read from the form, the POST answered by
a redirect to the new complaint, not followed) and the API (a token, 201 Created). p50 and p95
are of `REPEAT` writes of each, after a few to warm up.
"""

import http.client
import json
import re
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token

REPEAT = 60
WARM_UP = 3
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class WriteFigure:
    """One write's server time (seconds)."""

    name: str
    p50: float
    p95: float
    detail: str


def _connection(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)


def _request(
    base: str, method: str, path: str, *, headers: dict[str, str], body: str | None = None
) -> tuple[int, dict[str, str], str, float]:
    """Send one request without following a redirect; return status, headers, body, seconds."""
    server = _connection(base)
    try:
        started = time.perf_counter()
        server.request(method, path, body=body, headers=headers)
        answer = server.getresponse()
        text = answer.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - started
        return answer.status, dict(answer.getheaders()), text, seconds
    finally:
        server.close()


def _percentiles(name: str, times: list[float], detail: str) -> WriteFigure:
    times = sorted(times)
    return WriteFigure(
        name=name,
        p50=statistics.median(times),
        p95=statistics.quantiles(times, n=20)[-1],
        detail=detail,
    )


def _page_log(base: str, cookie: str, number: int) -> float:
    """Log one complaint through the page's form; return the POST's seconds."""
    path = reverse("feedback:complaint-log")
    status, headers, text, _seconds = _request(
        base, "GET", path, headers={"Cookie": f"sessionid={cookie}"}
    )
    token = CSRF_FIELD.search(text)
    if status != 200 or token is None:
        raise RuntimeError(f"{path} answered {status} without its form")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    cookies = f"sessionid={cookie}" + (f"; csrftoken={csrf_cookie.group(1)}" if csrf_cookie else "")
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "description": f"Bench complaint {number}: the parcel came two days late.",
        "severity": "2",
        "channel": "phone",
    }
    status, headers, text, seconds = _request(
        base,
        "POST",
        path,
        headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(form),
    )
    if status != 302 or "/feedback/complaints/" not in headers.get("Location", ""):
        raise RuntimeError(f"Logging a complaint on {path} answered {status}: {text[:300]}")
    return seconds


def _api_log(base: str, token: str, number: int) -> float:
    """Log one complaint through the API; return the POST's seconds."""
    body = json.dumps(
        {
            "description": f"Bench complaint {number} from the contact centre's system.",
            "severity": 2,
            "channel": "phone",
        }
    )
    status, _headers, text, seconds = _request(
        base,
        "POST",
        "/api/v1/complaints/",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        body=body,
    )
    if status != 201:
        raise RuntimeError(f"Logging a complaint through the API answered {status}: {text[:300]}")
    return seconds


def complaint_logging(
    base: str, cookie: str, user: User, *, repeat: int = REPEAT
) -> list[WriteFigure]:
    """Time logging a complaint through the page and through the API (p50 / p95)."""
    token = Token.objects.get_or_create(user=user)[0].key
    page = [_page_log(base, cookie, number) for number in range(WARM_UP + repeat)]
    api = [_api_log(base, token, number) for number in range(WARM_UP + repeat)]
    return [
        _percentiles("log a complaint: page", page[WARM_UP:], "POST of the form, to its redirect"),
        _percentiles("log a complaint: API", api[WARM_UP:], "POST /api/v1/complaints/, 201"),
    ]
