"""Pages of the feedback app: complaints, ideas, recognition and My submissions."""

from django.urls import path

from . import views

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
    # insights and themes
    # mystery shopping
]
