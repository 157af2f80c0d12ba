"""Reads of what passes between staff and complainants: reply templates, a complaint's messages
and post-complaint survey invitations, and one customer's complaints."""

from typing import Any

from django.db.models import QuerySet

from stakeholders.models import Customer

from ..models import Complaint, ComplaintMessage, ReplyTemplate, SurveyInvitation
from .complaints import complaints_visible_to


def reply_templates() -> QuerySet[ReplyTemplate]:
    """Return every reply template, those offered first, by purpose and name."""
    return ReplyTemplate.objects.select_related("created_by").order_by(
        "-is_active", "purpose", "name", "pk"
    )


def active_reply_templates(purpose: str | None = None) -> QuerySet[ReplyTemplate]:
    """Return the templates offered to staff (of one purpose when given), by name."""
    rows = ReplyTemplate.objects.filter(is_active=True)
    if purpose:
        rows = rows.filter(purpose=purpose)
    return rows.order_by("purpose", "name", "pk")


def complaint_messages(complaint: Complaint) -> QuerySet[ComplaintMessage]:
    """Return the complaint's messages to and from the customer, oldest first."""
    return complaint.messages.select_related("author", "template").order_by("created_at", "id")


def complaint_invitations(complaint: Complaint) -> QuerySet[SurveyInvitation]:
    """Return the satisfaction surveys sent about the complaint, newest first, with answers."""
    return (
        SurveyInvitation.objects.filter(complaint=complaint)
        .select_related("survey", "response")
        .order_by("-created_at", "-id")
    )


def customer_complaints(user: Any, customer: Customer) -> QuerySet[Complaint]:
    """Return the customer's complaints the user may see (the queue's rule), newest first."""
    return (
        complaints_visible_to(user)
        .filter(customer=customer)
        .select_related("touchpoint", "journey")
        .order_by("-received_at", "-id")
    )
