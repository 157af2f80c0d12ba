"""Pages of the journeys app."""

from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path("", views.journey_list, name="journey-list"),
    path("new/", views.journey_create, name="journey-create"),
    path("<int:pk>/", views.journey_map, name="journey-map"),
    path("<int:pk>/edit/", views.journey_edit, name="journey-edit"),
    path("<int:pk>/stages/add/", views.stage_add, name="stage-add"),
    path("<int:pk>/touchpoints/add/", views.touchpoint_add, name="touchpoint-add"),
    path("<int:pk>/handoffs/add/", views.handoff_add, name="handoff-add"),
    path("<int:pk>/objectives/add/", views.objective_add, name="objective-add"),
    path("stages/<int:pk>/edit/", views.stage_edit, name="stage-edit"),
    path("stages/<int:pk>/move/", views.stage_move, name="stage-move"),
    path("stages/<int:pk>/delete/", views.stage_delete, name="stage-delete"),
    path("touchpoints/<int:pk>/", views.touchpoint_detail, name="touchpoint-detail"),
    path("touchpoints/<int:pk>/edit/", views.touchpoint_edit, name="touchpoint-edit"),
    path("touchpoints/<int:pk>/move/", views.touchpoint_move, name="touchpoint-move"),
    path("touchpoints/<int:pk>/delete/", views.touchpoint_delete, name="touchpoint-delete"),
    path(
        "touchpoints/<int:pk>/failure-points/add/",
        views.failure_point_add,
        name="failure-point-add",
    ),
    path("objectives/<int:pk>/", views.objective_detail, name="objective-detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective-edit"),
    path("handoffs/<int:pk>/delete/", views.handoff_delete, name="handoff-delete"),
    path(
        "failure-points/<int:pk>/delete/", views.failure_point_delete, name="failure-point-delete"
    ),
]
