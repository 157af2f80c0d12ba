"""The demo organisation, loaded once: logins, people, journeys, indicators and their verdicts.

The demo loads once for every module of tests/demo/ (its conftest.py); the improvement cycles
and the page walk over the demo live beside this module.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from core.audit import all_records
from core.demo import DEMO_PASSWORD
from feedback.demo.texts import complaint_wording, idea_wording
from feedback.demo.voice_texts import insight_themes, survey_wording
from feedback.models import Complaint, ImprovementIdea, SurveyResponse, Theme
from improvement.demo.wording import cycle_wording
from improvement.models import CycleAction, PDCACycle
from journeys.demo import GET_SUPPORT
from journeys.models import Journey, QualityObjective, Touchpoint
from journeys.selectors import journey_list
from metrics.models import Alert, Indicator, Snapshot
from metrics.periods import open_period
from metrics.series import status_of
from reports.models import ManagementReview, ReviewAction, ReviewDecision
from stakeholders.models import Department, Partner
from tests.core.test_audit_trail import changed, newest
from tests.core.test_demo import run_demo, snapshot

pytestmark = pytest.mark.django_db


# Logins and people -------------------------------------------------------------------------------


def test_demo_prints_one_working_login_per_role(demo_organisation: str) -> None:
    """Each demo login exists, holds its role and signs in with the printed password."""
    printed = demo_organisation

    for username, role in [
        ("frontline", "Frontline staff"),
        ("quality", "Quality manager"),
        ("executive", "Executive"),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(DEMO_PASSWORD)
        assert f"user {username}" in printed
    assert User.objects.get(username="admin").is_superuser
    assert DEMO_PASSWORD in printed


def test_running_demo_twice_changes_nothing(demo_organisation: str, settings) -> None:
    """A second run with the same seed leaves every row as it was."""
    settings.DEBUG = True
    before = snapshot()

    run_demo()

    assert snapshot() == before


def test_demo_organisation_has_staff_in_every_role(demo_organisation: str) -> None:
    """The demo looks like an organisation: frontline staff outnumber managers."""
    frontline = User.objects.filter(groups__name="Frontline staff").count()
    managers = User.objects.filter(groups__name="Quality manager").count()
    executives = User.objects.filter(groups__name="Executive").count()
    assert frontline > managers >= 2
    assert executives >= 2


# Journeys ----------------------------------------------------------------------------------------


def test_demo_has_three_journeys_of_four_to_six_stages(demo_organisation: str) -> None:
    """Buy online, get support and renew contract, each with 4-6 stages."""
    journeys: dict[str, Any] = {journey.name: journey for journey in journey_list()}

    assert set(journeys) == {"Buy online", "Get support", "Renew contract"}
    assert all(4 <= journey.stage_count <= 6 for journey in journeys.values())
    assert all(journey.cross_owner_handoff_count >= 1 for journey in journeys.values())


def test_demo_touchpoints_are_owned_by_five_departments_and_three_partners(
    demo_organisation: str,
) -> None:
    """About twenty touchpoints, spread over every department and partner."""
    touchpoints = Touchpoint.objects.all()

    assert 18 <= touchpoints.count() <= 24
    assert Department.objects.filter(touchpoints__isnull=False).distinct().count() == 5
    assert Partner.objects.filter(touchpoints__isnull=False).distinct().count() == 3


def test_demo_get_support_matches_its_published_spec(demo_organisation: str) -> None:
    """The demo's Get support journey is the spec the browser test builds by hand."""
    journey = Journey.objects.get(name="Get support")

    stages = list(journey.stages.order_by("order").values_list("name", flat=True))

    assert stages == [name for name, _touchpoints in GET_SUPPORT["stages"]]
    assert journey.stages.get(name="Resolve").touchpoints.count() == 2


def test_loading_the_demo_twice_adds_no_journey(demo_organisation: str, settings) -> None:
    """Re-running the demo leaves the journeys as they were."""
    settings.DEBUG = True
    before = (Journey.objects.count(), Touchpoint.objects.count())

    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Journey.objects.count(), Touchpoint.objects.count()) == before


# Feedback ----------------------------------------------------------------------------------------


