"""Reads of recognitions."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from ..models import Recognition
from .complaints import complaints_visible_to


def recognitions_for(user: Any) -> QuerySet[Recognition]:
    """Return the recognitions the user received, newest first (see `recognition_feed`)."""
    return recognition_feed(user).filter(recipient=user)


def recognition_feed(user: Any) -> QuerySet[Recognition]:
    """Return all recognitions, newest first, with people and linked records, and with
    `complaint_visible`: whether the user may read the linked complaint (only then is it
    linked or named)."""
    visible = complaints_visible_to(user).filter(pk=OuterRef("complaint_id"))
    return (
        Recognition.objects.select_related("recipient", "given_by", "complaint", "idea")
        .annotate(complaint_visible=Exists(visible))
        .order_by("-given_at", "-id")
    )
