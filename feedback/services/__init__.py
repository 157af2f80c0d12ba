"""Writes of the feedback app: one function per business action on complaints, ideas, kudos.

Input errors raise Django's ValidationError keyed by field (shown next to the field, a 400 in the
API); a step the life cycle does not allow raises ApplicationError (a message on the page, a 400);
a step the user may not take raises PermissionDenied (403). Nothing is saved when any is raised.
E-mails go out through Celery once the transaction has committed.

The functions live in one module per topic and are imported from here: `services.complaint_log`.
"""

from django.contrib.auth import get_user_model

from .complaint_messages import (
    complaint_contact_update,
    complaint_message_deliver,
    complaint_message_send,
    complaint_reply_log,
    complaint_reply_receive,
)
from .complaint_satisfaction import complaint_satisfaction_record
from .complaints import (
    FUTURE_TOLERANCE,
    action_event_kind,
    complaint_acknowledge,
    complaint_assign,
    complaint_bulk_assign,
    complaint_close,
    complaint_comment,
    complaint_escalate,
    complaint_investigate,
    complaint_log,
    complaint_reopen,
    complaint_respond,
    complaint_set_root_cause,
)
from .ideas import (
    IDEA_TRANSITIONS,
    VOTABLE_IDEA_STATUSES,
    idea_accept,
    idea_comment,
    idea_decline,
    idea_implement,
    idea_record_outcome,
    idea_review,
    idea_set_roadmap,
    idea_submit,
    idea_unvote,
    idea_vote,
)
from .insights import (
    insight_from_complaint,
    insight_from_response,
    insight_note,
    insight_tag,
    theme_create,
    theme_delete,
    theme_update,
)
from .mystery_shopping import (
    audit_correct,
    audit_record,
    checklist_create,
    checklist_update,
    weighted_score,
)
from .partner_notes import complaint_add_partner_note
from .policies import (
    frontline_limit_set,
    severity_policy_update,
)
from .recognition import recognition_give
from .reply_templates import reply_template_create, reply_template_update
from .survey_days import (
    survey_days_rebuild,
    survey_days_refresh,
    survey_days_refresh_ranges,
)
from .surveys import (
    check_score,
    complaint_csat_invite,
    employee_pulse_respond,
    invitation_create,
    invitation_respond,
    invitation_send,
    survey_create,
    survey_delete,
    survey_respond,
    survey_update,
)

User = get_user_model()

__all__ = [
    "FUTURE_TOLERANCE",
    "IDEA_TRANSITIONS",
    "VOTABLE_IDEA_STATUSES",
    "User",
    "action_event_kind",
    "audit_correct",
    "audit_record",
    "check_score",
    "checklist_create",
    "checklist_update",
    "complaint_acknowledge",
    "complaint_add_partner_note",
    "complaint_assign",
    "complaint_bulk_assign",
    "complaint_close",
    "complaint_comment",
    "complaint_contact_update",
    "complaint_csat_invite",
    "complaint_escalate",
    "complaint_investigate",
    "complaint_log",
    "complaint_message_deliver",
    "complaint_message_send",
    "complaint_reopen",
    "complaint_reply_log",
    "complaint_reply_receive",
    "complaint_respond",
    "complaint_satisfaction_record",
    "complaint_set_root_cause",
    "employee_pulse_respond",
    "frontline_limit_set",
    "idea_accept",
    "idea_comment",
    "idea_decline",
    "idea_implement",
    "idea_record_outcome",
    "idea_review",
    "idea_set_roadmap",
    "idea_submit",
    "idea_unvote",
    "idea_vote",
    "insight_from_complaint",
    "insight_from_response",
    "insight_note",
    "insight_tag",
    "invitation_create",
    "invitation_respond",
    "invitation_send",
    "recognition_give",
    "reply_template_create",
    "reply_template_update",
    "severity_policy_update",
    "survey_create",
    "survey_days_rebuild",
    "survey_days_refresh",
    "survey_days_refresh_ranges",
    "survey_delete",
    "survey_respond",
    "survey_update",
    "theme_create",
    "theme_delete",
    "theme_update",
    "weighted_score",
]
