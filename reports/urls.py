"""Pages of the reports app: the system-health dashboard, Pareto views, scorecards, the portal."""

from django.urls import path

from .views import (
    dashboard,
    journey_heat,
    monthly,
    pareto,
    portal,
    reviews,
    scorecards,
    touchpoint_evidence,
)

app_name = "reports"

urlpatterns: list = [
    # the system-health dashboard
    path("", dashboard.dashboard, name="dashboard"),
    # Pareto views, the journey heat map and the touchpoint evidence page
    path("pareto/", pareto.pareto, name="pareto"),
    path("journeys/<int:pk>/heat/", journey_heat.journey_heat, name="journey-heat"),
    path(
        "touchpoints/<int:pk>/",
        touchpoint_evidence.touchpoint_evidence,
        name="touchpoint-evidence",
    ),
    # partner scorecards ("weights" comes before <partner_id>, a number)
    path("scorecards/", scorecards.scorecard_list, name="scorecard-list"),
    path("scorecards/weights/", scorecards.scorecard_weights, name="scorecard-weights"),
    path("scorecards/<int:partner_id>/", scorecards.scorecard_detail, name="scorecard-detail"),
    path(
        "scorecards/<int:partner_id>/expectations/",
        scorecards.scorecard_expectations,
        name="scorecard-expectations",
    ),
    # the monthly loyalty-health report and its management review (<month> is "YYYY-MM")
    path("monthly/", monthly.monthly_list, name="monthly-list"),
    path("monthly/generate/", monthly.monthly_generate, name="monthly-generate"),
    path("monthly/subscription/", monthly.monthly_subscription, name="monthly-subscription"),
    path("monthly/<str:month>/", monthly.monthly_detail, name="monthly-detail"),
    path("monthly/<str:month>/document/", monthly.monthly_document, name="monthly-document"),
    path("monthly/<str:month>/pdf/", monthly.monthly_pdf, name="monthly-pdf"),
    path(
        "monthly/<str:month>/deliveries/<int:pk>/retry/",
        monthly.monthly_delivery_retry,
        name="monthly-delivery-retry",
    ),
    path("monthly/<str:month>/review/", reviews.monthly_review, name="monthly-review"),
    path(
        "monthly/<str:month>/review/decisions/",
        reviews.monthly_decision_add,
        name="monthly-decision-add",
    ),
    path(
        "monthly/<str:month>/review/actions/", reviews.monthly_action_add, name="monthly-action-add"
    ),
    path(
        "monthly/<str:month>/review/<str:kind>/<int:pk>/remove/",
        reviews.monthly_item_remove,
        name="monthly-item-remove",
    ),
    path("monthly/<str:month>/review/sign-off/", reviews.monthly_sign_off, name="monthly-sign-off"),
    path(
        "monthly/<str:month>/review/actions/<int:pk>/cycle/",
        reviews.monthly_action_cycle,
        name="monthly-action-cycle",
    ),
    path(
        "monthly/<str:month>/review/actions/<int:pk>/done/",
        reviews.monthly_action_done,
        name="monthly-action-done",
    ),
    # the partner portal
    path("portal/", portal.portal_home, name="portal-home"),
    path("portal/complaints/", portal.portal_complaint_list, name="portal-complaint-list"),
    path(
        "portal/complaints/<int:pk>/",
        portal.portal_complaint_detail,
        name="portal-complaint-detail",
    ),
    path("portal/complaints/<int:pk>/notes/", portal.portal_note_add, name="portal-complaint-note"),
]
