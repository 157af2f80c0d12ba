"""Pages of the feedback app: complaints, ideas, recognition and My submissions."""

from django.urls import path

from . import views
from .views import insights as insight_views
from .views import mystery_shopping as audit_views
from .views import surveys as survey_views

app_name = "feedback"

urlpatterns = [
    path("complaints/", views.complaint_queue, name="complaint-queue"),
    path("complaints/new/", views.complaint_log, name="complaint-log"),
    path("complaints/export.csv", views.complaint_export, name="complaint-export"),
    path("complaints/assign/", views.complaint_bulk_assign, name="complaint-bulk-assign"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/<slug:action>/", views.complaint_action, name="complaint-action"),
    path("sla/", views.sla_policy, name="sla-policy"),
    path("ideas/", views.idea_list, name="idea-list"),
    path("ideas/new/", views.idea_create, name="idea-create"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea-detail"),
    path("ideas/<int:pk>/vote/", views.idea_vote, name="idea-vote"),
    path("ideas/<int:pk>/<slug:action>/", views.idea_action, name="idea-action"),
    path("mine/", views.my_submissions, name="my-submissions"),
    path("recognition/", views.recognition_feed, name="recognition-feed"),
    path("recognition/new/", views.recognition_create, name="recognition-create"),
    # surveys (pages for staff)
    path("surveys/", survey_views.survey_list, name="survey-list"),
    path("surveys/new/", survey_views.survey_create, name="survey-create"),
    path("surveys/<int:pk>/", survey_views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/edit/", survey_views.survey_edit, name="survey-edit"),
    path("surveys/<int:pk>/invite/", survey_views.survey_invite, name="survey-invite"),
    path("surveys/<int:pk>/answer/", survey_views.survey_answer, name="survey-answer"),
    # insights and themes
    path("insights/", insight_views.insight_list, name="insight-list"),
    path("insights/new/", insight_views.insight_create, name="insight-create"),
    path("insights/export.csv", insight_views.insight_export, name="insight-export"),
    path("insights/<int:pk>/tag/", insight_views.insight_tag, name="insight-tag"),
    path("themes/", insight_views.theme_list, name="theme-list"),
    path("themes/new/", insight_views.theme_create, name="theme-create"),
    path("themes/<int:pk>/", insight_views.theme_edit, name="theme-edit"),
    # mystery shopping
    path("mystery-shopping/", audit_views.mystery_shopping, name="mystery-shopping"),
    path("mystery-shopping/checklists/new/", audit_views.checklist_create, name="checklist-create"),
    path(
        "mystery-shopping/checklists/<int:pk>/", audit_views.checklist_edit, name="checklist-edit"
    ),
    path(
        "mystery-shopping/checklists/<int:pk>/audit/", audit_views.audit_record, name="audit-record"
    ),
    path("mystery-shopping/audits/<int:pk>/", audit_views.audit_detail, name="audit-detail"),
]
