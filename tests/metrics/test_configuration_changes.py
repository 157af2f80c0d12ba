"""Configuration changes keep the numbers right: after each, the nightly (incremental) run gives
the snapshots a full rebuild gives, with no rebuild asked for.

Each test starts from a small organisation shaped like the demo's (two journeys and a third to
delete, touchpoints owned by departments and partners, surveys scoped to each, complaints,
mystery-shop audits, implemented ideas, indicators scoped every way), recomputed in full. It
then changes the configuration through the service, runs the nightly recompute, and compares
every snapshot and verdict with a fresh full rebuild.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.changes import Source, changes_record_rows, local_day
from core.models import SourceChange
from core.roles import Role, sync_roles
from feedback import services as feedback_services
from feedback.models import Audit, Complaint, ImprovementIdea, Survey, SurveyResponse
from journeys import services as journey_services
from journeys.models import Journey, Stage, Touchpoint
from metrics import services
from metrics.models import Indicator, Observation, RecomputeRun, Snapshot
from metrics.recompute import recompute_start
from stakeholders.models import CustomerActivity, CustomerSegment, Department, Partner
from tests.conftest import FAST_HASHERS, check_deferred_constraints_once
from tests.core.factories import UserFactory
from tests.feedback.day_counts import answered_days, counted_days
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.test_recompute import run, snapshot_table
from tests.stakeholders.factories import CustomerFactory, DepartmentFactory, PartnerFactory

pytestmark = pytest.mark.django_db

FIRST_DAY = date(2026, 3, 2)
DAYS = 150  # March to July 2026: months closed before the tests run
VERDICT_FIELDS = (
    "status",
    "variation",
    "assurance",
    "trend",
    "latest_period",
    "latest_value",
    "current_period",
    "current_value",
    "current_n",
)


@dataclass
class Organisation:
    """The small organisation the tests change, and the indicators that read it."""

    buy: Journey
    support: Journey
    returns: Journey
    checkout: Touchpoint
    delivery: Touchpoint
    helpdesk: Touchpoint
    drop_off: Touchpoint
    swift: Partner
    northwind: Partner
    service_desk: Department
    quality_manager: User
    surveys: dict[str, Survey]
    indicators: dict[str, Indicator]


def moment(rng: random.Random) -> datetime:
    """Return a random local time between March and July 2026."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    return timezone.make_aware(datetime(day.year, day.month, day.day, rng.randrange(7, 22), 15))


def answer(survey: Survey, rng: random.Random, count: int) -> None:
    """Record answers from an integration, spread over the months."""
    low, high = survey.scale
    for _ in range(count):
        feedback_services.survey_respond(
            survey=survey,
            score=rng.randint(low, high),
            channel=SurveyResponse.Channel.API,
            responded_at=moment(rng),
        )


def audit(touchpoint: Touchpoint, auditor: User, rng: random.Random, count: int) -> None:
    """Record mystery-shop visits of a touchpoint on random days."""
    checklist = feedback_services.checklist_create(
        by=auditor,
        touchpoint=touchpoint,
        name=f"{touchpoint.name} visit",
        items=[("Greeted within a minute", 2), ("Promise kept", 3)],
    )
    items = list(checklist.items.all())
    for _ in range(count):
        feedback_services.audit_record(
            template=checklist,
            auditor=auditor,
            visited_on=moment(rng).date(),
            scores={item.pk: rng.randint(0, 4) for item in items},
        )


def implement_ideas(touchpoint: Touchpoint, reviewer: User, rng: random.Random, count: int) -> None:
    """Have ideas for a touchpoint submitted, accepted and implemented on random days."""
    for number in range(count):
        implemented = moment(rng)
        idea = feedback_services.idea_submit(
            submitted_by=reviewer,
            title=f"{touchpoint.name} idea {number}",
            problem="Customers wait.",
            proposal="Wait less.",
            touchpoint=touchpoint,
            submitted_at=implemented - timedelta(days=20),
        )
        feedback_services.idea_review(idea=idea, by=reviewer, at=implemented - timedelta(days=15))
        feedback_services.idea_accept(idea=idea, by=reviewer, at=implemented - timedelta(days=10))
        feedback_services.idea_implement(idea=idea, by=reviewer, at=implemented)


