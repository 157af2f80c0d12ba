"""The monthly report's partners, people and balance sections: what they tell an executive."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone

from core.roles import Role
from feedback import services as feedback_services
from feedback.models import Survey, SurveyResponse
from journeys.models import Touchpoint
from metrics.models import Indicator, Snapshot
from reports.models import PartnerScore, Standing
from reports.monthly.months import ReportMonth
from reports.monthly.sections import balance, partners, people
from stakeholders.models import Partner
from tests.core.factories import UserFactory
from tests.feedback.factories import (
    AuditFactory,
    ChecklistFactory,
    IdeaFactory,
    RecognitionFactory,
    SurveyFactory,
)
from tests.metrics.factories import IndicatorFactory
from tests.reports.factories import local
from tests.stakeholders.factories import PartnerFactory

pytestmark = pytest.mark.django_db

OCTOBER = ReportMonth(date(2026, 10, 1))
SEPTEMBER = date(2026, 9, 1)


def store_score(partner: Partner, month: date, score: float, standing: str) -> None:
    PartnerScore.objects.create(
        partner=partner, period=month, score=score, standing=standing, computed_at=timezone.now()
    )


def render_section(module: object, data: dict) -> str:
    return render_to_string(
        f"reports/monthly/sections/{module.KEY}.html",  # type: ignore[attr-defined]
        {"data": data, "charts": {}},
    )


def test_partners_show_each_score_against_last_month_and_name_the_movers() -> None:
    """hand-computed: BoxCo 64.0 → 72.5 is +8.5 and watch → good (up); Swift 90.0 → 81.0 is
    -9.0 and excellent → good (down)."""
    boxco = PartnerFactory.create(name="BoxCo")
    swift = PartnerFactory.create(name="Swift")
    store_score(boxco, SEPTEMBER, 64.0, Standing.WATCH)
    store_score(boxco, OCTOBER.first, 72.5, Standing.GOOD)
    store_score(swift, SEPTEMBER, 90.0, Standing.EXCELLENT)
    store_score(swift, OCTOBER.first, 81.0, Standing.GOOD)

    data = partners.build(OCTOBER)

    by_name = {row["name"]: row for row in data["partners"]}
    assert by_name["BoxCo"]["change"] == 8.5
    assert by_name["BoxCo"]["standing_move"] == "up"
    assert by_name["Swift"]["change"] == -9.0
    assert by_name["Swift"]["standing_move"] == "down"
    assert [row["name"] for row in data["movers"]["rises"]] == ["BoxCo"]
    assert [row["name"] for row in data["movers"]["falls"]] == ["Swift"]
    assert {row["name"] for row in data["movers"]["standing_changes"]} == {"BoxCo", "Swift"}
    [chart] = partners.charts(data, OCTOBER)
    assert chart.key == "partners_scores"
    assert chart.table.rows == [["BoxCo", 64.0, 72.5], ["Swift", 90.0, 81.0]]


def test_a_partner_scored_only_last_month_has_no_change() -> None:
    partner = PartnerFactory.create(name="GoneCo")
    store_score(partner, SEPTEMBER, 70.0, Standing.GOOD)

    [row] = partners.build(OCTOBER)["partners"]

    assert row["score"] is None
    assert row["change"] is None
    assert row["standing_move"] == ""


def audit(touchpoint: Touchpoint, *, on: date, by: User, item_score: int) -> None:
    """Record a visit scoring every item of a quality manager's checklist the same."""
    checklist = ChecklistFactory.create(touchpoint=touchpoint)
    AuditFactory.create(
        template=checklist,
        auditor=by,
        visited_on=on,
        scores={item.pk: item_score for item in checklist.items.all()},
    )


def test_mystery_shopping_marks_executives_audits_and_flags_low_scores(
    touchpoint: Touchpoint,
) -> None:
    """hand-computed: every item 3 of 4 scores 75 %, every item 2 of 4 scores 50 %; the
    average is (75 + 50) / 2 = 62.5 %, and 50 % is below the 70 % threshold."""
    executive = UserFactory.create(role=Role.EXECUTIVE, first_name="Mila", last_name="Prins")
    manager = UserFactory.create(role=Role.QUALITY_MANAGER, first_name="Quinn", last_name="Ok")
    audit(touchpoint, on=date(2026, 10, 3), by=executive, item_score=3)
    audit(touchpoint, on=date(2026, 10, 20), by=manager, item_score=2)
    audit(touchpoint, on=date(2026, 11, 2), by=manager, item_score=4)  # next month: left out

    shop = partners.build(OCTOBER)["mystery_shopping"]

    assert [(row["shopper"], row["by_executive"]) for row in shop["audits"]] == [
        ("Mila Prins", True),
        ("Quinn Ok", False),
    ]
    assert [row["below_threshold"] for row in shop["audits"]] == [False, True]
    assert shop["average"] == 62.5
    assert shop["by_executives"] == 1
    html = render_section(partners, partners.build(OCTOBER))
    assert "Mila Prins <strong>(executive)</strong>" in html
    assert "below 70 %" in html


def enps_answers(survey: Survey, scores: list[int], on: date) -> None:
    for score in scores:
        feedback_services.survey_respond(
            survey=survey, score=score, channel=SurveyResponse.Channel.API, responded_at=local(on)
        )


