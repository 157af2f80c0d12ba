"""Pages owned by core: the role-aware home page and the health endpoint."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health, home_panels


def home(request: HttpRequest) -> HttpResponse:
    """Show the signed-in user the panels of their roles."""
    panels = home_panels.panels_for(request)
    return render(request, "core/home.html", {"panels": panels})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and the broker are both reachable, 503 otherwise."""
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(check.ok for check in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {name: check.as_dict() for name, check in checks.items()},
        },
        status=200 if healthy else 503,
    )


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Send browsers that ask for /favicon.ico (admin pages, API docs) to the site icon."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("img/favicon.svg"))
