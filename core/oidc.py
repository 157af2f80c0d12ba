"""Sign-in with the company account: OpenID Connect through django-allauth.

Settings (loyaltyqms/settings.py) configure the one provider from the environment; this module
decides who may come in and with which role. A person is created on their first sign-in from the
identity provider's claims (username from `preferred_username`, else the e-mail address; names and
address), and every sign-in sets their roles from the OIDC_ROLE_CLAIM claim through OIDC_ROLE_MAP,
falling back to OIDC_DEFAULT_ROLE; with neither, the sign-in is refused on the sign-in page and no
session is opened. A company sign-in never makes anyone an administrator.

An address already held by an account here: the company account is linked to it only when the
identity provider says the address is verified and the account is not an administrator's (the
demo and break-glass administrators stay local); otherwise the sign-in is refused, so that no one
takes over an account by claiming its address.

The identity provider authenticated the person: the sign-in does not ask for this application's
authenticator code (core.two_factor reads `COMPANY_SIGN_IN` on the request).
"""

from collections.abc import Iterable
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core import checks
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Role
from .services import user_roles_replace
from .two_factor import COMPANY_SIGN_IN

NO_ROLE = _(
    "Your company account has no role in LoyaltyQMS. Ask an administrator to add you to one "
    "of the groups that give access."
)
ADDRESS_TAKEN = _(
    "An account here already uses the e-mail address of your company account. Sign in with "
    "its password, or ask an administrator to link the two."
)
DEACTIVATED = _("Your account here is deactivated. Ask an administrator.")
ADMINISTRATOR = _("Administrators sign in with their password.")
FAILED = _("Signing in with your company account did not work. Please try again.")

# Roles a company sign-in may give: a partner contact also needs a partner, set by hand.
GRANTABLE = frozenset(STAFF_ROLES)

StrOrPromise = str | Promise


def enabled() -> bool:
    """Return whether sign-in with the company account is configured (OIDC_ISSUER is set)."""
    return bool(settings.OIDC_ISSUER)


def login_url() -> str:
    """Return the address the sign-in button posts to."""
    return reverse("openid_connect_login", kwargs={"provider_id": settings.OIDC_PROVIDER_ID})


def claims_of(sociallogin: SocialLogin) -> dict[str, Any]:
    """Return the person's claims: the userinfo answer, else the ID token's."""
    data = sociallogin.account.extra_data or {}
    return dict(data.get("userinfo") or data.get("id_token") or data)


def roles_for(claims: dict[str, Any]) -> frozenset[Role]:
    """Return the roles the claims give through OIDC_ROLE_MAP, else the default role, if any."""
    value = claims.get(settings.OIDC_ROLE_CLAIM) or []
    groups: Iterable[Any] = [value] if isinstance(value, str) else value
    mapping = settings.OIDC_ROLE_MAP
    names = {mapping[str(group)] for group in groups if str(group) in mapping}
    if not names and settings.OIDC_DEFAULT_ROLE:
        names = {settings.OIDC_DEFAULT_ROLE}
    return frozenset(role for role in GRANTABLE if role.value in names)


def refuse(request: HttpRequest, message: StrOrPromise) -> ImmediateHttpResponse:
    """Return the exception that ends the sign-in on the sign-in page with the message."""
    messages.error(request, str(message))  # translated now, in the request's language
    return ImmediateHttpResponse(HttpResponseRedirect(reverse("login")))


class CompanyAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's hooks: who may sign in with the company account, and with which roles."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse a sign-in without a role or on a taken address; set a known person's roles."""
        if sociallogin.state.get("process", "login") != "login":
            # Only signing in: allauth's connect flow has no page here (nor any need).
            raise refuse(request, FAILED)
        roles = roles_for(claims_of(sociallogin))
        if not roles:
            known = sociallogin.user if sociallogin.is_existing else None
            if isinstance(known, User) and not known.is_superuser:
                # The provider is the source of roles: one it no longer gives is taken away.
                user_roles_replace(user=known, roles=frozenset())
            raise refuse(request, NO_ROLE)
        if not sociallogin.is_existing:
            self._link_by_address(request, sociallogin)
        setattr(request, COMPANY_SIGN_IN, True)
        if sociallogin.is_existing:
            user = sociallogin.user
            assert isinstance(user, User)
            if user.is_superuser or not user.is_active:
                raise refuse(request, ADMINISTRATOR if user.is_superuser else DEACTIVATED)
            user_roles_replace(user=user, roles=roles)

    def _link_by_address(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Link the company account to the account holding its address, or refuse."""
        claims = claims_of(sociallogin)
        address = str(claims.get("email") or "").strip()
        if not address:
            return
        holders = list(User.objects.filter(email__iexact=address))
        if not holders:
            return
        holder = holders[0]
        verified = claims.get("email_verified") is True
        if len(holders) > 1 or not verified or holder.is_superuser or holder.is_staff:
            raise refuse(request, ADDRESS_TAKEN)
        # Linked accounts are found by the company account's id from now on (is_existing).
        sociallogin.connect(request, holder)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        """Create the person on their first sign-in, with the roles their claims give."""
        user = super().save_user(request, sociallogin, form)
        user_roles_replace(user=user, roles=roles_for(claims_of(sociallogin)))
        return user

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> User:
        """Name the new account after `preferred_username`, else the e-mail address."""
        user = super().populate_user(request, sociallogin, data)
        if not user.username:
            user.username = (data.get("email") or "")[:150]
        user.is_active = True
        return user

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Let anyone the identity provider gives a role in (pre_social_login checked it)."""
        return True

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """Send a failed or cancelled sign-in back to the sign-in page, saying so."""
        raise refuse(request, FAILED)

    def send_notification_mail(self, *args: Any, **kwargs: Any) -> None:
        """Send nothing: allauth's mails would link to its pages, which are not mounted."""


@checks.register()
def company_sign_in_check(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse role names the mapping cannot give, and a configuration without a client id."""
    if not settings.OIDC_ISSUER:
        return []
    errors: list[checks.CheckMessage] = []
    names = {*settings.OIDC_ROLE_MAP.values()}
    if settings.OIDC_DEFAULT_ROLE:
        names.add(settings.OIDC_DEFAULT_ROLE)
    for name in sorted(names - {role.value for role in GRANTABLE}):
        errors.append(
            checks.Error(
                f"OIDC_ROLE_MAP or OIDC_DEFAULT_ROLE names {name!r}, which is not a staff role.",
                hint="Use " + ", ".join(repr(role.value) for role in STAFF_ROLES) + ".",
                id="core.E101",
            )
        )
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    if not all(app.get("client_id") for app in apps):
        errors.append(
            checks.Error(
                "OIDC_ISSUER is set but OIDC_CLIENT_ID is not.",
                hint="Register LoyaltyQMS with the identity provider and set its client id.",
                id="core.E102",
            )
        )
    return errors