def test_enps_under_the_anonymity_threshold_stores_no_score() -> None:
    survey = SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)
    enps_answers(survey, [10, 10, 2, 9], date(2026, 10, 14))

    data = people.build(OCTOBER)

    current = data["enps"]["months"][0]
    assert data["enps"]["score"] is None
    assert current["score"] is None
    assert current["promoters_percent"] is None
    assert current["answers"] == 4
    assert "too few answers to show (fewer than 5)" in render_section(people, data)


def test_enps_from_the_threshold_on_is_promoters_less_detractors() -> None:
    """hand-computed: 10, 10, 9, 7, 3 → 3 promoters and 1 detractor of 5: 60 % - 20 % = +40;
    September's 9, 9, 9, 9, 0 → 80 % - 20 % = +60, so October fell 20 points."""
    survey = SurveyFactory.create(kind=Survey.Kind.ENPS, recurrence_weeks=6)
    enps_answers(survey, [10, 10, 9, 7, 3], date(2026, 10, 14))
    enps_answers(survey, [9, 9, 9, 9, 0], date(2026, 9, 14))

    enps = people.build(OCTOBER)["enps"]

    assert enps["score"] == 40
    assert enps["months"][0]["promoters_percent"] == 60
    assert enps["months"][0]["detractors_percent"] == 20
    assert enps["months"][1]["score"] == 60
    assert enps["change"] == -20


def test_recognition_counts_the_month_and_names_who_recognised_whom() -> None:
    giver = UserFactory.create(role=Role.EXECUTIVE, first_name="Maya", last_name="Vos")
    recipient = UserFactory.create(role=Role.FRONTLINE, first_name="Daan", last_name="Smit")
    RecognitionFactory.create(
        given_by=giver,
        recipient=recipient,
        behaviour="Called the customer back the same day.",
        given_at=local(date(2026, 10, 9)),
    )
    RecognitionFactory.create(given_at=local(date(2026, 10, 20)))
    RecognitionFactory.create(given_at=local(date(2026, 11, 2)))  # next month: not counted

    recognition = people.build(OCTOBER)["recognition"]

    assert recognition["count"] == 2
    assert recognition["recipients"] == 2
    assert {
        "recipient": "Daan Smit",
        "given_by": "Maya Vos",
        "given_on": "2026-10-09",
        "behaviour": "Called the customer back the same day.",
        "linked": "",
    } in recognition["highlights"]


def test_ideas_adopted_are_those_implemented_in_the_month(colleague: User) -> None:
    adopted = IdeaFactory.create(title="Photo at the door", submitted_at=local(date(2026, 9, 2)))
    feedback_services.idea_accept(idea=adopted, by=colleague, at=local(date(2026, 9, 20)))
    feedback_services.idea_implement(idea=adopted, by=colleague, at=local(date(2026, 10, 5)))
    accepted = IdeaFactory.create(submitted_at=local(date(2026, 10, 1)))
    feedback_services.idea_accept(idea=accepted, by=colleague, at=local(date(2026, 10, 8)))

    ideas = people.build(OCTOBER)["ideas"]

    assert ideas["implemented"] == 1
    assert [idea["title"] for idea in ideas["adopted"]] == ["Photo at the door"]
    assert ideas["adopted"][0]["implemented_on"] == "2026-10-05"
    assert ideas["accepted"] == 1
    assert ideas["submitted"] == 1


def monthly(
    group: str, value: float, *, signals: list[str] | None = None, **fields: object
) -> None:
    indicator = IndicatorFactory.create(stakeholder_group=group, **fields)
    Snapshot.objects.create(
        indicator=indicator, period=OCTOBER.first, value=value, signals=signals or [], center=70.0
    )


def test_balance_judges_each_group_on_the_months_own_values() -> None:
    """hand-computed: customers' 95 against a target of 90 meets it and, signalling above a
    centre of 70 with higher better, improves: healthy; employees' 60 is worse than red-from 75:
    needs action. Their stored (latest) verdicts say otherwise and are not read."""
    monthly(
        "customers",
        95.0,
        signals=["WE1"],
        target=90.0,
        status=Indicator.Status.RED,  # the latest period's verdict, not October's
    )
    monthly(
        "employees",
        60.0,
        target=90.0,
        red_threshold=75.0,
        status=Indicator.Status.MEETS_TARGET,
    )

    groups = {row["group"]: row for row in balance.build(OCTOBER)["groups"]}

    assert groups["customers"]["on_target"] == 1
    assert groups["customers"]["improving"] == 1
    assert groups["customers"]["state"] == "green"
    assert groups["employees"]["red"] == 1
    assert groups["employees"]["state"] == "red"
    assert groups["employees"]["state_label"] == "Needs action"
    assert groups["leaders"]["state"] == "unmeasured"
    assert groups["customers"]["previous_state"] == "unjudged"  # no September value
    assert [row["name"] for row in groups["employees"]["attention"]] == [
        Indicator.objects.get(stakeholder_group="employees").name
    ]


def test_a_period_the_recompute_had_not_closed_is_not_judged() -> None:
    monthly("customers", 95.0, target=90.0, complete_before=OCTOBER.first)

    [customers] = [row for row in balance.build(OCTOBER)["groups"] if row["group"] == "customers"]

    assert customers["unjudged"] == 1
    assert customers["state"] == "unjudged"
