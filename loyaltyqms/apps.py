"""The static files app, told which shipped files the site never serves."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class SiteStaticFilesConfig(StaticFilesConfig):
    """Leave ReDoc (the sidecar ships it beside Swagger UI; the API docs use Swagger UI only)
    out of collectstatic: 5 MB fewer to copy, hash and compress."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "drf_spectacular_sidecar/redoc/*"]
