"""Feedback pages: log and handle complaints, the quality queue, ideas, recognition, My submissions.

Every page runs a fixed number of queries whatever the amount of data behind it; lists paginate.
Business-rule refusals (an illegal step) come back as a message at the top of the page; input
errors as the form again with each error next to its field. Nothing is saved on either.
"""

from .complaints import (
    complaint_action,
    complaint_bulk_assign,
    complaint_detail,
    complaint_export,
    complaint_log,
    complaint_queue,
    sla_policy,
)
from .ideas import idea_action, idea_create, idea_detail, idea_list, idea_vote
from .mine import my_submissions
from .recognition import recognition_create, recognition_feed

__all__ = [
    "complaint_action",
    "complaint_bulk_assign",
    "complaint_detail",
    "complaint_export",
    "complaint_log",
    "complaint_queue",
    "idea_action",
    "idea_create",
    "idea_detail",
    "idea_list",
    "idea_vote",
    "my_submissions",
    "recognition_create",
    "recognition_feed",
    "sla_policy",
]
