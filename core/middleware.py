"""Request middleware shared by every app."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase, QueryDict

# Paths Django REST framework authenticates itself (sessions and tokens), answering 401/403.
API_PREFIXES = ("/api/v1/", "/api/schema/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Require login on every page unless the view is marked `login_not_required`.

    The API is left to Django REST framework, which authenticates sessions and tokens itself and
    answers 401/403 instead of redirecting to the login page; the API docs page is a page.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith(API_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RefuseNulMiddleware:
    """Answer 400 when the path, query string, a header, a cookie or a form holds a NUL character.

    PostgreSQL cannot store or compare text with NUL, so one reaching a query is a 500
    (`/s/%00/`, a token or session key); no legitimate address, filter, credential or form value
    holds one. JSON bodies are checked by the API's parser (core.parsers). Reading a form here
    also applies DATA_UPLOAD_MAX_MEMORY_SIZE and DATA_UPLOAD_MAX_NUMBER_FIELDS before any view
    runs. The refusal is `core.views.bad_request`'s page (JSON under /api/).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path or _holds_nul(request.GET):
            raise BadRequest("The address holds a NUL character.")
        if _headers_hold_nul(request):
            raise BadRequest("A header or cookie holds a NUL character.")
        if request.method == "POST" and (_holds_nul(request.POST) or _names_hold_nul(request)):
            raise BadRequest("The form holds a NUL character.")
        return self.get_response(request)


def _holds_nul(values: QueryDict) -> bool:
    """Return whether a query string or form has a NUL in any name or value."""
    return any(
        "\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values
    )


def _headers_hold_nul(request: HttpRequest) -> bool:
    """Return whether a header, or a cookie once unquoted ("\\000"), has a NUL."""
    headers = (value for name, value in request.META.items() if name.startswith("HTTP_"))
    return any(isinstance(value, str) and "\x00" in value for value in headers) or any(
        "\x00" in name or "\x00" in value for name, value in request.COOKIES.items()
    )


def _names_hold_nul(request: HttpRequest) -> bool:
    """Return whether an uploaded file's field name or file name has a NUL."""
    return any(
        "\x00" in field or any("\x00" in (upload.name or "") for upload in uploads)
        for field, uploads in request.FILES.lists()
    )
