"""Two-step sign-in (django-otp, TOTP): which accounts need a code, and the gate that asks for it.

Anyone may add an authenticator app on their account page; it is offered to quality managers
and administrators, whose accounts can change the most. Once a device is confirmed, every
sign-in (the sign-in page or the admin's) asks for the app's current code before anything else:
at sign-in the session is marked as needing the second step, and `SecondStepMiddleware` sends
such a session to the code page (or answers the API with 403) until the code is given. The API
token endpoint asks for the code in the same request (core.api). An administrator lets a person
who lost their phone back in by deleting the device in the admin ("TOTP devices").
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role, has_role

# Session key: this sign-in needs the second step (set at sign-in, for accounts with a device).
SECOND_STEP = "second_step_required"
# Request attribute: the company's identity provider authenticated this sign-in (core.oidc).
COMPANY_SIGN_IN = "company_sign_in"


def confirmed_device(user: AbstractBaseUser | AnonymousUser) -> TOTPDevice | None:
    """Return the user's confirmed authenticator device, if they set one up."""
    if not isinstance(user, User):
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice | None:
    """Return the device being set up: created, its first code not given yet."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).first()


def recommended_for(user: User) -> bool:
    """Return whether the account page recommends the second step (quality managers, admins)."""
    return has_role(user, Role.QUALITY_MANAGER)


def mark_second_step(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Mark a new sign-in as needing the code when the account has a confirmed device.

    Connected to `user_logged_in` (core.apps), so every way of signing in is covered: the
    sign-in page, the admin's, and any added later. A sign-in with the company account is not
    asked: the company's identity provider authenticated the person (its own second step).
    """
    if request is not None and getattr(request, COMPANY_SIGN_IN, False):
        request.session.pop(SECOND_STEP, None)
        return
    if request is not None and hasattr(request, "session") and confirmed_device(user):
        request.session[SECOND_STEP] = True


def second_step_pending(request: HttpRequest) -> bool:
    """Return whether the session signed in with a password and still owes the code."""
    if not request.session.get(SECOND_STEP):
        return False
    user = request.user
    return bool(user.is_authenticated and not user.is_verified())  # type: ignore[attr-defined]


class SecondStepMiddleware:
    """Keep a session that owes its code on the code page; the API answers 403 meanwhile."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not second_step_pending(request) or request.path_info in self._open_paths():
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": "Enter the code from your authenticator app to finish signing in."},
                status=403,
            )
        query = urlencode({"next": request.get_full_path()})
        response: HttpResponse = redirect(f"{reverse('two-factor-verify')}?{query}")
        return response

    @staticmethod
    def _open_paths() -> set[str]:
        """Return the pages a session owing its code may open: the code page, signing out."""
        return {reverse("two-factor-verify"), reverse("logout")}
