"""Template tags of the partner portal: a partner's latest corrective-action notes, for the
panel any page about the partner includes (`reports/portal/partials/notes.html`)."""

from django import template

from feedback.models import ComplaintEvent
from stakeholders.models import Partner

from ..selectors.portal import partner_notes

register = template.Library()


@register.simple_tag
def latest_partner_notes(partner: Partner, limit: int = 10) -> list[ComplaintEvent]:
    """Return the partner's latest corrective-action notes (one query)."""
    return partner_notes(partner, limit=limit)
