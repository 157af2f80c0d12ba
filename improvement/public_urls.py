"""The public "You said, we did" page: what changed after customers spoke up (no login)."""

from django.urls import path

from .views import public

app_name = "public-improvement"

urlpatterns = [
    path("", public.you_said_we_did, name="you-said-we-did"),
]
