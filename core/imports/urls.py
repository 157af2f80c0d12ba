"""Pages of the import mechanism."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("new/", views.job_create, name="job-create"),
    path("<int:pk>/", views.job_detail, name="job-detail"),
    path("<int:pk>/preview/", views.job_preview, name="job-preview"),
    path("<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("<int:pk>/errors.csv", views.job_errors, name="job-errors"),
    path("<int:pk>/resume/", views.job_resume, name="job-resume"),
    path("templates/<slug:importer>.csv", views.importer_template, name="template"),
]