def complain(touchpoint: Touchpoint, logged_by: User, rng: random.Random, count: int) -> None:
    """Log complaints at a touchpoint (attributed to its owner as it is then)."""
    for number in range(count):
        feedback_services.complaint_log(
            logged_by=logged_by,
            description=f"Complaint {number} about {touchpoint.name}",
            touchpoint=touchpoint,
            received_at=moment(rng),
        )


SURVEYS: list[tuple[str, str, dict[str, str]]] = [
    # name, kind, scope (attribute names of the organisation)
    ("Delivery NPS", "nps", {"touchpoint": "delivery"}),
    ("Helpdesk NPS", "nps", {"touchpoint": "helpdesk"}),
    ("Drop-off NPS", "nps", {"touchpoint": "drop_off"}),
    ("Checkout CSAT", "csat", {"journey": "buy", "touchpoint": "checkout"}),
    ("Support CES", "ces", {"journey": "support"}),
]
INDICATORS: list[tuple[str, str, str, dict[str, str]]] = [
    # code, computation, grain, scope
    ("nps", "nps", "month", {}),
    ("nps-buy", "nps", "month", {"journey": "buy"}),
    ("nps-support", "nps", "week", {"journey": "support"}),
    ("nps-swift", "nps", "month", {"partner": "swift"}),
    ("nps-northwind", "nps", "month", {"partner": "northwind"}),
    ("nps-delivery", "nps", "month", {"touchpoint": "delivery"}),
    ("csat", "csat", "month", {}),
    ("ces-support", "ces", "month", {"journey": "support"}),
    ("complaints-swift", "complaint_count", "month", {"partner": "swift"}),
    ("complaints-buy", "complaint_count", "week", {"journey": "buy"}),
    ("audits-swift", "mystery_shop_score", "month", {"partner": "swift"}),
    ("audits-northwind", "mystery_shop_score", "month", {"partner": "northwind"}),
    ("ideas-swift", "ideas_implemented", "month", {"partner": "swift"}),
    ("ideas-support", "ideas_implemented", "month", {"journey": "support"}),
    ("complaint-rate", "complaint_rate", "month", {}),
    ("retention", "retention", "month", {}),
]


def build() -> dict[str, int]:
    """Build the organisation, its feedback over five months and its indicators; return the
    primary keys of what the tests name."""
    rng = random.Random(18)
    sync_roles()
    manager = UserFactory.create(role=Role.QUALITY_MANAGER, username="quality")
    service_desk = DepartmentFactory.create(name="Customer Service")
    swift = PartnerFactory.create(name="SwiftParcel")
    northwind = PartnerFactory.create(name="Northwind Couriers")
    rows: dict[str, Any] = {"swift": swift, "northwind": northwind, "service_desk": service_desk}
    owners: list[tuple[str, str, str, dict[str, Department | Partner]]] = [
        ("buy", "Buy online", "Order", {"checkout": service_desk, "delivery": swift}),
        ("support", "Get support", "Ask", {"helpdesk": northwind}),
        ("returns", "Return a parcel", "Drop off", {"drop_off": swift}),
    ]
    for key, journey, stage, touchpoints in owners:
        rows[key] = JourneyFactory.create(name=journey)
        stage_row = StageFactory.create(journey=rows[key], name=stage)
        for name, owner in touchpoints.items():
            rows[name] = TouchpointFactory.create(
                stage=stage_row,
                name=name.replace("_", "-").capitalize(),
                owner_department=owner if isinstance(owner, Department) else None,
                owner_partner=owner if isinstance(owner, Partner) else None,
            )
    for name, kind, scope in SURVEYS:
        survey = feedback_services.survey_create(
            created_by=manager,
            name=name,
            kind=kind,
            **{field: rows[place] for field, place in scope.items()},
        )
        rows[name] = survey
        answer(survey, rng, 16)
    for place in ("delivery", "helpdesk", "drop_off"):
        audit(rows[place], manager, rng, 5)
        implement_ideas(rows[place], manager, rng, 3)
    for place in ("checkout", "delivery", "helpdesk", "drop_off"):
        complain(rows[place], manager, rng, 5)
    customers = [CustomerFactory.create(first_seen=FIRST_DAY) for _ in range(6)]
    for _ in range(40):
        CustomerActivity.objects.create(
            customer=rng.choice(customers),
            kind=rng.choice(["purchase", "purchase", "renewal", "cancellation"]),
            occurred_at=moment(rng),
        )
    for code, computation, grain, scope in INDICATORS:
        rows[code] = services.indicator_create(
            code=code,
            name=code,
            kind="lagging",
            stakeholder_group="customers",
            computation=computation,
            grain=grain,
            **{field: rows[place] for field, place in scope.items()},
        )
    rows["quality_manager"] = manager
    return {name: row.pk for name, row in rows.items()}


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """Build the organisation once for this module, recompute it in full, and roll it back at
    the end; each test runs in a savepoint inside, so what a test changes is undone too."""
    from loyaltyqms.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the run's tasks run inline, as without a worker
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(CELERY_TASK_ALWAYS_EAGER=True, PASSWORD_HASHERS=FAST_HASHERS),
    ):
        keys = build()
        with TestCase.captureOnCommitCallbacks(execute=True):
            first = recompute_start(
                mode=RecomputeRun.Mode.FULL, trigger=RecomputeRun.Trigger.COMMAND
            )
        first.refresh_from_db()
        assert first.status == RecomputeRun.Status.SUCCEEDED, first.error
        SourceChange.objects.all().delete()  # what the build logged, the full run has read
        check_deferred_constraints_once()
        yield keys
        transaction.set_rollback(True)
    app.conf.task_always_eager = eager


