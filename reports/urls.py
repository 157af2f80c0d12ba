"""Pages of the reports app: the system-health dashboard, Pareto views, scorecards, the portal."""

from django.urls import path

from .views import dashboard, journey_heat, pareto, portal, scorecards, touchpoint_evidence

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
