"""API routes of the import mechanism, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("imports/<str:importer_key>/", api.ImporterBulkView.as_view(), name="api-import-bulk"),
    path(
        "survey-responses/bulk/",
        api.SurveyResponseBulkView.as_view(),
        name="api-survey-response-bulk",
    ),
    path("customers/bulk/", api.CustomerBulkView.as_view(), name="api-customer-bulk"),
    path(
        "customer-activities/bulk/",
        api.CustomerActivityBulkView.as_view(),
        name="api-customer-activity-bulk",
    ),
]