@pytest.fixture
def eager(settings: Any) -> Iterator[None]:
    """Run the run's tasks inline, as `make run` without a worker would."""
    from loyaltyqms.celery import app

    before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def organisation(built: dict[str, int], eager: None, db: None) -> Organisation:
    """The organisation as saved (fresh rows: a test's changes in memory stay in its test)."""
    return Organisation(
        buy=Journey.objects.get(pk=built["buy"]),
        support=Journey.objects.get(pk=built["support"]),
        returns=Journey.objects.get(pk=built["returns"]),
        checkout=Touchpoint.objects.get(pk=built["checkout"]),
        delivery=Touchpoint.objects.get(pk=built["delivery"]),
        helpdesk=Touchpoint.objects.get(pk=built["helpdesk"]),
        drop_off=Touchpoint.objects.get(pk=built["drop_off"]),
        swift=Partner.objects.get(pk=built["swift"]),
        northwind=Partner.objects.get(pk=built["northwind"]),
        service_desk=Department.objects.get(pk=built["service_desk"]),
        quality_manager=User.objects.get(pk=built["quality_manager"]),
        surveys={name: Survey.objects.get(pk=built[name]) for name, _kind, _scope in SURVEYS},
        indicators={code: Indicator.objects.get(pk=built[code]) for code, *_rest in INDICATORS},
    )


def verdicts() -> dict[str, tuple[Any, ...]]:
    """Return every indicator's verdicts and latest values, by code."""
    return {row[0]: row[1:] for row in Indicator.objects.values_list("code", *VERDICT_FIELDS)}


def values_of(indicator: Indicator) -> dict[date, tuple[Any, ...]]:
    """Return an indicator's snapshot values (value and n) by period."""
    return {
        period: (value, n)
        for period, value, n in Snapshot.objects.filter(indicator=indicator).values_list(
            "period", "value", "n"
        )
    }


def change_log() -> dict[str, set[date]]:
    """Return the days the change log holds, by source (blank scopes only: those of the
    feedback tables)."""
    days: dict[str, set[date]] = {}
    for source, scope, first, last in SourceChange.objects.values_list(
        "source", "scope", "first_day", "last_day"
    ):
        assert scope == "", f"{source} logged for {scope} only"
        days.setdefault(source, set()).update(
            first + timedelta(days=offset) for offset in range((last - first).days + 1)
        )
    return days


def days_of(rows: Any, field: str) -> set[date]:
    """Return the local days a date or time field of the rows falls on."""
    return {local_day(value) for value in rows.values_list(field, flat=True) if value}


def nightly_equals_rebuild(django_capture_on_commit_callbacks: Any) -> RecomputeRun:
    """Run the nightly recompute, then a full rebuild; check the rebuild changed nothing, and
    return the nightly run."""
    nightly = run(django_capture_on_commit_callbacks)
    after_nightly, verdicts_after_nightly = snapshot_table(), verdicts()

    rebuild = run(django_capture_on_commit_callbacks, full=True)

    assert nightly.status == RecomputeRun.Status.SUCCEEDED, nightly.error
    assert rebuild.status == RecomputeRun.Status.SUCCEEDED, rebuild.error
    assert rebuild.cells == 0, "the full rebuild found cells the nightly run had missed"
    assert snapshot_table() == after_nightly
    assert verdicts() == verdicts_after_nightly
    return nightly


