"""The feedback demo: a believable year of complaints, ideas and recognition at Brightline."""

import itertools
import re
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Max, Min
from django.utils import timezone

from core.roles import Role
from feedback import demo, selectors, sla
from feedback.models import (
    Complaint,
    ComplaintEvent,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Recognition,
    Severity,
)
from tests.feedback.demo import SEED

pytestmark = pytest.mark.django_db

OPEN = [str(status) for status in Complaint.OPEN_STATUSES]


def test_demo_holds_a_year_of_complaints_ideas_and_recognition(counts) -> None:
    """About 2,000 complaints over the last twelve months, 150 ideas and 30 kudos."""
    now = timezone.now()

    span = Complaint.objects.aggregate(first=Min("received_at"), last=Max("received_at"))

    assert 1_900 <= counts["complaints"] == Complaint.objects.count() <= 2_100
    assert counts["complaint events"] == ComplaintEvent.objects.count() >= 5 * counts["complaints"]
    assert 140 <= counts["ideas"] == ImprovementIdea.objects.count() <= 160
    assert counts["idea votes"] == IdeaVote.objects.count() > counts["ideas"]
    assert 25 <= counts["recognitions"] == Recognition.objects.count() <= 35
    assert now - timedelta(days=366) <= span["first"] < now - timedelta(days=360)
    assert now - timedelta(days=2) <= span["last"] <= now


def test_complaints_mix_severities_channels_customers_and_owners(counts) -> None:
    """The severity mix is about 45/35/15/5, some complaints have no touchpoint, and the owner
    is the touchpoint's."""
    complaints = list(
        Complaint.objects.select_related("touchpoint", "customer").order_by("received_at")
    )
    total = len(complaints)

    severities = Counter(complaint.severity for complaint in complaints)
    channels = Counter(complaint.channel for complaint in complaints)
    with_customer = [complaint for complaint in complaints if complaint.customer]
    first_contact = [complaint for complaint in complaints if complaint.resolved_at_first_contact]

    assert 0.38 <= severities[Severity.LOW] / total <= 0.52
    assert 0.28 <= severities[Severity.MEDIUM] / total <= 0.42
    assert 0.10 <= severities[Severity.HIGH] / total <= 0.22
    assert 0.02 <= severities[Severity.CRITICAL] / total <= 0.09
    assert len(channels) == len(Complaint.Channel)
    assert channels.most_common(1)[0][0] == "phone"
    assert 0.5 <= len(with_customer) / total <= 0.7
    assert all(
        complaint.customer_reference
        == (complaint.customer.external_reference if complaint.customer else "")
        for complaint in complaints
    )
    assert 0.18 <= len(first_contact) / total <= 0.32
    assert all(complaint.severity <= Severity.MEDIUM for complaint in first_contact)
    assert 30 <= sum(complaint.touchpoint is None for complaint in complaints) <= 250
    assert all(
        (complaint.owner_department_id, complaint.owner_partner_id)
        == (
            (complaint.touchpoint.owner_department_id, complaint.touchpoint.owner_partner_id)
            if complaint.touchpoint
            else (None, None)
        )
        for complaint in complaints
    )
    assert len({complaint.description for complaint in complaints}) >= 0.4 * total


def test_swiftparcel_complaints_climb_during_its_bad_spell(counts) -> None:
    """SwiftParcel's complaint rate in its bad months is well above its other months, with more
    serious ones traced to the supplier."""
    start, end = demo.trouble_window(timezone.now())
    swiftparcel = Complaint.objects.filter(owner_partner__name="SwiftParcel")
    during = list(swiftparcel.filter(received_at__range=(start, end)))
    other = list(swiftparcel.exclude(received_at__range=(start, end)))
    spell_days = (end - start).days

    rate_during = len(during) / spell_days
    rate_other = len(other) / (demo.DAYS - spell_days)
    serious_during = sum(complaint.severity >= Severity.HIGH for complaint in during)
    serious_other = sum(complaint.severity >= Severity.HIGH for complaint in other)
    causes = Counter(complaint.root_cause_category for complaint in during)

    assert rate_during > 2 * rate_other
    assert serious_during / len(during) > serious_other / len(other) + 0.08
    assert causes["material"] > 0.5 * sum(count for cause, count in causes.items() if cause)


