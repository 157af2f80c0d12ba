"""The organisation's name and logo on the public pages: `{% organisation_name %}` and
`{% organisation_logo %}` (settings ORGANISATION_NAME and ORGANISATION_LOGO)."""

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@register.simple_tag
def organisation_name() -> str:
    """Return the organisation's name."""
    return str(settings.ORGANISATION_NAME)


@register.simple_tag
def organisation_logo() -> str:
    """Return the address of the organisation's logo, empty when its static file is missing
    (the name then stands alone; `check` warns core.W002)."""
    logo = str(settings.ORGANISATION_LOGO)
    if logo.startswith("https://"):
        return logo
    try:
        return static(logo)
    except ValueError:  # not in the static files' manifest
        return ""