def test_demo_feedback_is_worded_from_its_toml_files(demo_organisation: str) -> None:
    """Complaints open with a case of the wording files, survey answers and idea titles come from
    them, and the insight themes are theirs, in their order."""
    cases = [
        case.description
        for theme in complaint_wording().themes.values()
        for case in [*theme.minor, *theme.serious]
    ]
    # A case's placeholders stand for any words; the first letter is capitalised.
    opening = re.compile(
        "|".join(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(text)) for text in cases), re.IGNORECASE
    )
    surveys = survey_wording()
    comments = {
        text for bands in surveys.comments.values() for band in bands.values() for text in band
    }
    comments |= {text for band in surveys.trouble_comments.values() for text in band}
    comments |= {text for band in surveys.callback_comments.values() for text in band}
    suggestions = {text for texts in surveys.improvements.values() for text in texts}

    descriptions = Complaint.objects.values_list("description", flat=True)
    answers = SurveyResponse.objects.values_list("comment", "improvement_suggestion").distinct()

    assert [text for text in descriptions if not opening.match(text)] == []
    assert {comment for comment, _suggestion in answers} - {""} <= comments
    assert {suggestion for _comment, suggestion in answers} - {""} <= suggestions
    # The ideas that started the demo's PDCA cycles are worded with those cycles.
    cycle_ideas = {text.idea for text in cycle_wording().cycles.values() if text.idea}
    assert (
        set(ImprovementIdea.objects.values_list("title", flat=True))
        <= {idea.title for idea in idea_wording().ideas} | cycle_ideas
    )
    assert list(Theme.objects.order_by("pk").values_list("name", "description")) == [
        (theme.name, theme.description) for theme in insight_themes()
    ]


# Indicators --------------------------------------------------------------------------------------


@pytest.fixture
def indicators(demo_organisation: str) -> list[Indicator]:
    """The demo's active indicators."""
    return list(Indicator.objects.filter(is_active=True))


def test_no_demo_verdict_rests_on_an_unfinished_period(indicators: list[Indicator]) -> None:
    """Status, variation, trend, signals and alerts read only periods that have ended."""
    assert len(indicators) >= 20
    for indicator in indicators:
        first_open = open_period(indicator.grain)

        in_progress = Snapshot.objects.filter(indicator=indicator, period__gte=first_open)

        assert indicator.complete_before == first_open, indicator.code
        if indicator.latest_period is not None:
            assert indicator.latest_period < first_open, indicator.code
        assert not any(snapshot.signals for snapshot in in_progress), indicator.code
        assert not Alert.objects.filter(indicator=indicator, period__gte=first_open).exists()
        if in_progress.exclude(value=None).exists():
            assert indicator.current_period == first_open, indicator.code


def test_no_demo_indicator_is_said_to_meet_a_target_it_misses(indicators: list[Indicator]) -> None:
    """The stored status is the one its latest complete value earns, and a miss is never met."""
    for indicator in indicators:
        assert indicator.status == status_of(indicator, indicator.latest_value), indicator.code
        if indicator.status == Indicator.Status.MEETS_TARGET:
            value, target = indicator.latest_value, indicator.target
            assert value is not None
            assert target is not None
            met = value >= target if indicator.higher_is_better else value <= target
            assert met, f"{indicator.code}: {value} against {target}"


def test_demo_contract_churn_is_plausible_for_yearly_contracts(indicators: list[Indicator]) -> None:
    """Most of Brightline's contracts run for a year and about 12 % end in a year: churn of
    contracts in force stays between 0.4 % and 2 % in every complete month (about 1 % on
    average, up in the courier's bad spell) and retention is its complement."""
    churn, retention = (
        Indicator.objects.get(code=code, active_customer="contract")
        for code in ("churn", "retention")
    )
    complete = churn.snapshots.filter(period__lt=open_period("month")).order_by("period")
    kept = dict(retention.snapshots.values_list("period", "value"))

    values = [snapshot.value for snapshot in complete if snapshot.value is not None]

    assert len(values) == len(complete) >= 18
    assert all(0.4 <= value <= 2.0 for value in values), values
    assert 0.8 <= sum(values) / len(values) <= 1.5
    assert all(kept[item.period] == pytest.approx(100 - (item.value or 0)) for item in complete)


def test_the_demo_fills_every_controlled_records_history(demo_organisation: str) -> None:
    """A newcomer sees real trails: every record created by a named person in the past, and
    later changes on partners, journeys, objectives, indicators, complaints and ideas."""
    now = timezone.now()
    for record in all_records():
        model = record.model
        created = model.history.filter(history_type="+")  # type: ignore[attr-defined]
        assert created.count() == model._default_manager.count(), model
        assert not created.filter(history_user=None).exists(), model
        assert not created.filter(history_date__gt=now).exists(), model
        # Set up before the year of feedback, improvement and management reviews, which are
        # dated through it.
        if model not in (
            Complaint,
            ImprovementIdea,
            PDCACycle,
            CycleAction,
            ManagementReview,
            ReviewDecision,
            ReviewAction,
        ):
            assert not created.filter(history_date__gt=now - timedelta(days=300)).exists(), model
    for model in (Partner, Journey, QualityObjective, Indicator, Complaint, ImprovementIdea):
        assert model.history.filter(history_type="~").exists(), model
    swiftparcel = Partner.objects.get(name="SwiftParcel")
    assert changed(newest(swiftparcel))["status"] == ("Active", "Probation")
