"""Demo data of the partner portal: SwiftParcel's corrective-action notes from its bad spell.

The partner's contact (the `partner` demo login, linked by stakeholders.demo) wrote a few notes
on serious complaints at SwiftParcel's touchpoints while its spell was at its worst; the quality
manager reads them on those complaints and on SwiftParcel's scorecard. The wording is in
`portal_notes.toml`. Called by the reports demo; a second run adds nothing.
"""

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from feedback.demo import trouble_window
from feedback.models import ComplaintEvent, Severity
from feedback.selectors import partner_complaints
from feedback.services import complaint_add_partner_note
from stakeholders.demo import PORTAL_CONTACT
from stakeholders.models import PartnerContact

WORDING = Path(__file__).with_name("portal_notes.toml")


def load_partner_notes() -> dict[str, int]:
    """Write SwiftParcel's corrective-action notes once; return how many were written."""
    username, _partner_name = PORTAL_CONTACT
    found = (
        PartnerContact.objects.select_related("user", "partner")
        .filter(user__username=username)
        .first()
    )
    if found is None:
        return {"partner notes": 0}  # the stakeholders demo was not loaded
    partner, author = found.partner, found.user
    if ComplaintEvent.objects.filter(partner=partner).exists():
        return {"partner notes": 0}
    with WORDING.open("rb") as file:
        notes: list[dict[str, Any]] = tomllib.load(file)["notes"]
    starts, ends = trouble_window(timezone.now())
    # The serious complaints of the worst of the spell (its middle half), evenly spread.
    middle = starts + (ends - starts) / 4, ends - (ends - starts) / 4
    serious = list(
        partner_complaints(partner)
        .filter(received_at__range=middle, severity__gte=Severity.HIGH)
        .order_by("received_at", "pk")
    )
    if not serious:
        return {"partner notes": 0}
    step = max(1, len(serious) // len(notes))
    written = 0
    for note, complaint in zip(notes, serious[::step], strict=False):
        event = complaint_add_partner_note(complaint=complaint, author=author, text=note["text"])
        # In the courier's office hours, a few days after the complaint came in.
        day = timezone.localtime(complaint.received_at + timedelta(days=note["after_days"]))
        written_at = day.replace(hour=10, minute=30, second=0, microsecond=0)
        ComplaintEvent.objects.filter(pk=event.pk).update(at=written_at)
        written += 1
    return {"partner notes": written}
