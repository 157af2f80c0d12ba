"""Pages owned by core: the role-aware home page, the health endpoint, the history of a
controlled record (page and CSV) and the error pages."""

from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
)
from django.db.models import Field
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.http.response import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from . import audit, health, home_panels
from .history import CSV_HEADER, history_page, history_rows, versions_of
from .roles import is_portal_user
from .spreadsheets import csv_download


def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their role's home page, or show them "My work" when it has none."""
    landing = home_panels.home_for(request.user)
    if landing is not None:
        return redirect(landing)
    return my_work(request)


def my_work(request: HttpRequest) -> HttpResponse:
    """Show the signed-in user the panels of their roles (their queue, actions, kudos...)."""
    if is_portal_user(request.user):
        raise PermissionDenied  # a partner contact's pages are the portal's
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


# History of a controlled record -----------------------------------------------------------------


def _controlled(request: HttpRequest, kind: str, key: str) -> tuple[audit.ControlledRecord, Any]:
    """Return the registration of `kind` and the record's primary key, if the user may see it.

    The record is looked up through its registered selector, so whoever may not see it (a
    frontline colleague and another's complaint) gets a 404 as on its own page. A deleted
    record's history stays readable by administrators.
    """
    controlled = audit.get(kind)
    if controlled is None or "\x00" in key:
        raise Http404(_("There is no such record."))
    if not request.user.has_perm(controlled.permission):
        raise PermissionDenied
    meta = controlled.model._meta
    by_number = controlled.lookup == "pk"
    # Up to 18 digits: every id fits a bigint, and no number overflows the database's.
    if by_number and not (key.isascii() and key.isdigit() and len(key) <= 18):
        raise Http404(_("There is no such record."))
    field = cast("Field[Any, Any]", meta.pk if by_number else meta.get_field(controlled.lookup))
    value = int(key) if by_number else key
    found = controlled.visible(request.user).filter(**{field.attname: value})
    pk = found.values_list("pk", flat=True).first()
    if pk is None and request.user.is_superuser:
        key_column = cast("Field[Any, Any]", meta.pk).attname
        pk = (
            controlled.model.history.filter(**{field.attname: value})  # type: ignore[attr-defined]
            .values_list(key_column, flat=True)
            .first()
        )
    if pk is None:
        raise Http404(_("There is no such record, or it is not yours to see."))
    return controlled, pk


def record_history(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """Show every version of a controlled record, newest first, a page at a time."""
    controlled, pk = _controlled(request, kind, key)
    page, entries = history_page(controlled.model, pk, request.GET.get("page"))
    record = controlled.model._default_manager.filter(pk=pk).first()
    deleted = record is None
    if record is None:  # deleted: its last version stands for it
        record = versions_of(controlled.model, pk)[0].instance
    address = getattr(record, "get_absolute_url", None)
    return render(
        request,
        "core/record_history.html",
        {
            "record": record,
            "deleted": deleted,
            "record_url": address() if address and not deleted else "",
            "kind": controlled.model._meta.verbose_name,
            "entries": entries,
            "page_obj": page,
            "csv_url": reverse("record-history-csv", args=[kind, key]),
        },
    )


def record_history_csv(request: HttpRequest, kind: str, key: str) -> StreamingHttpResponse:
    """Export every version of a controlled record as CSV: who, when, each field before and
    after (every value on creation and deletion), formulas defused."""
    controlled, pk = _controlled(request, kind, key)
    return csv_download(
        f"history-{controlled.key}-{key}", CSV_HEADER, history_rows(controlled.model, pk)
    )


# Error pages -------------------------------------------------------------------------------------
# Wired in loyaltyqms/urls.py (handler400/403/404/500) and settings (CSRF_FAILURE_VIEW). API callers

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


def too_large_detail() -> str:
    """Return why a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused, for an API client."""
    return _("The request body is larger than the %(limit)s bytes this site accepts.") % {
        "limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
    }


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Say that the request could not be accepted (413 for a body too large), without touching
    the session or the database: what was refused may be the cookie or the address itself."""
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if too_large:
        text = _(
            "What was sent is larger than LoyaltyQMS accepts (%(limit)s bytes). Nothing was "
            "saved: shorten the text, or send the data in several parts."
        ) % {"limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"}
    elif type(exception) is BadRequest and exception.args:
        text = str(exception.args[0])  # core.middleware's refusals are written for people
    else:
        text = _("The request could not be understood.")
    if _is_api(request):
        detail = too_large_detail() if too_large else text
        return JsonResponse({"detail": detail}, status=status)
    context = _error_context(
        request,
        status,
        base_template="base_error.html",
        icon="exclamation-triangle",
        title=_("Request too large") if too_large else _("This request cannot be accepted"),
        text=text
        if too_large
        else _("%(reason)s Check the address, or go back and send the form again.")
        % {"reason": text},
    )
    # Rendered without the request: the cookie or address refused may be what context needs.
    return HttpResponse(loader.get_template("core/error.html").render(context), status=status)


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
