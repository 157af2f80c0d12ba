"""Request middleware shared by every app."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

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
