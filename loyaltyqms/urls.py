"""Top-level URL configuration: each app contributes its own urls module."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.openapi import CachedSchemaGenerator

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("core.account_urls")),
    # Sign-in with the company account: only allauth's OpenID Connect start and callback,
    # /accounts/oidc/<provider>/login/ (404 unless OIDC_ISSUER is set; core.oidc).
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("journeys/", include("journeys.urls")),
    path("feedback/", include("feedback.urls")),
    path("metrics/", include("metrics.urls")),
    path("improvement/", include("improvement.urls")),
    path("reports/", include("reports.urls")),
    path("s/", include("feedback.public_urls")),  # the public survey pages (no login)
    path("you-said-we-did/", include("improvement.public_urls")),  # public, no login
    path("imports/", include("core.imports.urls")),
    path("notifications/", include("core.notifications.urls")),
    path("settings/chat-channels/", include("core.notifications.chat_urls")),
    path("integrations/webhooks/", include("core.webhooks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("core.api_urls")),
    path("api/v1/", include("core.imports.api_urls")),
    path("api/v1/", include("core.notifications.api_urls")),
    path("api/v1/", include("core.notifications.chat_api_urls")),
    path("api/v1/", include("core.webhooks.api_urls")),
    path("api/v1/", include("stakeholders.api_urls")),
    path("api/v1/", include("journeys.api_urls")),
    path("api/v1/", include("feedback.api_urls")),
    path("api/v1/", include("metrics.api_urls")),
    path("api/v1/", include("improvement.api_urls")),
    path("api/v1/", include("reports.api_urls")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(generator_class=CachedSchemaGenerator),
        name="api-schema",
    ),
    # The docs are a page for people: signing in leads back to them (DRF would answer 403).
    # The split view serves Swagger UI's start-up script as a file (?script), not inline, so the
    # page keeps the strict Content-Security-Policy; templates/core/api_docs.html links its CSS.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="core/api_docs.html"
            )
        ),
        name="api-docs",
    ),
]

# Error pages in the product's layout (JSON under /api/); the views live in core.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
