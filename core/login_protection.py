"""Sign-in limits: django-axes, with each attempt counted before its password is checked.

django-axes' database handler reads the failures so far, lets the password be checked, and
writes the failure afterwards. Twenty sign-ins sent at the same moment all read "no failures"
before the first one is written, so all twenty passwords are tried. Here reading and counting
are one step, serialized per client address: an attempt is let through only while the failures
so far, attempts still being checked included, are under the limits, and it is counted as a
failure when it is let through. A right password takes the count back: it clears that account's
failures from that address.

The limits, counted within the lockout window (settings: AXES_COOLOFF_TIME):
- per account and address (AXES_FAILURE_LIMIT): guessing one account's password;
- per address, whatever the account (LOGIN_ADDRESS_FAILURE_LIMIT): one password tried on many.

The page, the admin's sign-in and the API token endpoint all authenticate through
`LoginLimitBackend`; a refusal is answered by `lockout_response` (through axes' middleware): a
page saying when to try again, or JSON under /api/. Administrators lift a lockout by deleting
the account's rows in the admin's "Access attempts", or with `manage.py axes_reset_username`.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesBackend, AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_credentials, get_query_str
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, router, transaction
from django.db.models import F, Max, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

# Set on a request whose attempt was counted as a failure when it was let through.
COUNTED = "login_attempt_counted"


@dataclass(frozen=True)
class Standing:
    """Failures within the window for one limit, and when the latest of them happened."""

    scope: str  # "account" (this account from this address) or "address" (any account)
    failures: int
    limit: int
    latest: datetime | None

    @property
    def exceeded(self) -> bool:
        """Return whether the limit is reached: the next attempt is refused."""
        return self.failures >= self.limit


def _address(request: HttpRequest) -> str | None:
    """Return the client address axes worked out for the request (core.network)."""
    return getattr(request, "axes_ip_address", None)


def standings(request: HttpRequest, credentials: dict[str, Any] | None) -> list[Standing]:
    """Return both limits' failures for the request's account and address, in one query."""
    username = get_client_username(request, credentials)
    account = Q(username=username)
    totals = AccessAttempt.objects.filter(
        ip_address=_address(request), attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(
        account_failures=Sum("failures_since_start", filter=account),
        account_latest=Max("attempt_time", filter=account),
        address_failures=Sum("failures_since_start"),
        address_latest=Max("attempt_time"),
    )
    return [
        Standing(
            "account",
            totals["account_failures"] or 0,
            settings.AXES_FAILURE_LIMIT,
            totals["account_latest"],
        ),
        Standing(
            "address",
            totals["address_failures"] or 0,
            settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            totals["address_latest"],
        ),
    ]


def _lock_address(request: HttpRequest, using: str) -> None:
    """Hold the client address's lock until the transaction ends.

    PostgreSQL: an advisory lock on a hash of the address, so attempts from one address are
    let through one at a time while attempts from other addresses go on. SQLite takes its one
    write lock when the transaction begins (settings: transaction_mode IMMEDIATE).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"sign-in:{_address(request)}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, signed=True)])


def _count_failure(request: HttpRequest, credentials: dict[str, Any] | None) -> None:
    """Add one failure to the row of this account, address and browser (axes' own row)."""
    attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
        username=get_client_username(request, credentials),
        ip_address=_address(request),
        user_agent=request.axes_user_agent,  # type: ignore[attr-defined]
        defaults={
            # NUL bytes would stop PostgreSQL saving the row.
            "get_data": get_query_str(request.GET).replace("\0", "0x00"),
            "post_data": get_query_str(request.POST).replace("\0", "0x00"),
            "http_accept": request.axes_http_accept,  # type: ignore[attr-defined]
            "path_info": request.axes_path_info,  # type: ignore[attr-defined]
            "failures_since_start": 1,
        },
    )
    if not created:
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            failures_since_start=F("failures_since_start") + 1,
            attempt_time=timezone.now(),
            path_info=request.axes_path_info,  # type: ignore[attr-defined]
        )