# Surveys ----------------------------------------------------------------------------------------


SCOPES: dict[str, Callable[[Organisation], dict[str, Any]]] = {
    "another partner's touchpoint": lambda world: {"journey": None, "touchpoint": world.helpdesk},
    "a journey, no touchpoint": lambda world: {"journey": world.support, "touchpoint": None},
    "the whole organisation": lambda world: {"journey": None, "touchpoint": None},
}


@pytest.mark.parametrize("scope", list(SCOPES))
def test_a_new_survey_scope_moves_its_past_answers_and_the_nightly_run_follows(
    organisation: Organisation, django_capture_on_commit_callbacks: Any, scope: str
) -> None:
    """Delivery NPS (SwiftParcel's touchpoint on "Buy online") is corrected to another scope:
    its 16 answers leave the delivery, SwiftParcel and "Buy online" indicators."""
    survey = organisation.surveys["Delivery NPS"]
    answers = SurveyResponse.objects.filter(survey=survey)
    swift_before = values_of(organisation.indicators["nps-swift"])

    feedback_services.survey_update(survey=survey, **SCOPES[scope](organisation))
    logged = change_log()
    nightly = nightly_equals_rebuild(django_capture_on_commit_callbacks)

    new = SCOPES[scope](organisation)
    journey = new["journey"] or (new["touchpoint"].stage.journey if new["touchpoint"] else None)
    assert set(answers.values_list("journey", "touchpoint")) == {
        (journey.pk if journey else None, new["touchpoint"].pk if new["touchpoint"] else None)
    }
    # The days of the survey's answers were logged, and nothing else.
    assert logged == {Source.SURVEY_RESPONSE: days_of(answers, "responded_at")}
    assert values_of(organisation.indicators["nps-swift"]) != swift_before
    assert not Snapshot.objects.filter(indicator=organisation.indicators["nps-delivery"]).exists()
    assert nightly.indicators == 8, "the indicators reading answers (of every kind), no other"
    # The survey pages' day counts do not depend on the scope: they stay right.
    assert counted_days() == answered_days()


def test_a_survey_saved_with_its_scope_unchanged_logs_nothing(
    organisation: Organisation,
) -> None:
    survey = organisation.surveys["Checkout CSAT"]

    feedback_services.survey_update(
        survey=survey,
        name="Checkout satisfaction",
        journey=organisation.buy,
        touchpoint=organisation.checkout,
    )

    assert not SourceChange.objects.exists()


