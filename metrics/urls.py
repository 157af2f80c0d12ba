"""Pages of the metrics app: indicators, their control charts and actions, recompute runs."""

from django.urls import path

from . import views, views_alerts

app_name = "metrics"

# "new", "runs" and "alerts" come before <code>: the indicator form refuses them as codes.
urlpatterns = [
    path("", views.indicator_list, name="indicator-list"),
    path("new/", views.indicator_create, name="indicator-create"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
    path("alerts/mine/", views_alerts.alert_mine, name="alert-mine"),
    path("alerts/subscribe/", views_alerts.alert_subscribe, name="alert-subscribe"),
    path("alerts/subscribe-role/", views_alerts.alert_subscribe_role, name="alert-subscribe-role"),
    path(
        "alerts/subscriptions/<int:pk>/frequency/",
        views_alerts.subscription_change,
        name="alert-subscription-change",
    ),
    path(
        "alerts/subscriptions/<int:pk>/unsubscribe/",
        views_alerts.unsubscribe,
        name="alert-unsubscribe",
    ),
    path("alerts/rules/", views_alerts.rule_list, name="alert-rule-list"),
    path("alerts/rules/new/", views_alerts.rule_create, name="alert-rule-create"),
    path("alerts/rules/<int:pk>/edit/", views_alerts.rule_edit, name="alert-rule-edit"),
    path(
        "alerts/rules/<int:pk>/deactivate/",
        views_alerts.rule_deactivate,
        name="alert-rule-deactivate",
    ),
    path("<slug:code>/", views.indicator_detail, name="indicator-detail"),
    path("<slug:code>/edit/", views.indicator_edit, name="indicator-edit"),
    path("<slug:code>/limits/", views.limits_recalculate, name="limits-recalculate"),
    path("<slug:code>/annotations/", views.annotation_add, name="annotation-add"),
    path("<slug:code>/drivers/", views.driver_declare, name="driver-declare"),
    path("<slug:code>/recompute/", views.indicator_recompute, name="indicator-recompute"),
]