def test_sla_clocks_and_flags_agree_with_the_timestamps(counts) -> None:
    """Due times come from the severity policy; each within-SLA flag matches its timestamps."""
    policies = {severity: selectors.policy_for(severity) for severity in Severity.values}
    complaints = list(Complaint.objects.all())

    for complaint in complaints:
        clocks = sla.clocks_for(complaint.received_at, policies[complaint.severity])
        assert complaint.acknowledge_due_at == clocks.acknowledge_due_at
        assert complaint.resolve_due_at == clocks.resolve_due_at
        assert complaint.resolve_at_risk_from == clocks.resolve_at_risk_from
        acknowledged = complaint.acknowledged_at
        responded = complaint.responded_at
        assert (acknowledged is None) == (complaint.status == Complaint.Status.RECEIVED)
        assert complaint.acknowledged_within_sla == (
            acknowledged <= complaint.acknowledge_due_at if acknowledged else None
        )
        assert (responded is None) == (complaint.status not in ("responded", "closed"))
        assert complaint.resolved_within_sla == (
            responded <= complaint.resolve_due_at if responded else None
        )
        assert (complaint.closed_at is None) == (complaint.status != "closed")
        assert (complaint.customer_accepted is None) == (complaint.status != "closed")
    acknowledgements = [complaint.acknowledged_within_sla for complaint in complaints]
    resolutions = [complaint.resolved_within_sla for complaint in complaints]
    late_acknowledgements = acknowledgements.count(False) / (
        len(complaints) - acknowledgements.count(None)
    )
    late_resolutions = resolutions.count(False) / (len(complaints) - resolutions.count(None))
    assert 0.08 <= late_acknowledgements <= 0.18
    assert 0.12 <= late_resolutions <= 0.22


def test_todays_queue_has_overdue_and_at_risk_complaints(counts) -> None:
    """The quality manager's queue filters show rows today, in every open status."""
    quality = User.objects.get(username="quality")

    queue = selectors.queue_counts(quality)
    states = Counter(
        complaint.sla_state() for complaint in Complaint.objects.filter(status__in=OPEN)
    )

    assert queue["overdue"] >= 3
    assert states["overdue"] == queue["overdue"]
    assert queue["at_risk"] >= 3
    assert states["at_risk"] == queue["at_risk"]
    assert queue["escalated"] >= 1
    assert queue["unassigned"] >= 1
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Complaint.Status)
    assert Complaint.objects.filter(status="closed").count() > 0.9 * counts["complaints"]
    assert not Complaint.objects.filter(
        status__in=OPEN, received_at__lt=timezone.now() - timedelta(days=150)
    ).exists()


def test_every_timeline_starts_logged_and_runs_in_time_order(counts) -> None:
    """Events follow one another in time, and the last transition is the complaint's status."""
    complaints = {complaint.pk: complaint for complaint in Complaint.objects.all()}
    timelines: dict[int, list[ComplaintEvent]] = defaultdict(list)
    for event in ComplaintEvent.objects.order_by("complaint_id", "id"):
        timelines[event.complaint_id].append(event)

    assert set(timelines) == set(complaints)
    for pk, events in timelines.items():
        complaint = complaints[pk]
        transitions = [event for event in events if event.to_status]
        assert events[0].kind == ComplaintEvent.Kind.LOGGED
        assert events[0].at == complaint.received_at
        assert events[0].actor_id == complaint.logged_by_id
        assert [event.at for event in events] == sorted(event.at for event in events)
        assert all(
            later.from_status == earlier.to_status
            for earlier, later in itertools.pairwise(transitions)
        )
        assert transitions[-1].to_status == complaint.status
        kinds = Counter(event.kind for event in events)
        assert kinds[ComplaintEvent.Kind.REOPENED] == complaint.reopen_count
        assert bool(kinds[ComplaintEvent.Kind.ESCALATED]) == (complaint.escalated_at is not None)
        assert bool(kinds[ComplaintEvent.Kind.ROOT_CAUSE]) == bool(complaint.root_cause_category)
        if complaint.status in ("responded", "closed"):
            responses = [event for event in events if event.kind == ComplaintEvent.Kind.RESPONDED]
            assert responses[-1].text == complaint.decision
    reopened = Complaint.objects.filter(reopen_count=1).count()
    assert 0.01 * len(complaints) <= reopened <= 0.06 * len(complaints)