def test_a_new_scope_also_moves_answers_that_had_copied_another(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    """Answers written around the services (an old import) may hold another copy of the scope:
    a new scope gives every answer the survey's scope."""
    survey = organisation.surveys["Helpdesk NPS"]
    stray = SurveyResponse.objects.filter(survey=survey).order_by("pk")[:5]
    SurveyResponse.objects.filter(pk__in=[row.pk for row in stray]).update(journey=None)
    SourceChange.objects.all().delete()  # as if the stray copies had always been there
    run(django_capture_on_commit_callbacks, full=True)

    feedback_services.survey_update(survey=survey, touchpoint=organisation.delivery)

    answers = SurveyResponse.objects.filter(survey=survey)
    assert set(answers.values_list("journey", "touchpoint")) == {
        (organisation.buy.pk, organisation.delivery.pk)
    }
    nightly_equals_rebuild(django_capture_on_commit_callbacks)


def test_a_survey_with_answers_keeps_its_kind(organisation: Organisation) -> None:
    """The answers were given on the kind's scale: 0-10 scores cannot become CSAT ratings."""
    survey = organisation.surveys["Delivery NPS"]

    with pytest.raises(ValidationError) as refused:
        feedback_services.survey_update(survey=survey, kind=Survey.Kind.CSAT)

    assert "kind" in refused.value.message_dict
    survey.refresh_from_db()
    assert survey.kind == Survey.Kind.NPS
    assert not SourceChange.objects.exists()


def test_the_api_refuses_a_kind_change_of_an_answered_survey_naming_the_field(
    organisation: Organisation, make_user: Callable[..., User]
) -> None:
    client = APIClient()
    client.force_authenticate(make_user("quality_manager"))
    survey = organisation.surveys["Delivery NPS"]

    response = client.patch(
        reverse("survey-detail", kwargs={"pk": survey.pk}), {"kind": "csat"}, format="json"
    )

    assert response.status_code == 400
    assert "kind" in response.json()
    assert not SourceChange.objects.exists()


def test_a_kind_changed_before_any_answer_counts_the_later_answers_in_the_new_kind(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    """A survey set up as NPS by mistake becomes CSAT before anyone answers; answers imported
    later count for CSAT only, and the nightly run agrees with a rebuild."""
    survey = feedback_services.survey_create(
        created_by=organisation.quality_manager,
        name="Courier feedback",
        kind="nps",
        touchpoint=organisation.delivery,
    )

    feedback_services.survey_update(survey=survey, kind=Survey.Kind.CSAT, question="")
    answer(survey, random.Random(5), 12)

    assert Survey.objects.get(pk=survey.pk).question == str(
        Survey.DEFAULT_QUESTIONS[Survey.Kind.CSAT]
    )
    nightly = nightly_equals_rebuild(django_capture_on_commit_callbacks)
    assert nightly.indicators == 8, "every indicator reading answers rereads the days answered"
    assert not SurveyResponse.objects.filter(survey=survey, score__gt=5).exists()


# Touchpoints ------------------------------------------------------------------------------------


def owner_partner(organisation: Organisation) -> None:
    journey_services.touchpoint_set_owner(
        touchpoint=organisation.delivery, owner=organisation.northwind
    )


def owner_department(organisation: Organisation) -> None:
    journey_services.touchpoint_update(
        touchpoint=organisation.delivery,
        owner_department=organisation.service_desk,
        owner_partner=None,
    )


@pytest.mark.parametrize("hand_over", [owner_partner, owner_department])
def test_a_touchpoint_handed_to_another_owner_takes_its_feedback_along(
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
    hand_over: Callable[[Organisation], None],
) -> None:
    """SwiftParcel's delivery goes to Northwind (or in house): its answers, audits and ideas
    leave SwiftParcel's indicators; its complaints stay attributed to SwiftParcel."""
    delivery = organisation.delivery
    complaints_before = values_of(organisation.indicators["complaints-swift"])
    audits_before = values_of(organisation.indicators["audits-swift"])

    hand_over(organisation)
    logged = change_log()
    nightly_equals_rebuild(django_capture_on_commit_callbacks)

    # The days of the rows recorded at the touchpoint were logged, and nothing else (its
    # complaints too, although their copies keep them where they were: a cheap redo).
    assert logged == {
        Source.SURVEY_RESPONSE: days_of(
            SurveyResponse.objects.filter(touchpoint=delivery), "responded_at"
        ),
        Source.AUDIT: days_of(Audit.objects.filter(touchpoint=delivery), "visited_on"),
        Source.IDEA: days_of(ImprovementIdea.objects.filter(touchpoint=delivery), "implemented_at"),
        Source.COMPLAINT: days_of(Complaint.objects.filter(touchpoint=delivery), "received_at"),
    }
    assert values_of(organisation.indicators["complaints-swift"]) == complaints_before
    assert values_of(organisation.indicators["audits-swift"]) != audits_before
    assert set(Complaint.objects.filter(touchpoint=delivery).values_list("owner_partner")) == {
        (organisation.swift.pk,)
    }


def test_a_touchpoint_handed_between_departments_logs_nothing(
    organisation: Organisation,
) -> None:
    """No computation reads a touchpoint's department: the numbers do not move."""
    journey_services.touchpoint_set_owner(
        touchpoint=organisation.checkout, owner=Department.objects.create(name="Web shop")
    )

    assert not SourceChange.objects.exists()


def test_a_touchpoint_stays_in_its_journey(organisation: Organisation) -> None:
    """Moving the delivery to the support journey would move its feedback: it is refused."""
    support_stage = Stage.objects.get(journey=organisation.support)

    with pytest.raises(ValidationError):
        journey_services.touchpoint_update(touchpoint=organisation.delivery, stage=support_stage)
    with pytest.raises(ValidationError):
        journey_services.stage_update(stage=support_stage, journey=organisation.buy)

    assert not SourceChange.objects.exists()


def delete_touchpoint(organisation: Organisation, by: User) -> None:
    journey_services.touchpoint_delete(touchpoint=organisation.helpdesk, by=by)


def delete_stage(organisation: Organisation, by: User) -> None:
    journey_services.stage_delete(stage=organisation.drop_off.stage, by=by)


def delete_journey(organisation: Organisation, by: User) -> None:
    journey_services.journey_delete(journey=organisation.returns, by=by)


@pytest.mark.parametrize("delete", [delete_touchpoint, delete_stage, delete_journey])
def test_deleting_a_touchpoint_with_its_stage_or_journey_takes_its_feedback_out(
    organisation: Organisation,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
    delete: Callable[[Organisation, User], None],
) -> None:
    """An administrator deletes a touchpoint, or the stage or journey holding it: its audits
    go with it, its answers and ideas stay without it, out of its partner's numbers."""
    administrator = make_user("administrator")
    gone = organisation.helpdesk if delete is delete_touchpoint else organisation.drop_off
    kept = {
        Source.SURVEY_RESPONSE: days_of(
            SurveyResponse.objects.filter(touchpoint=gone), "responded_at"
        ),
        Source.IDEA: days_of(ImprovementIdea.objects.filter(touchpoint=gone), "implemented_at"),
    }
    audits = days_of(Audit.objects.filter(touchpoint=gone), "visited_on")

    delete(organisation, administrator)
    logged = change_log()
    nightly_equals_rebuild(django_capture_on_commit_callbacks)

    assert not Touchpoint.objects.filter(pk=gone.pk).exists()
    # The answers and ideas kept without it, the audits deleted with it, and the complaints
    # naming it (their journey and owner are copies: logged, although they stay put).
    assert logged[Source.SURVEY_RESPONSE] == kept[Source.SURVEY_RESPONSE]
    assert logged[Source.IDEA] == kept[Source.IDEA]
    assert logged[Source.AUDIT] == audits


def test_the_admin_leaves_a_touchpoint_s_owner_to_the_journey_map(
    organisation: Organisation, client_for: Callable[[str | None], Client]
) -> None:
    """The admin would save a new owner without logging what it moves: it shows it read-only."""
    client = client_for("administrator")
    url = reverse("admin:journeys_touchpoint_change", args=[organisation.delivery.pk])

    page = client.get(url).content.decode()

    assert 'name="owner_partner"' not in page
    assert 'name="owner_department"' not in page


# Indicators -------------------------------------------------------------------------------------


REDEFINITIONS: dict[str, tuple[str, Callable[[Organisation], dict[str, Any]]]] = {
    # what changes: (the indicator changed, its new definition)
    "computation": ("nps-swift", lambda world: {"computation": "csat"}),
    "grain": ("nps-support", lambda world: {"grain": "month"}),
    "journey to partner": ("nps-buy", lambda world: {"journey": None, "partner": world.swift}),
    "partner to touchpoint": (
        "audits-northwind",
        lambda world: {"partner": None, "touchpoint": world.helpdesk},
    ),
    "segment": (
        "complaint-rate",
        lambda world: {"segment": CustomerSegment.objects.create(name="Businesses")},
    ),
    "active customer": (
        "retention",
        lambda world: {"active_customer": "trailing_window", "active_window_days": 45},
    ),
    "chart type": ("csat", lambda world: {"chart_type": "p"}),
    "baseline": ("nps", lambda world: {"baseline_periods": 3}),
    "target": ("ces-support", lambda world: {"target": 5.0, "amber_threshold": 4.0}),
}


def test_a_changed_indicator_definition_is_redone_by_the_nightly_run(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    """Each field of the definition that the snapshots or verdicts depend on, changed on an
    indicator of its own: the nightly run redoes those indicators, and only those."""
    changed = []
    for code, fields in REDEFINITIONS.values():
        indicator = organisation.indicators[code]
        services.indicator_update(indicator=indicator, **fields(organisation))
        changed.append(indicator.pk)

    assert set(
        Indicator.objects.filter(needs_full_recompute=True).values_list("pk", flat=True)
    ) == set(changed)
    assert not SourceChange.objects.exists()
    nightly = nightly_equals_rebuild(django_capture_on_commit_callbacks)
    assert nightly.indicators == len(changed)


def test_an_indicator_made_active_again_catches_up_with_what_it_missed(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    """While inactive an indicator is not recomputed, and the runs delete the changes it
    missed: made active again, it redoes every period."""
    indicator = organisation.indicators["nps-northwind"]
    services.indicator_update(indicator=indicator, is_active=False)
    answer(organisation.surveys["Helpdesk NPS"], random.Random(9), 10)
    SurveyResponse.objects.filter(touchpoint=organisation.helpdesk).order_by("pk")[0].delete()
    run(django_capture_on_commit_callbacks)

    services.indicator_update(indicator=indicator, is_active=True)

    nightly_equals_rebuild(django_capture_on_commit_callbacks)


# What people are told ---------------------------------------------------------------------------


def test_saving_a_new_survey_scope_says_when_the_numbers_follow(
    organisation: Organisation, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("quality_manager")
    survey = organisation.surveys["Delivery NPS"]
    form = {
        "name": survey.name,
        "kind": survey.kind,
        "question": survey.question,
        "touchpoint": organisation.helpdesk.pk,
        "starts_at": timezone.localtime(survey.starts_at).strftime("%Y-%m-%dT%H:%M"),
    }

    page = client.post(
        reverse("feedback:survey-edit", args=[survey.pk]), form, follow=True
    ).content.decode()

    assert "now count for the new journey or touchpoint" in page
    assert "next recompute" in page


def test_handing_a_touchpoint_over_on_the_map_says_when_the_numbers_follow(
    organisation: Organisation, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("quality_manager")
    delivery = organisation.delivery
    form = {
        "stage": delivery.stage_id,
        "name": delivery.name,
        "channel": delivery.channel,
        "owner": f"partner:{organisation.northwind.pk}",
    }

    page = client.post(
        reverse("journeys:touchpoint-edit", args=[delivery.pk]), form
    ).content.decode()

    assert "now count for its new owner" in page
    assert Source.SURVEY_RESPONSE in change_log()


def test_rows_rewritten_in_bulk_are_logged_for_the_readers_they_name(
    organisation: Organisation,
) -> None:
    """Observations name their indicator: a bulk rewrite of them logs each for its own."""
    observed = services.indicator_create(
        code="handling-time",
        name="Handling time",
        kind="leading",
        stakeholder_group="employees",
        computation="observed",
        grain="week",
    )
    services.observations_add(
        indicator=observed,
        rows=[{"period": "2026-05-04", "value": 3.0}, {"period": "2026-05-06", "value": 4.0}],
    )
    SourceChange.objects.all().delete()

    changes_record_rows(Observation.objects.filter(indicator=observed))

    assert set(SourceChange.objects.values_list("source", "scope", "first_day", "last_day")) == {
        (Source.OBSERVATION, f"indicator:{observed.pk}", date(2026, 5, 4), date(2026, 5, 4)),
        (Source.OBSERVATION, f"indicator:{observed.pk}", date(2026, 5, 6), date(2026, 5, 6)),
    }


# Customers --------------------------------------------------------------------------------------


def test_a_customer_moved_to_another_segment_takes_their_feedback_along(
    organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    """A customer's answers and complaints count in their segment as it is now (indicators read
    it through the customer): moving the customer to another segment is redone by the nightly
    run."""
    from stakeholders import services as stakeholder_services

    homes, business = (CustomerSegment.objects.create(name=name) for name in ("Homes", "Business"))
    customer = CustomerFactory.create(first_seen=FIRST_DAY, segment=homes)
    rng = random.Random(6)
    survey = organisation.surveys["Helpdesk NPS"]
    for _ in range(12):
        feedback_services.survey_respond(
            survey=survey,
            score=rng.randint(0, 10),
            customer=customer,
            channel=SurveyResponse.Channel.API,
            responded_at=moment(rng),
        )
    for segment in (homes, business):
        services.indicator_create(
            code=f"nps-{segment.name.lower()}",
            name=f"NPS {segment.name}",
            kind="lagging",
            stakeholder_group="customers",
            computation="nps",
            grain="month",
            segment=segment,
        )
    run(django_capture_on_commit_callbacks)  # the new answers and indicators, then nothing new
    homes_before = values_of(Indicator.objects.get(code="nps-homes"))
    assert homes_before, "the customer's answers count for Homes"

    stakeholder_services.customer_update(customer=customer, segment=business)

    assert (
        days_of(SurveyResponse.objects.filter(customer=customer), "responded_at")
        <= (change_log()[Source.SURVEY_RESPONSE])
    )
    nightly_equals_rebuild(django_capture_on_commit_callbacks)
    assert values_of(Indicator.objects.get(code="nps-homes")) != homes_before
