"""Pages of the metrics app: indicators, their control charts and actions, recompute runs."""

from django.urls import path

from . import views

app_name = "metrics"

# "new" and "runs" come before <code>: the indicator form refuses them as codes.
urlpatterns = [
    path("", views.indicator_list, name="indicator-list"),
    path("new/", views.indicator_create, name="indicator-create"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
    path("<slug:code>/", views.indicator_detail, name="indicator-detail"),
    path("<slug:code>/edit/", views.indicator_edit, name="indicator-edit"),
    path("<slug:code>/limits/", views.limits_recalculate, name="limits-recalculate"),
    path("<slug:code>/annotations/", views.annotation_add, name="annotation-add"),
    path("<slug:code>/drivers/", views.driver_declare, name="driver-declare"),
    path("<slug:code>/recompute/", views.indicator_recompute, name="indicator-recompute"),
]
