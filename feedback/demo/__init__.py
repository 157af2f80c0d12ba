"""Demo data of the feedback app: a year of Brightline's complaints, ideas, recognition, survey
answers, employee pulses, insights and mystery-shopping audits (see `surveys` and
`mystery_shopping` for the voice-of-customer parts).

About 2,000 complaints over the last twelve months, spread over the demo touchpoints with the
rhythm of a home-energy business: more in the heating season, a pre-Christmas delivery peak,
quiet weekends. The courier SwiftParcel has a visible bad spell in the middle of the year: its
complaints climb for a few months, more of them serious, traced to the supplier, then ease.

Each complaint's life is planned as timeline steps, cut off at the present moment and replayed
onto the row the way the services set the fields, so that status, timestamps, SLA flags and the
timeline always agree: old complaints are closed, recent ones are still in the queue, some of them
overdue. Rows are bulk-inserted: going through the services would take minutes for a year of data.
Many customers left an e-mail address: they were acknowledged, updated and answered by e-mail from
the quality team's reply templates, some replied, and the survey sent at closure records their
rating on the complaint (see `replies`).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.references import next_references
from feedback.models import (
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Recognition,
)
from journeys.models import Touchpoint
from stakeholders.models import Customer

from .complaints import TOUCHPOINT_THEMES, ComplaintPlanner
from .handling import ComplaintDraft
from .ideas import IdeaDraft, IdeaPlanner, idea_row, load_idea_conversations, replay_idea
from .mystery_shopping import load_audits
from .planning import DAYS, People, demo_people, trouble_window
from .pulses import load_pulses
from .recognitions import RecognitionPlanner
from .replies import (
    REPLY_COUNT_NAMES,
    load_complaint_follow_up,
    load_reply_templates,
    plan_conversations,
)
from .surveys import load_insights, load_surveys
from .texts import complaint_wording, idea_wording

__all__ = [
    "DAYS",
    "TOUCHPOINT_THEMES",
    "DemoYear",
    "complaint_wording",
    "idea_wording",
    "load",
    "trouble_window",
]

BATCH_SIZE = 500  # rows per INSERT: well under SQLite's limit on query parameters
COUNT_NAMES = ["complaints", "complaint events", "ideas", "idea votes", "recognitions"]
VOICE_COUNT_NAMES = [
    "surveys",
    "survey invitations",
    "survey responses",
    "pulse participations",
    "survey pulses",
    "pulse notifications",
    "themes",
    "insights",
    "insight tags",
    "audits",
    "audit item scores",
]


class DemoYear(ComplaintPlanner, IdeaPlanner, RecognitionPlanner):
    """Plan a year of Brightline's feedback for one seed, as seen at one moment."""


def reserve_references(prefix: str, rows: Sequence[Any], moments: Sequence[datetime]) -> None:
    """Give rows, oldest first, the next references of the local year of their moment."""
    by_year: dict[int, list[Any]] = {}
    for row, moment in zip(rows, moments, strict=True):
        by_year.setdefault(timezone.localtime(moment).year, []).append(row)
    for year, year_rows in sorted(by_year.items()):
        references = next_references(prefix, year=year, count=len(year_rows))
        for row, reference in zip(year_rows, references, strict=True):
            row.reference = reference


def idea_versions(drafts: Sequence[IdeaDraft]) -> None:
    """Write each saved idea's history as its steps made it: submitted by its author, then one
    change per decision, dated and signed like the timeline."""
    historical = ImprovementIdea.history.model
    rows = [
        historical(
            **version.fields,
            id=draft.idea.pk,
            history_date=version.at,
            history_user=version.by,
            history_type="~" if number else "+",
        )
        for draft in drafts
        for number, version in enumerate(draft.versions)
    ]
    historical.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def complaint_versions(planned: Sequence[ComplaintDraft]) -> None:
    """Write each saved complaint's history as its steps made it: created when logged, then one
    change per step that changed the row, dated and signed like the timeline."""
    historical = Complaint.history.model
    rows = [
        historical(
            id=draft.complaint.pk,
            reference=draft.complaint.reference,
            **version.fields,
            history_date=version.at,
            history_user=version.by,
            history_type="~" if number else "+",
        )
        for draft in planned
        for number, version in enumerate(draft.versions)
    ]
    historical.objects.bulk_create(rows, batch_size=BATCH_SIZE)


