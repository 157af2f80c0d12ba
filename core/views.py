"""Pages owned by core: the role-aware home page, the health endpoint and the error pages."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import DisallowedHost
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
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


# Error pages -------------------------------------------------------------------------------------
# Wired in loyaltyqms/urls.py (handler403/404/500) and settings (CSRF_FAILURE_VIEW). API callers
# get JSON like the rest of the API; people get the product's layout and a way back.


def _is_api(request: HttpRequest) -> bool:
    """Return whether the request was for the API (the API docs are a page for people)."""
    path = request.path_info
    return path.startswith("/api/") and not path.startswith("/api/docs/")


def _referer(request: HttpRequest) -> str:
    """Return the page of this site the visitor came from, or "" (another site, or none)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _error_context(request: HttpRequest, status: int, **page: Any) -> dict[str, Any]:
    back = _referer(request)
    parts = urlsplit(back)
    if urlunsplit(("", "", parts.path, parts.query, "")) == request.get_full_path():
        back = ""  # the failing page itself: going back there would fail again
    return {"status": status, "back_url": back, **page}


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Say that the page does not exist (or is not the visitor's to see) and offer a way back."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    # Http404 raised by a view carries a sentence for people; the resolver's carries its tries.
    said = exception.args[0] if type(exception) is Http404 and exception.args else None
    text = (
        said
        if isinstance(said, str) and said
        else _(
            "There is no page at this address, or it is not yours to see. The link may be old or "
            "mistyped."
        )
    )
    context = _error_context(
        request, 404, icon="signpost-split", title=_("Page not found"), text=text
    )
    return render(request, "core/error.html", context, status=404)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Say that the visitor's role does not allow this page and offer a way back."""
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")}, status=403
        )
    context = _error_context(
        request,
        403,
        icon="shield-lock",
        title=_("Not allowed"),
        text=_(
            "Your role does not allow this page or action. If you need it for your work, ask "
            "your administrator for the role that does."
        ),
    )
    return render(request, "core/error.html", context, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Say that something broke on our side, without touching the database (it may be down)."""
    if _is_api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    context = _error_context(
        request,
        500,
        base_template="base_error.html",
        icon="exclamation-octagon",
        title=_("Something went wrong"),
        text=_(
            "LoyaltyQMS could not finish this request. The error has been logged; please try "
            "again in a moment. If it keeps happening, tell your administrator what you were doing."
        ),
    )
    # Rendered without the request: context processors would query the database.
    return HttpResponse(loader.get_template("core/error.html").render(context), status=500)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Say that the form expired and lead back to it, so the visitor can send it again."""
    if _is_api(request):
        return JsonResponse(
            {"detail": _("CSRF failed: %(reason)s") % {"reason": reason}}, status=403
        )
    context = _error_context(
        request,
        403,
        icon="hourglass-bottom",
        title=_("This form expired"),
        text=_(
            "The form was open too long, or you signed in or out in another tab, so it was not "
            "sent and nothing was saved. Reload the form and try again."
        ),
        detail=reason if settings.DEBUG else "",
    )
    # The page that held the form (its query string too), else the address it was sent to.
    context["retry_url"] = _referer(request) or request.get_full_path()
    context["back_url"] = ""
    return render(request, "core/error.html", context, status=403)
