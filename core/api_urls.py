"""API routes owned by core; every app adds its own under /api/v1/."""

from django.urls import path

from .api import MeView, TokenObtainView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
]
