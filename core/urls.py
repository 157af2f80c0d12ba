"""URLs of core's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/", views.my_work, name="my-work"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The history of a controlled record (core.audit), as a page and as CSV.
    path("history/<slug:kind>/<str:key>/", views.record_history, name="record-history"),
    path("history/<slug:kind>/<str:key>/csv/", views.record_history_csv, name="record-history-csv"),
]
