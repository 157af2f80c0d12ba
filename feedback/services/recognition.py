"""Writes of recognition: kudos for behaviour that improved customer outcomes."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.saving import validated_save

from .. import emails
from ..models import Complaint, ImprovementIdea, Recognition


@transaction.atomic
def recognition_give(
    *,
    given_by: User,
    recipient: User,
    behaviour: str,
    complaint: Complaint | None = None,
    idea: ImprovementIdea | None = None,
    cycle_id: int | None = None,
    given_at: datetime | None = None,
) -> Recognition:
    """Give kudos to an employee for a behaviour that improved customer outcomes."""
    if not given_by.has_perm("feedback.add_recognition"):
        raise PermissionDenied(_("Quality managers and executives give recognition."))
    if not recipient.is_active:
        raise ValidationError({"recipient": _("This account is not active.")})
    recognition = validated_save(
        Recognition(),
        given_by=given_by,
        recipient=recipient,
        behaviour=behaviour.strip(),
        complaint=complaint,
        idea=idea,
        cycle_id=cycle_id,
        given_at=given_at or timezone.now(),
    )
    emails.notify_recognition(recognition)
    return recognition