def test_references_are_unique_and_numbered_in_order_of_receipt(counts) -> None:
    """CMP-YYYY-NNNNNN and IDEA-YYYY-NNNNNN, per local year, counting up with time."""
    for rows, prefix in [
        (
            Complaint.objects.order_by("received_at", "id").values_list("reference", "received_at"),
            "CMP",
        ),
        (
            ImprovementIdea.objects.order_by("submitted_at", "id").values_list(
                "reference", "submitted_at"
            ),
            "IDEA",
        ),
    ]:
        last_number: dict[int, int] = {}
        for reference, moment in rows:
            match = re.fullmatch(rf"{prefix}-(\d{{4}})-(\d{{6}})", reference)
            assert match, reference
            year, number = int(match[1]), int(match[2])
            assert year == timezone.localtime(moment).year
            assert number == last_number.get(year, 0) + 1
            last_number[year] = number


def test_ideas_have_every_status_and_consistent_decisions(counts) -> None:
    """Declined ideas say why; decisions name who and when; votes never come from the submitter."""
    ideas = list(ImprovementIdea.objects.all())
    last_event = {
        event.idea_id: event.to_status
        for event in IdeaEvent.objects.order_by("idea_id", "at", "id")
    }
    votes = list(IdeaVote.objects.select_related("idea"))

    assert {idea.status for idea in ideas} == set(ImprovementIdea.Status)
    for idea in ideas:
        decided = idea.status in ("accepted", "declined", "implemented")
        assert last_event[idea.pk] == idea.status
        assert (idea.decided_at is not None) == decided == (idea.decided_by_id is not None)
        assert (idea.implemented_at is not None) == (idea.status == "implemented")
        if idea.status == "declined":
            assert idea.decision_reason
        if idea.implemented_at:
            assert idea.decided_at is not None
            assert idea.implemented_at > idea.decided_at
    assert all(vote.voter_id != vote.idea.submitted_by_id for vote in votes)
    assert all(vote.voted_at >= vote.idea.submitted_at for vote in votes)
    assert max(Counter(vote.idea_id for vote in votes).values()) <= 15
    assert sum("SwiftParcel" in idea.title for idea in ideas) >= 3


def test_recognition_goes_from_managers_to_frontline_staff(counts) -> None:
    """Quality managers and executives recognise frontline staff for complaints and ideas."""
    frontline = set(
        User.objects.filter(groups__name=Role.FRONTLINE.value).values_list("pk", flat=True)
    )
    givers = set(
        User.objects.filter(
            groups__name__in=[Role.QUALITY_MANAGER.value, Role.EXECUTIVE.value]
        ).values_list("pk", flat=True)
    )

    recognitions = list(Recognition.objects.select_related("complaint", "idea"))

    for recognition in recognitions:
        linked = recognition.complaint or recognition.idea
        assert recognition.recipient_id in frontline
        assert recognition.given_by_id in givers
        assert linked is not None
        title = recognition.idea.title if recognition.idea else linked.reference
        assert linked.reference in recognition.behaviour or title in recognition.behaviour
        assert recognition.given_at <= timezone.now()


def test_frontline_login_has_complaints_ideas_and_recognition(counts) -> None:
    """The demo's frontline login finds a lively "My submissions" page."""
    frontline = User.objects.get(username="frontline")
    quality = User.objects.get(username="quality")

    logged = list(Complaint.objects.filter(logged_by=frontline))
    ideas = list(ImprovementIdea.objects.filter(submitted_by=frontline))

    assert 12 <= len(logged) <= 20
    assert len({complaint.status for complaint in logged}) >= 3
    assert any(complaint.is_open for complaint in logged)
    assert Complaint.objects.filter(assignee=frontline).count() >= 3
    assert 5 <= len(ideas) <= 8
    assert len({idea.status for idea in ideas}) >= 4
    assert any(idea.status == "declined" and idea.decision_reason for idea in ideas)
    assert Recognition.objects.filter(recipient=frontline).count() >= 3
    assert Complaint.objects.filter(assignee=quality).count() >= 200


