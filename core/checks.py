"""System checks of the project's own settings, shown by runserver, migrate and `check`."""

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def site_url_check(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when e-mails cannot link to the site: no SITE_URL and no host to derive it from."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set and ALLOWED_HOSTS names no host: e-mails cannot link to the site.",
            hint="Set SITE_URL to the address people open the site at (https://qms.example.com).",
            id="core.W001",
        )
    ]


@checks.register()
def organisation_logo_check(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when ORGANISATION_LOGO names a static file that does not exist (the public pages
    would show the organisation's name without it)."""
    from django.contrib.staticfiles import finders

    logo = settings.ORGANISATION_LOGO
    if logo.startswith("https://") or finders.find(logo):
        return []
    return [
        checks.Warning(
            f"ORGANISATION_LOGO names no static file: {logo!r}.",
            hint="Put the file under static/ (e.g. static/img/logo.svg) or give an https:// "
            "address.",
            id="core.W002",
        )
    ]
