"""Template tag of the sign-in page: `{% company_sign_in_button %}` (core.oidc)."""

from typing import Any

from django import template
from django.conf import settings

from core import oidc

register = template.Library()


@register.inclusion_tag("includes/company_sign_in.html", takes_context=True)
def company_sign_in_button(context: template.Context) -> dict[str, Any]:
    """Render the "Sign in with <provider>" form, or nothing when it is not configured."""
    return {
        "enabled": oidc.enabled(),
        "action": oidc.login_url() if oidc.enabled() else "",
        "provider_name": settings.OIDC_PROVIDER_NAME,
        "next": context.get("next", ""),
        "csrf_token": context.get("csrf_token"),
    }