class LoginAttemptHandler(AxesDatabaseHandler):
    """axes' database handler, letting an attempt through and counting it in one locked step."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Return whether either limit is reached for the request's account and address."""
        return any(standing.exceeded for standing in standings(request, credentials))

    def is_allowed(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Let the attempt through if both limits allow one more, counting it as a failure."""
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        self.clean_expired_user_attempts(request, credentials)
        using = router.db_for_write(AccessAttempt)
        with transaction.atomic(using=using):
            _lock_address(request, using)
            if self.is_locked(request, credentials):
                return False
            _count_failure(request, credentials)
        setattr(request, COUNTED, True)
        return True

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Flag the request for the lockout answer when this failure reached a limit.

        An attempt let through was counted already; the others (refused during a lockout, or
        failed before reaching the backend) go to axes' own handling.
        """
        if request is None or not getattr(request, COUNTED, False):
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=_address(request),
            )

    def succeeded(self, request: HttpRequest, credentials: dict[str, Any] | None) -> None:
        """Clear the failures of the account that signed in, from the address it signed in from.

        Other accounts' failures from the address stay: knowing one password must not wipe out
        the count of guesses at the others.
        """
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=_address(request)
        ).delete()


class LoginLimitBackend(AxesBackend):
    """Check the password (ModelBackend) only for attempts the limits let through."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        """Return the user for right credentials; raise PermissionDenied during a lockout."""
        # Raises when refused; otherwise lets the attempt through and counts it.
        AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        user = ModelBackend.authenticate(self, request, username, password, **kwargs)
        if user is not None and request is not None and getattr(request, COUNTED, False):
            LoginAttemptHandler().succeeded(request, get_credentials(username))
        return user


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused, and from when it is possible again."""

    scope: str
    until: datetime

    @property
    def message(self) -> str:
        """Return the reason in one sentence for the person signing in."""
        if self.scope == "address":
            return _("There were too many failed sign-ins from your network address.")
        return _("There were too many failed sign-ins to this account from your network address.")

    def retry_after(self) -> int:
        """Return the seconds until sign-in is possible again (at least one)."""
        return max(int((self.until - timezone.now()).total_seconds()) + 1, 1)


def lockout_for(request: HttpRequest, credentials: dict[str, Any] | None) -> Lockout:
    """Return the limit that refuses the request and when it lifts (the later one if both)."""
    cool_off = get_cool_off(request) or timedelta(0)
    reached = [
        Lockout(standing.scope, standing.latest + cool_off)
        for standing in standings(request, credentials)
        if standing.exceeded and standing.latest is not None
    ]
    if not reached:  # lifted between the refusal and this answer
        return Lockout("account", timezone.now())
    return max(reached, key=lambda lockout: lockout.until)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """Answer a refused sign-in: 429 with the page saying when to retry, or JSON under /api/.

    axes' middleware calls it (AXES_LOCKOUT_CALLABLE) for the sign-in page, the admin's sign-in
    and the API token endpoint.
    """
    lockout = lockout_for(request, credentials)
    local_until = timezone.localtime(lockout.until)
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "%(reason)s Sign-in is refused until %(time)s; an administrator can unlock "
                    "it sooner."
                )
                % {"reason": lockout.message, "time": local_until.isoformat(timespec="seconds")},
                "reason": "too_many_failed_sign_ins",
                "scope": lockout.scope,
                "locked_until": local_until.isoformat(timespec="seconds"),
                "retry_after": lockout.retry_after(),
            },
            status=429,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {
                "reason": lockout.message,
                "until": format_date(local_until, "H:i"),
                "minutes": (lockout.retry_after() + 59) // 60,
            },
            status=429,
        )
    response["Retry-After"] = str(lockout.retry_after())
    return response
