"""Builders of suggested cycles for tests outside test_suggestions.py (the access table)."""

from datetime import timedelta

from django.utils import timezone

from core.roles import Role
from improvement.models import Suggestion
from improvement.services.suggestions import suggestions_find
from tests.core.factories import UserFactory
from tests.feedback.factories import AuditFactory, ChecklistFactory


def waiting_suggestion() -> Suggestion:
    """Record yesterday's mystery shop scoring 25 % (every item 1 of 4) and return the suggested
    cycle the daily search makes of it, waiting for a decision."""
    auditor = UserFactory.create(role=Role.QUALITY_MANAGER)
    checklist = ChecklistFactory.create(by=auditor)
    audit = AuditFactory.create(
        template=checklist,
        auditor=auditor,
        visited_on=timezone.localdate() - timedelta(days=1),
        scores={item.pk: 1 for item in checklist.items.all()},
    )
    suggestions_find()
    return Suggestion.objects.get(audit=audit)
