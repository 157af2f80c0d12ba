"""Writes owned by core: a user's API token, their authenticator device (second sign-in step) and
the roles the company account's sign-in gives them.

Checking an authenticator code writes too: django-otp counts wrong codes on the device, and
waits longer after each one. That count must survive a wrong code, so the code is checked in
django-otp's own transaction (`django_otp.verify_token`) before anything is refused.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from .exceptions import ApplicationError
from .roles import Role

WRONG_CODE = gettext_lazy(
    "That code did not match. Enter the 6 digits your authenticator app shows now; after "
    "several wrong codes, wait a little before trying again."
)


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """Return the user's API token, creating it on first use (one token per user)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Create a new authenticator device to confirm, dropping any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def _check_code(*, user: User, device: TOTPDevice, code: str) -> None:
    """Refuse a code the device does not accept (the wrong try is counted by django-otp)."""
    if verify_token(user, device.persistent_id, code.strip()) is None:
        raise ValidationError({"code": WRONG_CODE})


def totp_device_confirm(*, user: User, code: str) -> TOTPDevice:
    """Confirm the device being set up with its first code; it replaces any earlier device."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        raise ApplicationError(_("Start the set-up again: no authenticator is waiting for a code."))
    _check_code(user=user, device=device, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def sessions_end_others(*, user: User, keep: str | None) -> int:
    """Sign the user out everywhere but the session `keep`; return how many sessions ended.

    Turning the second step on must not leave a session that signed in without it (a stolen
    password's session, a forgotten computer) still open. Django ties sessions to the password
    only, so the user's other sessions are found in the session store and deleted; this runs
    when the second step is turned on, so reading every live session is affordable.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep)
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def totp_device_verify(*, user: User, code: str) -> TOTPDevice:
    """Return the user's confirmed device if it accepts the code (the second sign-in step)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        raise ApplicationError(_("This account has no authenticator app set up."))
    _check_code(user=user, device=device, code=code)
    return device


def totp_device_delete(*, user: User, code: str) -> None:
    """Turn the second step off: remove the user's devices, given a current code."""
    device = totp_device_verify(user=user, code=code)
    TOTPDevice.objects.filter(user=device.user).delete()


@transaction.atomic
def user_roles_replace(*, user: User, roles: frozenset[Role]) -> User:
    """Give the user exactly these roles' groups, keeping their groups that are not roles.

    The company account's sign-in calls it on every sign-in (core.oidc): the identity provider's
    groups decide the role. It never touches `is_superuser` or `is_staff`.
    """
    role_groups = Group.objects.filter(name__in=[role.value for role in Role])
    user.groups.remove(*role_groups.exclude(name__in=[role.value for role in roles]))
    user.groups.add(*role_groups.filter(name__in=[role.value for role in roles]))
    user.__dict__.pop("_loyaltyqms_roles", None)  # core.roles caches the roles on the user
    return user
