"""The customer's rating of how their complaint was handled, from the survey sent at closure.

The post-complaint CSAT answer closes the complaint's record: its score (1 to 5) becomes the
complaint's `customer_satisfaction`, with a timeline entry, in the answer's transaction; the
complaint-handling satisfaction indicator reads it from there. Answering again updates it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.saving import validated_save

from ..models import Complaint, ComplaintEvent


@transaction.atomic
def complaint_satisfaction_record(
    *, complaint: Complaint, score: int, at: datetime | None = None
) -> Complaint:
    """Record the customer's survey rating of the handling (1 to 5) on the complaint."""
    if not 1 <= score <= 5:
        raise ValidationError({"customer_satisfaction": _("Satisfaction is a score from 1 to 5.")})
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    rated = ComplaintEvent.objects.filter(
        complaint=locked, kind=ComplaintEvent.Kind.SATISFACTION
    ).exists()
    if rated and locked.customer_satisfaction == score:
        return complaint  # the same rating again (a comment changed): nothing new to tell
    validated_save(locked, customer_satisfaction=score)
    text = (
        _("Customer changed their rating of the handling to %(score)d/5 (survey).")
        if rated
        else _("Customer rated the handling %(score)d/5 (survey).")
    )
    ComplaintEvent.objects.create(
        complaint=locked,
        kind=ComplaintEvent.Kind.SATISFACTION,
        actor=None,
        at=at or timezone.now(),
        text=text % {"score": score},
    )
    complaint.refresh_from_db()
    return complaint