@transaction.atomic
def load(*, seed: int) -> dict[str, int]:
    """Create each part of the year that does not exist yet: reply templates; complaints (with
    their e-mails to and from customers), ideas and recognition; the ideas' conversations and
    roadmap; surveys and pulses, and the closure surveys' ratings on the complaints; insights;
    mystery-shopping audits."""
    counts = dict.fromkeys([*COUNT_NAMES, *VOICE_COUNT_NAMES, *REPLY_COUNT_NAMES], 0)
    people = demo_people()
    touchpoints = list(
        Touchpoint.objects.select_related(
            "stage__journey", "owner_department", "owner_partner"
        ).order_by("pk")
    )
    if people is None or not touchpoints:
        return counts  # the core, stakeholders and journeys demos were not loaded
    now = timezone.now()
    # Before the complaints: their e-mails to customers are written from the templates.
    counts.update(load_reply_templates(people=people, now=now))
    if not Complaint.objects.exists():
        counts.update(load_complaints(seed=seed, now=now, people=people, touchpoints=touchpoints))
    counts.update(load_idea_conversations(seed=seed, now=now, people=people))
    counts.update(load_surveys(seed=seed, now=now, people=people, touchpoints=touchpoints))
    follow_up = load_complaint_follow_up(now=now)
    counts["complaint events"] += follow_up["satisfaction ratings"]  # one entry each
    counts.update(follow_up)
    counts.update(load_pulses(now=now))
    counts.update(load_insights())
    counts.update(load_audits(seed=seed, now=now, people=people, touchpoints=touchpoints))
    return counts


def load_complaints(
    *, seed: int, now: datetime, people: People, touchpoints: list[Touchpoint]
) -> dict[str, int]:
    """Create a year of complaints, ideas and recognition."""
    customers = list(Customer.objects.only("pk", "external_reference", "first_seen"))
    year = DemoYear(seed=seed, now=now, people=people, touchpoints=touchpoints, customers=customers)

    planned = year.complaints()
    complaints = [draft.complaint for draft in planned]
    reserve_references("CMP", complaints, [draft.received_at for draft in planned])
    messages = plan_conversations(seed=seed, now=now, drafts=planned)
    Complaint.objects.bulk_create(complaints, batch_size=BATCH_SIZE)
    complaint_versions(planned)
    events = [event for draft in planned for event in draft.events]
    ComplaintEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    ComplaintMessage.objects.bulk_create(messages, batch_size=BATCH_SIZE)

    idea_drafts = year.ideas()
    for draft in idea_drafts:
        draft.idea = idea_row(draft)
    ideas = [draft.idea for draft in idea_drafts]
    reserve_references("IDEA", ideas, [draft.submitted_at for draft in idea_drafts])
    idea_events = [event for draft in idea_drafts for event in replay_idea(draft)]
    ImprovementIdea.objects.bulk_create(ideas, batch_size=BATCH_SIZE)
    idea_versions(idea_drafts)
    IdeaEvent.objects.bulk_create(idea_events, batch_size=BATCH_SIZE)
    votes = IdeaVote.objects.bulk_create(year.votes(idea_drafts), batch_size=BATCH_SIZE)
    recognitions = Recognition.objects.bulk_create(
        year.recognitions(planned, idea_drafts), batch_size=BATCH_SIZE
    )
    return {
        "complaints": len(complaints),
        "complaint events": len(events),
        "complaint messages": len(messages),
        "ideas": len(ideas),
        "idea votes": len(votes),
        "recognitions": len(recognitions),
    }