def test_complaints_and_ideas_have_their_history_record(counts) -> None:
    """The history tab shows who created each record and when."""
    complaint = Complaint.objects.order_by("?").first()
    idea = ImprovementIdea.objects.order_by("?").first()
    assert complaint is not None
    assert idea is not None

    created = complaint.history.get(history_type="+")

    assert Complaint.history.filter(history_type="+").count() == counts["complaints"]
    assert ImprovementIdea.history.filter(history_type="+").count() == counts["ideas"]
    assert (created.history_user_id, created.history_date, created.status) == (
        complaint.logged_by_id,
        complaint.received_at,
        Complaint.Status.RECEIVED,
    )
    submitted = idea.history.get(history_type="+")
    assert (submitted.history_user_id, submitted.history_date, submitted.status) == (
        idea.submitted_by_id,
        idea.submitted_at,
        ImprovementIdea.Status.SUBMITTED,
    )


def test_complaint_history_has_a_version_per_step_as_its_timeline(counts) -> None:
    """Each status change of the timeline is a version of the row, dated and signed like the
    timeline entry; the newest version is the row as it is now."""
    complaints = {complaint.pk: complaint for complaint in Complaint.objects.all()}
    versions: dict[int, list[Any]] = defaultdict(list)
    for version in Complaint.history.order_by("id", "history_date", "history_id"):
        versions[version.id].append(version)
    transitions: dict[int, list[ComplaintEvent]] = defaultdict(list)
    for event in ComplaintEvent.objects.exclude(to_status="").order_by("complaint_id", "id"):
        transitions[event.complaint_id].append(event)

    assert set(versions) == set(complaints)
    for pk, rows in versions.items():
        complaint, steps = complaints[pk], transitions[pk]
        signed = {(row.history_date, row.history_user_id, row.status) for row in rows}
        assert [row.history_type for row in rows] == ["+"] + ["~"] * (len(rows) - 1)
        assert [status for status, _same in itertools.groupby(row.status for row in rows)] == [
            status for status, _same in itertools.groupby(step.to_status for step in steps)
        ]
        assert {(step.at, step.actor_id, step.to_status) for step in steps} <= signed
        newest = rows[-1]
        assert (newest.status, newest.assignee_id, newest.closed_at, newest.reference) == (
            complaint.status,
            complaint.assignee_id,
            complaint.closed_at,
            complaint.reference,
        )


def test_loading_the_demo_again_creates_nothing(counts) -> None:
    """A second load finds the complaints and leaves every table as it was."""
    models = [Complaint, ComplaintEvent, ImprovementIdea, IdeaEvent, IdeaVote, Recognition]
    before = [model._default_manager.count() for model in models]

    again = demo.load(seed=SEED)

    assert again == dict.fromkeys(counts, 0)
    assert [model._default_manager.count() for model in models] == before


def test_every_demo_touchpoint_has_complaint_texts_that_fit_it() -> None:
    """Each touchpoint of the demo journeys has its own minor and serious complaints, and every
    text's placeholders are known."""
    fills = {
        "product": "heat pump",
        "part": "pressure sensor",
        "days": 3,
        "minutes": 40,
        "hours": 2,
        "amount": 49,
        "weekday": "Monday",
        "order": "ORD-250001",
        "owner": "SwiftParcel",
        "since": 2021,
    }

    themes = demo.complaint_wording().themes
    for name, (theme_key, _share) in demo.TOUCHPOINT_THEMES.items():
        theme = themes[theme_key]
        minor = [case for case in theme.minor if not case.touchpoints or name in case.touchpoints]
        serious = [
            case for case in theme.serious if not case.touchpoints or name in case.touchpoints
        ]
        assert len(minor) >= 2, name
        assert serious, name
    for theme in themes.values():
        for case in [*theme.minor, *theme.serious]:
            assert set(case.touchpoints) <= set(demo.TOUCHPOINT_THEMES), case.description
            texts = [case.description, *case.remedies, *case.decisions]
            texts += [text for _category, text in case.root_causes]
            assert all(text.format_map(fills) for text in texts)
            assert {category for category, _text in case.root_causes} <= set(
                Complaint.RootCause.values
            )
        assert all(text.format_map(fills) for text in [*theme.details, *theme.comments])
    assert len(demo.idea_wording().ideas) >= 120
