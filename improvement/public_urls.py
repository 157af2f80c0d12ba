"""The public "You said, we did" page and the roadmap of ideas: what changed after customers and
staff spoke up, and what is planned (no login)."""

from django.urls import path

from .views import public

app_name = "public-improvement"

urlpatterns = [
    path("", public.you_said_we_did, name="you-said-we-did"),
    path("roadmap/", public.idea_roadmap, name="roadmap"),
]
