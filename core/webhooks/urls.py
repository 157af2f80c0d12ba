"""Pages of outbound webhooks, under /integrations/webhooks/."""

from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint-list"),
    path("new/", views.endpoint_create, name="endpoint-create"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint-detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="endpoint-edit"),
    path("<int:pk>/secret/", views.endpoint_secret, name="endpoint-secret"),
    path("<int:pk>/rotate-secret/", views.endpoint_rotate, name="endpoint-rotate"),
    path("<int:pk>/enable/", views.endpoint_enable, name="endpoint-enable"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay, name="delivery-replay"),
]
