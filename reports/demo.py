"""Demo data of the reports app: the partners' scorecards of the demo year, and the portal's notes.

The criteria start with their default weights (migration 0001). The expectations agreed with the
three partners a year ago are set through the service, then the months are scored as the nightly
refresh would have: first as it ran the morning after SwiftParcel's worst month closed (its poor
standing suggested a partner cycle, still waiting), then as it ran this morning (the year's
complete months; CallPoint and PayFlow stand good or excellent). SwiftParcel's corrective-action
notes come from `portal_demo`.

Runs once: when any score exists it changes nothing.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.demo import office_moment
from core.history import recorded_as
from core.models import OutboxMessage
from feedback.demo.planning import TROUBLE_ENDS_DAYS_AGO, TROUBLE_PARTNER
from improvement.models import Suggestion
from metrics.periods import MONTH, open_period
from stakeholders.models import Partner

from . import monthly_demo
from .models import PartnerScore, ScorecardCriterion
from .portal_demo import load_partner_notes
from .selectors.scorecards import months_to_refresh
from .services.scorecards import partner_expectations_set, scorecards_refresh

# What was agreed with each partner when the scorecards started (else the defaults): the courier
# and the contact centre see more complaints and handoffs than a payment provider.
AGREED = {
    TROUBLE_PARTNER: {"complaint_rate": 10.0, "failed_handoffs": 16.0, "sla_compliance": 90.0},
    "CallPoint Contact Centres": {"complaint_rate": 12.0, "failed_handoffs": 8.0},
    "PayFlow": {"complaint_rate": 6.0, "failed_handoffs": 12.0, "observed_indicators": 80.0},
}
AGREED_DAYS_AGO = 360
# The morning the refresh found SwiftParcel's worst month closed (as improvement's demo finds
# its complaint clusters): a month late in the bad spell.
SPELL_REFRESH_DAYS_AGO = TROUBLE_ENDS_DAYS_AGO + 30
REFRESH_TASK = "reports.tasks.scorecards_refresh_task"


def adopt_the_criteria(quality: User) -> None:
    """Give the installed criteria their first version, signed by the quality manager a year ago.

    Migration 0001 installs the six criteria with their default weights, and a migration signs
    no version; in the demo's story the quality manager set the scorecards up when the partners'
    expectations were agreed, so the criteria's trail starts with her, as every other record's.
    """
    unsigned = ScorecardCriterion.objects.exclude(pk__in=ScorecardCriterion.history.values("id"))
    ScorecardCriterion.history.bulk_history_create(
        list(unsigned), default_user=quality, default_date=office_moment(AGREED_DAYS_AGO)
    )


def agree_expectations(quality: User) -> int:
    """Set the expectations agreed with each demo partner a year ago; return how many."""
    written = 0
    with recorded_as(quality, at=office_moment(AGREED_DAYS_AGO)):
        for name, expectations in AGREED.items():
            partner = Partner.objects.filter(name=name).first()
            if partner is not None:
                written += len(
                    partner_expectations_set(partner=partner, expectations=expectations, by=quality)
                )
    return written


def score_the_year() -> tuple[int, int]:
    """Score the months as the refresh did in the spell and this morning; return (rows, made)."""
    spell_day = timezone.localdate() - timedelta(days=SPELL_REFRESH_DAYS_AGO)
    months = months_to_refresh()
    before_spell = [month for month in months if month < open_period(MONTH, spell_day)]
    scorecards_refresh(periods=before_spell, today=spell_day)
    found = office_moment(SPELL_REFRESH_DAYS_AGO, hour=5, minute=30)
    made = Suggestion.objects.filter(kind=Suggestion.Kind.PARTNER, cycle__isnull=True)
    made.update(created_at=found)
    rows = scorecards_refresh(periods=months)
    return len(rows), made.count()


def load(*, seed: int) -> dict[str, int]:
    """Score the demo partners' year, then make the monthly reports that read the scores."""
    counts = load_scores(seed=seed)
    counts.update(monthly_demo.load())
    return counts


@transaction.atomic
def load_scores(*, seed: int) -> dict[str, int]:
    """Score the demo partners' year unless scores exist; return what was made."""
    counts = {"partner expectations": 0, "partner scores": 0, "partner suggestions": 0}
    counts.update(load_partner_notes())
    quality = User.objects.filter(username="quality").first()
    if (
        PartnerScore.objects.exists()
        or quality is None
        or not Partner.objects.exists()
        or not ScorecardCriterion.objects.exists()
    ):
        return counts  # scored before, or the demos below were not loaded
    first_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    adopt_the_criteria(quality)
    counts["partner expectations"] = agree_expectations(quality)
    counts["partner scores"], counts["partner suggestions"] = score_the_year()
    # The rescoring the expectations queued is done above: not work for the worker.
    OutboxMessage.objects.filter(
        pk__gt=first_message or 0, task=REFRESH_TASK, finished_at__isnull=True
    ).update(finished_at=timezone.now())
    return counts
