"""The account page and the second sign-in step: set up an authenticator, give its code, end it.

Sign-in itself is Django's LoginView (core.account_urls), limited by core.login_protection; the
gate that sends a session owing its code here is core.two_factor.SecondStepMiddleware.
"""

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import AuthenticatorCodeForm, service_errors
from .roles import acting_user, user_roles
from .two_factor import (
    SECOND_STEP,
    confirmed_device,
    pending_device,
    recommended_for,
    second_step_pending,
)


def _qr_code(device: TOTPDevice) -> SafeString:
    """Return the device's set-up link as an inline SVG QR code (no script, no style attribute).

    The SVG is drawn by qrcode from the link alone: no text of the user's reaches the markup.
    qrcode is imported here, for the one page that draws it (0.06 s off every start).
    """
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10
    )
    svg = image.to_string(encoding="unicode")
    label = _("QR code to scan with your authenticator app")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308


def _secret(device: TOTPDevice) -> str:
    """Return the device's key as authenticator apps take it typed in: base32, in fours."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Show who one is and the second sign-in step; POST with a code turns that step off."""
    user = acting_user(request)
    device = confirmed_device(user)
    form = AuthenticatorCodeForm(request.POST if request.method == "POST" and device else None)
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            services.totp_device_delete(user=user, code=form.cleaned_data["code"])
        if call.ok:
            request.session.pop(SECOND_STEP, None)
            messages.success(request, _("Two-step sign-in is off: your password alone signs in."))
            return redirect("account")
    return render(
        request,
        "registration/account.html",
        {
            "roles": sorted(role.value for role in user_roles(user)),
            "device": device,
            "recommended": recommended_for(user),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: start (QR code and key), then confirm with its first code."""
    user = acting_user(request)
    if request.method == "POST" and "start" in request.POST:
        services.totp_device_start(user=user)
        return redirect("two-factor")
    device = pending_device(user)
    form = AuthenticatorCodeForm(request.POST if request.method == "POST" and device else None)
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            confirmed = services.totp_device_confirm(user=user, code=form.cleaned_data["code"])
        if call.ok:
            otp_login(request, confirmed)  # this session has just given a code
            # Sessions that signed in without the code (elsewhere, earlier) end now.
            services.sessions_end_others(user=user, keep=request.session.session_key)
            messages.success(
                request, _("Two-step sign-in is on: each sign-in now asks for a code.")
            )
            return redirect("account")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "device": device,
            "qr_code": _qr_code(device) if device else "",
            "secret": _secret(device) if device else "",
            "replacing": confirmed_device(user) is not None,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _next_page(request: HttpRequest) -> str:
    """Return the page to continue to after the code: the one asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return str(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator's code after the password, then continue where one was going."""
    user = acting_user(request)
    next_page = _next_page(request)
    if not second_step_pending(request):
        return redirect(next_page)
    if confirmed_device(user) is None:  # an administrator removed the device meanwhile
        request.session.pop(SECOND_STEP, None)
        return redirect(next_page)
    form = AuthenticatorCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            device = services.totp_device_verify(user=user, code=form.cleaned_data["code"])
        if call.ok:
            otp_login(request, device)
            return redirect(next_page)
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_page},
        status=400 if form.is_bound else 200,
    )
