"""Demo data of the improvement app: a year of Brightline's PDCA cycles, in every phase.

Twelve cycles built through the services on the days of the demo's story (`stories.py`, worded
in `cycles.toml`): the support call-back and CallPoint's late shift, adopted and closed with the
effect their Check measured (the late shift restarts the answer time's control limits); a
checklist abandoned for want of any effect; a standard van stock adapted into a follow-up that
is now in Do with an overdue action; and cycles waiting in Plan, Do, Check and Act. The
suggestions the daily round would have made are there too, among them the complaint clusters of
SwiftParcel's bad spell, still waiting for a decision.

Runs once: when any cycle exists it changes nothing.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.demo import office_moment
from core.models import OutboxMessage
from feedback.demo.planning import TROUBLE_ENDS_DAYS_AGO, demo_people
from metrics.models import Indicator, LimitSegment, RecomputeItem, RecomputeRun
from metrics.recompute import recompute_item, recompute_start

from ..models import PDCACycle, Suggestion
from ..services.suggestions import suggestions_find
from .builder import Builder
from .stories import STORIES

# The day the daily round found SwiftParcel's complaint clusters: late in its bad spell.
SPELL_SUGGESTED_DAYS_AGO = TROUBLE_ENDS_DAYS_AGO + 30
# The e-mails the story's decisions and kudos sent at the time: not news when the demo loads.
STORY_EMAIL_TASKS = ("core.tasks.notification_email_task",)


def recompute_now() -> int:
    """Bring every snapshot up to date in this process; return the cells written.

    Inside a transaction (the tests' demo fixture) the recompute's tasks wait for the commit:
    the items are done here, and their tasks find them finished.
    """
    for run in RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING):
        pending = RecomputeItem.objects.filter(run=run, finished_at__isnull=True)
        for item_id in pending.order_by("pk").values_list("pk", flat=True):
            recompute_item(item_id)
    if not Indicator.objects.filter(needs_full_recompute=True).exists():
        return 0
    run = recompute_start(mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.DEMO)
    pending = RecomputeItem.objects.filter(run=run, finished_at__isnull=True)
    for item_id in pending.order_by("pk").values_list("pk", flat=True):
        recompute_item(item_id)
    run.refresh_from_db()
    return run.cells


def spell_suggestions(builder: Builder) -> list[Suggestion]:
    """Let the daily round of a day late in SwiftParcel's spell find its complaint clusters."""
    day = builder.today - timedelta(days=SPELL_SUGGESTED_DAYS_AGO)
    made = suggestions_find(today=day)
    found = office_moment(SPELL_SUGGESTED_DAYS_AGO, hour=6, minute=30)
    Suggestion.objects.filter(pk__in=[suggestion.pk for suggestion in made]).exclude(
        kind=Suggestion.Kind.SIGNAL  # a signal is today's: the round reads the latest period
    ).update(created_at=found)
    return made


def todays_suggestions(builder: Builder) -> list[Suggestion]:
    """Let this morning's daily round find what the data suggest today."""
    made = suggestions_find(today=builder.today)
    Suggestion.objects.filter(pk__in=[suggestion.pk for suggestion in made]).update(
        created_at=builder.moment(builder.today, 6, 30)
    )
    return made


@transaction.atomic
def load(*, seed: int) -> dict[str, int]:
    """Create the demo cycles and suggestions unless cycles exist; return what was made."""
    counts = {"cycles": 0, "actions": 0, "suggestions": 0, "snapshots cells written": 0}
    people = demo_people()
    managers = list(
        User.objects.filter(groups__name="Quality manager", is_active=True).order_by("username")
    )
    if (
        PDCACycle.objects.exists()
        or people is None
        or not managers
        or not Indicator.objects.exists()
    ):
        return counts  # loaded before, or the demos below were not
    # The demo's quality login owns the most cycles: it is the first manager.
    managers.sort(key=lambda user: user.pk != people.quality_login.pk)
    recompute_now()  # the Checks read the snapshots
    first_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    builder = Builder(seed=seed, people=people, managers=managers)
    suggestions = spell_suggestions(builder)
    built: dict[str, PDCACycle] = {}
    for story in STORIES:
        if story.parent:
            cycle = builder.follow_up(story, built[story.parent])
            if cycle is not None:
                built[story.key] = cycle
        else:
            built[story.key] = builder.build(story)
    suggestions += todays_suggestions(builder)
    OutboxMessage.objects.filter(
        pk__gt=first_message or 0, task__in=STORY_EMAIL_TASKS, finished_at__isnull=True
    ).update(finished_at=timezone.now())
    counts.update(
        cycles=PDCACycle.objects.count(),
        actions=sum(cycle.actions.count() for cycle in built.values()),
        suggestions=len(suggestions),
        limit_segments=LimitSegment.objects.filter(reason__startswith="PDCA-").count(),
    )
    counts["snapshots cells written"] = recompute_now()  # the adopted cycles' new limits
    return counts
