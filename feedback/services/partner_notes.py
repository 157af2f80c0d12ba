"""Writes of a partner's corrective-action notes on the complaints at its touchpoints.

A partner contact writes them from the partner portal; they join the complaint's timeline, where
the quality manager reads them with the partner's name, and the partner's scorecard lists the
latest ones.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stakeholders.selectors import contact_partner

from ..models import Complaint, ComplaintEvent
from ..selectors.complaints import partner_complaints


@transaction.atomic
def complaint_add_partner_note(*, complaint: Complaint, author: User, text: str) -> ComplaintEvent:
    """Add the author's partner's corrective-action note to the complaint's timeline."""
    partner = contact_partner(author)
    if partner is None:
        raise PermissionDenied(_("Only a partner's contacts add corrective-action notes."))
    if not partner_complaints(partner).filter(pk=complaint.pk).exists():
        raise PermissionDenied(_("This complaint is not at your touchpoints."))
    if not text.strip():
        raise ValidationError({"text": _("Write what was done or will be done.")})
    note = ComplaintEvent(
        complaint=complaint,
        kind=ComplaintEvent.Kind.PARTNER_NOTE,
        actor=author,
        partner=partner,
        at=timezone.now(),
        text=text.strip(),
    )
    note.full_clean()
    note.save()
    return note
