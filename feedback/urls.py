"""Pages of the feedback app, one block per topic, each routed to its module in `views/`."""

from django.urls import path

from .views import (
    complaint_messages,
    complaints,
    ideas,
    insights,
    mine,
    mystery_shopping,
    policies,
    pulses,
    recognition,
    surveys,
)

app_name = "feedback"

urlpatterns = [
    # complaints
    path("complaints/", complaints.complaint_queue, name="complaint-queue"),
    path("complaints/new/", complaints.complaint_log, name="complaint-log"),
    path("complaints/export.csv", complaints.complaint_export, name="complaint-export"),
    path("complaints/assign/", complaints.complaint_bulk_assign, name="complaint-bulk-assign"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint-detail"),
    # writing to the complainant: e-mails, their replies, their address (before the steps)
    path("complaints/<int:pk>/write/", complaint_messages.complaint_write, name="complaint-write"),
    path("complaints/<int:pk>/reply/", complaint_messages.complaint_reply, name="complaint-reply"),
    path(
        "complaints/<int:pk>/customer-email/",
        complaint_messages.complaint_contact,
        name="complaint-contact",
    ),
    path(
        "complaints/<int:pk>/<slug:action>/", complaints.complaint_action, name="complaint-action"
    ),
    # reply templates and a customer's complaints
    path(
        "complaints/reply-templates/",
        complaint_messages.reply_template_list,
        name="reply-template-list",
    ),
    path(
        "complaints/reply-templates/new/",
        complaint_messages.reply_template_create,
        name="reply-template-create",
    ),
    path(
        "complaints/reply-templates/<int:pk>/",
        complaint_messages.reply_template_edit,
        name="reply-template-edit",
    ),
    path(
        "complaints/reply-templates/<int:pk>/retire/",
        complaint_messages.reply_template_retire,
        name="reply-template-retire",
    ),
    path(
        "complaints/customers/<int:pk>/",
        complaint_messages.customer_complaints,
        name="customer-complaints",
    ),
    # SLA policies
    path("sla/", policies.sla_policy, name="sla-policy"),
    # ideas
    path("ideas/", ideas.idea_list, name="idea-list"),
    path("ideas/new/", ideas.idea_create, name="idea-create"),
    path("ideas/<int:pk>/", ideas.idea_detail, name="idea-detail"),
    path("ideas/<int:pk>/vote/", ideas.idea_vote, name="idea-vote"),
    path("ideas/<int:pk>/comments/", ideas.idea_comment, name="idea-comment"),
    path("ideas/<int:pk>/roadmap/", ideas.idea_roadmap, name="idea-roadmap"),
    path("ideas/<int:pk>/<slug:action>/", ideas.idea_action, name="idea-action"),
    # recognition
    path("recognition/", recognition.recognition_feed, name="recognition-feed"),
    path("recognition/new/", recognition.recognition_create, name="recognition-create"),
    # my submissions (complaints, ideas and kudos of the signed-in user)
    path("mine/", mine.my_submissions, name="my-submissions"),
    # surveys (pages for staff; customers answer under /s/, see public_urls.py)
    path("surveys/", surveys.survey_list, name="survey-list"),
    path("surveys/new/", surveys.survey_create, name="survey-create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/edit/", surveys.survey_edit, name="survey-edit"),
    path("surveys/<int:pk>/invite/", surveys.survey_invite, name="survey-invite"),
    path("surveys/<int:pk>/answer/", surveys.survey_answer, name="survey-answer"),
    path("surveys/<int:pk>/responses.csv", surveys.survey_export, name="survey-export"),
    path("surveys/<int:pk>/qr.svg", surveys.survey_qr, name="survey-qr"),
    path("surveys/<int:pk>/pulses/", pulses.survey_pulses, name="survey-pulses"),
    # insights and themes
    path("insights/", insights.insight_list, name="insight-list"),
    path("insights/new/", insights.insight_create, name="insight-create"),
    path("insights/export.csv", insights.insight_export, name="insight-export"),
    path("insights/<int:pk>/tag/", insights.insight_tag, name="insight-tag"),
    path("themes/", insights.theme_list, name="theme-list"),
    path("themes/new/", insights.theme_create, name="theme-create"),
    path("themes/<int:pk>/", insights.theme_edit, name="theme-edit"),
    # mystery shopping
    path("mystery-shopping/", mystery_shopping.audit_overview, name="mystery-shopping"),
    path(
        "mystery-shopping/checklists/new/",
        mystery_shopping.checklist_create,
        name="checklist-create",
    ),
    path(
        "mystery-shopping/checklists/<int:pk>/",
        mystery_shopping.checklist_edit,
        name="checklist-edit",
    ),
    path(
        "mystery-shopping/checklists/<int:pk>/audit/",
        mystery_shopping.audit_record,
        name="audit-record",
    ),
    path("mystery-shopping/audits/<int:pk>/", mystery_shopping.audit_detail, name="audit-detail"),
]
